"""Migration operations of the audit trail."""

from django.db import router
from django.db.migrations.operations.base import Operation

from audit import sql
from gatimitra.db.tables import quote_table, split_table


def _with_version(kwargs, version):
    # Version 1 stays unnamed: migrations written before versions existed
    # deconstruct as they were written.
    if version != 1:
        kwargs["version"] = version
    return kwargs


class TrackChanges(Operation):
    """Install the audit trigger on ``model``'s table (reverse: remove it).

    ``log_table`` is the audit table that receives the entries,
    ``subject_field`` the field naming the row's owner (``rider``, ``store``,
    or ``id`` for the owner table itself), ``personal_fields`` the columns
    whose values are masked and hashed in diffs. ``version`` names the
    generator in ``audit.sql.CAPTURE_GENERATORS`` the migration was written
    with (a new one is added beside the old ones, never replacing them)."""

    reduces_to_sql = True
    reversible = True

    def __init__(
        self,
        model,
        log_table,
        subject_field=None,
        personal_fields=(),
        per_statement=False,
        version=1,
    ):
        self.model = model
        self.log_table = log_table
        self.subject_field = subject_field
        self.personal_fields = tuple(personal_fields)
        # Migrations before audit 0006 installed the per-row trigger; every
        # later one the statement-level triggers (audit/sql.py).
        self.per_statement = per_statement
        self.version = version

    def deconstruct(self):
        kwargs = {"model": self.model, "log_table": self.log_table}
        if self.subject_field:
            kwargs["subject_field"] = self.subject_field
        if self.personal_fields:
            kwargs["personal_fields"] = list(self.personal_fields)
        if self.per_statement:
            kwargs["per_statement"] = True
        return self.__class__.__qualname__, [], _with_version(kwargs, self.version)

    @property
    def key(self):
        return (self.model, self.log_table, self.subject_field, tuple(self.personal_fields))

    def state_forwards(self, app_label, state):
        pass

    def _model(self, state):
        app_label, model_name = self.model.split(".")
        return state.apps.get_model(app_label, model_name)

    def _column(self, model, name):
        return model._meta.get_field(name).column if name else None

    def _arguments(self, model):
        return (
            quote_table(model._meta.db_table),
            self.log_table,
            self._column(model, self.subject_field),
            [self._column(model, name) for name in self.personal_fields],
            model._meta.pk.column,
        )

    @property
    def generators(self):
        return sql.CAPTURE_GENERATORS[self.version]

    def _install(self, model, per_statement):
        if per_statement:
            return self.generators.track_statements(*self._arguments(model))
        return [self.generators.track_row(*self._arguments(model))]

    def _remove(self, model, per_statement):
        table = quote_table(model._meta.db_table)
        if per_statement:
            # Dropping audit triggers is an audited maintenance act (audit 0008).
            return [
                self.generators.begin_maintenance(f"migration: stop auditing {self.model}"),
                *self.generators.untrack_statements(table),
            ]
        return [self.generators.untrack_row(table)]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not router.allow_migrate(schema_editor.connection.alias, app_label):
            return
        for statement in self._install(self._model(to_state), self.per_statement):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            for statement in self._remove(self._model(from_state), self.per_statement):
                schema_editor.execute(statement, params=None)

    def describe(self):
        return f"Audit changes of {self.model} into audit.{self.log_table}"

    @property
    def migration_name_fragment(self):
        return f"track_{self.model.split('.')[1].lower()}"


class RefuseTruncate(Operation):
    """TRUNCATE on an audit table is refused outside maintenance transactions
    (``version``: of ``audit.sql.REFUSE_TRUNCATE_GENERATORS``)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name, version=1):
        self.model_name = model_name
        self.version = version

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        return self.__class__.__qualname__, [], _with_version(kwargs, self.version)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            forward, _ = sql.REFUSE_TRUNCATE_GENERATORS[self.version]
            table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
            schema_editor.execute(forward(quote_table(table), split_table(table)[1]), params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            _, backward = sql.REFUSE_TRUNCATE_GENERATORS[self.version]
            table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
            schema_editor.execute(backward(quote_table(table), split_table(table)[1]), params=None)

    def describe(self):
        return f"Refuse TRUNCATE on {self.model_name}"


class UntrackChanges(TrackChanges):
    """Remove the audit trigger of ``model`` (reverse: reinstall it)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, to_state, from_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, to_state, from_state)

    def describe(self):
        return f"Stop auditing {self.model}"

    @property
    def migration_name_fragment(self):
        return f"untrack_{self.model.split('.')[1].lower()}"


class CapturePerStatement(TrackChanges):
    """Replace a tracked table's per-row audit trigger by the statement-level
    ones, with the same arguments (reverse: back to the per-row trigger)."""

    def __init__(self, model, log_table, subject_field=None, personal_fields=(), version=1):
        super().__init__(
            model, log_table, subject_field, personal_fields, per_statement=True, version=version
        )

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs.pop("per_statement")
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            model = self._model(to_state)
            # Before the refusals of audit 0008 exist: no maintenance needed.
            table = quote_table(model._meta.db_table)
            for statement in [self.generators.untrack_row(table), *self._install(model, True)]:
                schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            model = self._model(from_state)
            table = quote_table(model._meta.db_table)
            removal = self.generators.untrack_statements(table)
            for statement in removal + self._install(model, False):
                schema_editor.execute(statement, params=None)

    def describe(self):
        return f"Capture changes of {self.model} per statement"

    @property
    def migration_name_fragment(self):
        return f"capture_{self.model.split('.')[1].lower()}_per_statement"


class RefuseDirectInsert(Operation):
    """Rows of a change log come from the capture trigger only (``version``:
    of ``audit.sql.DIRECT_INSERT_GENERATORS``)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, log_table, version=1):
        self.log_table = log_table
        self.version = version

    def deconstruct(self):
        kwargs = {"log_table": self.log_table}
        return self.__class__.__qualname__, [], _with_version(kwargs, self.version)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            forward, _ = sql.DIRECT_INSERT_GENERATORS[self.version]
            schema_editor.execute(forward(self.log_table), params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label):
            _, backward = sql.DIRECT_INSERT_GENERATORS[self.version]
            schema_editor.execute(backward(self.log_table), params=None)

    def describe(self):
        return f"Refuse direct INSERT into audit.{self.log_table}"
