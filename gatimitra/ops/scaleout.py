"""What ties one domain schema to the others, read from the live catalog.

A domain schema can move to its own server (logical replication:
``manage.py move_schema``) or become a Citus distributed schema only as far
as nothing in it reaches into another schema in the same transaction. This
module lists every such tie, each with what it becomes:

- a foreign key into ``orders.service_cities`` / ``service_zones`` (small,
  read everywhere, written by operations staff) -> a **reference table**
  (Citus: ``create_reference_table``; a moved domain: a subscribed copy);
- any other cross-schema foreign key -> an **application check**: the
  constraint is dropped on the split and the ``ForeignKey`` stays in Django;
  ``scale_out_plan`` lists it so the check can be written (deferred, e.g. an
  orphan scan) before the split;
- a trigger whose function lives in another schema -> the **audit capture**
  (``audit.capture_statement``, moves with the domain: the target gets the
  audit schema and the domain's log) or a **shared guard** (``public``
  functions holding no data: copied);
- a function (trigger body, CHECK) that reads another schema's tables -> a
  **rule that must stay in one database** unless rewritten: it checks a
  cross-domain invariant in the writing transaction, which no deferred
  check reproduces exactly.

Foreign keys come from the catalog reader (``gatimitra.ops.catalog.foreign_keys``);
triggers, function bodies and CHECKs from ``pg_trigger``, ``pg_proc`` and
``pg_depend`` here, by OID. A PL/pgSQL body
is text to PostgreSQL (``pg_depend`` does not see inside it), so references
in bodies are found by matching schema-qualified names. Dynamic SQL that
builds a schema name (``format('%I.%I', ...)``) is not found that way; none
of the domain functions does that.
"""

import re
from dataclasses import asdict, dataclass

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops.catalog import foreign_keys
from gatimitra.ops.roles import PRIVATE_SCHEMAS

#: Tables every domain reads and few write: replicated whole, never split.
REFERENCE_TABLES = ("orders.service_cities", "orders.service_zones")
#: Schemas whose functions hold no data: copied wherever a domain goes.
SHARED_FUNCTION_SCHEMAS = ("public",)
#: The schemas a moved domain takes along for its audit trail.
AUDIT_SCHEMAS = ("audit", "audit_secrets")
AUDIT_CAPTURE = "audit.capture_statement"

REFERENCE, APPLICATION_CHECK, MOVES_WITH_DOMAIN, COPIED, ONE_DATABASE = (
    "reference table",
    "application check",
    "moves with the domain",
    "copied to every server",
    "must stay in one database",
)

_KNOWN_SCHEMAS = (*DOMAIN_SCHEMAS, "audit_secrets", "public")


@dataclass(frozen=True)
class Tie:
    kind: str  # foreign key | trigger | function | check
    name: str  # constraint, trigger or function name
    on: str  # schema.table (or schema.function) that holds it
    reaches: str  # schema.table or schema.function on the other side
    becomes: str
    why: str

    @property
    def schemas(self):
        return {self.on.split(".")[0], self.reaches.split(".")[0]}


_TRIGGERS = """
SELECT t.tgname, n.nspname, c.relname, pn.nspname, p.proname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal AND n.nspname <> pn.nspname
  AND n.nspname NOT LIKE 'pg\\_%%' AND n.nspname <> 'information_schema'
  -- a partition's clone of its parent's trigger is the parent's
  AND t.tgparentid = 0
ORDER BY 2, 3, 1
"""

_FUNCTIONS = """
SELECT n.nspname, p.proname, p.prosrc
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""

#: CHECK constraints whose expression calls a function of another schema.
_CHECKS = """
SELECT c.conname, cn.nspname, cl.relname, pn.nspname, p.proname
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace cn ON cn.oid = cl.relnamespace
JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass AND d.objid = c.oid
    AND d.refclassid = 'pg_proc'::regclass
