"""Settings, read from the environment (and ``.env``) with django-environ.

Database: ``DATABASE_URL`` (``postgres://user:pass@host:port/name``) selects a
server; without it the project runs on an embedded PostgreSQL kept under
``.local/postgres`` (``GATIMITRA_EMBEDDED_DIR`` moves it).
"""

from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    # Django's admin, with GatiMitra's site as admin.site.
    "gatimitra.apps.GatimitraAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "gatimitra.apps.GatimitraConfig",
    "access_mgmt.apps.AccessMgmtConfig",
    "customers.apps.CustomersConfig",
    "merchants.apps.MerchantsConfig",
    "riders.apps.RidersConfig",
    "orders.apps.OrdersConfig",
    "audit.apps.AuditConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gatimitra.urls"
WSGI_APPLICATION = "gatimitra.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates first: they extend the admin's (audit history link).
        "DIRS": [BASE_DIR / "gatimitra" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database ------------------------------------------------------------------

EMBEDDED_POSTGRES_DIR = Path(
    env("GATIMITRA_EMBEDDED_DIR", default=str(BASE_DIR / ".local" / "postgres"))
)
_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}

if env.str("DATABASE_URL", default=""):
    _url = env.str("DATABASE_URL")
    _scheme = _url.split(":", 1)[0]
    if _scheme not in _POSTGRES_SCHEMES or "://" not in _url:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL (got scheme {_scheme!r}); "
            "unset it to use the embedded PostgreSQL"
        )
    _default_db = env.db_url("DATABASE_URL")
    _default_db["ENGINE"] = "gatimitra.db.backend"
    # A Unix-socket directory given URL-encoded as the host (%2Fvar%2Frun...).
    _default_db["HOST"] = unquote(str(_default_db.get("HOST") or ""))
else:
    from gatimitra.db.embedded import database_settings

    _default_db = database_settings(EMBEDDED_POSTGRES_DIR)

_default_db.setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
_default_db.setdefault("TEST", {})
DATABASES = {"default": _default_db}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Auth ----------------------------------------------------------------------

AUTH_USER_MODEL = "access_mgmt.SystemUser"
AUTHENTICATION_BACKENDS = ["access_mgmt.backends.RoleBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Internationalisation ------------------------------------------------------

LANGUAGE_CODE = "en-in"
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

# Static files ----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".local" / "static"

# Project -------------------------------------------------------------------

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
GATIMITRA_HASH_KEY = env("GATIMITRA_HASH_KEY", default="")
# Where backup_schema's dumps and manifests are kept: the admin's Backups page
# reads the manifests there (empty: the page says none is configured).
GATIMITRA_BACKUP_DIR = env("GATIMITRA_BACKUP_DIR", default="")

# Migrations (gatimitra/db/deploy.py) -------------------------------------------
MIGRATION_LOCK_WAIT = env.float("MIGRATION_LOCK_WAIT", default=600)
MIGRATION_LOCK_TIMEOUT = env("MIGRATION_LOCK_TIMEOUT", default="5s")
MIGRATION_STATEMENT_TIMEOUT = env("MIGRATION_STATEMENT_TIMEOUT", default="15min")
MIGRATION_SNAPSHOT_ENABLED = env.bool("MIGRATION_SNAPSHOT_ENABLED", default=True)
# Where the migration snapshot lives (gatimitra/db/snapshot.py); tests point it elsewhere.
MIGRATION_SNAPSHOT_PATH = env("MIGRATION_SNAPSHOT_PATH", default=None)

# Time partitions (gatimitra/db/partitions.py, docs/partitions.md) -------------
# How long `manage.py partitions` keeps each partitioned table's partitions:
# "<n> days|months|years [detach|drop]" (detach unless drop is said) or
# "forever". The environment overrides per table, e.g.
# GATIMITRA_PARTITION_RETENTION="riders.location_logs=30 days drop,audit.pii_access_logs=10 years"
GATIMITRA_PARTITION_RETENTION = {
    "riders.location_logs": "90 days drop",
    "orders.order_timeline": "13 months detach",
    "orders.order_dispatch_offers": "13 months detach",
    "customers.customer_notifications": "13 months detach",
    **{
        f"audit.{table}": "7 years detach"
        for table in (
            "system_audit_logs",
            "merchant_audit_logs",
            "customer_audit_log",
            "rider_audit_logs",
            "order_audit_logs",
            "access_audit_logs",
            "pii_access_logs",
        )
    },
    **env.dict("GATIMITRA_PARTITION_RETENTION", default={}),
}
