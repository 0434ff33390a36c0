"""Database roles per domain schema, the policy they implement, and how
``sync_db_roles`` brings a live database to it.

For every domain schema ``S``:

* ``gm_S_owner`` owns the schema and everything in it (NOLOGIN). Only the
  owner may create objects in ``S`` or alter them.
* ``gm_S_rw`` reads and writes the tables of ``S`` (NOLOGIN).
* ``gm_S_ro`` reads them (NOLOGIN).

Plus ``gm_app`` (the role Django connects as: member of every ``gm_S_rw``,
reads the audit logs for the admin, and uses Django's tables in ``public``),
``gm_auditor`` (reads the audit logs) and ``gm_migrator`` (runs migrations:
member of every owner role, owner of ``public``'s tables and functions).

Least privilege, derived from what the database itself declares:

* An *append-only* table is one carrying the ``AppendOnly`` guard (a trigger
  calling ``public.gatimitra_refuse_change``; every ``AppendOnlyModel`` has
  it, system check ``gatimitra.E005``). Its writers get INSERT only: no
  UPDATE, DELETE or TRUNCATE (the guard and ``RefuseTruncate`` refuse them
  even to the owner).
* The audit schema: its log tables (the audit app's models) are readable by
  the audit roles and the app; INSERT is granted on ``pii_access_logs`` only
  (change logs are written by the capture trigger running as the owner).
  Every other audit table (the hash pepper, anything added later) is the
  owner's alone until this module says otherwise.
* *History tables* (``django_migrations``, ``gatimitra_migration_history``):
  the app may read them; only the migrator (their owner) writes them.
* Partitions get their table's owner and grants, whoever created them.
* Nobody gets TRUNCATE, and nothing is granted to ``PUBLIC`` (but ``USAGE``
  on the ``public`` schema, where the extensions' types and operators live).

``USAGE`` on a schema goes only to its own roles, the app, and the owner roles
of domains whose foreign keys point into it (with ``REFERENCES`` and
``SELECT`` on the referenced tables: a domain's checks of its links into
another schema run with its owner's rights when they are queued in an
owner-only schema, as the orders checks deferred to commit are). Default
privileges give tables that migrations create later their grants at once;
``sync_db_roles`` (run after every migrate) then narrows those of append-only
tables.

``plan()`` reads the live catalog once and returns only what differs, one
:class:`Change` per object; ``apply()`` runs each change in its own short
transaction with a ``lock_timeout``, so at most one table is ever locked.
"""

import time
from dataclasses import dataclass, field

from django.db import OperationalError, transaction

from gatimitra.db import sql as shared_sql
from gatimitra.db.tables import DOMAIN_SCHEMAS, split_table
from gatimitra.ops.catalog import foreign_keys
from gatimitra.ops.deploy import HISTORY_TABLE

APP_ROLE = "gm_app"
AUDITOR_ROLE = "gm_auditor"
MIGRATOR_ROLE = "gm_migrator"
AUDIT_SCHEMA = "audit"
#: Schemas that belong to a domain's owner and grant nothing to anyone: the
#: audit pepper (``audit.sql.SECRETS_SCHEMA``), which only the SECURITY
#: DEFINER capture, running as the audit owner, reads; the orders checks
#: queued for commit (orders 0028), which only the SECURITY DEFINER trigger
#: functions write and clear, so no application role can skip a check.
PRIVATE_SCHEMAS = {"audit_secrets": AUDIT_SCHEMA, "orders_pending": "orders"}

#: What a probe target is, for :func:`expected` (the policy, as a table).
TABLE, APPEND_ONLY, HISTORY, AUDIT_LOG, AUDIT_PII_LOG, AUDIT_PRIVATE, FUNCTION, SCHEMA = (
    "table",
    "append-only table",
    "history table",
    "audit change log",
    "audit PII access log",
    "audit private table",
    "function",
    "schema",
)

#: ``lock_timeout`` of each change, its retries and the first pause between
#: them (doubling); settings ``DB_ROLES_LOCK_TIMEOUT`` etc. override them.
LOCK_TIMEOUT = "2s"
LOCK_RETRIES = 3
LOCK_BACKOFF = 0.5

