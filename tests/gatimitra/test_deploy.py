"""migrate in production: deploy lock, history, edited-migration check,
drift check and lock timeouts. Subprocess tests run real ``manage.py migrate``
processes against a fresh database with the lab app of tests/migrationlab."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from gatimitra.ops import deploy
from gatimitra.ops.reference import database_url
from tests.fixtures.gatimitra import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database(db, scratch_database):
    return scratch_database(label="lab")


def _migrate_process(name, *args, **env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "migrate", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.migrationlab.settings",
            "DATABASE_URL": database_url(connection, name),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(name, *args, **env):
    process = _migrate_process(name, *args, **env)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.mark.slow
def test_twenty_concurrent_migrates_serialise_and_apply_each_migration_once(empty_database):
    with connect(empty_database) as holder:
        holder.execute("SET application_name = 'release-42 deploy'")
        holder.execute("SELECT pg_advisory_lock(%s)", [deploy.LOCK_KEY])
        processes = [_migrate_process(empty_database) for _ in range(20)]
        # Everyone must be waiting on us before we let go.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            waiting = holder.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name LIKE 'gatimitra migrate %%' "
                "AND datname = current_database()"
            ).fetchone()[0]
            if waiting == 20:
                break
            time.sleep(0.5)
        assert waiting == 20
        time.sleep(1)
        holder.execute("SELECT pg_advisory_unlock(%s)", [deploy.LOCK_KEY])
        results = [(p.wait(timeout=300), *p.communicate()) for p in processes]

    assert [code for code, _, _ in results] == [0] * 20, [err for _, _, err in results if err]
    assert all("held by pid" in err and "release-42 deploy" in err for _, _, err in results)
    with connect(empty_database) as check:
        assert check.execute("SELECT count(*) FROM lab_data_runs").fetchone()[0] == 1
        duplicates = check.execute(
            "SELECT app, name FROM django_migrations GROUP BY app, name HAVING count(*) > 1"
        ).fetchall()
        assert duplicates == []
        applies = check.execute(
            f"SELECT app, name, count(*) FROM {deploy.HISTORY_TABLE} "
            "WHERE direction = 'APPLY' GROUP BY app, name HAVING count(*) <> 1"
        ).fetchall()
        assert applies == []
        failures = check.execute(
            f"SELECT count(*) FROM {deploy.HISTORY_TABLE} WHERE NOT success"
        ).fetchone()[0]
        assert failures == 0


@pytest.mark.slow
def test_blocked_migration_gives_up_and_names_the_blocker(empty_database):
    code, _, err = _run(empty_database, "migrationlab", "0002")
    assert code == 0, err
    with connect(empty_database, autocommit=False) as blocker:
        blocker.execute("SET application_name = 'nightly report'")
        blocker.execute("SELECT count(*) FROM lab_counter /* long report */")
        blocker_pid = blocker.info.backend_pid
        started = time.monotonic()
        code, _, err = _run(empty_database, "migrationlab", MIGRATION_LOCK_TIMEOUT="1s")
        elapsed = time.monotonic() - started
        blocker.rollback()
    assert code != 0
    assert elapsed < 60
    assert "could not get a lock within 1s" in err
    assert f"blocked by pid {blocker_pid} (nightly report" in err
    assert "long report" in err
    with connect(empty_database) as check:
        failed = check.execute(
            f"SELECT name, error FROM {deploy.HISTORY_TABLE} WHERE NOT success"
        ).fetchall()
    assert [name for name, _ in failed] == ["0003_add_counter_note"]
    assert "lock timeout" in failed[0][1]
    # Retried once the blocker is gone, the same migration applies: the retry
    # names the lab app as the failed run did (all the project's migrations
    # one by one would take minutes on a loaded machine and prove nothing more).
    code, _, err = _run(empty_database, "migrationlab")
    assert code == 0, err
    with connect(empty_database) as check:
        applied = check.execute(
            "SELECT name FROM django_migrations WHERE app = 'migrationlab' ORDER BY name"
        ).fetchall()
    assert [name for (name,) in applied][-1] == "0003_add_counter_note"


@pytest.mark.django_db
def test_history_records_each_applied_migration(django_db_setup):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name, file_checksum, sql_checksum, duration_ms, db_user, host, "
            f"project_version FROM {deploy.HISTORY_TABLE} "
            "WHERE app = 'access_mgmt' AND direction IN ('APPLY', 'SNAPSHOT') AND success"
        )
        rows = cursor.fetchall()
    assert rows
    _, name, file_sum, sql_sum, duration, user, host, version = rows[0]
    assert name.startswith("0001_") and len(file_sum) == 64 and len(sql_sum) == 64
    assert duration >= 0 and user and host and version


@pytest.mark.django_db
def test_edited_applied_migration_is_refused_until_accepted():
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {deploy.HISTORY_TABLE} (app, name, direction, success, file_checksum, "
            "host, project_version) VALUES ('gatimitra', '0001_extensions_and_functions', "
            "'ACCEPT', true, %s, 'test', 'test')",
            ["f" * 64],
        )
    with pytest.raises(CommandError, match="1 applied migration"):
        call_command("verify_migrations")
    with pytest.raises(CommandError, match=r"0001_extensions_and_functions\.py"):
        call_command("migrate", verbosity=0)
    call_command("verify_migrations", "--accept", "gatimitra", "0001_extensions_and_functions")
    call_command("verify_migrations")


@pytest.mark.django_db
def test_drift_check_reports_a_manual_alter_table(capsys):
    call_command("check_drift", "--schema", "access_mgmt")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE access_mgmt.system_users ADD COLUMN nickname text")
        cursor.execute("ALTER TABLE access_mgmt.system_users ALTER COLUMN full_name DROP NOT NULL")
    with pytest.raises(CommandError, match="2 difference"):
        call_command("check_drift", "--schema", "access_mgmt")
    out = capsys.readouterr().out
    assert "column access_mgmt.system_users.nickname: only in the live database" in out
    assert "column access_mgmt.system_users.full_name: the migrations" in out


@pytest.mark.django_db
def test_migration_history_is_read_only_in_the_admin(client, superuser):
    client.force_login(superuser)
    changelist = reverse("admin:gatimitra_migrationhistory_changelist")
    # More migrations than a page holds: search for the first one.
    response = client.get(changelist, {"q": "0001_create_schema_and_system_users"})
    assert response.status_code == 200
    assert "0001_create_schema_and_system_users" in response.content.decode()
    assert client.get(reverse("admin:gatimitra_migrationhistory_add")).status_code == 403


def test_the_lock_gives_the_application_name_back(db):
    with connection.cursor() as cursor:
        cursor.execute("SET application_name = 'fixtures loader'")
        with deploy.deploy_lock(connection, say=lambda _: None):
            cursor.execute("SHOW application_name")
            assert cursor.fetchone()[0].startswith("gatimitra migrate")
        cursor.execute("SHOW application_name")
        assert cursor.fetchone()[0] == "fixtures loader"
