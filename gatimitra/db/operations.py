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


def _table_of(state, app_label, model_name):
    return state.apps.get_model(app_label, model_name)._meta.db_table


class _TableTrigger(Operation):
    """Base for operations that install trigger SQL on one model's table.

    The SQL is generated from the operation's arguments by ``gatimitra.db.sql``
    when the migration runs, like Django's own operations generate theirs, by
    the generator ``version`` the migration was written with: a new version
    is added beside the old ones, which applied migrations keep running
    (``<app>/sqlfrozen/operations.json`` holds what they generate).
    """

    reduces_to_sql = True
    reversible = True
    #: Name of the ``{version: (forward, backward)}`` map in ``gatimitra.db.sql``.
    generators: str = ""
    version = 1

    def state_forwards(self, app_label, state):
        pass

    def _generator(self):
        from gatimitra.db import sql

        return getattr(sql, self.generators)[self.version]

    def _with_version(self, kwargs):
        # Version 1 stays unnamed: the migrations written before versions
        # existed deconstruct as they were written.
        if self.version != 1:
            kwargs["version"] = self.version
        return kwargs

    def _allowed(self, schema_editor, app_label):
        return router.allow_migrate(schema_editor.connection.alias, app_label)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self._allowed(schema_editor, app_label):
            model = to_state.apps.get_model(app_label, self.model_name)
            for statement in self.forward_sql(model):
                schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self._allowed(schema_editor, app_label):
            model = from_state.apps.get_model(app_label, self.model_name)
            for statement in self.backward_sql(model):
                schema_editor.execute(statement, params=None)


class AppendOnly(_TableTrigger):
    """Make a table append-only: UPDATE and DELETE raise, naming the table.

    Corrections are compensating rows. TRUNCATE is refused by
    :class:`RefuseTruncate`, and ``sync_db_roles`` grants the application
    neither UPDATE, DELETE nor TRUNCATE on a table carrying this trigger.
    """

    generators = "APPEND_ONLY_GENERATORS"

    def __init__(self, model_name, version=1):
        self.model_name = model_name
        self.version = version

    def deconstruct(self):
        return self.__class__.__qualname__, [], self._with_version({"model_name": self.model_name})

    def forward_sql(self, model):
        forward, _ = self._generator()
        return forward(model._meta.db_table)

    def backward_sql(self, model):
        _, backward = self._generator()
        return backward(model._meta.db_table)

    def describe(self):
        return f"Make {self.model_name} append-only"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_append_only"


class RefuseTruncate(_TableTrigger):
    """Refuse TRUNCATE on an append-only table and on each of its partitions
    (a statement trigger ``<table>_no_truncate``), even for its owner. The
    only way past it is a superuser's ``session_replication_role = replica``
    (``flush`` in tests). Use together with :class:`AppendOnly`."""

    generators = "REFUSE_TRUNCATE_GENERATORS"

    def __init__(self, model_name, version=1):
        self.model_name = model_name
        self.version = version

    def deconstruct(self):
        return self.__class__.__qualname__, [], self._with_version({"model_name": self.model_name})

    def forward_sql(self, model):
        forward, _ = self._generator()
        return forward(model._meta.db_table)

    def backward_sql(self, model):
        _, backward = self._generator()
        return backward(model._meta.db_table)

    def describe(self):
        return f"Refuse TRUNCATE on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_refuse_truncate"