_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
#: relkind -> (word in ALTER ... OWNER, word in GRANT ... ON)
_KINDS = {
    "r": ("TABLE", "TABLE"),
    "p": ("TABLE", "TABLE"),
    "v": ("VIEW", "TABLE"),
    "m": ("MATERIALIZED VIEW", "TABLE"),
    "S": ("SEQUENCE", "SEQUENCE"),
}


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


def history_tables():
    """Tables that record which migrations ran: only the migrator writes them
    (``verify_migrations`` trusts them)."""
    from django.db.migrations.recorder import MigrationRecorder

    return (MigrationRecorder.Migration._meta.db_table, HISTORY_TABLE)


def audit_log_tables():
    """``(change logs, PII access logs)``: the audit app's model tables (bare
    names). Anything else in the audit schema is the owner's alone."""
    from django.apps import apps

    from gatimitra.db.models import AppendOnlyModel

    logs, pii = set(), set()
    for model in apps.get_app_config(AUDIT_SCHEMA).get_models():
        if model._meta.managed and issubclass(model, AppendOnlyModel):
            name = split_table(model._meta.db_table)[1]
            (pii if model._meta.model_name == "piiaccesslog" else logs).add(name)
    return frozenset(logs), frozenset(pii)


def expected(role, schema, target, operation, referenced_by=()):
    """The policy: may ``role`` perform ``operation`` on a ``target`` (one of
    the kinds above) in ``schema``? ``CREATE`` is creating a table in the
    schema, ``EXECUTE`` calling one of its functions. A privilege, not the
    outcome: the append-only triggers refuse UPDATE/DELETE/TRUNCATE even to
    those who hold it. ``referenced_by``: the owner roles of the domains whose
    foreign keys point at this table (``Policy.references``); they may read it,
    because their checks of those links run with their owner's rights (the
    checks queued for commit in ``orders_pending``, which only that owner may
    read, look up the payouts and earnings a settlement points at)."""
    if role == MIGRATOR_ROLE:
        return True  # owns public, member of every owner role
    if schema in PRIVATE_SCHEMAS:
        return role == owner(PRIVATE_SCHEMAS[schema])
    if operation == "TRUNCATE":
        return role == owner(schema)
    if schema == "public":
        if role != APP_ROLE or operation in ("CREATE", "EXECUTE"):
            return False
        return operation == "SELECT" or target == TABLE
    if role == owner(schema):
        return True
    if operation == "SELECT" and target in (TABLE, APPEND_ONLY) and role in referenced_by:
        return True
    writer = role in (read_write(schema), APP_ROLE)
    reader = writer or role == read_only(schema)
    if schema == AUDIT_SCHEMA:
        reader = reader or role == AUDITOR_ROLE
        if target in (AUDIT_LOG, AUDIT_PII_LOG) and operation == "SELECT":
            return reader
        return target == AUDIT_PII_LOG and operation == "INSERT" and writer
    if operation == "EXECUTE":
        return writer
    if operation == "SELECT":
        return reader
    if operation == "CREATE":
        return False
    return writer and (target == TABLE or operation == "INSERT")


# -- desired state ---------------------------------------------------------------


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def _grantee(name):
    return "PUBLIC" if name == "PUBLIC" else _ident(name)


@dataclass(frozen=True)
class CrossReference:
    from_schema: str
    to_schema: str
    to_table: str


def cross_references(connection):
    """Foreign keys from one domain schema into another, from the live catalog."""
    with connection.cursor() as cursor:
        found = foreign_keys(cursor, DOMAIN_SCHEMAS)
    links = {
        (fk.schema, fk.target_schema, fk.target_table)
        for fk in found
        if fk.cross_schema and fk.schema in DOMAIN_SCHEMAS and fk.target_schema in DOMAIN_SCHEMAS
    }
    return [CrossReference(*link) for link in sorted(links)]


