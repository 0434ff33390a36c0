"""Per-schema and whole-database backup and restore, on the seeded database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from gatimitra.db.backup import table_facts
from gatimitra.db.reference import database_url, ensure_reference_database
from tests.fixtures.gatimitra import connect

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))


def _manage(*args, database):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(connection, database)},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def scratch_databases(transactional_db, scratch_database):
    return lambda template=None: scratch_database(template, label="bk")


@pytest.fixture
def seeded(transactional_db):
    call_command("loaddata", *SEEDS, verbosity=0)
    with connection.cursor() as cursor:
        return table_facts(cursor, "riders")


@pytest.mark.slow
def test_riders_backup_restores_into_a_database_with_the_other_schemas(
    seeded, scratch_databases, tmp_path
):
    assert sum(facts["rows"] for facts in seeded.values()) > 0
    dump = tmp_path / "riders.dump"
    result = _manage(
        "backup_schema",
        "riders",
        "-o",
        str(dump),
        "--with-referenced-rows",
        database=connection.settings_dict["NAME"],
    )
    assert result.returncode == 0, result.stderr

    # A database with every other schema (built by the migrations, no data)
    # but without riders.
    target = scratch_databases(template=ensure_reference_database(connection))
    with connect(target) as conn:
        conn.execute("DROP SCHEMA riders CASCADE")

    refused = _manage("restore_schema", str(dump), database=target)
    assert refused.returncode != 0
    assert "cannot restore schema riders" in refused.stderr
    assert "referenced row(s) of" in refused.stderr
    with connect(target) as conn:
        assert conn.execute("SELECT to_regnamespace('riders')").fetchone()[0] is None

    restored = _manage("restore_schema", str(dump), "--with-referenced-rows", database=target)
    assert restored.returncode == 0, restored.stderr
    with connect(target) as conn, conn.cursor() as cursor:
        assert table_facts(cursor, "riders") == seeded


@pytest.mark.slow
def test_restoring_without_the_schemas_it_references_names_them(
    seeded, scratch_databases, tmp_path
):
    dump = tmp_path / "riders.dump"
    assert (
        _manage(
            "backup_schema", "riders", "-o", str(dump), database=connection.settings_dict["NAME"]
        ).returncode
        == 0
    )
    empty = scratch_databases()
    refused = _manage("restore_schema", str(dump), database=empty)
    assert refused.returncode != 0
    message = refused.stderr
    assert "it needs schema access_mgmt" in message
    assert "function audit.capture_statement()" in message
    with connect(empty) as conn:
        assert conn.execute("SELECT to_regnamespace('riders')").fetchone()[0] is None


@pytest.mark.slow
def test_whole_database_round_trip(seeded, scratch_databases, tmp_path):
    dump = tmp_path / "all.dump"
    source = connection.settings_dict["NAME"]
    assert _manage("backup_database", "-o", str(dump), database=source).returncode == 0
    copy = f"{source[:30]}_copy_{uuid.uuid4().hex[:6]}"
    result = _manage("restore_database", str(dump), "--into", copy, database=source)
    try:
        assert result.returncode == 0, result.stderr
        assert "counts and checksums match" in result.stdout
        with connect(copy) as conn, conn.cursor() as cursor:
            assert table_facts(cursor, "riders") == seeded
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
