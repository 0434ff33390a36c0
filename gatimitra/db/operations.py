"""Migration operations for things Django's migration framework has no word for."""

from django.db import router
from django.db.migrations.operations.base import Operation


class CreateSchema(Operation):
    """Create a PostgreSQL schema; reversing drops it (and fails if anything is left in it).

    Every domain app's first migration starts with this, so that ``migrate``
    builds the schemas and ``migrate <app> zero`` leaves none behind.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, name, comment=None):
        self.name = name
        self.comment = comment

    def deconstruct(self):
        kwargs = {"name": self.name}
        if self.comment:
            kwargs["comment"] = self.comment
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            schema_editor.create_schema(self.name, comment=self.comment)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            schema_editor.delete_schema(self.name)

    def describe(self):
        return f"Create schema {self.name}"

    @property
    def migration_name_fragment(self):
        return f"create_schema_{self.name}"
