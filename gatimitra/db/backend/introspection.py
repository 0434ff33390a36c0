"""Introspection that sees tables in every schema, not only those on the search path.

Django's PostgreSQL introspection finds a table by ``relname = %s AND
pg_table_is_visible(oid)``, so tables in domain schemas are invisible: ``flush``
skips them, ``inspectdb`` lists nothing, and the schema editor cannot find the
constraints and indexes it must drop (and, by default, silently drops none).

Here every lookup resolves the table with ``to_regclass('"schema"."table"')``,
which finds exactly that table or nothing, and every table outside the current
schema is named in the spelling ``Meta.db_table`` uses (``schema"."table``), so
``table_names()`` and ``django_table_names()`` compare equal. The queries are
Django 5.2's own, with that lookup swapped in; cross-schema foreign keys are
reported too (Django's ``get_relations`` only reports same-schema ones).
"""

from django.db.backends.postgresql.introspection import (
    DatabaseIntrospection as PostgreSQLIntrospection,
)
from django.db.backends.postgresql.introspection import (  # type: ignore[attr-defined]  # not in the stubs
    FieldInfo,
    TableInfo,
)
from django.db.models import Index

from gatimitra.db.tables import quote_table

#: Schemas that hold PostgreSQL's own objects, never the project's.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")


def _qualify(schema, name, is_current):
    return name if is_current else f'{schema}"."{name}'


