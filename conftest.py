"""Root conftest: settings for speed, and the shared fixtures of every domain.

Fixtures live per domain in ``tests/fixtures/<app>.py`` (Saleor's layout) and
are shared with every test through ``pytest_plugins``.
"""

import pytest

pytest_plugins = [
    "tests.fixtures.gatimitra",
    "tests.fixtures.access_mgmt",
    "tests.fixtures.customers",
    "tests.fixtures.merchants",
    "tests.fixtures.riders",
    "tests.fixtures.orders",
    "tests.fixtures.audit",
]


def pytest_configure(config):
    from django.conf import settings

    # Hashing is not under test; argon2 would dominate factory time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases are development databases: the guarded commands
    (start, seed_demo, flush between transactional tests) run on them."""
    from django.db import connections

    from gatimitra.guards import mark_development

    with django_db_blocker.unblock():
        for alias in connections:
            mark_development("pytest", using=alias)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(
        email="root@gatimitra.test", password="password", full_name="Root User"
    )
