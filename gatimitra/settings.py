"""Settings, read from the environment (and ``.env``) with django-environ.

They fail closed: ``DJANGO_DEBUG`` is off unless set, and with it off the
process refuses to start (ImproperlyConfigured, naming the variable) when
``DJANGO_SECRET_KEY`` or ``GATIMITRA_HASH_KEY`` is missing, a development
value or too short, or when ``DATABASE_URL`` is missing. Development gets
``DJANGO_DEBUG=true`` from ``.env``, which ``manage.py start`` writes on its
first run (``gatimitra/devenv.py``; ``.env.example`` lists every variable).

Database: ``DATABASE_URL`` (``postgres://user:pass@host:port/name``) selects a
server; in development without it the project runs on an embedded PostgreSQL
kept under ``.local/postgres`` (``GATIMITRA_EMBEDDED_DIR`` moves it), started
on the first connection.
"""

from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

from gatimitra.ops.topology import (
    DIRECT_KEY,
    POOLER_KEY,
    behind_transaction_pooler,
    direct_settings,
    pooler_mode,
    with_pool,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# GATIMITRA_ENV_FILE names another file ("" for none: the settings tests use it).
_env_file = env.str("GATIMITRA_ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file:
    environ.Env.read_env(_env_file, overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

#: Values that are public (they are in this repository): accepted only with DEBUG on.
DEVELOPMENT_SECRETS = {
    "DJANGO_SECRET_KEY": "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production",
    "GATIMITRA_HASH_KEY": "dev-only-insecure-hash-key-set-GATIMITRA_HASH_KEY",
}
#: The shortest secret accepted with DEBUG off (Django's own check wants 50).
SECRET_MIN_LENGTH = {"DJANGO_SECRET_KEY": 50, "GATIMITRA_HASH_KEY": 32}


def _secret(name):
    """The secret ``name`` from the environment; with DEBUG off a missing,
    public or short one stops the process instead of running insecurely."""
    value = env.str(name, default="")
    public = value in DEVELOPMENT_SECRETS.values() or value.startswith(
        ("django-insecure", "dev-only")
    )
    if DEBUG:
        return value or DEVELOPMENT_SECRETS[name]
    if not value:
        problem = "is not set"
    elif public:
        problem = "is a development value that is public"
    elif len(value) < SECRET_MIN_LENGTH[name] or len(set(value)) < 5:
        problem = (
            f"is too short or too simple (at least {SECRET_MIN_LENGTH[name]} random characters)"
        )
    else:
        return value
    raise ImproperlyConfigured(
        f"{name} {problem}, and DJANGO_DEBUG is off. Set {name} in the environment "
        "(see .env.example); development sets DJANGO_DEBUG=true in .env (manage.py start "
        "writes one)."
    )


SECRET_KEY = _secret("DJANGO_SECRET_KEY")
#: The HMAC key of keyed_hash (gatimitra/db/secrets.py); never SECRET_KEY.
GATIMITRA_HASH_KEY = _secret("GATIMITRA_HASH_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# HTTPS and cookies: on by default with DEBUG off, each can be set from the environment.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# "HEADER=value" that the TLS-terminating proxy sets (and overwrites); "off" for none.
_proxy_header = env.str(
    "DJANGO_SECURE_PROXY_SSL_HEADER", default="off" if DEBUG else "HTTP_X_FORWARDED_PROTO=https"
)
if _proxy_header.lower() in {"", "off", "none", "false"}:
    SECURE_PROXY_SSL_HEADER = None
elif "=" in _proxy_header:
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_header.split("=", 1))
else:
    raise ImproperlyConfigured(
        f"DJANGO_SECURE_PROXY_SSL_HEADER must be HEADER=value or off (got {_proxy_header!r})"
    )
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    default=[]
    if DEBUG
    else [f"https://{host}" for host in ALLOWED_HOSTS if host and "*" not in host],
)
# Django's error page and reports hide settings and environment variables by
# name; DATABASE_URL (it holds the password) matches none of its patterns.
DEFAULT_EXCEPTION_REPORTER_FILTER = "gatimitra.errors.ExceptionReporterFilter"

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
    # Last: the demo data generator imports every domain, and nothing imports it.
    "demo.apps.DemoConfig",
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


def _postgres_url(name):
    url = env.str(name)
    scheme = url.split(":", 1)[0]
    if scheme not in _POSTGRES_SCHEMES or "://" not in url:
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// URL (got scheme {scheme!r})"
            + ("; unset it to use the embedded PostgreSQL" if name == "DATABASE_URL" else "")
        )
    db = env.db_url(name)
    db["ENGINE"] = "gatimitra.db.backend"
    # A Unix-socket directory given URL-encoded as the host (%2Fvar%2Frun...).
    db["HOST"] = unquote(str(db.get("HOST") or ""))
    return db


if env.str("DATABASE_URL", default=""):
    _default_db = _postgres_url("DATABASE_URL")
elif DEBUG:
    from gatimitra.ops.embedded import database_settings

    # Not started here: the backend starts it on the first connection.
    _default_db = database_settings(EMBEDDED_POSTGRES_DIR)
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set, and DJANGO_DEBUG is off: outside development there is no "
        "embedded PostgreSQL fallback. Set DATABASE_URL=postgres://user:password@host:5432/name "
        "(or DJANGO_DEBUG=true in a development checkout's .env)."
    )

