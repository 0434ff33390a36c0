"""Time partitions of the high-volume tables, and their upkeep.

A model opts in with a class attribute::

    class LocationLog(models.Model):
        partitioning = Partitioning(key="recorded_at", interval=DAY,
                                    retention="90 days drop", premake=7)

and a migration applying ``gatimitra.db.operations.PartitionByRange`` (check
``gatimitra.E006`` fails without it). The migration makes the table
partitioned with only a DEFAULT partition; ``manage.py partitions`` (this
module's :func:`plan` and :func:`apply`) creates the time partitions, day by
day or month by month in UTC, ``premake`` ahead, and detaches or drops those
older than the retention (``GATIMITRA_PARTITION_RETENTION`` overrides the
model's). Partitions are named ``<table>_pYYYYMMDD`` or ``<table>_pYYYYMM``
in the table's schema; anything else attached is left alone.

A partition whose range has rows in the DEFAULT partition (written before it
existed) is built as a standalone table, the rows moved into it, and then
attached, all in one transaction. Past intervals with rows in DEFAULT get
their partitions too (a table converted with its rows), and then expire like
the others.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gatimitra.db import sql
from gatimitra.db.partitions import (  # noqa: F401  (re-exported for the upkeep's callers)
    ACTIONS,
    DAY,
    DETACH,
    DROP,
    INTERVALS,
    MONTH,
    Partitioning,
    Retention,
    _add,
    _floor,
)
from gatimitra.db.tables import display_table, quote_table, schema_table, split_table
from gatimitra.ops.catalog import partitions_of, triggers_on

#: One run at a time (``pg_advisory_lock`` key).
ADVISORY_LOCK_KEY = 0x6761_7469_7061_7274  # "gatipart"


@dataclass
class Table:
    """A partitioned model's table with its effective settings."""

    model: type
    spec: Partitioning
    retention: Retention
    db_table: str = field(init=False)
    column: str = field(init=False)

    def __post_init__(self):
        self.db_table = self.model._meta.db_table
        self.column = self.model._meta.get_field(self.spec.key).column

    @property
    def label(self):
        return display_table(self.db_table)

    @property
    def schema(self):
        return split_table(self.db_table)[0]

    @property
    def name(self):
        return split_table(self.db_table)[1]

    def partition_name(self, start):
        return f"{self.name}_p{start:{'%Y%m%d' if self.spec.interval == DAY else '%Y%m'}}"

    def qualified(self, name):
        return quote_table(f'{self.schema}"."{name}')


@dataclass(frozen=True)
class Action:
    verb: str  # "create", "detach", "drop"
    table: Table
    name: str
    start: datetime
    end: datetime
    rows_in_default: int = 0

    def describe(self):
        span = f"[{self.start:%Y-%m-%d}, {self.end:%Y-%m-%d})"
        text = f"{self.table.label}: {self.verb} {self.name} {span}"
        if self.rows_in_default:
            text += f", moving {self.rows_in_default} row(s) out of the DEFAULT partition"
        return text


# Time arithmetic (UTC) ----------------------------------------------------------


def _bounds_of(table, name):
    match = re.fullmatch(re.escape(table.name) + r"_p(\d{8}|\d{6})", name)
    if not match:
        return None
    digits = match.group(1)
    if (len(digits) == 8) != (table.spec.interval == DAY):
        return None
    start = datetime.strptime(digits, "%Y%m%d" if len(digits) == 8 else "%Y%m").replace(tzinfo=UTC)
    return start, _add(start, table.spec.interval)


def _literal(moment):
    return "'%s'" % moment.strftime("%Y-%m-%d %H:%M:%S+00")


# Which tables, with which settings ------------------------------------------------


def partitioned_models():
    return [model for model in apps.get_models() if getattr(model, "partitioning", None)]


def tables(only=None):
    """The partitioned tables with their retention (the setting wins over
    the model's default). Bad settings raise ImproperlyConfigured naming the
    table and the value."""
    configured = dict(getattr(settings, "GATIMITRA_PARTITION_RETENTION", {}) or {})
    found = {display_table(m._meta.db_table): m for m in partitioned_models()}
    unknown = sorted(set(configured) - set(found))
    if unknown:
        raise ImproperlyConfigured(
            f"GATIMITRA_PARTITION_RETENTION names {', '.join(unknown)}, which "
            f"{'is' if len(unknown) == 1 else 'are'} not partitioned; "
            f"partitioned tables: {', '.join(sorted(found))}"
        )
    if only:
        missing = sorted(set(only) - set(found))
        if missing:
            raise ImproperlyConfigured(
                f"{', '.join(missing)}: not a partitioned table; "
                f"partitioned tables: {', '.join(sorted(found))}"
            )
    result = []
    for label, model in sorted(found.items()):
        if only and label not in only:
            continue
        spec = model.partitioning
        value = configured.get(label, spec.retention)
        where = (
            f"GATIMITRA_PARTITION_RETENTION[{label!r}]"
            if label in configured
            else f"{model._meta.label}.partitioning"
        )
        result.append(Table(model, spec, Retention.parse(value, where)))
    return result


