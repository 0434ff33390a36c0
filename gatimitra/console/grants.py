"""The roles-and-grants matrix of the operations pages: for every role of
``gatimitra.db.roles`` and every schema, whether it may SELECT, INSERT,
UPDATE, DELETE (on one of the schema's tables) and CREATE (in the schema),
live (``has_table_privilege``/``has_schema_privilege``) against the policy
(``roles.expected``).

The one place the console uses gatimitra/db/roles.py (its public names
``all_roles``, ``expected``, ``PROBE_OPERATIONS`` as they are now): adapt
here when that module changes."""

from gatimitra.db import roles
from gatimitra.db.tables import DOMAIN_SCHEMAS

SCHEMAS = (*DOMAIN_SCHEMAS, "public")


def _sample_tables(cursor):
    """``{schema: "schema.table"}``: one table per schema to probe (the
    grants are per schema, so any of its tables answers)."""
    cursor.execute(
        "SELECT DISTINCT ON (n.nspname) n.nspname, quote_ident(n.nspname) || '.' || "
        "quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "ORDER BY n.nspname, c.relname",
        [list(SCHEMAS)],
    )
    return dict(cursor.fetchall())


def probe_matrix(connection):
    """``{"operations", "schemas", "rows": [{"role", "exists", "cells":
    [[{"live", "expected", "ok"} per operation] per schema]}], "mismatches"}``."""
    operations = roles.PROBE_OPERATIONS
    with connection.cursor() as cursor:
        tables = _sample_tables(cursor)
        cursor.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [roles.all_roles()])
        existing = {name for (name,) in cursor.fetchall()}
        probes, keys = [], []
        for role in sorted(existing):
            for schema, table in tables.items():
                for operation in operations:
                    if operation == "CREATE":
                        probes.append("has_schema_privilege(%s, %s, 'CREATE')")
                        keys.append((role, schema, operation, [role, schema]))
                    else:
                        probes.append("has_table_privilege(%s, %s, %s)")
                        keys.append((role, schema, operation, [role, table, operation]))
        live = {}
        if probes:
            cursor.execute(
                "SELECT " + ", ".join(probes),
                [value for *_key, params in keys for value in params],
            )
            for (role, schema, operation, _params), allowed in zip(
                keys, cursor.fetchone(), strict=True
            ):
                live[role, schema, operation] = allowed
    rows, mismatches = [], 0
    for role in roles.all_roles():
        cells = []
        for schema in SCHEMAS:
            row = []
            for operation in operations:
                want = roles.expected(role, schema, operation)
                got = live.get((role, schema, operation))
                ok = got is not None and got == want
                mismatches += got is not None and not ok
                row.append({"live": got, "expected": want, "ok": ok})
            cells.append(row)
        rows.append({"role": role, "exists": role in existing, "cells": cells})
    return {
        "operations": operations,
        "schemas": SCHEMAS,
        "rows": rows,
        "mismatches": mismatches,
        "width": len(SCHEMAS) * len(operations),
        "missing_roles": [row["role"] for row in rows if not row["exists"]],
    }
