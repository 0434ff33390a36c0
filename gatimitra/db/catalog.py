"""A snapshot of what PostgreSQL's catalog holds for some schemas.

Read straight from ``pg_catalog`` (not through Django's introspection), so it
can judge the backend: tables, columns, constraints, indexes, sequences,
triggers and functions, each with PostgreSQL's own rendering of its
definition. Used to prove migrations do the same on schema tables as on
``public`` ones, and to compare a live database with what migrations build.
"""

from dataclasses import dataclass, field


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
