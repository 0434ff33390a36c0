"""The one reader of PostgreSQL's catalog for the domain schemas.

:func:`snapshot` (the drift check, the migration tests) and :func:`read_catalog`
(the schema docs and the console's schema pages) both read ``pg_catalog``
here, so a rendering rule (what is left out on PostgreSQL 18, which session
settings fix how values print) is written once.

A snapshot of what PostgreSQL's catalog holds for some schemas.

Read straight from ``pg_catalog`` (not through Django's introspection), so it
can judge the backend: tables, columns, constraints, indexes, sequences,
triggers and functions, each with PostgreSQL's own rendering of its
definition. Used to prove migrations do the same on schema tables as on
``public`` ones, and to compare a live database with what migrations build.
"""

import re
from dataclasses import dataclass, field

from gatimitra.db.tables import DOMAIN_SCHEMAS


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


def _kept(alias):
    """SQL: relation ``alias`` is neither a partition nor a detached time partition."""
    return f"""NOT {alias}.relispartition AND NOT EXISTS (
        SELECT 1 FROM pg_partitioned_table pt JOIN pg_class parent ON parent.oid = pt.partrelid
        WHERE parent.relnamespace = {alias}.relnamespace
          AND {alias}.relname ~ ('^' || parent.relname || '_p([0-9]{{6}}|[0-9]{{8}})$'))"""


