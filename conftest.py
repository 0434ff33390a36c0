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
    "tests.fixtures.pgbouncer",
]


def pytest_addoption(parser):
    parser.addoption(
        "--through-pgbouncer",
        action="store_true",
        help="Run the tests' ORM through a transaction-pooling PgBouncer (pool of 4) in "
        "front of the test database, with the settings DATABASE_POOLER=transaction makes "
        "and the test server as DATABASE_DIRECT_URL (docs/operations.md).",
    )


#: The server CI's second pass runs on (.ci/run): tests marked ``server_pass``
#: run there, and only there, when it answers.
SERVER_PASS_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def pytest_collection_modifyitems(config, items):
    """Tests that replay every migration one by one (minutes each, growing with
    every migration) run once, not in both of CI's passes: in the pass on the
    server at 127.0.0.1:5432 when one answers, else here. Only the embedded pass
    skips them, and only after the server has answered, so a machine without
    that server still runs every test."""
    marked = [item for item in items if item.get_closest_marker("server_pass")]
    if not marked:
        return
    from django.db import connection

    from gatimitra.ops.embedded import EMBEDDED_KEY

    if not connection.settings_dict.get(EMBEDDED_KEY):
        return
    import psycopg

    try:
        psycopg.connect(SERVER_PASS_URL, connect_timeout=3).close()
    except psycopg.Error:
        return
    skip = pytest.mark.skip(
        reason="replays the migrations one by one: runs in the pass on 127.0.0.1:5432, "
        "which answers (this pass: embedded PostgreSQL 18)"
    )
    for item in marked:
        item.add_marker(skip)


def pytest_configure(config):
    from django.conf import settings

    # Hashing is not under test; argon2 would dominate factory time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The test databases are development databases: the guarded commands
    (start, seed_demo, flush between transactional tests) run on them."""
    from django.db import connections
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    from gatimitra.guards import mark_development

    with django_db_blocker.unblock():
        for alias in connections:
            # pytest-django creates only the test databases the selected tests
            # ask for (none for a run of tests that build their own, such as
            # test_backup.py's): an alias left on its real database is not
            # marked, and not written to.
            if connections[alias].settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
                mark_development("pytest", using=alias)
    if not request.config.getoption("--through-pgbouncer"):
        yield
        return
    from gatimitra.ops.topology import DIRECT_KEY, direct_settings
    from tests.fixtures.pgbouncer import start_pgbouncer

    default = connections["default"]
    saved = dict(default.settings_dict)
    default.close()
    bouncer = start_pgbouncer(saved, pool_size=4, required=True)
    through = bouncer.settings()
    through[DIRECT_KEY] = direct_settings(saved, saved)
    default.settings_dict.clear()
    default.settings_dict.update(through)
    try:
        yield
    finally:
        # The test database is dropped on the server itself, once PgBouncer
        # has let go of its connections.
        default.close()
        bouncer.stop()
        default.settings_dict.clear()
        default.settings_dict.update(saved)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(
        email="root@gatimitra.test", password="password", full_name="Root User"
    )