@dataclass
class Relation:
    oid: int
    schema: str
    name: str
    kind: str
    owner: str
    acl: dict
    parent: str | None  # the partitioned table (bare name) of a partition
    owned_by: str | None  # the table (bare name) a sequence belongs to
    append_only: bool

    @property
    def label(self):
        return f"{self.schema}.{self.name}"

    @property
    def quoted(self):
        return f"{_ident(self.schema)}.{_ident(self.name)}"


@dataclass
class Change:
    """What differs for one object, and the statements that fix it. Each
    change is applied in its own transaction; ``relation`` (an oid) is the
    one table it may lock."""

    target: str
    statements: list = field(default_factory=list)
    relation: int | None = None


class Policy:
    """The desired owner and grants of every object, from the live catalog."""

    def __init__(self, connection, schemas):
        self.schemas = schemas
        self.history = {split_table(t)[1] for t in history_tables()}
        self.audit_logs, self.audit_pii = audit_log_tables()
        self.references = {}
        self.referencing = {}
        for ref in cross_references(connection):
            if ref.from_schema in schemas and ref.to_schema in schemas:
                self.references.setdefault((ref.to_schema, ref.to_table), set()).add(
                    owner(ref.from_schema)
                )
                self.referencing.setdefault(ref.to_schema, set()).add(owner(ref.from_schema))

    def schema_owner(self, schema):
        if schema == "public":
            return MIGRATOR_ROLE
        return owner(PRIVATE_SCHEMAS.get(schema, schema))

    def readers(self, schema):
        readers = {read_only(schema), read_write(schema), APP_ROLE}
        if schema == AUDIT_SCHEMA:
            readers.add(AUDITOR_ROLE)
        return readers

    def writers(self, schema):
        return {read_write(schema), APP_ROLE}

    def schema_acl(self, schema):
        if schema in PRIVATE_SCHEMAS:
            return {}
        if schema == "public":
            # Extensions' types and operators live here: everyone uses them.
            return {"PUBLIC": {"USAGE"}, APP_ROLE: {"USAGE"}, MIGRATOR_ROLE: {"USAGE", "CREATE"}}
        users = self.readers(schema) | self.referencing.get(schema, set())
        return {role: {"USAGE"} for role in users}

    def table_acl(self, schema, name, kind, append_only):
        """Grants of a table (or view) ``name``, excluding its owner's."""
        acl = {}

        def grant(roles, privileges):
            for role in roles:
                acl.setdefault(role, set()).update(privileges)

        if schema in PRIVATE_SCHEMAS:
            return acl

        if schema == "public":
            if name in self.history:
                grant([APP_ROLE], {"SELECT"})
            else:
                grant([APP_ROLE], {"SELECT"} if kind in "vm" else _TABLE_PRIVILEGES)
            return acl
        if schema == AUDIT_SCHEMA:
            if name in self.audit_logs | self.audit_pii:
                grant(self.readers(schema), {"SELECT"})
            if name in self.audit_pii:
                grant(self.writers(schema), {"INSERT"})
            return acl
        grant(self.readers(schema), {"SELECT"})
        if kind in "rp":
            grant(self.writers(schema), {"INSERT"} if append_only else _TABLE_PRIVILEGES)
            grant(self.references.get((schema, name), ()), {"REFERENCES", "SELECT"})
        return acl

    def sequence_acl(self, schema, owned_by_acl):
        """A sequence serving a table: whoever may INSERT into the table uses
        it; free-standing ones: the schema's writers (none in audit)."""
        if owned_by_acl is not None:
            return {role: {"USAGE", "SELECT"} for role, p in owned_by_acl.items() if "INSERT" in p}
        if schema == AUDIT_SCHEMA or schema in PRIVATE_SCHEMAS:
            return {}
        if schema == "public":
            return {APP_ROLE: {"USAGE", "SELECT"}}
        return {role: {"USAGE", "SELECT"} for role in self.writers(schema)}

    def function_acl(self, schema):
        if schema in ("public", AUDIT_SCHEMA, *PRIVATE_SCHEMAS):
            # Trigger functions need no EXECUTE to fire; the audit ones would
            # hand out the pepper's hashes.
            return {}
        return {role: {"EXECUTE"} for role in self.writers(schema)}

    def default_acls(self, schema):
        """``{objtype: acl}`` for objects created later in ``schema``
        (``r`` tables, ``S`` sequences, ``f`` functions). Nothing in audit:
        a new audit table is the owner's until ``sync_db_roles`` runs."""
        if schema == AUDIT_SCHEMA or schema in PRIVATE_SCHEMAS:
            return {}
        tables = {role: {"SELECT"} for role in self.readers(schema)}
        for role in self.writers(schema):
            tables[role] = {"SELECT", *_TABLE_PRIVILEGES}
        return {
            "r": tables,
            "S": {role: {"USAGE", "SELECT"} for role in self.writers(schema)},
            "f": self.function_acl(schema),
        }


