"""Schema editor for tables that live in PostgreSQL schemas.

Django builds DDL from ``Meta.db_table``; with ``schema"."table`` most of it
is already right. What follows is the rest, each case being a statement in
which PostgreSQL resolves a *name* through ``search_path`` (which is
``public`` for Django's connections) or where PostgreSQL's grammar forbids a
qualified name:

* ``DROP INDEX name`` and ``ALTER INDEX name RENAME`` resolve the index
  through the search path. Unqualified, ``DROP INDEX IF EXISTS`` silently
  does nothing for an index in a schema (or drops a same-named index in
  ``public``). They are qualified with the table's schema.
* ``SET CONSTRAINTS name IMMEDIATE`` (run before dropping a foreign key)
  resolves through the search path too; qualified likewise.
* ``ALTER TABLE ... RENAME TO`` takes a bare name; moving a table between
  schemas is ``ALTER TABLE ... SET SCHEMA``. ``alter_db_table`` does both.
* Enum fields carry a CHECK constraint whose list of values Django would
  otherwise never update (``choices`` is a non-database attribute).

Introspection, which Django uses to find the constraints it must drop, is in
``introspection.py``.
"""

from django.db import models
from django.db.backends.ddl_references import Statement, Table
from django.db.backends.postgresql.schema import DatabaseSchemaEditor as PostgreSQLSchemaEditor

from gatimitra.db.tables import MAX_IDENTIFIER_LENGTH, split_table


def pg_object_name(name1, name2, label):
    """Replicate PostgreSQL's ``makeObjectName``: the name it gives an unnamed
    constraint (``<table>_<column>_check``), shortening the longer part first."""
    overhead = len(label) + 2
    while len(name1) + len(name2) + overhead > MAX_IDENTIFIER_LENGTH:
        if len(name1) > len(name2):
            name1 = name1[:-1]
        else:
            name2 = name2[:-1]
    return f"{name1}_{name2}_{label}"


