"""The one reader of PostgreSQL's catalog for the domain schemas.

:func:`read_rows` is the one set of queries over ``pg_catalog``: relations,
partition bounds, columns, constraints (foreign keys included), indexes,
sequences, triggers and functions of some schemas, each with PostgreSQL's
own rendering of its definition, read under :data:`SESSION_SETTINGS` (the
session's own are put back afterwards). Two builders take its result:

- :func:`snapshot` (:class:`CatalogSnapshot`): the drift check
  (``check_drift``) and the migration tests compare two of them: a live
  database with what migrations build, schema tables with ``public`` ones.
- :func:`read_catalog` (:class:`Catalog`): the schema docs
  (``schema_docs``) and the console's schema pages.

So a rendering rule (what is left out on PostgreSQL 18, which session
settings fix how values print, which partitions count) is written once.
Read straight from ``pg_catalog`` (not through Django's introspection), so
it can judge the backend.

Smaller questions the operations tooling asks of the same catalog are
answered here too: :func:`foreign_keys` (declared foreign keys from or into
some schemas, by the reader's own constraint query: ``backup``'s external and
internal keys, ``move``'s inbound keys, ``roles``' cross-schema references,
``scaleout``'s foreign-key ties), :func:`tables_in` (the tables of a schema:
``backup``, ``move``), :func:`partitions_of` (a table's partitions and their
bounds: ``partitions``) and :func:`triggers_on` (a table's triggers and
whether they fire: ``partitions``, ``audit.verify``). They take a cursor,
as their callers hold one inside a transaction of their own.

Queries that stay where they are, because they ask something this reader
does not describe:

- Statistics and sizes (``admin.py``'s ``reltuples`` row estimates, the
  console's partition page, ``move``'s ``pg_stat_subscription`` state): they
  change with every write, not with the schema.
- Roles, ownership, grants and default privileges (``roles``' relations and
  functions with their ACLs, ``console/grants``' probe tables per schema,
  ``backup``'s owner and ACL reads, ``pg_roles`` lookups): who may do what.
- Locks (``roles``' ``pg_locks`` wait) and event triggers (``audit.verify``).
- Object lists by OID and ``pg_depend`` edges, to act on the objects rather
  than describe them (``backup``'s dependents walk and per-object comments,
  ``move``'s excluded keys and triggers and its fence-trigger count,
  ``scaleout``'s trigger, function-body and CHECK ties, ``move``'s copy of
  extensions and shared functions onto its target).
- Whether one schema or role exists (``backup``, ``move``, ``roles``).
- Probes tied to one statement's needs: ``partitions``' is-it-partitioned
  check and the trigger copy it makes onto a new partition (statement-level
  triggers only), ``audit.verify``'s partitions missing a TRUNCATE guard
  (joined with one function's OID), ``audit.health``'s one-query batch of
  trigger states over every tracked table, ``backup``'s column types and
  insertable columns of one table, ``move``'s sequences with their
  positions (``pg_sequences``), ``snapshot``'s table count (is the database
  empty?).
- The backend's introspection (``gatimitra/db/backend/introspection.py``):
  it is Django's API (``inspectdb``, Django's own test suite), answers per
  table in Django's shapes (``FieldInfo``, ``TableInfo``, constraint dicts
  keyed as Django expects) within Django's search_path and cursor
  wrappers, and overrides Django's PostgreSQL queries only where schema
  tables need it; sharing would tie Django's test suite to this module's
  rendering rules (and its session settings) for no gain.
"""

import re
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import NamedTuple

from gatimitra.db.tables import DOMAIN_SCHEMAS

#: Session settings that change how PostgreSQL prints values and names; the
#: reader sets them for its queries and puts the session's own back after.
SESSION_SETTINGS = {
    "search_path": "public",
    "TimeZone": "UTC",
    "DateStyle": "ISO, YMD",
    "IntervalStyle": "postgres",
    "extra_float_digits": "1",
}


def normalise_sql(text):
    """One line per definition (table cells), whitespace collapsed.

    Compared on PostgreSQL 15 and 18 for every definition read here (column
    types and defaults, CHECK/UNIQUE/EXCLUDE/PK definitions, index and trigger
    definitions, partition keys), the renderings are identical once the
    session settings above are fixed; the one catalog difference, NOT NULL
    constraints as rows of ``pg_constraint`` (contype 'n', PostgreSQL 18), is
    left out where constraints are read (:data:`_CONSTRAINTS`). A rule for a
    rendering that changes on a new server goes here, with the version that
    changed it."""
    if text is None:
        return None
    return " ".join(text.split())