class DatabaseIntrospection(PostgreSQLIntrospection):
    def get_table_list(self, cursor):
        """Tables, views and partitions in the current schema and every user schema."""
        cursor.execute(
            """
            SELECT
                c.relname,
                CASE
                    WHEN c.relispartition THEN 'p'
                    WHEN c.relkind IN ('m', 'v') THEN 'v'
                    ELSE 't'
                END,
                obj_description(c.oid, 'pg_class'),
                n.nspname,
                n.nspname = current_schema()
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
                AND n.nspname <> ALL(%s)
                AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
                AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'
            ORDER BY n.nspname, c.relname
            """,
            [list(SYSTEM_SCHEMAS)],
        )
        tables = []
        for name, kind, comment, schema, is_current in cursor.fetchall():
            qualified = _qualify(schema, name, is_current)
            if qualified not in self.ignored_tables:
                tables.append(TableInfo(qualified, kind, comment))
        return tables

    def get_table_description(self, cursor, table_name):
        cursor.execute(
            """
            SELECT
                a.attname AS column_name,
                NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS is_nullable,
                pg_get_expr(ad.adbin, ad.adrelid) AS column_default,
                CASE WHEN collname = 'default' THEN NULL ELSE collname END AS collation,
                a.attidentity != '' AS is_autofield,
                col_description(a.attrelid, a.attnum) AS column_comment
            FROM pg_attribute a
            LEFT JOIN pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
            LEFT JOIN pg_collation co ON a.attcollation = co.oid
            JOIN pg_type t ON a.atttypid = t.oid
            WHERE a.attrelid = to_regclass(%s)
                AND a.attnum > 0
                AND NOT a.attisdropped
            """,
            [quote_table(table_name)],
        )
        field_map = {line[0]: line[1:] for line in cursor.fetchall()}
        cursor.execute("SELECT * FROM %s LIMIT 1" % quote_table(table_name))
        return [
            FieldInfo(
                line.name,
                line.type_code,
                line.internal_size if line.display_size is None else line.display_size,
                line.internal_size,
                line.precision,
                line.scale,
                *field_map[line.name],
            )
            for line in cursor.description
        ]

    def get_sequences(self, cursor, table_name, table_fields=()):
        cursor.execute(
            """
            SELECT s.relname, sn.nspname, sn.nspname = current_schema(), a.attname
            FROM pg_class s
            JOIN pg_namespace sn ON sn.oid = s.relnamespace
            JOIN pg_depend d ON d.objid = s.oid
                AND d.classid = 'pg_class'::regclass
                AND d.refclassid = 'pg_class'::regclass
            JOIN pg_attribute a ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
            WHERE s.relkind = 'S' AND d.refobjid = to_regclass(%s)
            """,
            [quote_table(table_name)],
        )
        return [
            {"name": _qualify(schema, name, is_current), "table": table_name, "column": column}
            for name, schema, is_current, column in cursor.fetchall()
        ]

    def get_relations(self, cursor, table_name):
        """``{column: (referenced column, referenced table)}``, across schemas too."""
        cursor.execute(
            """
            SELECT a1.attname, c2.relname, n2.nspname, n2.nspname = current_schema(), a2.attname
            FROM pg_constraint con
            JOIN pg_class c2 ON con.confrelid = c2.oid
            JOIN pg_namespace n2 ON n2.oid = c2.relnamespace
            JOIN pg_attribute a1 ON a1.attrelid = con.conrelid AND a1.attnum = con.conkey[1]
            JOIN pg_attribute a2 ON a2.attrelid = con.confrelid AND a2.attnum = con.confkey[1]
            WHERE con.conrelid = to_regclass(%s) AND con.contype = 'f'
            """,
            [quote_table(table_name)],
        )
        return {
            column: (other_column, _qualify(schema, other_table, is_current))
            for column, other_table, schema, is_current, other_column in cursor.fetchall()
        }

    def get_constraints(self, cursor, table_name):
        constraints = {}
        regclass = quote_table(table_name)
        # NOT NULL constraints (contype 'n', catalogued since PostgreSQL 18)
        # are column properties to Django; leaving them out keeps the result
        # the same on every supported server.
        cursor.execute(
            """
            SELECT
                c.conname,
                array(
                    SELECT attname
                    FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx)
                    JOIN pg_attribute AS ca ON cols.colid = ca.attnum
                    WHERE ca.attrelid = c.conrelid
                    ORDER BY cols.arridx
                ),
                c.contype,
                fkc.relname,
                fkn.nspname,
                fkn.nspname = current_schema(),
                fka.attname,
                cl.reloptions
            FROM pg_constraint AS c
            JOIN pg_class AS cl ON c.conrelid = cl.oid
            LEFT JOIN pg_class AS fkc ON fkc.oid = c.confrelid
            LEFT JOIN pg_namespace AS fkn ON fkn.oid = fkc.relnamespace
            LEFT JOIN pg_attribute AS fka
                ON fka.attrelid = c.confrelid AND fka.attnum = c.confkey[1]
            WHERE c.conrelid = to_regclass(%s) AND c.contype <> 'n'
            """,
            [regclass],
        )
        for (
            constraint,
            columns,
            kind,
            fk_table,
            fk_schema,
            fk_is_current,
            fk_column,
            options,
        ) in cursor.fetchall():
            constraints[constraint] = {
                "columns": columns,
                "primary_key": kind == "p",
                "unique": kind in ["p", "u"],
                "foreign_key": (
                    (_qualify(fk_schema, fk_table, fk_is_current), fk_column)
                    if kind == "f"
                    else None
                ),
                "check": kind == "c",
                "index": False,
                "definition": None,
                "options": options,
            }
        cursor.execute(
            """
            SELECT
                indexname,
                array_agg(attname ORDER BY arridx),
                indisunique,
                indisprimary,
                array_agg(ordering ORDER BY arridx),
                amname,
                exprdef,
                s2.attoptions
            FROM (
                SELECT
                    c2.relname as indexname, idx.*, attr.attname, am.amname,
                    CASE
                        WHEN idx.indexprs IS NOT NULL THEN
                            pg_get_indexdef(idx.indexrelid)
                    END AS exprdef,
                    CASE am.amname
                        WHEN %s THEN
                            CASE (option & 1)
                                WHEN 1 THEN 'DESC' ELSE 'ASC'
                            END
                    END as ordering,
                    c2.reloptions as attoptions
                FROM (
                    SELECT *
                    FROM
                        pg_index i,
                        unnest(i.indkey, i.indoption)
                            WITH ORDINALITY koi(key, option, arridx)
                ) idx
                LEFT JOIN pg_class c2 ON idx.indexrelid = c2.oid
                LEFT JOIN pg_am am ON c2.relam = am.oid
                LEFT JOIN
                    pg_attribute attr ON attr.attrelid = idx.indrelid AND attr.attnum = idx.key
                WHERE idx.indrelid = to_regclass(%s)
            ) s2
            GROUP BY indexname, indisunique, indisprimary, amname, exprdef, attoptions;
            """,
            [self.index_default_access_method, regclass],
        )
        for (
            index,
            columns,
            unique,
            primary,
            orders,
            type_,
            definition,
            options,
        ) in cursor.fetchall():
            if index not in constraints:
                basic_index = (
                    type_ == self.index_default_access_method
                    # '_btree' references django.contrib.postgres.indexes.BTreeIndex.suffix.
                    and not index.endswith("_btree")
                    and options is None
                )
                constraints[index] = {
                    "columns": columns if columns != [None] else [],
                    "orders": orders if orders != [None] else [],
                    "primary_key": primary,
                    "unique": unique,
                    "foreign_key": None,
                    "check": False,
                    "index": True,
                    "type": Index.suffix if basic_index else type_,
                    "definition": definition,
                    "options": options,
                }
        return constraints
