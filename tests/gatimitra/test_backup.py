"""Per-schema and whole-database backup and restore, on a seeded database
(``seed_demo --scale small``: every table has rows) with the database roles.

The round trip of every schema (drop it, restore it, compare the whole
database's ``pg_dump --schema-only`` and every table's checksum) is one
matrix, schema x server. CI runs the suite twice, once on the embedded
PostgreSQL 18 and once with DATABASE_URL at the PostgreSQL 15 server on
127.0.0.1:5432; each case targets one of those servers and is skipped in the
pass that does not use it, so every (schema, server) case runs exactly once
per CI run.
"""

import json
import os
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops import backup, embedded
from gatimitra.ops.reference import database_url, ensure_reference_database
from tests.fixtures.gatimitra import connect, mark_development
from tests.gatimitra.test_db_roles import SERVER_ROLES_LOCK

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-backup-key-" + "k" * 32

#: The servers of CI's two passes (see the module docstring).
EMBEDDED, SERVER_15 = "embedded-pg18", "127.0.0.1:5432-pg15"

# The tests work in databases of their own, but their connection settings are
# the test database's: without this marker a run of this file alone set up no
# test database (pytest-django creates only those the tests ask for) and the
# embedded server never started.
pytestmark = pytest.mark.django_db


def _this_server():
    settings_dict = connection.settings_dict
    # The embedded server starts on the first connection (HOST is still
    # empty at collection): its DATABASES entry names its data folder.
    if settings_dict.get(embedded.EMBEDDED_KEY):
        return EMBEDDED
    host, port = settings_dict.get("HOST") or "", str(settings_dict.get("PORT") or "5432")
    if host in ("127.0.0.1", "localhost") and port == "5432":
        return SERVER_15
    return f"{host}:{port}"


@pytest.fixture(autouse=True)
def backup_key(settings):
    settings.GATIMITRA_BACKUP_KEY = KEY


def _manage(*args, database, key=KEY):
    env = {**os.environ, "DATABASE_URL": database_url(connection, database)}
    env.pop("GATIMITRA_BACKUP_KEY", None)
    if key:
        env["GATIMITRA_BACKUP_KEY"] = key
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _create(name, template=None):
    with connection._nodb_cursor() as cursor:
        # FILE_COPY: copying the files beats WAL-logging every block here.
        suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        cursor.execute(f'CREATE DATABASE "{name}"{suffix}')


def _drop(name):
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="module")
def seeded_template(django_db_setup, django_db_blocker):
    """A database with the migrations, the roles (owners, grants) and
    ``seed_demo --scale small``; each test clones it."""
    with django_db_blocker.unblock():
        name = f"{connection.settings_dict['NAME'][:30]}_bkseed_{uuid.uuid4().hex[:8]}"
        _create(name, ensure_reference_database(connection))
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [SERVER_ROLES_LOCK])
                try:
                    synced = _manage("sync_db_roles", database=name)
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [SERVER_ROLES_LOCK])
            assert synced.returncode == 0, synced.stderr
            # A scratch development database: marked as one for the guard
            # (gatimitra.guards), as `manage.py start` marks it.
            mark_development(name)
            seeded = _manage("seed_demo", "--scale", "small", database=name)
            assert seeded.returncode == 0, seeded.stderr
            yield name
        finally:
            _drop(name)


def _cloner(template):
    names = []

    def make(source=None):
        name = f"{connection.settings_dict['NAME'][:30]}_bk_{uuid.uuid4().hex[:8]}"
        _create(name, source or template)
        names.append(name)
        return name

    return make, names


@pytest.fixture
def clone(django_db_blocker, seeded_template):
    """clone(template=seeded): a new database, dropped after the test. The
    test works in its own databases: no transactional_db (its flush of the
    test database would cost more than the test)."""
    with django_db_blocker.unblock():
        make, names = _cloner(seeded_template)
        yield make
        for name in names:
            _drop(name)


class _On:
    """The test server's connection settings, for database ``name`` (what
    the backup functions read from a Django connection)."""

    def __init__(self, name):
        self.pg_version = connection.pg_version
        self.settings_dict = {**connection.settings_dict, "NAME": name}
        self._params = {**connection.get_connection_params(), "dbname": name}

    def get_connection_params(self):
        return self._params


