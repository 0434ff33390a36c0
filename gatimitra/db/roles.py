"""Database roles per domain schema, and the policy they implement.

For every domain schema ``S``:

* ``gm_S_owner`` owns the schema and everything in it (NOLOGIN). Only the
  owner may create objects in ``S`` or alter them.
* ``gm_S_rw`` reads and writes the tables of ``S`` (NOLOGIN).
* ``gm_S_ro`` reads them (NOLOGIN).

Plus ``gm_app`` (the role Django connects as: member of every ``gm_S_rw``,
reads the audit schema for the admin, and uses Django's tables in ``public``),
``gm_auditor`` (reads the audit schema) and ``gm_migrator`` (runs migrations:
member of every owner role). The audit schema's change logs are written by the
audit triggers (``audit.capture()`` runs as ``gm_audit_owner``) and PII access
logs by the app; its read-write role (and the app) may only SELECT and INSERT
there. Nobody has UPDATE or DELETE on audit tables but their owner, and the
owner's own updates are refused by the append-only trigger.

``USAGE`` on a schema goes only to its own roles, the app, and the owner roles
of domains whose foreign keys point into it (with ``REFERENCES`` on the
referenced tables). Nothing is granted to ``PUBLIC``; ``CREATE`` on ``public``
is revoked. Default privileges make tables that migrations create later get
the same grants, whichever of the owner or migrator roles creates them.
"""

from dataclasses import dataclass

from gatimitra.db.tables import DOMAIN_SCHEMAS

APP_ROLE = "gm_app"
AUDITOR_ROLE = "gm_auditor"
MIGRATOR_ROLE = "gm_migrator"
PROBE_OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE")


def owner(schema):
    return f"gm_{schema}_owner"


def read_write(schema):
    return f"gm_{schema}_rw"


def read_only(schema):
    return f"gm_{schema}_ro"


def all_roles(schemas=DOMAIN_SCHEMAS):
    roles = [MIGRATOR_ROLE, APP_ROLE, AUDITOR_ROLE]
    for schema in schemas:
        roles += [owner(schema), read_write(schema), read_only(schema)]
    return roles


@dataclass(frozen=True)
class CrossReference:
    from_schema: str
    to_schema: str
    to_table: str


def cross_references(connection):
    """Foreign keys from one domain schema into another, from the live catalog."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT fn.nspname, tn.nspname, tc.relname
            FROM pg_constraint con
            JOIN pg_class fc ON fc.oid = con.conrelid
            JOIN pg_namespace fn ON fn.oid = fc.relnamespace
            JOIN pg_class tc ON tc.oid = con.confrelid
            JOIN pg_namespace tn ON tn.oid = tc.relnamespace
            WHERE con.contype = 'f' AND fn.nspname <> tn.nspname
              AND fn.nspname = ANY(%s) AND tn.nspname = ANY(%s)
            """,
            [list(DOMAIN_SCHEMAS), list(DOMAIN_SCHEMAS)],
        )
        return [CrossReference(*row) for row in cursor.fetchall()]