# -- live catalog ----------------------------------------------------------------

_ACL = """coalesce((SELECT json_agg(json_build_array(
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
        a.privilege_type)) FROM aclexplode(coalesce({acl}, acldefault({kind}, {owner}))) a),
    '[]')"""

_RELATION_ACL = _ACL.format(
    acl="c.relacl",
    owner="c.relowner",
    kind="CASE c.relkind WHEN 'S' THEN 's'::\"char\" ELSE 'r'::\"char\" END",
)
_TABLE_ACL = _ACL.format(acl="c.relacl", owner="c.relowner", kind="'r'::\"char\"")
_SCHEMA_ACL = _ACL.format(acl="n.nspacl", owner="n.nspowner", kind="'n'::\"char\"")
_DATABASE_ACL = _ACL.format(acl="d.datacl", owner="d.datdba", kind="'d'::\"char\"")
_FUNCTION_ACL = _ACL.format(acl="p.proacl", owner="p.proowner", kind="'f'::\"char\"")

_NOT_EXTENSION = """NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = {catalog}::regclass
    AND d.objid = {oid} AND d.deptype = 'e')"""


def _acl(rows):
    acl = {}
    for grantee, privilege in rows:
        acl.setdefault(grantee, set()).add(privilege)
    return acl


def _relations(cursor, schemas):
    cursor.execute(
        f"""
        SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner),
            {_RELATION_ACL},
            (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
             WHERE i.inhrelid = c.oid AND c.relispartition),
            (SELECT t.relname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
             WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
               AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1),
            EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid
                    AND t.tgfoid = to_regprocedure(%s))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND {_NOT_EXTENSION.format(catalog="'pg_class'", oid="c.oid")}
        ORDER BY n.nspname, c.relispartition, c.relname
        """,
        [f"{shared_sql.REFUSE_CHANGE_FUNCTION}()", ["public", *schemas]],
    )
    return [
        Relation(oid, schema, name, kind, own, _acl(acl), parent, owned_by, append_only)
        for oid, schema, name, kind, own, acl, parent, owned_by, append_only in cursor.fetchall()
    ]


def _diff_acl(on, current, desired, ignore):
    """GRANT/REVOKE statements turning ``current`` into ``desired`` (dicts
    role -> privileges) ``on`` an object, owners' own entries ignored."""
    statements = []
    for role in sorted(set(current) | set(desired)):
        if role in ignore:
            continue
        have, want = current.get(role, set()), desired.get(role, set())
        if have - want:
            statements.append(
                f"REVOKE {', '.join(sorted(have - want))} ON {on} FROM {_grantee(role)}"
            )
        if want - have:
            statements.append(f"GRANT {', '.join(sorted(want - have))} ON {on} TO {_grantee(role)}")
    return statements