def _schema_dump(name):
    major = connection.pg_version // 10000
    with backup._Libpq(_On(name)) as libpq:
        result = subprocess.run(
            [backup.tool("pg_dump", major), "--schema-only", "--restrict-key=gmtest"],
            env=libpq.env(),
            capture_output=True,
            text=True,
        )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _all_facts(name):
    with connect(name) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
            "AND nspname <> 'information_schema' ORDER BY 1"
        )
        schemas = [row[0] for row in cursor.fetchall()]
        cursor.execute("BEGIN")
        facts = {schema: backup.table_facts(cursor, schema) for schema in schemas}
        cursor.execute("ROLLBACK")
        return facts


def _backup(name, schema, output, **options):
    return backup.backup_schema(_On(name), schema, output, **options)


def _restore(name, dump, **options):
    return backup.restore_schema(_On(name), dump, **options)


def _schema_exists(name, schema):
    with connect(name) as conn:
        return conn.execute("SELECT to_regnamespace(%s)", [schema]).fetchone()[0] is not None


# The round trip, every schema on both servers ---------------------------------------


def _on_server(server):
    """The parameter ``server``, skipped (at collection, before any fixture
    is set up) in a pass whose database is on another server."""
    return pytest.param(
        server,
        marks=pytest.mark.skipif(
            _this_server() != server,
            reason=f"runs in the suite pass on {server} (this pass: {_this_server()})",
        ),
    )


@pytest.mark.slow
@pytest.mark.parametrize("server", [_on_server(EMBEDDED), _on_server(SERVER_15)])
@pytest.mark.parametrize("schema", DOMAIN_SCHEMAS)
def test_drop_schema_and_restore_gives_back_the_same_database(clone, tmp_path, schema, server):
    name = clone()
    before_ddl, before_rows = _schema_dump(name), _all_facts(name)
    manifest = _backup(name, schema, tmp_path / f"{schema}.dump")
    assert manifest["cannot_restore"] == []
    with connect(name) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    _restore(name, tmp_path / f"{schema}.dump")
    after_ddl = _schema_dump(name)
    assert after_ddl == before_ddl, "\n".join(
        line
        for line in __import__("difflib").unified_diff(
            before_ddl.splitlines(), after_ddl.splitlines(), lineterm="", n=0
        )
    )[:4000]
    assert _all_facts(name) == before_rows
    assert sum(facts["rows"] for facts in before_rows[schema].values()) > 0


# Consistency -----------------------------------------------------------------------


@pytest.mark.slow
def test_backup_while_eight_writers_insert_restores_and_verifies(clone, tmp_path):
    name = clone()
    stop = threading.Event()
    inserted = []
    errors = []

    def write():
        try:
            with connect(name) as conn:
                while not stop.is_set():
                    cursor = conn.execute(
                        "INSERT INTO riders.location_logs (rider_id, recorded_at, latitude, "
                        "longitude) SELECT rider_id, recorded_at, latitude, longitude "
                        "FROM riders.location_logs ORDER BY id LIMIT 20"
                    )
                    inserted.append(cursor.rowcount)
        except Exception as exc:
            errors.append(exc)

    writers = [threading.Thread(target=write) for _ in range(8)]
    for writer in writers:
        writer.start()
    try:
        while sum(inserted) < 400 and not errors:
            time.sleep(0.05)
        manifest = _backup(name, "riders", tmp_path / "riders.dump")
        written_during_backup = sum(inserted)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert not errors, errors
    with connect(name) as conn:
        final = conn.execute("SELECT count(*) FROM riders.location_logs").fetchone()[0]
        conn.execute("DROP SCHEMA riders CASCADE")
    in_backup = manifest["tables"]["location_logs"]["rows"]
    assert 400 <= in_backup <= final
    assert written_during_backup >= 400
    _restore(name, tmp_path / "riders.dump")
    with connect(name) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN")
        assert backup.table_facts(cursor, "riders") == manifest["tables"]


