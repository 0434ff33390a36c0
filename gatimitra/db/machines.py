"""Status machines: which changes a status column allows, and the database
guard compiled from them.

Each domain app declares its machines once, next to its choices, in
``<app>/transitions.py`` as ``MACHINES = {(model name, field name): Machine}``
(shared enums' graphs live in ``gatimitra/transitions.py``). A migration
compiles one with ``gatimitra.db.operations.StatusMachine``, whose arguments
are a frozen copy of the map (``Machine.frozen()``), so a migration keeps
doing what it did when the map changes later; the system check
``gatimitra.E007`` fails when a status column has no machine or the newest
compiled copy differs from the declaration.

Rules every machine shares (as the order machine, ``orders.transitions``):

* an INSERT may start in any status (imports, backfills and the demo seed
  load rows in their current status);
* an UPDATE that keeps the status is not a transition;
* terminal statuses are final: nothing leaves them;
* a *record* (``Machine.record``) is a status written once, in a history
  or log row: it never changes.

The guard is a BEFORE UPDATE OF <column> trigger per row whose WHEN clause
calls an IMMUTABLE SQL function, so an UPDATE that does not change the
column, or changes it along the map, runs no PL/pgSQL at all; it is correct
for any multi-row UPDATE (each row is checked against its own old value)
and COPY, which only inserts, never meets it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from gatimitra.db.tables import display_table, quote_table, split_table

#: ``None`` (no status yet) in SQL maps and in the frozen copy.
NO_STATUS = ""


def _key(value):
    return NO_STATUS if value is None else str(value)


def _values(choices):
    return tuple(value for value, _ in getattr(choices, "choices", choices))


@dataclass(frozen=True)
class Machine:
    """``transitions``: ``{from: {to, ...}}``; ``terminal``: statuses with no
    exit. ``states`` (the field's choices) must each be a source or terminal,
    so a new choice without a decision fails at import."""

    transitions: Mapping
    terminal: frozenset
    states: tuple = ()
    is_record: bool = False

    def __post_init__(self):
        transitions = {
            _key(source): frozenset(_key(target) for target in targets)
            for source, targets in self.transitions.items()
        }
        terminal = frozenset(_key(state) for state in self.terminal)
        object.__setattr__(self, "transitions", transitions)
        object.__setattr__(self, "terminal", terminal)
        object.__setattr__(self, "states", tuple(_key(s) for s in self.states))
        for source, targets in transitions.items():
            if source in terminal:
                raise ImproperlyConfigured(f"terminal status {source} has exits")
            if source in targets:
                raise ImproperlyConfigured(f"{source} -> {source} is not a transition")
        undecided = set(self.states) - set(transitions) - terminal
        if undecided:
            raise ImproperlyConfigured(
                f"statuses with no exits that are not terminal: {sorted(undecided)}"
            )

    @classmethod
    def of(cls, choices, transitions, terminal):
        """``choices``: a ``TextChoices`` class or a list of ``(value, label)``."""
        return cls(transitions, frozenset(terminal), _values(choices))

    @classmethod
    def record(cls):
        """A status written once (history, log and snapshot rows): no change
        is a transition, so the map is empty whatever the choices."""
        return cls({}, frozenset(), (), is_record=True)

    def is_allowed(self, from_status, to_status):
        source, target = _key(from_status), _key(to_status)
        if source == target:
            return True
        if self.is_record or source in self.terminal:
            return False
        return target in self.transitions.get(source, ())

    def pairs(self):
        return sorted(
            (source, target) for source, targets in self.transitions.items() for target in targets
        )

    def frozen(self):
        """The map as plain sorted data, for a migration to keep."""
        return {
            "transitions": {s: sorted(t) for s, t in sorted(self.transitions.items())},
            "terminal": sorted(self.terminal),
            "record": self.is_record,
        }


def _literal(value):
    return "'%s'" % str(value).replace("'", "''")


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def names(db_table, column):
    """The names of a column's guard objects and of its three rules."""
    schema, table = split_table(db_table)
    stem = table if column == "status" else f"{table}_{column}"
    return {
        "schema": schema,
        "allowed": f"{stem}_transition_allowed"[:63],
        "guard": f"{stem}_machine"[:63],
        "trigger": f"{stem}_machine"[:63],
        "transition": f"{stem}_transition"[:63],
        "terminal_final": f"{stem}_terminal_final"[:63],
        "is_record": f"{stem}_is_record"[:63],
    }


def _qualified(schema, name):
    return _ident(name) if schema is None else f"{_ident(schema)}.{_ident(name)}"


def guard_sql_v1(db_table, column, pk_column, frozen):
    """The guard for one column, from a frozen map (``Machine.frozen()``).

    Version 1 of the generator: a migration names the version it ran, and a
    changed generator is a new ``guard_sql_vN`` so applied migrations keep
    their SQL (``migration_snapshot --check`` compares it)."""
    n = names(db_table, column)
    label = display_table(db_table)
    allowed = _qualified(n["schema"], n["allowed"])
    guard = _qualified(n["schema"], n["guard"])
    col = _ident(column)
    pairs = [(s, t) for s, targets in sorted(frozen["transitions"].items()) for t in targets]
    if pairs:
        values = ", ".join(f"({_literal(s)}, {_literal(t)})" for s, t in pairs)
        membership = f"(coalesce(from_status, ''), coalesce(to_status, '')) IN (VALUES {values})"
    else:
        membership = "false"
    terminal = ", ".join(_literal(s) for s in frozen["terminal"]) or "NULL"
    if frozen["record"]:
        body = f"""
    RAISE EXCEPTION '{label}: {column} of row % is a record of what happened; it cannot change from % to %',
        OLD.{_ident(pk_column)}, coalesce(OLD.{col}::text, 'NULL'), coalesce(NEW.{col}::text, 'NULL')
        USING ERRCODE = 'check_violation', CONSTRAINT = '{n["is_record"]}';"""
    else:
        known = sorted(
            {*frozen["transitions"], *frozen["terminal"]}
            | {t for targets in frozen["transitions"].values() for t in targets}
        )
        body = f"""
    IF coalesce(NEW.{col}::text, '') NOT IN ({", ".join(_literal(s) for s in known)}) THEN
        RETURN NEW;  -- not a status at all: the column's CHECK names the value
    END IF;
    IF coalesce(OLD.{col}::text, '') IN ({terminal}) THEN
        RAISE EXCEPTION '{label}: row % is %, a terminal {column}; it cannot become %',
            OLD.{_ident(pk_column)}, OLD.{col}, coalesce(NEW.{col}::text, 'NULL')
            USING ERRCODE = 'check_violation', CONSTRAINT = '{n["terminal_final"]}';
    END IF;
    RAISE EXCEPTION '{label}: row % cannot go from {column} % to % (not in the {column} machine)',
        OLD.{_ident(pk_column)}, coalesce(OLD.{col}::text, 'NULL'), coalesce(NEW.{col}::text, 'NULL')
        USING ERRCODE = 'check_violation', CONSTRAINT = '{n["transition"]}';"""
    return [
        f"""
CREATE FUNCTION {allowed}(from_status text, to_status text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT from_status IS NOT DISTINCT FROM to_status OR {membership}
$$""",
        f"""
CREATE FUNCTION {guard}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{body}
END
$$""",
        f"CREATE TRIGGER {_ident(n['trigger'])} BEFORE UPDATE OF {col} ON {quote_table(db_table)} "
        f"FOR EACH ROW WHEN (NOT {allowed}(OLD.{col}::text, NEW.{col}::text)) "
        f"EXECUTE FUNCTION {guard}()",
    ]


def drop_guard_sql_v1(db_table, column):
    n = names(db_table, column)
    return [
        f"DROP TRIGGER {_ident(n['trigger'])} ON {quote_table(db_table)}",
        f"DROP FUNCTION {_qualified(n['schema'], n['guard'])}()",
        f"DROP FUNCTION {_qualified(n['schema'], n['allowed'])}(text, text)",
    ]


GENERATORS = {1: (guard_sql_v1, drop_guard_sql_v1)}


def declared_machines():
    """``{(app_label, model_name_lower, field_name): Machine}`` from every
    domain app's ``transitions.MACHINES``."""
    from importlib import import_module

    from django.apps import apps

    found = {}
    for config in apps.get_app_configs():
        if not getattr(config, "db_schema", None):
            continue
        try:
            module = import_module(f"{config.name}.transitions")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.transitions":
                raise
            continue
        for (model_name, field), machine in getattr(module, "MACHINES", {}).items():
            found[(config.label, model_name.lower(), field)] = machine
        for model_name, field in getattr(module, "GUARDED_ELSEWHERE", {}):
            found[(config.label, model_name.lower(), field)] = None
    return found


# Final rows ----------------------------------------------------------------------
# Money that has settled (an issued invoice, a processed payout, a settled
# settlement, a credited earning, a completed refund) is never edited or
# deleted: a correction is a new row (a credit note, a compensating ledger
# entry, the next payout's adjustment).


def final_rows_sql_v1(db_table, pk_column, purpose, condition, state, correction, ignored):
    """A BEFORE UPDATE OR DELETE trigger refusing to change or delete a row
    for which ``condition`` (SQL over ``OLD``) holds; ``ignored`` columns
    (bookkeeping such as ``updated_at``, generated columns, a document URL
    rendered later) may still change. ``state`` says in words what the row
    is ("PROCESSED"), ``correction`` what to do instead. Version 1."""
    schema, table = split_table(db_table)
    name = f"{table}_{purpose}"[:63]
    function = _qualified(schema, name)
    label = display_table(db_table)
    keep = ", ".join(_literal(column) for column in sorted(ignored)) or "NULL"
    pk = _ident(pk_column)
    state, correction = state.replace("'", "''"), correction.replace("'", "''")
    # A condition without a query goes into the trigger's WHEN too, so an
    # UPDATE of a row that is not final (most rows, bulk UPDATEs) runs no
    # PL/pgSQL; WHEN cannot hold a subquery, so those are judged inside.
    when = "" if "select" in condition.lower() else f"WHEN ({condition}) "
    return [
        f"""
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ({condition}) THEN
        RETURN coalesce(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{label}: row % is {state}; it cannot be deleted ({correction})',
            OLD.{pk} USING ERRCODE = 'check_violation', CONSTRAINT = '{name}';
    END IF;
    IF (to_jsonb(NEW) - ARRAY[{keep}]::text[]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[{keep}]::text[]) THEN
        RAISE EXCEPTION '{label}: row % is {state}; it cannot be edited ({correction})',
            OLD.{pk} USING ERRCODE = 'check_violation', CONSTRAINT = '{name}';
    END IF;
    RETURN NEW;
END
$$""",
        f"CREATE TRIGGER {_ident(name)} BEFORE UPDATE OR DELETE ON {quote_table(db_table)} "
        f"FOR EACH ROW {when}EXECUTE FUNCTION {function}()",
    ]


def drop_final_rows_sql_v1(db_table, purpose):
    schema, table = split_table(db_table)
    name = f"{table}_{purpose}"[:63]
    return [
        f"DROP TRIGGER {_ident(name)} ON {quote_table(db_table)}",
        f"DROP FUNCTION {_qualified(schema, name)}()",
    ]


FINAL_ROWS_GENERATORS = {1: (final_rows_sql_v1, drop_final_rows_sql_v1)}