def _apply_settings(cursor, settings):
    names = list(settings)
    cursor.execute(
        "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in names),
        [part for name in names for part in (name, settings[name])],
    )


@contextmanager
def rendering_settings(cursor):
    """Run the block under :data:`SESSION_SETTINGS`, then restore the
    session's settings (a Django connection keeps its own search_path)."""
    names = list(SESSION_SETTINGS)
    cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
    saved = dict(zip(names, cursor.fetchone(), strict=True))
    _apply_settings(cursor, SESSION_SETTINGS)
    try:
        yield
    except BaseException:
        # A failed transaction refuses the restore (and rolls the settings
        # back itself); the first error is the one to see.
        with suppress(Exception):
            _apply_settings(cursor, saved)
        raise
    _apply_settings(cursor, saved)


# The rows of one read --------------------------------------------------------


class Relation(NamedTuple):
    schema: str
    name: str
    kind: str  # pg_class.relkind: r, p, v, m or f
    comment: str | None
    partition_key: str | None
    #: Named like a time partition of a partitioned table of its schema
    #: (``<table>_pYYYYMM[DD]``): a partition that ``manage.py partitions``
    #: detached after the retention, an archive rather than the schema.
    detached_partition: bool


class ColumnRow(NamedTuple):
    schema: str
    table: str
    name: str
    type: str
    not_null: bool
    default: str | None
    identity: str
    generated: str
    collation: str | None
    comment: str | None


class ConstraintRow(NamedTuple):
    schema: str
    table: str
    name: str
    kind: str  # pg_constraint.contype (never 'n')
    definition: str
    deferrable: bool
    deferred: bool
    index_name: str | None  # of a PRIMARY KEY, UNIQUE or EXCLUDE constraint
    #: False for the copies PostgreSQL makes of a foreign key referencing a
    #: partitioned table, one per partition (conparentid set).
    declared: bool
    # Foreign keys only:
    target_schema: str | None
    target_table: str | None
    columns: tuple
    target_columns: tuple
    on_delete: str | None
    on_update: str | None


class IndexRow(NamedTuple):
    schema: str
    table: str
    name: str
    definition: str
    unique: bool
    partial: bool  # a predicate or an expression
    columns: tuple


class SequenceRow(NamedTuple):
    schema: str
    name: str
    type: str
    table: str | None  # the owning table and column, if any
    column: str | None


class TriggerRow(NamedTuple):
    schema: str
    table: str
    name: str
    definition: str
    enabled: str  # pg_trigger.tgenabled: O, A, R or D


class FunctionRow(NamedTuple):
    schema: str
    name: str
    arguments: str
    digest: str  # md5 of pg_get_functiondef


class PartitionRow(NamedTuple):
    schema: str
    parent: str
    name: str
    bound: str


@dataclass
class CatalogRows:
    """What one read of ``pg_catalog`` found for some schemas.

    Partitions are left out with everything on them (their indexes,
    constraints and triggers are the parent's); only their bounds are in
    :attr:`partitions`. Every other row is about a relation of
    :attr:`relations`, except foreign keys from other schemas into these
    (:attr:`constraints` rows whose table is elsewhere)."""

    schemas: set = field(default_factory=set)  # those of the asked that exist
    relations: dict = field(default_factory=dict)  # (schema, name) -> Relation
    partitions: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # in column order per table
    constraints: list = field(default_factory=list)
    indexes: list = field(default_factory=list)
    sequences: list = field(default_factory=list)
    triggers: list = field(default_factory=list)
    functions: list = field(default_factory=list)


_DETACHED_PARTITION = """EXISTS (
    SELECT 1 FROM pg_partitioned_table pt JOIN pg_class parent ON parent.oid = pt.partrelid
    WHERE parent.relnamespace = c.relnamespace
      AND c.relname ~ ('^' || parent.relname || '_p([0-9]{6}|[0-9]{8})$'))"""