# Referenced rows ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("schema", DOMAIN_SCHEMAS)
def test_with_referenced_rows_restores_into_a_database_without_them(
    clone, seeded_template, tmp_path, schema
):
    source = seeded_template  # only read
    dump = tmp_path / f"{schema}.dump"
    manifest = _backup(source, schema, dump, with_referenced_rows=True)
    text = Path(f"{dump}.json").read_text()
    # No personal data in the manifest: the rows are in the dump.
    with connect(source) as conn:
        secrets = [
            *(row[0] for row in conn.execute("SELECT password FROM access_mgmt.system_users")),
            *(row[0] for row in conn.execute("SELECT mobile FROM customers.customers LIMIT 50")),
        ]
    assert secrets and not [secret for secret in secrets if secret and secret in text]
    # An empty database with every schema, made by the migrations.
    target = clone(ensure_reference_database(connection))
    with connect(target) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    if any(entry["keys"] for entry in manifest["referenced_tables"].values()):
        with pytest.raises(backup.BackupError, match="referenced row"):
            _restore(target, dump)
        assert not _schema_exists(target, schema)
    _restore(target, dump, use_referenced_rows=True)
    with connect(target) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN")
        assert backup.table_facts(cursor, schema) == manifest["tables"]


# Refusals: each changes nothing --------------------------------------------------------


@pytest.fixture(scope="module")
def riders_backup(django_db_blocker, seeded_template, tmp_path_factory):
    """A riders backup (made by the command) and the seeded database it came
    from, with riders dropped: shared by the refusal tests, which change nothing."""
    with django_db_blocker.unblock():
        make, names = _cloner(seeded_template)
        source = make()
        dump = tmp_path_factory.mktemp("riders") / "riders.dump"
        result = _manage("backup_schema", "riders", "-o", str(dump), database=source)
        assert result.returncode == 0, result.stderr
        with connect(source) as conn:
            conn.execute("DROP SCHEMA riders CASCADE")
        yield source, dump
        for name in names:
            _drop(name)