def _role_statements(cursor, schemas):
    roles = all_roles()
    logins = {APP_ROLE, MIGRATOR_ROLE}
    cursor.execute(
        "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, "
        "rolinherit FROM pg_roles WHERE rolname = ANY(%s)",
        [roles],
    )
    live = {row[0]: row[1:] for row in cursor.fetchall()}
    statements = []
    for role in roles:
        login = "LOGIN" if role in logins else "NOLOGIN"
        if role not in live:
            statements.append(f"CREATE ROLE {_ident(role)} {login}")
        elif live[role] != (role in logins, False, False, False, False, True):
            statements.append(
                f"ALTER ROLE {_ident(role)} {login} NOSUPERUSER NOCREATEROLE NOCREATEDB "
                "NOBYPASSRLS INHERIT"
            )
    wanted = {(owner(s), MIGRATOR_ROLE) for s in schemas}
    wanted |= {(read_write(s), APP_ROLE) for s in schemas}
    cursor.execute(
        "SELECT pg_get_userbyid(m.roleid), pg_get_userbyid(m.member) FROM pg_auth_members m "
        "WHERE pg_get_userbyid(m.member) = ANY(%s)",
        [roles],
    )
    held = set(cursor.fetchall())
    for role, member in sorted(wanted - held):
        statements.append(f"GRANT {_ident(role)} TO {_ident(member)}")
    for role, member in sorted(held - wanted):
        statements.append(f"REVOKE {_ident(role)} FROM {_ident(member)}")
    return statements


def _database_statements(cursor, database):
    cursor.execute(
        f"""SELECT pg_get_userbyid(d.datdba), {_DATABASE_ACL}
        FROM pg_database d WHERE d.datname = %s""",
        [database],
    )
    dba, acl = cursor.fetchone()
    desired = {role: {"CONNECT"} for role in all_roles()}
    return _diff_acl(f"DATABASE {_ident(database)}", _acl(acl), desired, {dba})


def _schema_changes(cursor, policy, schemas):
    cursor.execute(
        f"""SELECT n.nspname, pg_get_userbyid(n.nspowner),
            {_SCHEMA_ACL}
        FROM pg_namespace n WHERE n.nspname = ANY(%s) ORDER BY 1""",
        [["public", *schemas]],
    )
    changes = []
    for schema, current_owner, acl in cursor.fetchall():
        change = Change(f"schema {schema}")
        desired_owner = current_owner if schema == "public" else policy.schema_owner(schema)
        if current_owner != desired_owner:
            change.statements.append(
                f"ALTER SCHEMA {_ident(schema)} OWNER TO {_ident(desired_owner)}"
            )
        change.statements += _diff_acl(
            f"SCHEMA {_ident(schema)}",
            _acl(acl),
            policy.schema_acl(schema),
            {current_owner, desired_owner},
        )
        if change.statements:
            changes.append(change)
    return changes


def _relation_changes(cursor, policy, schemas):
    relations = _relations(cursor, schemas)
    tables = {(r.schema, r.name): r for r in relations if r.kind != "S"}
    desired_acl = {}

    partitioned = {(r.schema, r.name) for r in relations if r.kind == "p"}

    def archive_of(relation):
        """The partitioned table a detached time partition (``<table>_pYYYYMM``,
        see ``manage.py partitions``) was cut from, if it is one."""
        table, _, suffix = relation.name.rpartition("_p")
        if (
            relation.kind == "r"
            and not relation.parent
            and suffix.isdigit()
            and len(suffix) in (6, 8)
        ):
            return (relation.schema, table) if (relation.schema, table) in partitioned else None
        return None

    def acl_of(relation):
        key = (relation.schema, relation.name)
        if key not in desired_acl:
            if relation.parent and (relation.schema, relation.parent) in tables:
                # A partition: its table's grants (direct access by name too).
                desired_acl[key] = acl_of(tables[(relation.schema, relation.parent)])
            elif archive := archive_of(relation):
                # An archive is read, never written: its table's readers only.
                desired_acl[key] = {
                    role: {"SELECT"}
                    for role, privileges in acl_of(tables[archive]).items()
                    if "SELECT" in privileges
                }
            else:
                desired_acl[key] = policy.table_acl(
                    relation.schema, relation.name, relation.kind, relation.append_only
                )
        return desired_acl[key]

    changes = []
    for relation in relations:
        desired_owner = policy.schema_owner(relation.schema)
        alter, on = _KINDS[relation.kind]
        change = Change(f"{alter.lower()} {relation.label}", relation=relation.oid)
        # A sequence owned by a column follows its table's owner.
        if relation.owner != desired_owner and not relation.owned_by:
            change.statements.append(
                f"ALTER {alter} {relation.quoted} OWNER TO {_ident(desired_owner)}"
            )
        if relation.kind == "S":
            table = tables.get((relation.schema, relation.owned_by))
            desired = policy.sequence_acl(relation.schema, acl_of(table) if table else None)
        else:
            desired = acl_of(relation)
        change.statements += _diff_acl(
            f"{on} {relation.quoted}",
            relation.acl,
            desired,
            {relation.owner, desired_owner},
        )
        if change.statements:
            changes.append(change)
    return changes