class LedgerChain(_TableTrigger):
    """Chain a ledger table per owner: each new row gets the next gap-free
    ``seq_no`` and ``balance_after = previous balance_after ± amount``.

    Writers to one owner are serialised by locking the owner row, so
    concurrent inserts cannot fork the chain. A row that supplies a wrong
    ``seq_no`` or ``balance_after`` is refused; a balance below
    ``min_balance`` is refused. With ``owner_balance_field`` the owner's cached
    balance is kept equal to the ledger, and changing it any other way is
    refused. Use together with :class:`AppendOnly`.

    Version 2 checks the chain per statement: the row trigger fires only for
    rows that leave ``seq_no`` or ``balance_after`` to the database (or that
    it refuses in its own words), and one AFTER INSERT statement trigger
    checks every row of the statement at once, one owner lock each, with the
    row trigger's messages; the cached owner balance moves once per owner per
    statement (``gatimitra.db.sql.ledger_chain_v2``). Writers that compute the
    chain use ``gatimitra.db.ledgers.append_entries``. Version 3 is version 2
    with a one-row statement (the ORM's insert) checked by one index probe.

    A migration moving a chain to a new version names the version it takes
    over from in ``replaces``: that version's chain is dropped first, and put
    back when the migration is reversed.
    """

    generators = "LEDGER_CHAIN_GENERATORS"

    def __init__(
        self,
        model_name,
        owner_field,
        amount_field="amount",
        direction_field="direction",
        seq_field="seq_no",
        balance_field="balance_after",
        min_balance=None,
        owner_balance_field=None,
        version=1,
        replaces=None,
    ):
        self.model_name = model_name
        self.owner_field = owner_field
        self.amount_field = amount_field
        self.direction_field = direction_field
        self.seq_field = seq_field
        self.balance_field = balance_field
        self.min_balance = min_balance
        self.owner_balance_field = owner_balance_field
        self.version = version
        self.replaces = replaces

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "owner_field": self.owner_field}
        defaults = {
            "amount_field": "amount",
            "direction_field": "direction",
            "seq_field": "seq_no",
            "balance_field": "balance_after",
            "min_balance": None,
            "owner_balance_field": None,
        }
        for name, default in defaults.items():
            if getattr(self, name) != default:
                kwargs[name] = getattr(self, name)
        kwargs = self._with_version(kwargs)
        if self.replaces is not None:
            kwargs["replaces"] = self.replaces
        return self.__class__.__qualname__, [], kwargs

    def _spec(self, model):
        from gatimitra.db import sql

        owner = model._meta.get_field(self.owner_field)
        owner_model = owner.remote_field.model
        return sql.LedgerSpec(
            table=model._meta.db_table,
            owner_column=owner.column,
            owner_table=owner_model._meta.db_table,
            owner_pk=owner.target_field.column,
            amount_column=model._meta.get_field(self.amount_field).column,
            direction_column=model._meta.get_field(self.direction_field).column,
            seq_column=model._meta.get_field(self.seq_field).column,
            balance_column=model._meta.get_field(self.balance_field).column,
            min_balance=self.min_balance,
            owner_balance_column=(
                owner_model._meta.get_field(self.owner_balance_field).column
                if self.owner_balance_field
                else None
            ),
        )

    def _replaced(self):
        from gatimitra.db import sql

        if self.replaces is None:
            return (lambda spec: [], lambda spec: [])
        return sql.LEDGER_CHAIN_GENERATORS[self.replaces]

    def forward_sql(self, model):
        forward, _ = self._generator()
        _, undo_replaced = self._replaced()
        spec = self._spec(model)
        return [*undo_replaced(spec), *forward(spec)]

    def backward_sql(self, model):
        _, backward = self._generator()
        restore_replaced, _ = self._replaced()
        spec = self._spec(model)
        return [*backward(spec), *restore_replaced(spec)]

    def describe(self):
        return f"Chain {self.model_name} per {self.owner_field} (seq_no, balance_after)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_ledger_chain"


class PartitionByRange(_TableTrigger):
    """Turn a model's table into one partitioned by RANGE on ``key``, in place.

    The table keeps its columns, defaults, identity ``id`` (and sequence
    position), constraints, indexes, triggers, comments, grants and rows;
    a DEFAULT partition catches every row no time partition covers, so no
    write is ever refused for want of a partition. The database's primary key
    becomes ``(id, key)`` because PostgreSQL requires unique constraints of a
    partitioned table to include the partition key; the Django model keeps
    ``id`` as its pk (ids still come from one sequence). Foreign keys into the
    table and unique constraints without ``key`` must be gone first (the
    function names them otherwise).

    ``interval`` (``day`` or ``month``) is what ``manage.py partitions``
    creates time partitions by, from the model's ``partitioning`` spec
    (``gatimitra.db.partitions``); the migration itself creates none, so it
    builds the same database whatever day it runs. Reversing turns the table
    back into a plain one (rows of every partition included).
    """

    generators = "PARTITION_GENERATORS"

    def __init__(self, model_name, key, interval, version=1):
        self.model_name = model_name
        self.key = key
        self.interval = interval
        self.version = version

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "key": self.key, "interval": self.interval}
        return self.__class__.__qualname__, [], self._with_version(kwargs)

    def forward_sql(self, model):
        forward, _ = self._generator()
        return forward(model._meta.db_table, model._meta.get_field(self.key).column)

    def backward_sql(self, model):
        _, backward = self._generator()
        return backward(model._meta.db_table)

    def describe(self):
        return f"Partition {self.model_name} by range of {self.key} (by {self.interval})"

    @property
    def migration_name_fragment(self):
        return f"partition_{self.model_name.lower()}"