_RELATIONS = f"""
    SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class'),
           pg_get_partkeydef(c.oid), {_DETACHED_PARTITION}
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT c.relispartition AND c.relname LIKE %(pattern)s
"""

_PARTITIONS = """
    SELECT n.nspname, p.relname, c.relname, pg_get_expr(c.relpartbound, c.oid)
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    JOIN pg_namespace n ON n.oid = p.relnamespace
    WHERE n.nspname = ANY(%(schemas)s) AND c.relispartition AND NOT p.relispartition
      AND p.relname LIKE %(pattern)s
    ORDER BY 1, 2, 3
"""

_COLUMNS = """
    SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
           a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity,
           a.attgenerated, co.collname, col_description(c.oid, a.attnum)
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
    WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT c.relispartition AND c.relname LIKE %(pattern)s
      AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY n.nspname, c.relname, a.attnum
"""


def _key_names(keys, relation):
    return f"""(SELECT array_agg(a.attname ORDER BY k.ord)
                FROM unnest({keys}) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = {relation} AND a.attnum = k.attnum)"""


# NOT NULL constraints (contype 'n', PostgreSQL 18) are column nullability
# (ColumnRow.not_null): leaving them out reads servers 15 and 18 alike.
_CONSTRAINTS = f"""
    SELECT sn.nspname, s.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
           con.condeferrable, con.condeferred, i.relname, con.conparentid = 0,
           tn.nspname, t.relname, {_key_names("con.conkey", "con.conrelid")},
           {_key_names("con.confkey", "con.confrelid")}, con.confdeltype, con.confupdtype
    FROM pg_constraint con
    JOIN pg_class s ON s.oid = con.conrelid
    JOIN pg_namespace sn ON sn.oid = s.relnamespace
    LEFT JOIN pg_class i ON i.oid = con.conindid
    LEFT JOIN pg_class t ON t.oid = con.confrelid
    LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
    WHERE con.contype <> 'n' AND NOT s.relispartition AND s.relname LIKE %(pattern)s
      AND (sn.nspname = ANY(%(schemas)s) OR (con.contype = 'f' AND tn.nspname = ANY(%(schemas)s)))
      AND (%(foreign_keys_only)s IS NOT TRUE OR con.contype = 'f')
"""

_INDEXES = f"""
    SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid), x.indisunique,
           x.indpred IS NOT NULL OR x.indexprs IS NOT NULL,
           {_key_names("x.indkey", "t.oid")}
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ANY(%(schemas)s) AND NOT t.relispartition AND t.relname LIKE %(pattern)s
"""

# A sequence owned by a table goes with it (the pattern, detached partitions).
_SEQUENCES = f"""
    SELECT n.nspname, s.relname, format_type(q.seqtypid, NULL), c.relname, a.attname
    FROM pg_class s
    JOIN pg_namespace n ON n.oid = s.relnamespace
    JOIN pg_sequence q ON q.seqrelid = s.oid
    LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
         AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class c ON c.oid = d.refobjid
    LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND n.nspname = ANY(%(schemas)s)
      AND (c.relname IS NULL OR (c.relname LIKE %(pattern)s AND NOT c.relispartition
                                 AND NOT {_DETACHED_PARTITION}))
"""

_TRIGGERS = """
    SELECT n.nspname, c.relname, tg.tgname, pg_get_triggerdef(tg.oid), tg.tgenabled
    FROM pg_trigger tg
    JOIN pg_class c ON c.oid = tg.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT tg.tgisinternal AND n.nspname = ANY(%(schemas)s) AND NOT c.relispartition
      AND c.relname LIKE %(pattern)s
"""

# Functions of an extension are the extension's, not the schema's.
_FUNCTIONS = """
    SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
           md5(pg_get_functiondef(p.oid))
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
    WHERE n.nspname = ANY(%(schemas)s) AND d.objid IS NULL AND p.prokind IN ('f', 'p')
      AND p.proname LIKE %(pattern)s
"""


def _constraint_rows(cursor, params):
    cursor.execute(_CONSTRAINTS, params)
    return [
        ConstraintRow(*row[:11], tuple(row[11] or ()), tuple(row[12] or ()), *row[13:])
        for row in cursor.fetchall()
    ]