# Keep bound values out of the server log when a statement fails: the only
# parameter-logging setting a non-superuser may set (docs/operations.md lists
# the server-side ones: log_parameter_max_length, log_min_error_statement).
_options = _default_db.setdefault("OPTIONS", {})
if "log_parameter_max_length_on_error" not in _options.get("options", ""):
    _options["options"] = (
        f"{_options.get('options', '')} -c log_parameter_max_length_on_error=0".strip()
    )
_default_db.setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
_default_db.setdefault("TEST", {})

# Pooler, direct URL, Django's pool, read replica (gatimitra/ops/topology.py,
# gatimitra/routers.py; docs/operations.md "Pooler and replica").
# The direct and replica connections are sessions: they keep the options.
_session_options = dict(_options)
DATABASE_POOLER = pooler_mode(env.str("DATABASE_POOLER", default="none"))
if DATABASE_POOLER == "transaction":
    behind_transaction_pooler(_default_db)
elif DATABASE_POOLER == "session":
    _default_db[POOLER_KEY] = "session"
if env.str("DATABASE_DIRECT_URL", default=""):
    _default_db[DIRECT_KEY] = direct_settings(
        _postgres_url("DATABASE_DIRECT_URL"), {**_default_db, "OPTIONS": _session_options}
    )
if env.bool("DATABASE_POOL", default=False):
    if DATABASE_POOLER == "transaction":
        raise ImproperlyConfigured(
            "DATABASE_POOL=true and DATABASE_POOLER=transaction: pool in one place "
            "(PgBouncer for many processes, Django's pool for one), not both"
        )
    with_pool(
        _default_db,
        min_size=env.int("DATABASE_POOL_MIN_SIZE", default=2),
        max_size=env.int("DATABASE_POOL_MAX_SIZE", default=10),
        timeout=env.float("DATABASE_POOL_TIMEOUT", default=10),
    )