# Planning -----------------------------------------------------------------------


def attached_partitions(cursor, table):
    """``{name: (start, end)}`` of the managed time partitions, and the
    DEFAULT partition's name (None if there is none)."""
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))",
        [quote_table(table.db_table)],
    )
    if not cursor.fetchone()[0]:
        raise ImproperlyConfigured(
            f"{table.label} is not a partitioned table in this database; "
            "apply its migrations first (manage.py migrate)"
        )
    managed, default = {}, None
    for name, bound in partitions_of(cursor, quote_table(table.db_table)):
        if bound == "DEFAULT":
            default = name
        elif (span := _bounds_of(table, name)) is not None:
            managed[name] = span
    return managed, default


def _rows_in_default(cursor, table, default, start, end):
    if default is None:
        return 0
    cursor.execute(
        f"SELECT count(*) FROM {table.qualified(default)} "
        f'WHERE "{table.column}" >= %s AND "{table.column}" < %s',
        [start, end],
    )
    return cursor.fetchone()[0]


def _oldest_in_default(cursor, table, default, before):
    if default is None:
        return None
    cursor.execute(
        f'SELECT min("{table.column}") FROM {table.qualified(default)} WHERE "{table.column}" < %s',
        [before],
    )
    return cursor.fetchone()[0]


def _past_with_rows(cursor, table, default, managed, current):
    """Create actions for the past intervals whose rows sit in DEFAULT (a
    table converted with its rows, or written to while the command did not
    run), so that they leave DEFAULT and expire like any partition."""
    interval = table.spec.interval
    oldest = _oldest_in_default(cursor, table, default, current)
    if oldest is None:
        return []
    actions, start = [], _floor(oldest, interval)
    while start < current:
        end, name = _add(start, interval), table.partition_name(start)
        if name not in managed:
            rows = _rows_in_default(cursor, table, default, start, end)
            if rows:
                actions.append(Action("create", table, name, start, end, rows))
        start = end
    return actions