def read_rows(connection, schemas, pattern="%"):
    """Read ``schemas`` from ``connection`` (a Django connection or a
    psycopg one): the one set of queries both :func:`snapshot` and
    :func:`read_catalog` build from. ``pattern`` (a LIKE pattern) limits
    tables (and what is on them) and functions by name."""
    params = {"schemas": list(schemas), "pattern": pattern, "foreign_keys_only": False}
    rows = CatalogRows()
    with connection.cursor() as cursor, rendering_settings(cursor):
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%(schemas)s)", params)
        rows.schemas = {row[0] for row in cursor.fetchall()}
        cursor.execute(_RELATIONS, params)
        for row in cursor.fetchall():
            relation = Relation(*row)
            rows.relations[relation.schema, relation.name] = relation
        cursor.execute(_PARTITIONS, params)
        rows.partitions = [PartitionRow(*row) for row in cursor.fetchall()]
        cursor.execute(_COLUMNS, params)
        rows.columns = [ColumnRow(*row) for row in cursor.fetchall()]
        rows.constraints = _constraint_rows(cursor, params)
        cursor.execute(_INDEXES, params)
        rows.indexes = [IndexRow(*row[:6], tuple(row[6] or ())) for row in cursor.fetchall()]
        cursor.execute(_SEQUENCES, params)
        rows.sequences = [SequenceRow(*row) for row in cursor.fetchall()]
        cursor.execute(_TRIGGERS, params)
        rows.triggers = [TriggerRow(*row) for row in cursor.fetchall()]
        cursor.execute(_FUNCTIONS, params)
        rows.functions = [FunctionRow(*row) for row in cursor.fetchall()]
    return rows


# The snapshot (drift, migration tests) ------------------------------------------


@dataclass
class CatalogSnapshot:
    schemas: set = field(default_factory=set)
    tables: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    constraints: dict = field(default_factory=dict)
    indexes: dict = field(default_factory=dict)
    sequences: dict = field(default_factory=dict)
    triggers: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)

    SINGULAR = {"indexes": "index", "schemas": "schema"}
    SECTIONS = (
        "schemas",
        "tables",
        "columns",
        "constraints",
        "indexes",
        "sequences",
        "triggers",
        "functions",
    )

    def is_empty(self):
        return not any(getattr(self, name) for name in self.SECTIONS if name != "schemas")

    def differences(self, other, label_self="expected", label_other="actual"):
        """Human-readable lines for everything that differs."""
        lines = []
        for section in self.SECTIONS:
            mine, theirs = getattr(self, section), getattr(other, section)
            if section == "schemas":
                for name in sorted(mine - theirs):
                    lines.append(f"schema {name}: only in {label_self}")
                for name in sorted(theirs - mine):
                    lines.append(f"schema {name}: only in {label_other}")
                continue
            noun = self.SINGULAR.get(section, section[:-1])
            for key in sorted(set(mine) | set(theirs), key=str):
                if key not in theirs:
                    lines.append(f"{noun} {_key(key)}: only in {label_self}")
                elif key not in mine:
                    lines.append(f"{noun} {_key(key)}: only in {label_other}")
                elif mine[key] != theirs[key]:
                    lines.append(
                        f"{noun} {_key(key)}: {label_self} {mine[key]!r}, "
                        f"{label_other} {theirs[key]!r}"
                    )
        return lines


