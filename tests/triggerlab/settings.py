"""Project settings plus django-pgtrigger and a new domain app whose first
migration needs both autodetectors: the project's (CreateSchema first) and
pgtrigger's (the trigger). Used by tests/gatimitra/test_autodetector.py."""

from gatimitra.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "pgtrigger", "tests.triggerlab.apps.TriggerLabConfig"]  # noqa: F405
