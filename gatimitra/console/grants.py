"""The roles-and-grants page of the operations console: for every role of
``gatimitra.ops.roles`` and every schema, whether it may SELECT, INSERT,
UPDATE, DELETE, TRUNCATE (one of the schema's ordinary tables: in audit a
change log) and EXECUTE (one of its functions), live
(``has_table_privilege``/``has_function_privilege``) against the policy
(``roles.expected(role, schema, target, operation)``); and the pending
``sync_db_roles --dry-run`` diff (``roles.plan``/``roles.statements``).

The one place the console uses gatimitra/ops/roles.py: adapt here when its
public names (``all_roles``, ``expected``, the target kinds, ``plan``,
``statements``, ``history_tables``, ``audit_log_tables``) change."""

from gatimitra.db import sql as shared_sql
from gatimitra.db.tables import DOMAIN_SCHEMAS, split_table
from gatimitra.ops import roles

SCHEMAS = (*DOMAIN_SCHEMAS, "public")
OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "EXECUTE")
TABLE_OPERATIONS = OPERATIONS[:-1]


def target(schema, operation):
    """The kind of object a cell probes (``roles.expected``'s ``target``)."""
    if operation == "EXECUTE":
        return roles.FUNCTION
    return roles.AUDIT_LOG if schema == roles.AUDIT_SCHEMA else roles.TABLE


def _samples(cursor):
    """``({schema: "schema.table"}, {schema: function regprocedure})``: one
    table of the probed kind (not append-only, not a migration history, not
    pointed at by another schema's foreign key; in audit a change log) and one
    function per schema. The grants are per
    kind, so any of them answers."""
    history = [split_table(name)[1] for name in roles.history_tables()]
    audit_logs = sorted(roles.audit_log_tables()[0])
    cursor.execute(
        "SELECT DISTINCT ON (n.nspname) n.nspname, quote_ident(n.nspname) || '.' || "
        "quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid "
        "  AND t.tgfoid = to_regprocedure(%s)) "
        "AND NOT (n.nspname = 'public' AND c.relname = ANY(%s)) "
        # Another domain's owner reads the tables its foreign keys point at
        # (roles.Policy.references): sample one no other schema points at.
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class f ON f.oid = k.conrelid "
        "  WHERE k.contype = 'f' AND k.confrelid = c.oid AND f.relnamespace <> c.relnamespace) "
        "AND (n.nspname <> %s OR c.relname = ANY(%s)) "
        "ORDER BY n.nspname, c.relname",
        [
            list(SCHEMAS),
            f"{shared_sql.REFUSE_CHANGE_FUNCTION}()",
            history,
            roles.AUDIT_SCHEMA,
            audit_logs,
        ],
    )
    tables = dict(cursor.fetchall())
    cursor.execute(
        "SELECT DISTINCT ON (n.nspname) n.nspname, p.oid::regprocedure::text "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = ANY(%s) AND p.prokind = 'f' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
        "  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') "
        "ORDER BY n.nspname, p.proname",
        [list(SCHEMAS)],
    )
    return tables, dict(cursor.fetchall())


def probe_matrix(connection):
    """``{"operations", "schemas", "rows": [{"role", "exists", "cells":
    [[{"live", "expected", "ok", "target"} per operation] per schema]}],
    "mismatches", "missing_roles"}``; ``live`` is None where the role or the
    schema has nothing to probe."""
    with connection.cursor() as cursor:
        tables, functions = _samples(cursor)
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [roles.all_roles()])
        existing = {name for (name,) in cursor.fetchall()}
        probes, keys, params = [], [], []
        for role in sorted(existing):
            for schema in SCHEMAS:
                for operation in OPERATIONS:
                    if operation == "EXECUTE":
                        if schema not in functions:
                            continue
                        probes.append("has_function_privilege(%s, %s, 'EXECUTE')")
                        params += [role, functions[schema]]
                    else:
                        if schema not in tables:
                            continue
                        probes.append("has_table_privilege(%s, %s, %s)")
                        params += [role, tables[schema], operation]
                    keys.append((role, schema, operation))
        live = {}
        if probes:
            cursor.execute("SELECT " + ", ".join(probes), params)
            live = dict(zip(keys, cursor.fetchone(), strict=True))
    rows, mismatches = [], 0
    for role in roles.all_roles():
        cells = []
        for schema in SCHEMAS:
            row = []
            for operation in OPERATIONS:
                kind = target(schema, operation)
                want = roles.expected(role, schema, kind, operation)
                got = live.get((role, schema, operation))
                ok = got is None or got == want
                mismatches += not ok
                row.append({"live": got, "expected": want, "ok": ok, "target": kind})
            cells.append(row)
        rows.append({"role": role, "exists": role in existing, "cells": cells})
    return {
        "operations": OPERATIONS,
        "schemas": SCHEMAS,
        "samples": {**tables, **{f"{s} (functions)": f for s, f in functions.items()}},
        "rows": rows,
        "mismatches": mismatches,
        "width": len(SCHEMAS) * len(OPERATIONS),
        "missing_roles": [row["role"] for row in rows if not row["exists"]],
    }


def pending(connection):
    """What ``sync_db_roles --dry-run`` would run now: ``[(object, [SQL])]``."""
    return [(change.target, change.statements) for change in roles.plan(connection)]