@pytest.fixture
def db_access(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def _refused(target, dump, expected, **options):
    with pytest.raises(backup.BackupError) as refused:
        _restore(target, dump, **options)
    assert expected in str(refused.value)
    assert not _schema_exists(target, "riders")


@pytest.mark.slow
def test_files_are_private_and_the_manifest_signed(riders_backup, db_access):
    _, dump = riders_backup
    for path in (dump, Path(f"{dump}.json")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    manifest = json.loads(Path(f"{dump}.json").read_text())
    assert manifest["signature"] and manifest["dump_sha256"]
    assert {item["kind"] for item in manifest["outside"]} >= {"foreign key"}


@pytest.mark.slow
def test_restore_refuses_bad_input(riders_backup, tmp_path, settings, db_access):
    target, dump = riders_backup
    original = Path(f"{dump}.json").read_text()

    settings.GATIMITRA_BACKUP_KEY = ""
    _refused(target, dump, "GATIMITRA_BACKUP_KEY is not set")
    settings.GATIMITRA_BACKUP_KEY = "another-project-key-" + "x" * 32
    _refused(target, dump, "signature does not match")
    settings.GATIMITRA_BACKUP_KEY = KEY

    edited = tmp_path / "edited.dump"
    edited.write_bytes(dump.read_bytes())
    manifest = json.loads(original)
    manifest["tables"]["riders"]["rows"] += 1
    Path(f"{edited}.json").write_text(json.dumps(manifest))
    _refused(target, edited, "signature does not match")

    foreign = tmp_path / "other.dump"
    foreign.write_bytes(b"PGDMP" + os.urandom(200))
    _refused(target, foreign, "is missing")

    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(dump.read_bytes()[:-1000])
    Path(f"{truncated}.json").write_text(original)
    _refused(target, truncated, "truncated or replaced")

    replaced = tmp_path / "replaced.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    replaced.write_bytes(bytes(data))
    Path(f"{replaced}.json").write_text(original)
    _refused(target, replaced, "it was altered")

    with connect(target) as conn:
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('riders', '9999_x', now())"
        )
    try:
        _refused(target, dump, "applied here only: riders.9999_x")
    finally:
        with connect(target) as conn:
            conn.execute("DELETE FROM django_migrations WHERE name = '9999_x'")

    with connect(target) as conn:
        conn.execute("CREATE SCHEMA riders")
    try:
        with pytest.raises(backup.BackupError, match="schema riders already exists"):
            _restore(target, dump)
    finally:
        with connect(target) as conn:
            conn.execute("DROP SCHEMA riders")

    # The command says the same, without the key in its environment.
    result = _manage("restore_schema", str(dump), database=target, key="")
    assert result.returncode != 0
    assert "GATIMITRA_BACKUP_KEY is not set" in result.stderr


@pytest.mark.slow
def test_a_failed_check_rolls_the_whole_restore_back(riders_backup, tmp_path, db_access):
    target, original = riders_backup
    dump = tmp_path / "riders.dump"
    dump.write_bytes(original.read_bytes())
    manifest = json.loads(Path(f"{original}.json").read_text())
    # A validly signed manifest whose checksum the data does not match.
    manifest["tables"]["riders"]["checksum"] = "0:0"
    Path(f"{dump}.json").write_text(json.dumps(backup.sign(manifest)))
    catalog = "SELECT (SELECT count(*) FROM pg_constraint), (SELECT count(*) FROM pg_trigger)"
    with connect(target) as conn:
        before = conn.execute(catalog).fetchone()
    _refused(target, dump, "restored tables differ from the backup: riders.riders")
    with connect(target) as conn:
        # The outside foreign keys and triggers were rolled back with the schema.
        assert conn.execute(catalog).fetchone() == before


@pytest.mark.slow
def test_restoring_without_the_schemas_it_references_names_them(riders_backup, clone):
    _, dump = riders_backup
    empty = clone("template0")
    result = _manage("restore_schema", str(dump), database=empty)
    assert result.returncode != 0
    assert "cannot restore schema riders" in result.stderr
    assert "schema access_mgmt (" in result.stderr
    assert "function audit.capture_statement()" in result.stderr
    assert not _schema_exists(empty, "riders")


@pytest.mark.slow
def test_whole_database_round_trip(clone, tmp_path):
    source = clone()
    dump = tmp_path / "all.dump"
    result = _manage("backup_database", "-o", str(dump), database=source)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    copy = f"{source[:30]}_copy_{uuid.uuid4().hex[:6]}"
    try:
        result = _manage("restore_database", str(dump), "--into", copy, database=source)
        assert result.returncode == 0, result.stderr
        # The audit pepper is kept by the operator, never in a backup.
        source_facts = _all_facts(source)
        assert source_facts.pop("audit_secrets")
        assert _all_facts(copy) == source_facts
    finally:
        _drop(copy)


# Units: tools, passwords, keys ----------------------------------------------------------


def test_no_backup_holds_the_audit_pepper():
    from audit.sql import SECRETS_SCHEMA
    from gatimitra.ops import roles

    # The core names the pepper's schema without importing the audit app.
    assert SECRETS_SCHEMA in backup.UNBACKED_SCHEMAS
    assert roles.PRIVATE_SCHEMAS[SECRETS_SCHEMA] == "audit"
    with pytest.raises(backup.BackupError, match="audit pepper"):
        backup.backup_schema(connection, SECRETS_SCHEMA, "/nonexistent/pepper.dump")


def _fake_tool(directory, name, version):
    path = directory / name
    path.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("version", "refused"),
    [("15.13", True), ("15.14", False), ("16.9", True), ("17.6", False), ("18.0", False)],
)
def test_tools_without_the_cve_2025_8714_fix_are_refused(tmp_path, monkeypatch, version, refused):
    _fake_tool(tmp_path, "pg_dump", version)
    monkeypatch.setattr(backup, "_candidate_bin_dirs", lambda: [tmp_path])
    major = int(version.split(".")[0])
    if refused:
        with pytest.raises(backup.BackupError, match="CVE-2025-8714"):
            backup.tool("pg_dump", major)
    else:
        assert backup.tool("pg_dump", major) == tmp_path / "pg_dump"


def test_the_password_reaches_child_processes_only_in_a_private_passfile(monkeypatch):
    class Fake:
        settings_dict = {"NAME": "db"}

        def get_connection_params(self):
            return {"host": "h", "port": 5432, "user": "u", "password": "s3:cr\\et", "dbname": "db"}

    monkeypatch.setenv("PGPASSWORD", "inherited")
    with backup._Libpq(Fake()) as libpq:
        env = libpq.env()
        passfile = Path(env["PGPASSFILE"])
        assert "PGPASSWORD" not in env
        assert not [value for value in env.values() if "s3:cr" in value]
        assert stat.S_IMODE(passfile.stat().st_mode) == 0o600
        assert passfile.read_text() == "*:*:*:u:s3\\:cr\\\\et\n"
    assert not passfile.exists()


