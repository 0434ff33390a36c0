"""The whole migration graph builds from empty and reverses to nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from gatimitra.apps import DomainConfig
from gatimitra.guards import mark_development
from gatimitra.ops.catalog import snapshot
from gatimitra.ops.deploy import HISTORY_TABLE

DOMAIN_SCHEMAS = [c.db_schema for c in apps.get_app_configs() if isinstance(c, DomainConfig)]


def _leftovers():
    # Like django_migrations, the migration history outlives the migrations.
    kept = ("django_migrations", HISTORY_TABLE)
    snap = snapshot(connection, ["public", *DOMAIN_SCHEMAS])
    for section in ("tables", "columns", "constraints", "indexes", "sequences"):
        store = getattr(snap, section)
        for key in [k for k in store if any(table in str(k) for table in kept)]:
            del store[key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extname FROM pg_extension WHERE extname IN ('citext', 'btree_gist', 'pg_trgm')"
        )
        extensions = [row[0] for row in cursor.fetchall()]
    return snap, extensions


def test_every_migration_has_a_real_name():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    project_apps = {c.label for c in apps.get_app_configs() if isinstance(c, DomainConfig)} | {
        "gatimitra"
    }
    names = [name for (label, name) in loader.disk_migrations if label in project_apps]
    assert names
    assert [name for name in names if "_auto_" in name] == []


def test_each_app_has_one_linear_history():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = {}
    for label, name in loader.graph.leaf_nodes():
        leaves.setdefault(label, []).append(name)
    assert {label: names for label, names in leaves.items() if len(names) > 1} == {}


def _schema_objects(schema):
    """Everything left in ``schema``, and functions or triggers named after it elsewhere."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname = %s
            UNION ALL
            SELECT 'relation ' || c.relname FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s
            UNION ALL
            SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = %s OR (n.nspname = 'public' AND p.proname LIKE %s)
            UNION ALL
            SELECT 'trigger ' || t.tgname FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE NOT t.tgisinternal AND n.nspname = %s
            """,
            [schema, schema, schema, f"{schema}%", schema],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.slow
@pytest.mark.server_pass
@pytest.mark.django_db(transaction=True)
def test_every_app_to_zero_leaves_nothing_and_migrates_back():
    """``migrate <app> zero`` for each app in turn (each one also unapplies
    what depends on it) leaves nothing of that app's schema; with every app at
    zero nothing at all is left; ``migrate`` then builds it all again."""
    loader = MigrationLoader(connection)
    labels = [c.label for c in apps.get_app_configs() if isinstance(c, DomainConfig)]
    labels += sorted({label for label, _ in loader.applied_migrations} - set(labels))
    try:
        for label in labels:
            call_command("migrate", label, "zero", verbosity=0)
            if label in DOMAIN_SCHEMAS:
                assert _schema_objects(label) == [], f"left behind by migrate {label} zero"
        snap, extensions = _leftovers()
        assert snap.schemas == {"public"}
        assert snap.differences(type(snap)(schemas=snap.schemas), "left", "empty") == []
        assert extensions == []
    finally:
        call_command("migrate", verbosity=0)
        # gatimitra zero dropped the development marker with its table: the
        # test database is marked again, as conftest's django_db_setup marks
        # it (the flush after this test, and later tests, need it).
        mark_development("pytest")
    assert snapshot(connection, DOMAIN_SCHEMAS).schemas == set(DOMAIN_SCHEMAS)