class StatusMachine(_TableTrigger):
    """Guard a status column with its machine: an UPDATE that changes it
    along no allowed transition, or out of a terminal status, raises
    SQLSTATE 23514 naming the table, the row and the rule.

    ``machine`` is a frozen copy of the declaration (``Machine.frozen()`` of
    ``<app>/transitions.py``), written into the migration so the migration
    keeps its SQL when the declaration changes later; ``version`` names the
    generator in ``gatimitra.db.machines`` (a new one never replaces an old
    one). Changing a machine is a new migration with a new ``StatusMachine``
    for the column, reversing to the old one: ``replaces`` is the frozen map
    it takes over from (its guard is dropped first).
    """

    def __init__(self, model_name, field, machine, version=1, replaces=None):
        self.model_name = model_name
        self.field = field
        self.machine = machine
        self.version = version
        self.replaces = replaces

    def deconstruct(self):
        kwargs = {"model_name": self.model_name, "field": self.field, "machine": self.machine}
        if self.version != 1:
            kwargs["version"] = self.version
        if self.replaces is not None:
            kwargs["replaces"] = self.replaces
        return self.__class__.__qualname__, [], kwargs

    def _generator(self):
        from gatimitra.db import machines

        return machines.GENERATORS[self.version]

    def _args(self, model):
        field = model._meta.get_field(self.field)
        return model._meta.db_table, field.column

    def forward_sql(self, model):
        create, drop = self._generator()
        table, column = self._args(model)
        pk = model._meta.pk.column
        before = drop(table, column) if self.replaces is not None else []
        return [*before, *create(table, column, pk, self.machine)]

    def backward_sql(self, model):
        create, drop = self._generator()
        table, column = self._args(model)
        pk = model._meta.pk.column
        after = create(table, column, pk, self.replaces) if self.replaces is not None else []
        return [*drop(table, column), *after]

    def describe(self):
        return f"Guard {self.model_name}.{self.field} with its status machine"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.field}_machine"


class FinalRows(_TableTrigger):
    """Rows for which ``condition`` (SQL over ``OLD``, e.g.
    ``OLD.status = 'PROCESSED'``) holds can be neither edited nor deleted:
    SQLSTATE 23514, constraint ``<table>_<purpose>``, naming the row, what
    it is (``state``) and the correction to make instead. ``editable``
    fields may still change; ``updated_at`` and generated columns are
    ignored. The arguments are kept in the migration; ``version`` names the
    generator in ``gatimitra.db.machines``."""

    def __init__(self, model_name, purpose, condition, state, correction, editable=(), version=1):
        self.model_name = model_name
        self.purpose = purpose
        self.condition = condition
        self.state = state
        self.correction = correction
        self.editable = list(editable)
        self.version = version

    def deconstruct(self):
        kwargs = {
            "model_name": self.model_name,
            "purpose": self.purpose,
            "condition": self.condition,
            "state": self.state,
            "correction": self.correction,
        }
        if self.editable:
            kwargs["editable"] = self.editable
        if self.version != 1:
            kwargs["version"] = self.version
        return self.__class__.__qualname__, [], kwargs

    def _ignored(self, model):
        from django.db.models import GeneratedField

        columns = {model._meta.get_field(name).column for name in self.editable}
        for field in model._meta.concrete_fields:
            if field.name == "updated_at" or isinstance(field, GeneratedField):
                columns.add(field.column)
        return columns

    def forward_sql(self, model):
        from gatimitra.db import machines

        create, _ = machines.FINAL_ROWS_GENERATORS[self.version]
        return create(
            model._meta.db_table,
            model._meta.pk.column,
            self.purpose,
            self.condition,
            self.state,
            self.correction,
            self._ignored(model),
        )

    def backward_sql(self, model):
        from gatimitra.db import machines

        _, drop = machines.FINAL_ROWS_GENERATORS[self.version]
        return drop(model._meta.db_table, self.purpose)

    def describe(self):
        return f"Make {self.model_name} rows final when {self.condition}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.purpose}"
