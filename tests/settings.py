"""The test suite's settings: development settings without a ``.env``.

The settings fail closed (DEBUG off needs real secrets and DATABASE_URL); the
tests run as development does, on the embedded PostgreSQL unless DATABASE_URL
is set. Set in ``os.environ`` (not only here) so that the ``manage.py``
processes some tests start, and pytest-xdist's workers, get the same.
Tests of the refusals themselves run the settings in a subprocess with
their own environment (tests/gatimitra/test_safe_settings.py).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from gatimitra.settings import *  # noqa: F403