def _function_changes(cursor, policy, schemas):
    cursor.execute(
        f"""
        SELECT n.nspname, p.oid::regprocedure::text, pg_get_userbyid(p.proowner),
            {_FUNCTION_ACL}
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ANY(%s) AND {_NOT_EXTENSION.format(catalog="'pg_proc'", oid="p.oid")}
        ORDER BY 1, 2
        """,
        [["public", *schemas]],
    )
    by_schema = {}
    for schema, signature, current_owner, acl in cursor.fetchall():
        desired_owner = policy.schema_owner(schema)
        # regprocedure text is schema-qualified unless on the search path.
        name = signature if "." in signature.split("(")[0] else f"{_ident(schema)}.{signature}"
        statements = []
        if current_owner != desired_owner:
            statements.append(f"ALTER ROUTINE {name} OWNER TO {_ident(desired_owner)}")
        statements += _diff_acl(
            f"ROUTINE {name}",
            _acl(acl),
            policy.function_acl(schema),
            {current_owner, desired_owner},
        )
        by_schema.setdefault(schema, []).extend(statements)
    return [
        Change(f"functions of {schema}", statements)
        for schema, statements in by_schema.items()
        if statements
    ]


_OBJECTS = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS"}


def _default_privilege_changes(cursor, policy, schemas):
    cursor.execute("SELECT current_user")
    creators = list(dict.fromkeys([MIGRATOR_ROLE, cursor.fetchone()[0]]))
    cursor.execute(
        """
        SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype,
            coalesce((SELECT json_agg(json_build_array(
                CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                a.privilege_type)) FROM aclexplode(d.defaclacl) a), '[]')
        FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
        WHERE n.nspname = ANY(%s)
        """,
        [list(schemas)],
    )
    live = {(role, schema, kind): _acl(acl) for role, schema, kind, acl in cursor.fetchall()}
    changes = []
    for schema in schemas:
        statements = []
        for creator in dict.fromkeys([policy.schema_owner(schema), *creators]):
            prefix = (
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {_ident(creator)} IN SCHEMA {_ident(schema)}"
            )
            desired = policy.default_acls(schema)
            for kind, objects in _OBJECTS.items():
                for statement in _diff_acl(
                    objects, live.get((creator, schema, kind), {}), desired.get(kind, {}), {creator}
                ):
                    statements.append(f"{prefix} {statement}")
        if statements:
            changes.append(Change(f"default privileges in {schema}", statements))
    return changes


def _existing_schemas(connection, schemas):
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [list(schemas)])
        present = {row[0] for row in cursor.fetchall()}
    return [schema for schema in schemas if schema in present]


def plan(connection, database=None, schemas=DOMAIN_SCHEMAS):
    """The changes that bring ``database`` to the policy: only what differs
    from the live catalog (an up-to-date database gives ``[]``). Roles,
    memberships and the database come first, then schemas, one change per
    table, sequence and view, each schema's functions, default privileges."""
    database = database or connection.settings_dict["NAME"]
    schemas = _existing_schemas(connection, schemas)
    # A private schema is managed with the domain that owns it.
    managed = schemas + _existing_schemas(
        connection, [p for p, domain in PRIVATE_SCHEMAS.items() if domain in schemas]
    )
    policy = Policy(connection, schemas)
    with connection.cursor() as cursor:
        changes = [
            Change("roles", _role_statements(cursor, schemas)),
            Change(f"database {database}", _database_statements(cursor, database)),
        ]
        changes = [change for change in changes if change.statements]
        changes += _schema_changes(cursor, policy, managed)
        changes += _relation_changes(cursor, policy, managed)
        changes += _function_changes(cursor, policy, managed)
        changes += _default_privilege_changes(cursor, policy, managed)
    return changes