def _key(key):
    return ".".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def snapshot(connection, schemas, table_filter=None, strip_schemas=False):
    """Snapshot the objects of ``schemas``, from :func:`read_rows`.

    ``table_filter`` (a LIKE pattern) limits tables (and their dependents)
    and functions by name;
    ``strip_schemas`` removes the schema names from keys and definitions so
    that the same objects in different schemas compare equal.

    Partitions (and tables detached from a partitioned table under a time
    partition's name, ``<table>_pYYYYMM[DD]``) are left out with everything
    on them: which exist depends on the day ``manage.py partitions`` last ran,
    not on the migrations, and their indexes, constraints and triggers are
    the parent's, which is in the snapshot.
    """
    schemas = list(schemas)
    rows = read_rows(connection, schemas, table_filter or "%")
    snap = CatalogSnapshot()

    def clean(text):
        if text is None or not strip_schemas:
            return text
        for schema in schemas:
            text = text.replace(f'"{schema}".', "").replace(f"{schema}.", "")
        return text

    def key(schema, *rest):
        return rest if strip_schemas else (schema, *rest)

    # Stripped snapshots compare objects across schemas, not the schemas.
    snap.schemas = set() if strip_schemas else rows.schemas
    kept = {name for name, relation in rows.relations.items() if not relation.detached_partition}
    for (schema, name), relation in rows.relations.items():
        if (schema, name) in kept:
            snap.tables[key(schema, name)] = (
                relation.kind,
                relation.comment,
                relation.partition_key,
            )
    for column in rows.columns:
        if (column.schema, column.table) in kept:
            snap.columns[key(column.schema, column.table, column.name)] = tuple(
                clean(value) if isinstance(value, str) else value for value in column[3:]
            )
    for con in rows.constraints:
        if (con.schema, con.table) in kept:
            snap.constraints[key(con.schema, con.table, con.name)] = (
                con.kind,
                clean(con.definition),
                con.deferrable,
                con.deferred,
            )
    for index in rows.indexes:
        if (index.schema, index.table) in kept:
            snap.indexes[key(index.schema, index.name)] = (index.table, clean(index.definition))
    for sequence in rows.sequences:
        snap.sequences[key(sequence.schema, sequence.name)] = (
            sequence.type,
            sequence.table,
            sequence.column,
        )
    for trigger in rows.triggers:
        if (trigger.schema, trigger.table) in kept:
            snap.triggers[key(trigger.schema, trigger.table, trigger.name)] = (
                clean(trigger.definition),
                trigger.enabled,
            )
    for function in rows.functions:
        digest = "(stripped)" if strip_schemas else function.digest
        snap.functions[key(function.schema, function.name, function.arguments)] = digest
    return snap


# The documented catalog (schema docs, console) -----------------------------


@dataclass
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None
    identity: str
    generated: str
    comment: str | None = None


@dataclass
class ForeignKey:
    name: str
    schema: str
    table: str
    columns: tuple
    target_schema: str
    target_table: str
    target_columns: tuple
    on_delete: str
    on_update: str
    deferrable: str
    #: ``pg_get_constraintdef``, as the reading session prints it.
    definition: str = ""

    @property
    def cross_schema(self):
        return self.schema != self.target_schema


@dataclass
class Table:
    schema: str
    name: str
    partition_key: str | None = None
    comment: str | None = None
    partition_bounds: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    constraints: list = field(default_factory=list)  # (name, kind, definition, index)
    indexes: list = field(default_factory=list)  # (name, unique, definition, constraint kind)
    triggers: list = field(default_factory=list)  # (name, definition)
    unique_sets: set = field(default_factory=set)

    @property
    def qualified(self):
        return f"{self.schema}.{self.name}"

    def column(self, name):
        return next((column for column in self.columns if column.name == name), None)

    @property
    def primary_key(self):
        for _name, kind, definition, _index in self.constraints:
            if kind == "p":
                return _columns_of(definition)
        return ()


@dataclass
class Catalog:
    tables: dict = field(default_factory=dict)  # (schema, name) -> Table
    foreign_keys: list = field(default_factory=list)

    def domain_tables(self, schema):
        return [self.tables[key] for key in sorted(self.tables) if key[0] == schema]


_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


