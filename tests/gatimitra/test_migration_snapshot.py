"""migrate on an empty database replays the migration snapshot; the result is
identical, object for object, to applying every migration one by one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import deploy
from gatimitra.ops.backup import table_facts
from gatimitra.ops.catalog import snapshot
from gatimitra.ops.reference import database_url
from tests.fixtures.gatimitra import connect

ROOT = Path(__file__).resolve().parents[2]
#: Rows that differ between any two runs by design.
RUN_SPECIFIC = {
    ("public", "django_migrations"),
    ("public", deploy.HISTORY_TABLE),
    ("audit", "hash_pepper"),
}
#: Tables whose rows are written by migrations but carry the run's
#: transaction ids and times: a migration that replaces an audit trigger
#: registers its maintenance transaction (audit.maintenance_log, captured in
#: system_audit_logs). Both builds must write as many rows; their values differ.
RUN_SPECIFIC_VALUES = {
    ("audit", "maintenance_log"),
    ("audit", "system_audit_logs"),
}


def test_snapshot_covers_every_migration_unchanged():
    call_command("migration_snapshot", "--check")


@pytest.fixture
def databases(db, scratch_database):
    return lambda: scratch_database(label="mig")


def _migrate(name, *args, settings="gatimitra.settings", **env):
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": database_url(connection, name),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result


def _everything(name):
    with connect(name) as conn, conn.cursor() as cursor:
        catalog = snapshot(conn, ["public", *DOMAIN_SCHEMAS])
        data = {
            (schema, table): (
                {"rows": facts["rows"]} if (schema, table) in RUN_SPECIFIC_VALUES else facts
            )
            for schema in ["public", *DOMAIN_SCHEMAS]
            for table, facts in table_facts(cursor, schema).items()
            if (schema, table) not in RUN_SPECIFIC
        }
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied = cursor.fetchall()
    return catalog, data, applied


def _stale_snapshot(tmp_path):
    """The migration snapshot with its last migration's file checksum changed."""
    document = json.loads((ROOT / "gatimitra" / "migration_snapshot.json").read_text())
    document["migrations"][-1]["file_checksum"] = "0" * 64
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(document))
    return stale


def _directions(name):
    with connect(name) as conn:
        return dict(
            conn.execute(
                f"SELECT direction, count(*) FROM {deploy.HISTORY_TABLE} GROUP BY direction"
            ).fetchall()
        )


@pytest.mark.slow
def test_replayed_database_is_identical_to_one_by_one(databases, tmp_path):
    """The one-by-one build is the one a stale snapshot falls back to: a
    stale snapshot is not used (migrate says so and applies every
    migration), and replaying the current one builds the same database. (One
    build for what were two tests, each with its own one-by-one build, the
    longest part of either.)"""
    slow, fast = databases(), databases()
    result = _migrate(slow, MIGRATION_SNAPSHOT_PATH=str(_stale_snapshot(tmp_path)))
    assert "Replayed" not in result.stdout
    assert "Migration snapshot not used" in result.stderr
    result = _migrate(fast)
    assert "Replayed" in result.stdout
    slow_catalog, slow_data, slow_applied = _everything(slow)
    fast_catalog, fast_data, fast_applied = _everything(fast)
    assert slow_catalog.differences(fast_catalog, "one by one", "replayed") == []
    assert slow_data == fast_data
    assert slow_applied == fast_applied
    assert _directions(slow) == {"APPLY": len(slow_applied)}
    assert _directions(fast) == {"SNAPSHOT": len(fast_applied)}


def test_no_snapshot_applies_one_by_one(settings):
    """``--no-snapshot`` (and any option that names what to apply) keeps
    migrate from replaying the snapshot on an empty database."""
    from gatimitra.management.commands.migrate import Command

    settings.MIGRATION_SNAPSHOT_ENABLED = True
    plain = {
        "no_snapshot": False,
        "record_snapshot": None,
        "app_label": None,
        "fake": False,
        "fake_initial": False,
        "plan": False,
        "prune": False,
    }
    assert Command._may_replay(plain)
    assert not Command._may_replay({**plain, "no_snapshot": True})
    for option in ("record_snapshot", "app_label", "fake", "fake_initial", "plan", "prune"):
        assert not Command._may_replay({**plain, option: "x"}), option


@pytest.mark.slow
def test_migrations_newer_than_the_snapshot_apply_after_it(databases):
    name = databases()
    result = _migrate(name, settings="tests.migrationlab.settings")
    assert "Replayed" in result.stdout
    with connect(name) as conn:
        assert conn.execute("SELECT count(*) FROM lab_data_runs").fetchone()[0] == 1
        lab = conn.execute(
            f"SELECT direction FROM {deploy.HISTORY_TABLE} WHERE app = 'migrationlab'"
        ).fetchall()
    assert lab == [("APPLY",), ("APPLY",), ("APPLY",)]