JOIN pg_proc p ON p.oid = d.refobjid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE c.contype = 'c' AND c.conparentid = 0 AND cn.nspname <> pn.nspname
  AND pn.nspname <> 'pg_catalog'
ORDER BY 2, 3, 1
"""


def _body_references(schema, body):
    pattern = r'(?<![\w$])"?(' + "|".join(_KNOWN_SCHEMAS) + r')"?\s*\.\s*"?([a-z_][a-z0-9_$]*)'
    found = set()
    for other, name in re.findall(pattern, body or ""):
        if other != schema:
            found.add(f"{other}.{name}")
    return found


def foreign_key_becomes(referenced):
    if referenced in REFERENCE_TABLES:
        return REFERENCE, "small lookup read by every domain: a replicated copy keeps the key"
    return APPLICATION_CHECK, (
        "the constraint cannot span servers: dropped on the split; the Django ForeignKey "
        "stays and a deferred orphan check replaces the database's refusal"
    )


def ties(cursor):
    """Every cross-schema tie of the database on ``cursor``."""
    found = []
    for fk in foreign_keys(cursor):
        if not fk.cross_schema:
            continue
        reached = f"{fk.target_schema}.{fk.target_table}"
        becomes, why = foreign_key_becomes(reached)
        found.append(Tie("foreign key", fk.name, f"{fk.schema}.{fk.table}", reached, becomes, why))
    cursor.execute(_TRIGGERS)
    for name, schema, table, other, function in cursor.fetchall():
        if f"{other}.{function}" == AUDIT_CAPTURE:
            becomes, why = (
                MOVES_WITH_DOMAIN,
                ("the audit capture: the target gets the audit schema and this domain's log"),
            )
        elif PRIVATE_SCHEMAS.get(schema) == other:
            becomes, why = (
                MOVES_WITH_DOMAIN,
                "the domain's own owner-only schema: created on the target with the domain",
            )
        elif other in SHARED_FUNCTION_SCHEMAS:
            becomes, why = COPIED, "a guard holding no data: its function is created on the target"
        else:
            becomes, why = (
                ONE_DATABASE,
                ("another domain's function runs in this table's writing transaction"),
            )
        found.append(Tie("trigger", name, f"{schema}.{table}", f"{other}.{function}", becomes, why))
    cursor.execute(_FUNCTIONS, [list(_KNOWN_SCHEMAS)])
    for schema, function, body in cursor.fetchall():
        for reached in sorted(_body_references(schema, body)):
            other = reached.split(".")[0]
            if schema == "audit" and other == "audit_secrets":
                becomes, why = (
                    MOVES_WITH_DOMAIN,
                    "the audit trail's pepper goes with the audit schema",
                )
            elif reached in REFERENCE_TABLES:
                becomes, why = REFERENCE, "reads a reference table, which every server has"
            else:
                becomes, why = (
                    ONE_DATABASE,
                    (
                        "reads another domain's rows in the writing transaction (a cross-domain "
                        "invariant): keep both schemas on one server, or rewrite as an application "
                        "check that accepts a window"
                    ),
                )
            found.append(Tie("function", function, f"{schema}.{function}", reached, becomes, why))
    cursor.execute(_CHECKS)
    for name, schema, table, other, function in cursor.fetchall():
        found.append(
            Tie(
                "check",
                name,
                f"{schema}.{table}",
                f"{other}.{function}",
                ONE_DATABASE,
                "a CHECK calling another schema's function",
            )
        )
    return found


def ties_of(cursor, schema=None):
    """The ties a move of ``schema`` would cut (both directions), or every
    tie (a sharded layout: every schema on its own node)."""
    every = ties(cursor)
    if schema is None:
        return every
    return [tie for tie in every if schema in tie.schemas]


def as_json(found):
    return [asdict(tie) for tie in found]


def summary(found):
    counts = {}
    for tie in found:
        key = (tie.kind, tie.becomes)
        counts[key] = counts.get(key, 0) + 1
    return counts