def test_backup_and_restore_refuse_without_a_key(settings, tmp_path, db):
    settings.GATIMITRA_BACKUP_KEY = ""
    with pytest.raises(backup.BackupError, match="GATIMITRA_BACKUP_KEY"):
        backup.backup_schema(connection, "riders", tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()
    with pytest.raises(Exception, match="GATIMITRA_BACKUP_KEY"):
        call_command("restore_schema", str(tmp_path / "x.dump"))


# What lives outside a schema, generically ------------------------------------------------

PROBE_SQL = """
CREATE SCHEMA probe;
CREATE TABLE probe.parent (id bigint PRIMARY KEY, code varchar(8) NOT NULL,
    CONSTRAINT parent_code_valid CHECK (code IN ('A', 'B')));
CREATE SEQUENCE probe.numbers;
CREATE FUNCTION probe.touch() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN NEW.note := coalesce(NEW.note, 'touched'); RETURN NEW; END $$;
CREATE FUNCTION probe.positive(n bigint) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n > 0';
CREATE FUNCTION probe.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
INSERT INTO probe.parent VALUES (1, 'A'), (2, 'B');
SELECT setval('probe.numbers', 41);
CREATE SCHEMA other;
CREATE TABLE other.child (
    id bigint PRIMARY KEY,
    parent_id bigint,
    n bigint DEFAULT nextval('probe.numbers'),
    note text
);
INSERT INTO other.child (id, parent_id) VALUES (10, 1), (11, 2);
ALTER TABLE other.child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id)
    REFERENCES probe.parent (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE other.child ADD CONSTRAINT child_n_positive CHECK (probe.positive(n)) NOT VALID;
COMMENT ON CONSTRAINT child_parent_fk ON other.child IS 'why: probe';
CREATE TRIGGER child_touch BEFORE INSERT OR UPDATE ON other.child
    FOR EACH ROW WHEN (NEW.note IS NULL) EXECUTE FUNCTION probe.touch();
ALTER TABLE other.child DISABLE TRIGGER child_touch;
CREATE TABLE other.parted (id bigint, at date, parent_id bigint REFERENCES probe.parent (id))
    PARTITION BY RANGE (at);
CREATE TABLE other.parted_2026 PARTITION OF other.parted
    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TRIGGER parted_touch BEFORE INSERT ON other.parted
    FOR EACH ROW EXECUTE FUNCTION probe.touch();
CREATE EVENT TRIGGER probe_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
    EXECUTE FUNCTION probe.on_ddl();
ALTER EVENT TRIGGER probe_ddl ENABLE ALWAYS;
"""


@pytest.mark.slow
def test_objects_outside_the_schema_come_back_or_the_restore_refuses(clone, tmp_path):
    name = clone("template0")
    with connect(name) as conn:
        conn.execute(PROBE_SQL)
        # A view elsewhere reading the schema: not something a restore recreates.
        conn.execute("CREATE VIEW other.parents AS SELECT id FROM probe.parent")
    dump = tmp_path / "probe.dump"
    manifest = _backup(name, "probe", dump)
    [unrestorable] = manifest["cannot_restore"]
    assert "view other.parents" in unrestorable
    kinds = sorted(item["kind"] for item in manifest["outside"])
    assert kinds == [
        "check constraint",
        "column default",
        "event trigger",
        "foreign key",
        "foreign key",
        "trigger",
        "trigger",
    ]
    with connect(name) as conn:
        conn.execute("DROP SCHEMA probe CASCADE")
    with pytest.raises(backup.BackupError, match=r"view other\.parents"):
        _restore(name, dump)
    assert not _schema_exists(name, "probe")

    # Without the view, everything DROP SCHEMA CASCADE removes comes back.
    name = clone("template0")
    with connect(name) as conn:
        conn.execute(PROBE_SQL)
    before_ddl, before_rows = _schema_dump(name), _all_facts(name)
    manifest = _backup(name, "probe", dump)
    assert manifest["cannot_restore"] == []
    with connect(name) as conn:
        conn.execute("DROP SCHEMA probe CASCADE")
    _restore(name, dump)
    assert _schema_dump(name) == before_ddl
    assert _all_facts(name) == before_rows