def read_catalog(connection, schemas=DOMAIN_SCHEMAS):
    """The documented catalog of ``schemas``, from :func:`read_rows` on a
    migrated database: tables (plain and partitioned; detached partitions
    are plain tables and documented as such) with their columns,
    constraints, indexes and triggers. Tables referenced from or
    referencing them in other schemas (``public`` included) appear as
    foreign-key ends only."""
    rows = read_rows(connection, schemas)
    catalog = Catalog()
    for (schema, name), relation in rows.relations.items():
        if relation.kind in ("r", "p"):
            catalog.tables[schema, name] = Table(
                schema, name, normalise_sql(relation.partition_key), relation.comment
            )
    tables = catalog.tables
    for partition in rows.partitions:
        if (partition.schema, partition.parent) in tables:
            tables[partition.schema, partition.parent].partition_bounds.append(partition.bound)
    for column in rows.columns:
        if (column.schema, column.table) in tables:
            tables[column.schema, column.table].columns.append(
                Column(
                    column.name,
                    column.type,
                    column.not_null,
                    normalise_sql(column.default),
                    {"a": "always", "d": "by default"}.get(column.identity, ""),
                    column.generated,
                    column.comment,
                )
            )
    for con in rows.constraints:
        if con.kind == "f":
            # A key referencing a partitioned table is also recorded once
            # per partition: only the declared one counts.
            if con.declared:
                catalog.foreign_keys.append(_foreign_key(con))
        elif con.kind in ("p", "u", "c", "x") and (con.schema, con.table) in tables:
            tables[con.schema, con.table].constraints.append(
                (con.name, con.kind, normalise_sql(con.definition), con.index_name)
            )
    for index in rows.indexes:
        if (index.schema, index.table) in tables:
            entry = tables[index.schema, index.table]
            entry.indexes.append((index.name, index.unique, normalise_sql(index.definition)))
            if index.unique and not index.partial:
                entry.unique_sets.add(frozenset(index.columns))
    for trigger in rows.triggers:
        if (trigger.schema, trigger.table) in tables:
            tables[trigger.schema, trigger.table].triggers.append(
                (trigger.name, normalise_sql(trigger.definition))
            )
    for table in tables.values():
        table.constraints.sort()
        table.indexes.sort()
        table.triggers.sort()
        for _name, kind, definition, _index in table.constraints:
            if kind in ("p", "u"):
                table.unique_sets.add(frozenset(_columns_of(definition)))
    catalog.foreign_keys.sort(key=lambda fk: (fk.schema, fk.table, fk.columns, fk.name))
    return catalog


def _foreign_key(row):
    return ForeignKey(
        row.name,
        row.schema,
        row.table,
        row.columns,
        row.target_schema,
        row.target_table,
        row.target_columns,
        _FK_ACTIONS[row.on_delete],
        _FK_ACTIONS[row.on_update],
        ("deferred" if row.deferred else "immediate") if row.deferrable else "",
        row.definition,
    )


def _columns_of(definition):
    match = re.match(r"^(?:PRIMARY KEY|UNIQUE(?: NULLS NOT DISTINCT)?) \(([^)]*)\)", definition)
    return tuple(part.strip().strip('"') for part in match.group(1).split(",")) if match else ()


# Focused questions (the operations tooling) ---------------------------------------
# They take a cursor (Django's or psycopg's): their callers are inside a
# transaction of their own, often on a connection to another database.


def tables_in(cursor, schema, *, partitions=False):
    """The tables (plain and partitioned) of ``schema``, by name; with
    ``partitions``, their partitions too."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND (%s OR NOT c.relispartition) "
        "ORDER BY 1",
        [schema, partitions],
    )
    return [row[0] for row in cursor.fetchall()]


def partitions_of(cursor, table):
    """``[(name, bound)]`` of the partitions attached to ``table`` (a quoted,
    schema-qualified name), by name; a bound as PostgreSQL prints it
    (``FOR VALUES FROM (...) TO (...)``, ``DEFAULT``)."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY 1",
        [table],
    )
    return [tuple(row) for row in cursor.fetchall()]


def triggers_on(cursor, table):
    """``{name: tgenabled}`` of the triggers of ``table`` (a quoted,
    schema-qualified name) other than PostgreSQL's internal ones: ``O`` or
    ``A`` fire, ``D`` is disabled, ``R`` fires on replicas only."""
    cursor.execute(
        "SELECT tgname, tgenabled FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY 1",
        [table],
    )
    return dict(cursor.fetchall())


def foreign_keys(cursor, schemas=None):
    """The declared foreign keys from or into ``schemas`` (every schema but
    PostgreSQL's own when None; partitions' copies left out), read by
    :func:`read_catalog`'s query for them, sorted by (schema, table, name).
    A definition names tables as the cursor's session (its search_path)
    prints them."""
    if schemas is None:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE %s "
            "AND nspname <> 'information_schema'",
            ["pg\\_%"],
        )
        schemas = [row[0] for row in cursor.fetchall()]
    params = {"schemas": list(schemas), "pattern": "%", "foreign_keys_only": True}
    found = [_foreign_key(row) for row in _constraint_rows(cursor, params) if row.declared]
    return sorted(found, key=lambda fk: (fk.schema, fk.table, fk.name))