def plan(cursor, table, now, premake=None, action=None):
    """What a run at ``now`` would do to ``table``, in order: partitions to
    create (past intervals that have rows in DEFAULT, the current interval
    and ``premake`` after it), then expired ones to detach or drop
    (``action`` overrides the retention's), those just created included."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    interval = table.spec.interval
    premake = table.spec.premake if premake is None else premake
    managed, default = attached_partitions(cursor, table)
    start = _floor(now, interval)
    actions = _past_with_rows(cursor, table, default, managed, start)
    for _ in range(premake + 1):
        end = _add(start, interval)
        name = table.partition_name(start)
        if name not in managed:
            rows = _rows_in_default(cursor, table, default, start, end)
            actions.append(Action("create", table, name, start, end, rows))
        start = end
    cutoff = table.retention.cutoff(now)
    if cutoff is not None:
        verb = action or table.retention.action
        managed.update({a.name: (a.start, a.end) for a in actions})
        for name, (start, end) in sorted(managed.items(), key=lambda item: item[1]):
            if end <= cutoff:
                actions.append(Action(verb, table, name, start, end))
    return actions


# Doing -----------------------------------------------------------------------------


def _create(cursor, action):
    table = action.table
    parent, key = quote_table(table.db_table), f'"{table.column}"'
    bounds = f"FROM ({_literal(action.start)}) TO ({_literal(action.end)})"
    target = table.qualified(action.name)
    _, default = attached_partitions(cursor, table)
    # Counted again now: an earlier action of the run may have written since
    # the plan (audited maintenance is itself an entry of system_audit_logs).
    if not _rows_in_default(cursor, table, default, action.start, action.end):
        cursor.execute(f"CREATE TABLE {target} PARTITION OF {parent} FOR VALUES {bounds}")
        _like_its_table(cursor, table, target)
        return
    _begin_audited_maintenance(
        cursor, table, f"partitions: move rows of {table.label} out of DEFAULT"
    )
    # Rows written before the partition existed sit in DEFAULT, where a new
    # partition may not overlap them: build it standalone, move them, attach.
    default = table.qualified(default)
    check = f'"{action.name[:50]}_bounds"'
    cursor.execute(
        f"CREATE TABLE {target} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING STORAGE INCLUDING COMPRESSION)"
    )
    # The CHECK lets ATTACH skip its validation scan.
    cursor.execute(
        f"ALTER TABLE {target} ADD CONSTRAINT {check} "
        f"CHECK ({key} >= {_literal(action.start)} AND {key} < {_literal(action.end)})"
    )
    # Moving is not a change of the rows: the append-only guards and other
    # row triggers of the DEFAULT partition stay quiet for it (the change is
    # transactional; other sessions never see them disabled).
    cursor.execute(f"ALTER TABLE {default} DISABLE TRIGGER USER")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} "
        f"WHERE {key} >= {_literal(action.start)} AND {key} < {_literal(action.end)} "
        f"RETURNING *) INSERT INTO {target} SELECT * FROM moved"
    )
    cursor.execute(f"ALTER TABLE {default} ENABLE TRIGGER USER")
    cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {target} FOR VALUES {bounds}")
    cursor.execute(f"ALTER TABLE {target} DROP CONSTRAINT {check}")
    _like_its_table(cursor, table, target)


def _like_its_table(cursor, table, target):
    """A new partition gets what PostgreSQL does not carry over from its
    table: statement triggers, and the table's grants and owner, whoever runs
    ``partitions`` (so the migrator, a member of the owner role, can alter
    it, and the application gets on the partition only what it has on the
    table)."""
    from gatimitra.ops import roles

    _copy_statement_triggers(cursor, table, target)
    roles.match_parent(cursor, quote_table(table.db_table), target)


def _copy_statement_triggers(cursor, table, target):
    """Partitions inherit row triggers but not statement triggers: a new
    partition gets its own copy of the parent's (the TRUNCATE guards of
    append-only tables and audit logs, statement-level audit capture), under
    the parent's trigger name as the migrations that guard existing
    partitions name them, so writing or truncating the partition directly is
    guarded like the table."""
    cursor.execute("SELECT %s::regclass::text", [quote_table(table.db_table)])
    printed = cursor.fetchone()[0]
    cursor.execute(
        """
        SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t
        WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal AND t.tgtype & 1 = 0
        ORDER BY t.tgname
        """,
        [quote_table(table.db_table)],
    )
    for (definition,) in cursor.fetchall():
        copy = definition.replace(f" ON {printed} ", f" ON {target} ", 1)
        if copy == definition:
            raise ValueError(f"cannot copy to {target} the trigger: {definition}")
        cursor.execute(copy)


def _begin_audited_maintenance(cursor, table, reason):
    """Disabling triggers of, or detaching partitions from, an audit or
    audited table is refused outside audited maintenance (audit 0008):
    register this transaction, with the reason, when the table is one."""
    cursor.execute(sql.begin_audited_maintenance(table.db_table, reason))


def _detach(cursor, action, now):
    table = action.table
    target = table.qualified(action.name)
    _begin_audited_maintenance(
        cursor, table, f"partitions: detach {action.name} after the retention ({table.retention})"
    )
    cursor.execute(f"ALTER TABLE {quote_table(table.db_table)} DETACH PARTITION {target}")
    _keep_append_only(cursor, table, action.name)
    note = (
        f"Rows of {table.label} from {action.start:%Y-%m-%d} to {action.end:%Y-%m-%d} (UTC), "
        f"detached on {now:%Y-%m-%d} after the retention ({table.retention}); "
        "an archive, no longer part of the table."
    )
    cursor.execute(f"COMMENT ON TABLE {target} IS %s", [note])


def _keep_append_only(cursor, table, name):
    """DETACH drops the triggers a partition had from its parent, so an
    archive of an append-only table would take UPDATE and DELETE; it gets
    the parent's guard back as a trigger of its own (in the same transaction)."""
    guard = sql.trigger_name(table.db_table, sql.APPEND_ONLY_TRIGGER)
    if guard in triggers_on(cursor, quote_table(table.db_table)):
        cursor.execute(sql.append_only_trigger(schema_table(table.schema, name)))


def _apply(cursor, action, now):
    if action.verb == "create":
        _create(cursor, action)
    elif action.verb == DETACH:
        _detach(cursor, action, now)
    elif action.verb == DROP:
        cursor.execute(f"DROP TABLE {action.table.qualified(action.name)}")
    else:
        raise ValueError(action.verb)


def run(connection, now=None, only=None, premake=None, action=None, dry_run=False, log=print):
    """Plan (and unless ``dry_run`` carry out, one transaction per action)
    the upkeep of every partitioned table; returns the actions. The whole
    run holds an advisory lock, so a concurrent run waits and then finds
    nothing left to do."""
    from django.db import transaction

    now = now or datetime.now(UTC)
    if premake is not None and premake < 0:
        raise ImproperlyConfigured(f"premake {premake}: must be 0 or more")
    selected = tables(only)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
        try:
            actions = [a for t in selected for a in plan(cursor, t, now, premake, action)]
            for one in actions:
                if dry_run:
                    log(f"(dry run) {one.describe()}")
                    continue
                with transaction.atomic(using=connection.alias):
                    _apply(cursor, one, now)
                log(one.describe())
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    return actions
