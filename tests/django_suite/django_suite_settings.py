"""Settings for Django's own test suite (``tests/runtests.py`` of the Django
sdist), run by ``tests/django_suite/run.py``; not the project's settings.

Django's ``runtests.py`` brings its own INSTALLED_APPS, MIGRATION_MODULES and
URLs; a settings module gives it only the databases, as Django's own
``test_sqlite.py`` does. ``DJANGO_SUITE_BACKEND`` chooses the project's backend
(``gatimitra``) or Django's (``stock``), so both runs differ in nothing else.
"""

import os

ENGINES = {
    "gatimitra": "gatimitra.db.backend",
    "stock": "django.db.backends.postgresql",
}
BACKEND = os.environ.get("DJANGO_SUITE_BACKEND", "gatimitra")
if BACKEND not in ENGINES:
    raise RuntimeError(f"DJANGO_SUITE_BACKEND={BACKEND!r}: expected one of {sorted(ENGINES)}")

# Each backend has databases of its own (Django creates test_<name>,
# test_<name>_1, ...), so two runs or two people on one server never collide.
NAME = f"{os.environ.get('DJANGO_SUITE_DB', 'django_suite')}_{BACKEND}"
SERVER = {
    "ENGINE": ENGINES[BACKEND],
    "HOST": os.environ.get("DJANGO_SUITE_HOST", "127.0.0.1"),
    "PORT": os.environ.get("DJANGO_SUITE_PORT", "5432"),
    "USER": os.environ.get("DJANGO_SUITE_USER", "postgres"),
    "PASSWORD": os.environ.get("DJANGO_SUITE_PASSWORD", ""),
}

DATABASES = {
    "default": {**SERVER, "NAME": NAME},
    "other": {**SERVER, "NAME": f"{NAME}_other"},
}

# The rest as in Django's own tests/test_sqlite.py.
SECRET_KEY = "django_tests_secret_key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = False
