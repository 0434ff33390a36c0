"""Project settings plus a small lab app whose migrations the deploy tests run
(a data migration whose runs are counted, and a schema change that needs a lock)."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.migrationlab"]  # noqa: F405