DATABASES = {"default": _default_db}
DATABASE_ROUTERS = []
#: Seconds the replica may be behind before reads go back to the primary.
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=10)
#: Seconds a measured replica lag (or "down") is believed before measuring again.
DATABASE_REPLICA_CHECK_INTERVAL = env.float("DATABASE_REPLICA_CHECK_INTERVAL", default=3)
if env.str("DATABASE_REPLICA_URL", default=""):
    _replica_db = _postgres_url("DATABASE_REPLICA_URL")
    _replica_db["OPTIONS"] = {**_session_options, **_replica_db.get("OPTIONS", {})}
    _replica_db["OPTIONS"].pop("pool", None)
    _replica_db["OPTIONS"].setdefault("connect_timeout", 3)
    _replica_db["CONN_MAX_AGE"] = _default_db["CONN_MAX_AGE"]
    # The test run reads its own test database through "replica".
    _replica_db["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica_db
    DATABASE_ROUTERS = ["gatimitra.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("audit.context.AuditContextMiddleware"),
        "gatimitra.routers.ReplicaRoutingMiddleware",
    )

# A domain schema moved to its own server (manage.py move_schema, docs/scaling.md):
# DATABASE_<SCHEMA>_URL adds the alias <schema>, where the router sends that app.
from gatimitra.db.tables import DOMAIN_SCHEMAS  # noqa: E402

for _schema in DOMAIN_SCHEMAS:
    if env.str(f"DATABASE_{_schema.upper()}_URL", default=""):
        _moved = env.db_url(f"DATABASE_{_schema.upper()}_URL")
        _moved["ENGINE"] = "gatimitra.db.backend"
        _moved["HOST"] = unquote(str(_moved.get("HOST") or ""))
        _moved["OPTIONS"] = dict(_default_db["OPTIONS"])
        _moved["CONN_MAX_AGE"] = _default_db["CONN_MAX_AGE"]
        _moved["TEST"] = {"MIRROR": "default"}
        DATABASES[_schema] = _moved
# A moved domain's router goes first: its models never read a replica of the
# server they left.
DATABASE_ROUTERS = ["gatimitra.routers.DomainRouter", *DATABASE_ROUTERS]

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
# Admin sign-in throttling (access_mgmt/throttle.py): this many failures within the
# window lock the identifier typed (per account) or the IP, for the lockout time.
GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT = env.int(
    "GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT", default=5
)
GATIMITRA_LOGIN_MAX_FAILURES_PER_IP = env.int("GATIMITRA_LOGIN_MAX_FAILURES_PER_IP", default=20)
GATIMITRA_LOGIN_WINDOW_SECONDS = env.int("GATIMITRA_LOGIN_WINDOW_SECONDS", default=900)
GATIMITRA_LOGIN_LOCKOUT_SECONDS = env.int("GATIMITRA_LOGIN_LOCKOUT_SECONDS", default=900)

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

# Backups (gatimitra/ops/backup.py) ---------------------------------------------
# Signs every backup manifest (HMAC-SHA256); backup and restore commands refuse
# to run without it (at least 32 characters), so an edited manifest or dump is
# never restored. Keep it with the backups' credentials, not with the backups.
GATIMITRA_BACKUP_KEY = env("GATIMITRA_BACKUP_KEY", default="")
# Where backup_schema's dumps and manifests are kept: the admin's Backups page
# reads the manifests there (empty: the page says none is configured).
GATIMITRA_BACKUP_DIR = env("GATIMITRA_BACKUP_DIR", default="")

# Migrations (gatimitra/ops/deploy.py) -------------------------------------------
MIGRATION_LOCK_WAIT = env.float("MIGRATION_LOCK_WAIT", default=600)
MIGRATION_LOCK_TIMEOUT = env("MIGRATION_LOCK_TIMEOUT", default="5s")
MIGRATION_STATEMENT_TIMEOUT = env("MIGRATION_STATEMENT_TIMEOUT", default="15min")
MIGRATION_SNAPSHOT_ENABLED = env.bool("MIGRATION_SNAPSHOT_ENABLED", default=True)
# Where the migration snapshot lives (gatimitra/ops/snapshot.py); tests point it elsewhere.
MIGRATION_SNAPSHOT_PATH = env("MIGRATION_SNAPSHOT_PATH", default=None)

# Time partitions (gatimitra/ops/partitions.py, docs/partitions.md) -------------
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