def expected(role, schema, operation):
    """The policy: may ``role`` perform ``operation`` on tables of ``schema``?
    (``CREATE`` means creating a table in the schema.)"""
    if schema == "public":
        # Django's own tables: the app uses them; only the migrator creates there.
        if role == MIGRATOR_ROLE:
            return True
        return role == APP_ROLE and operation != "CREATE"
    if role == MIGRATOR_ROLE:
        return True
    if role == owner(schema):
        return True
    if role in (read_write(schema), APP_ROLE):
        if schema == "audit":
            # Entries are appended (PII access logs by the app, changes by the
            # capture trigger); never updated or deleted.
            return operation in ("SELECT", "INSERT")
        return operation != "CREATE"
    if role == read_only(schema):
        return operation == "SELECT"
    if role == AUDITOR_ROLE:
        return schema == "audit" and operation == "SELECT"
    return False


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def sync_statements(connection, database, schemas=DOMAIN_SCHEMAS):
    """Idempotent statements that create the roles and set every grant."""
    existing_schemas = _existing_schemas(connection, schemas)
    statements = []
    for role in all_roles(schemas):
        login = "LOGIN" if role in (APP_ROLE, MIGRATOR_ROLE) else "NOLOGIN"
        statements.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {_ident(role)} {login}; END IF; END $$"
        )
    db = _ident(database)
    statements += [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {', '.join(_ident(r) for r in all_roles(schemas))}",
        f"GRANT USAGE ON SCHEMA public TO {_ident(APP_ROLE)}, {_ident(MIGRATOR_ROLE)}",
        f"GRANT CREATE ON SCHEMA public TO {_ident(MIGRATOR_ROLE)}",
    ]
    # Django's tables in public (and their sequences): the app and migrator use them.
    statements += [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
        f"TO {_ident(APP_ROLE)}, {_ident(MIGRATOR_ROLE)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public "
        f"TO {_ident(APP_ROLE)}, {_ident(MIGRATOR_ROLE)}",
    ]
    for schema in existing_schemas:
        s, own, rw, ro = _ident(schema), owner(schema), read_write(schema), read_only(schema)
        app_rw = [_ident(rw), _ident(APP_ROLE)]
        writes = "INSERT" if schema == "audit" else "INSERT, UPDATE, DELETE"
        readers = [_ident(ro), _ident(rw), _ident(APP_ROLE)]
        if schema == "audit":
            readers.append(_ident(AUDITOR_ROLE))
        statements += [
            f"GRANT {_ident(own)} TO {_ident(MIGRATOR_ROLE)}",
            f"ALTER SCHEMA {s} OWNER TO {_ident(own)}",
            f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC",
            f"GRANT USAGE ON SCHEMA {s} TO {', '.join(sorted({_ident(rw), *readers}))}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM PUBLIC",
            f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {s} FROM PUBLIC",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {', '.join(sorted(set(readers)))}",
        ]
        statements += [
            f"REVOKE UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {s} FROM {', '.join(app_rw)}",
            f"GRANT {writes} ON ALL TABLES IN SCHEMA {s} TO {', '.join(app_rw)}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {', '.join(app_rw)}",
        ]
        if schema != "audit":
            # Audit functions run as their owner from triggers; no one calls them.
            statements.append(
                f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {s} TO {', '.join(app_rw)}"
            )
        statements += _ownership_statements(connection, schema, own)
        for creator in (own, MIGRATOR_ROLE, "CURRENT_USER"):
            who = "CURRENT_USER" if creator == "CURRENT_USER" else _ident(creator)
            prefix = f"ALTER DEFAULT PRIVILEGES FOR ROLE {who} IN SCHEMA {s}"
            statements += [
                f"{prefix} REVOKE ALL ON TABLES FROM PUBLIC",
                f"{prefix} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
                f"{prefix} GRANT SELECT ON TABLES TO {', '.join(sorted(set(readers)))}",
            ]
            statements += [
                f"{prefix} GRANT {writes} ON TABLES TO {', '.join(app_rw)}",
                f"{prefix} GRANT USAGE, SELECT ON SEQUENCES TO {', '.join(app_rw)}",
            ]
            if schema != "audit":
                statements.append(f"{prefix} GRANT EXECUTE ON FUNCTIONS TO {', '.join(app_rw)}")
    for reference in cross_references(connection):
        referencing_owner = _ident(owner(reference.from_schema))
        target_schema = _ident(reference.to_schema)
        statements += [
            f"GRANT USAGE ON SCHEMA {target_schema} TO {referencing_owner}",
            f"GRANT REFERENCES ON {target_schema}.{_ident(reference.to_table)} "
            f"TO {referencing_owner}",
        ]
    for schema in existing_schemas:
        statements.append(f"GRANT {_ident(read_write(schema))} TO {_ident(APP_ROLE)}")
    return statements


def _existing_schemas(connection, schemas):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(schemas)])
        present = {row[0] for row in cursor.fetchall()}
    return [schema for schema in schemas if schema in present]


def _ownership_statements(connection, schema, role):
    """ALTER ... OWNER for every table, sequence (not owned by a column), view
    and function of ``schema``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relkind, c.relname FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND NOT (c.relkind = 'S' AND EXISTS (
                  SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
              AND NOT c.relispartition
            ORDER BY c.relname
            """,
            [schema],
        )
        relations = cursor.fetchall()
        cursor.execute(
            """
            SELECT p.proname, pg_get_function_identity_arguments(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = %s ORDER BY 1
            """,
            [schema],
        )
        functions = cursor.fetchall()
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    statements = [
        f"ALTER {kinds[kind]} {_ident(schema)}.{_ident(name)} OWNER TO {_ident(role)}"
        for kind, name in relations
    ]
    statements += [
        f"ALTER FUNCTION {_ident(schema)}.{_ident(name)}({arguments}) OWNER TO {_ident(role)}"
        for name, arguments in functions
    ]
    return statements