def statements(changes):
    return [statement for change in changes for statement in change.statements]


# -- applying --------------------------------------------------------------------


class SyncBlocked(Exception):
    """Some changes could not get their lock; the others were applied."""


def _lock_not_available(error):
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "55P03"


def _blockers(cursor, relation):
    """Who holds a lock on ``relation`` (oid): ``pid ... (state): query``."""
    cursor.execute(
        """
        SELECT a.pid, coalesce(nullif(a.application_name, ''), 'no application name'),
            a.state, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 200)
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation' AND l.relation = %s AND l.granted
          AND l.pid <> pg_backend_pid()
        ORDER BY a.xact_start NULLS LAST
        """,
        [relation],
    )
    return "; ".join(f"pid {pid} ({name}, {state}): {query}" for pid, name, state, query in cursor)


def apply(
    connection,
    changes,
    lock_timeout=LOCK_TIMEOUT,
    retries=LOCK_RETRIES,
    backoff=LOCK_BACKOFF,
    log=None,
    sleep=time.sleep,
):
    """Run each change in its own transaction under ``lock_timeout``; a change
    whose lock is not granted is retried ``retries`` times (pausing
    ``backoff`` seconds, doubling), then skipped. Raises :class:`SyncBlocked`
    naming each skipped object and the sessions holding its lock, after
    every other change is applied."""
    blocked = []
    with connection.cursor() as cursor:
        for change in changes:
            for attempt in range(retries + 1):
                try:
                    with transaction.atomic(using=connection.alias):
                        cursor.execute(
                            "SELECT set_config('lock_timeout', %s, true)", [lock_timeout]
                        )
                        for statement in change.statements:
                            cursor.execute(statement)
                    if log:
                        log(change)
                    break
                except OperationalError as error:
                    if not _lock_not_available(error) or change.relation is None:
                        raise
                    holders = _blockers(cursor, change.relation)
                    if attempt == retries:
                        blocked.append(
                            f"{change.target}: lock not granted within {lock_timeout} "
                            f"({retries + 1} attempts); held by {holders or 'a session now gone'}"
                        )
                    else:
                        sleep(backoff * 2**attempt)
    if blocked:
        raise SyncBlocked("\n".join(blocked))


def sync(connection, **options):
    """Plan and apply; returns the changes applied."""
    with connection.cursor() as cursor:
        # One sync at a time per database: two would race on the same grants.
        cursor.execute("SELECT pg_advisory_lock(hashtext('gatimitra sync_db_roles'))")
        try:
            changes = plan(connection)
            apply(connection, changes, **options)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('gatimitra sync_db_roles'))")
    return changes


# -- partitions ------------------------------------------------------------------


def match_parent(cursor, parent, partition):
    """Give a new ``partition`` (quoted names) its table's grants and owner,
    whoever created it: called by ``manage.py partitions``."""
    cursor.execute(
        f"""SELECT c.oid, pg_get_userbyid(c.relowner),
            {_TABLE_ACL}
        FROM pg_class c WHERE c.oid = ANY(ARRAY[%s::regclass, %s::regclass]::oid[])
        ORDER BY c.oid = %s::regclass DESC""",
        [parent, partition, parent],
    )
    (_, parent_owner, parent_acl), (_, partition_owner, partition_acl) = cursor.fetchall()
    for statement in _diff_acl(
        f"TABLE {partition}",
        _acl(partition_acl),
        _acl(parent_acl),
        {parent_owner, partition_owner},
    ):
        cursor.execute(statement)
    if partition_owner != parent_owner:
        cursor.execute(f"ALTER TABLE {partition} OWNER TO {_ident(parent_owner)}")
