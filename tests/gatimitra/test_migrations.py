"""The whole migration graph builds from empty and reverses to nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from gatimitra.apps import DomainConfig
from gatimitra.db.catalog import snapshot
from gatimitra.db.deploy import HISTORY_TABLE

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


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_app_to_zero_leaves_nothing_and_migrates_back():
    loader = MigrationLoader(connection)
    labels = sorted({label for label, _ in loader.applied_migrations})
    for label in labels:
        call_command("migrate", label, "zero", verbosity=0)
    snap, extensions = _leftovers()
    try:
        assert snap.schemas == {"public"}
        assert snap.differences(type(snap)(schemas=snap.schemas), "left", "empty") == []
        assert extensions == []
    finally:
        call_command("migrate", verbosity=0)
    assert snapshot(connection, DOMAIN_SCHEMAS).schemas == set(DOMAIN_SCHEMAS)