def snapshot(connection, schemas, table_filter=None, strip_schemas=False):
    """Snapshot the objects of ``schemas``.

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
    pattern = table_filter or "%"
    snap = CatalogSnapshot()

    def clean(text):
        if text is None or not strip_schemas:
            return text
        for schema in schemas:
            text = text.replace(f'"{schema}".', "").replace(f"{schema}.", "")
        return text

    def key(schema, *rest):
        return rest if strip_schemas else (schema, *rest)

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas])
        # Stripped snapshots compare objects across schemas, not the schemas.
        snap.schemas = set() if strip_schemas else {row[0] for row in cursor.fetchall()}

        cursor.execute(
            """
            SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class'),
                   pg_get_partkeydef(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND c.relname LIKE %s AND {kept}
            """.format(kept=_kept("c")),
            [schemas, pattern],
        )
        for schema, name, kind, comment, partkey in cursor.fetchall():
            snap.tables[key(schema, name)] = (kind, comment, partkey)

        cursor.execute(
            """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity,
                   a.attgenerated, co.collname, col_description(c.oid, a.attnum), a.attnum
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND c.relname LIKE %s AND a.attnum > 0 AND NOT a.attisdropped AND {kept}
            """.format(kept=_kept("c")),
            [schemas, pattern],
        )
        for row in cursor.fetchall():
            schema, table, column, *rest, _attnum = row
            snap.columns[key(schema, table, column)] = tuple(
                clean(v) if isinstance(v, str) else v for v in rest
            )

        # NOT NULL constraints (contype 'n', PostgreSQL 18) are column
        # nullability above; leaving them out compares servers 15 and 18 alike.
        cursor.execute(
            """
            SELECT n.nspname, c.relname, con.conname, con.contype,
                   pg_get_constraintdef(con.oid), con.condeferrable, con.condeferred
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relname LIKE %s AND con.contype <> 'n'
              AND {kept}
            """.format(kept=_kept("c")),
            [schemas, pattern],
        )
        for schema, table, name, kind, definition, deferrable, deferred in cursor.fetchall():
            snap.constraints[key(schema, table, name)] = (
                kind,
                clean(definition),
                deferrable,
                deferred,
            )

        cursor.execute(
            """
            SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE n.nspname = ANY(%s) AND t.relname LIKE %s AND {kept}
            """.format(kept=_kept("t")),
            [schemas, pattern],
        )
        for schema, table, name, definition in cursor.fetchall():
            snap.indexes[key(schema, name)] = (table, clean(definition))

        cursor.execute(
            """
            SELECT n.nspname, s.relname, format_type(q.seqtypid, NULL), t.relname, a.attname
            FROM pg_class s
            JOIN pg_namespace n ON n.oid = s.relnamespace
            JOIN pg_sequence q ON q.seqrelid = s.oid
            LEFT JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_class t ON t.oid = d.refobjid
            LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE s.relkind = 'S' AND n.nspname = ANY(%s)
              AND (t.relname IS NULL OR (t.relname LIKE %s AND {kept}))
            """.format(kept=_kept("t")),
            [schemas, pattern],
        )
        for schema, name, type_, table, column in cursor.fetchall():
            snap.sequences[key(schema, name)] = (type_, table, column)

        cursor.execute(
            """
            SELECT n.nspname, c.relname, tg.tgname, pg_get_triggerdef(tg.oid), tg.tgenabled
            FROM pg_trigger tg
            JOIN pg_class c ON c.oid = tg.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT tg.tgisinternal AND n.nspname = ANY(%s) AND c.relname LIKE %s
              AND {kept}
            """.format(kept=_kept("c")),
            [schemas, pattern],
        )
        for schema, table, name, definition, enabled in cursor.fetchall():
            snap.triggers[key(schema, table, name)] = (clean(definition), enabled)

        cursor.execute(
            """
            SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                   md5(pg_get_functiondef(p.oid))
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
            WHERE n.nspname = ANY(%s) AND d.objid IS NULL AND p.prokind IN ('f', 'p')
              AND p.proname LIKE %s
            """,
            [schemas, pattern],
        )
        for schema, name, arguments, digest in cursor.fetchall():
            if strip_schemas:
                digest = "(stripped)"
            snap.functions[key(schema, name, arguments)] = digest
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


#: Session settings that change how PostgreSQL prints values and names.
SESSION_SETTINGS = (
    "SET search_path = public",
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
)

_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


def normalise_sql(text):
    """One line per definition (table cells), whitespace collapsed.

    Compared on PostgreSQL 15 and 18 for every definition read here (column
    types and defaults, CHECK/UNIQUE/EXCLUDE/PK definitions, index and trigger
    definitions, partition keys), the renderings are identical once the
    session settings above are fixed; the one catalog difference, NOT NULL
    constraints as rows of ``pg_constraint`` (contype 'n', PostgreSQL 18), is
    left out where constraints are read. A rule for a rendering that changes
    on a new server goes here, with the version that changed it."""
    if text is None:
        return None
    return " ".join(text.split())


def read_catalog(connection, schemas=DOMAIN_SCHEMAS):
    """Read ``schemas`` from a psycopg connection (autocommit) to a migrated
    database. Tables referenced from or referencing them in other schemas
    (``public`` included) appear as foreign-key ends only."""
    schemas = list(schemas)
    catalog = Catalog()
    with connection.cursor() as cursor:
        for statement in SESSION_SETTINGS:
            cursor.execute(statement)

        cursor.execute(
            """
            SELECT n.nspname, c.relname, pg_get_partkeydef(c.oid),
                   obj_description(c.oid, 'pg_class')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            """,
            [schemas],
        )
        for schema, name, partkey, comment in cursor.fetchall():
            catalog.tables[schema, name] = Table(schema, name, normalise_sql(partkey), comment)

        cursor.execute(
            """
            SELECT n.nspname, p.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = ANY(%s) AND c.relispartition AND NOT p.relispartition
            """,
            [schemas],
        )
        for schema, name, bound in cursor.fetchall():
            if (schema, name) in catalog.tables:
                catalog.tables[schema, name].partition_bounds.append(bound)

        cursor.execute(
            """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity,
                   a.attgenerated, col_description(c.oid, a.attnum)
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY n.nspname, c.relname, a.attnum
            """,
            [schemas],
        )
        for (
            schema,
            table,
            name,
            type_,
            not_null,
            default,
            identity,
            generated,
            comment,
        ) in cursor.fetchall():
            column = Column(
                name,
                type_,
                not_null,
                normalise_sql(default),
                {"a": "always", "d": "by default"}.get(identity, ""),
                generated,
                comment,
            )
            catalog.tables[schema, table].columns.append(column)

        # NOT NULL constraints (contype 'n', PostgreSQL 18) are column
        # nullability; foreign keys are read on their own below.
        cursor.execute(
            """
            SELECT n.nspname, c.relname, con.conname, con.contype,
                   pg_get_constraintdef(con.oid), i.relname
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_class i ON i.oid = con.conindid
            WHERE n.nspname = ANY(%s) AND con.contype IN ('p', 'u', 'c', 'x')
              AND NOT c.relispartition
            """,
            [schemas],
        )
        for schema, table, name, kind, definition, index in cursor.fetchall():
            catalog.tables[schema, table].constraints.append(
                (name, kind, normalise_sql(definition), index)
            )

        cursor.execute(
            """
            SELECT n.nspname, t.relname, i.relname, pg_get_indexdef(i.oid), x.indisunique,
                   x.indpred IS NOT NULL OR x.indexprs IS NOT NULL,
                   (SELECT array_agg(a.attname ORDER BY k.ord)
                    FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = ANY(%s) AND NOT t.relispartition AND t.relkind IN ('r', 'p')
            """,
            [schemas],
        )
        for schema, table, name, definition, unique, partial, columns in cursor.fetchall():
            entry = catalog.tables[schema, table]
            entry.indexes.append((name, unique, normalise_sql(definition)))
            if unique and not partial:
                entry.unique_sets.add(frozenset(columns))

        cursor.execute(
            """
            SELECT n.nspname, c.relname, tg.tgname, pg_get_triggerdef(tg.oid)
            FROM pg_trigger tg
            JOIN pg_class c ON c.oid = tg.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT tg.tgisinternal AND n.nspname = ANY(%s) AND NOT c.relispartition
              AND c.relkind IN ('r', 'p')
            """,
            [schemas],
        )
        for schema, table, name, definition in cursor.fetchall():
            catalog.tables[schema, table].triggers.append((name, normalise_sql(definition)))

        # A key referencing a partitioned table is also recorded once per
        # partition (conparentid set): only the declared one counts.
        cursor.execute(
            """
            SELECT con.conname, sn.nspname, s.relname, tn.nspname, t.relname,
                   (SELECT array_agg(a.attname ORDER BY k.ord)
                    FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
                   (SELECT array_agg(a.attname ORDER BY k.ord)
                    FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
                   con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred
            FROM pg_constraint con
            JOIN pg_class s ON s.oid = con.conrelid
            JOIN pg_namespace sn ON sn.oid = s.relnamespace
            JOIN pg_class t ON t.oid = con.confrelid
            JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE con.contype = 'f' AND con.conparentid = 0 AND NOT s.relispartition
              AND (sn.nspname = ANY(%s) OR tn.nspname = ANY(%s))
            """,
            [schemas, schemas],
        )
        for row in cursor.fetchall():
            name, schema, table, target_schema, target_table, columns, target_columns = row[:7]
            on_delete, on_update, deferrable, deferred = row[7:]
            catalog.foreign_keys.append(
                ForeignKey(
                    name,
                    schema,
                    table,
                    tuple(columns),
                    target_schema,
                    target_table,
                    tuple(target_columns),
                    _FK_ACTIONS[on_delete],
                    _FK_ACTIONS[on_update],
                    ("deferred" if deferred else "immediate") if deferrable else "",
                )
            )
    for table in catalog.tables.values():
        table.constraints.sort()
        table.indexes.sort()
        table.triggers.sort()
        for _name, kind, definition, _index in table.constraints:
            if kind in ("p", "u"):
                table.unique_sets.add(frozenset(_columns_of(definition)))
    catalog.foreign_keys.sort(key=lambda fk: (fk.schema, fk.table, fk.columns, fk.name))
    return catalog


def _columns_of(definition):
    match = re.match(r"^(?:PRIMARY KEY|UNIQUE(?: NULLS NOT DISTINCT)?) \(([^)]*)\)", definition)
    return tuple(part.strip().strip('"') for part in match.group(1).split(",")) if match else ()