class DatabaseSchemaEditor(PostgreSQLSchemaEditor):
    sql_create_schema = "CREATE SCHEMA IF NOT EXISTS %(schema)s"
    sql_delete_schema = "DROP SCHEMA IF EXISTS %(schema)s RESTRICT"
    sql_comment_schema = "COMMENT ON SCHEMA %(schema)s IS %(comment)s"
    sql_set_table_schema = "ALTER TABLE %(table)s SET SCHEMA %(new_schema)s"
    # Foreign keys are always added with ALTER TABLE ... ADD CONSTRAINT (see
    # _create_fk_sql), never inline in ADD COLUMN, so one method decides them.
    sql_create_column_inline_fk = None  # type: ignore[assignment]  # Django declares a str
    sql_delete_fk_in_schema = (
        "SET CONSTRAINTS %(qualified_name)s IMMEDIATE; "
        "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s"
    )

    # Schemas --------------------------------------------------------------

    def create_schema(self, schema, comment=None):
        self.execute(self.sql_create_schema % {"schema": self.quote_name(schema)})
        if comment:
            self.execute(
                self.sql_comment_schema
                % {"schema": self.quote_name(schema), "comment": self.quote_value(comment)}
            )

    def delete_schema(self, schema):
        self.execute(self.sql_delete_schema % {"schema": self.quote_name(schema)})

    # Names resolved through the search path ---------------------------------

    def _qualified_name(self, model, name):
        """``"schema"."name"`` for an object that lives beside ``model``'s table."""
        schema, _ = split_table(model._meta.db_table)
        if schema is None:
            return self.quote_name(name)
        return f"{self.quote_name(schema)}.{self.quote_name(name)}"

    def _delete_index_sql(self, model, name, sql=None, concurrently=False):
        statement = super()._delete_index_sql(model, name, sql, concurrently)
        statement.parts["name"] = self._qualified_name(model, name)
        return statement

    def _rename_index_sql(self, model, old_name, new_name):
        statement = super()._rename_index_sql(model, old_name, new_name)
        # ALTER INDEX finds the index by (qualified) name; the new name is bare.
        statement.parts["old_name"] = self._qualified_name(model, old_name)
        return statement

    def _delete_constraint_sql(self, template, model, name):
        statement = super()._delete_constraint_sql(template, model, name)
        # Conditional, covering and expression unique constraints are indexes
        # in PostgreSQL and are dropped with DROP INDEX.
        if template in (self.sql_delete_index, self.sql_delete_index_concurrently):
            statement.parts["name"] = self._qualified_name(model, name)
        return statement

    def _delete_fk_sql(self, model, name):
        schema, _ = split_table(model._meta.db_table)
        if schema is None:
            return super()._delete_fk_sql(model, name)
        return Statement(
            self.sql_delete_fk_in_schema,
            table=Table(model._meta.db_table, self.quote_name),
            name=self.quote_name(name),
            qualified_name=self._qualified_name(model, name),
        )

    @staticmethod
    def _db_on_delete(field):
        """PROTECT and RESTRICT become ``ON DELETE RESTRICT`` in the database,
        so a raw DELETE cannot remove a referenced row either (CATALOG:
        cross-schema FKs are ON DELETE RESTRICT). Other rules stay emulated
        by Django, as usual (NO ACTION in the database)."""
        if field.remote_field and field.remote_field.on_delete in (models.PROTECT, models.RESTRICT):
            return " ON DELETE RESTRICT"
        return ""

    def _create_fk_sql(self, model, field, suffix):
        statement = super()._create_fk_sql(model, field, suffix)
        statement.parts["deferrable"] = self._db_on_delete(field) + statement.parts["deferrable"]
        return statement

    def _field_should_be_altered(self, old_field, new_field, ignore=None):
        # on_delete is a non-database attribute to Django; here it can change
        # the constraint, which is then dropped and recreated.
        if self._db_on_delete(old_field) != self._db_on_delete(new_field):
            return True
        return super()._field_should_be_altered(old_field, new_field, ignore)

    # Tables ------------------------------------------------------------------

    def alter_db_table(self, model, old_db_table, new_db_table):
        """Rename a table, moving it to another schema first when that changed."""
        old_schema, old_name = split_table(old_db_table)
        new_schema, new_name = split_table(new_db_table)
        if (old_schema, old_name) == (new_schema, new_name):
            return
        if old_schema != new_schema:
            self.execute(
                self.sql_set_table_schema
                % {
                    "table": self.quote_name(old_db_table),
                    "new_schema": self.quote_name(new_schema or self._default_schema()),
                }
            )
        if old_name != new_name:
            moved = old_name if new_schema is None else f'{new_schema}"."{old_name}'
            self.execute(
                self.sql_rename_table
                % {"old_table": self.quote_name(moved), "new_table": self.quote_name(new_name)}
            )
        for statement in self.deferred_sql:
            if isinstance(statement, Statement):
                statement.rename_table_references(old_db_table, new_db_table)

    def _default_schema(self):
        """The schema unqualified names resolve to on Django's connections."""
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            return cursor.fetchone()[0]

    # Field checks (enums, money, coordinates, hashes) ---------------------------

    def _field_db_check(self, field, field_db_params):
        db_check_sql = getattr(field, "db_check_sql", None)
        if db_check_sql is not None:
            # Fields of gatimitra.db.fields state their own CHECK. The same
            # placeholder column as Django's, so a rename alone never
            # recreates the constraint.
            return db_check_sql('"__column_name__"')
        return super()._field_db_check(field, field_db_params)

    def _create_index_name(self, table_name, column_names, suffix=""):
        if suffix == "_check" and len(column_names) == 1:
            # A field's own CHECK is created inline by CREATE TABLE / ADD COLUMN,
            # where PostgreSQL names it <table>_<column>_check. Recreating it
            # after a change of choices must give it that same name.
            _, table = split_table(table_name)
            return pg_object_name(table, column_names[0], "check")
        return super()._create_index_name(table_name, column_names, suffix)
