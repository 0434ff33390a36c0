"""SQL for the database-enforced rules shared by several domains.

One function per concern; migration operations in ``gatimitra.db.operations``
call them, so the SQL for, say, an append-only table exists once.
"""

from dataclasses import dataclass

# SQL of applied migrations, frozen as it ran (sqlfrozen/, docs/migrations.md):
# those migrations read these names from this module, and their files may not change.
from gatimitra.db.sqlfrozen.m0001_extensions_and_functions import (  # noqa: F401
    CREATE_REFUSE_CHANGE_FUNCTION,
    DROP_REFUSE_CHANGE_FUNCTION,
)
from gatimitra.db.sqlfrozen.m0003_add_partition_functions import (  # noqa: F401
    CREATE_REBUILD_TABLE_FUNCTION,
    DROP_REBUILD_TABLE_FUNCTION,
    REPLACE_REFUSE_CHANGE_FUNCTION_NAMING_TABLE,
    RESTORE_REFUSE_CHANGE_FUNCTION,
)
from gatimitra.db.sqlfrozen.m0004_add_refuse_truncate_function import (  # noqa: F401
    CREATE_REFUSE_TRUNCATE_FUNCTION,
    DROP_REFUSE_TRUNCATE_FUNCTION,
)
from gatimitra.db.tables import display_table, quote_table, split_table

#: Shared trigger function that refuses UPDATE/DELETE (created by the
#: gatimitra app's first migration).
#: "Today" for business dates (a licence valid until 31 March is valid all
#: of that Indian day), whatever the session's time zone: Django sets UTC.
TODAY_IN_INDIA = "(now() AT TIME ZONE 'Asia/Kolkata')::date"

REFUSE_CHANGE_FUNCTION = "public.gatimitra_refuse_change"
APPEND_ONLY_TRIGGER = "append_only"


#: Shared trigger function that refuses TRUNCATE of an append-only table
#: (``gatimitra.db.operations.RefuseTruncate``). No setting turns it off: a
#: superuser's ``session_replication_role = replica`` (``flush`` in tests) is
#: the only way past it, short of dropping the trigger.
REFUSE_TRUNCATE_FUNCTION = "public.gatimitra_refuse_truncate"
REFUSE_TRUNCATE_TRIGGER = "no_truncate"


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def _literal(value):
    return "'%s'" % str(value).replace("'", "''")


def begin_audited_maintenance(db_table, reason):
    """A DO block registering the transaction as audited maintenance
    (``audit.begin_maintenance``) when ``db_table`` is an audit table or an
    audited one: audit 0008 refuses dropping or disabling such a table's
    triggers, and detaching its partitions, otherwise. Nothing is registered
    for other tables, nor before audit 0008 exists (migrating up to it, or
    down past it)."""
    table = _literal(quote_table(db_table))
    return f"""DO $$
DECLARE
    rel regclass := to_regclass({table});
BEGIN
    IF to_regprocedure('audit.begin_maintenance(text)') IS NOT NULL AND rel IS NOT NULL AND (
        (SELECT n.nspname = 'audit' FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = coalesce(pg_partition_root(rel), rel))
        OR EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                   JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE t.tgrelid = coalesce(pg_partition_root(rel), rel)
                     AND n.nspname = 'audit' AND p.proname IN ('capture', 'capture_statement')))
    THEN
        PERFORM audit.begin_maintenance({_literal(reason)});
    END IF;
END
$$"""


def trigger_name(db_table, purpose):
    _, table = split_table(db_table)
    return f"{table}_{purpose}"[:63]


def append_only_trigger(db_table):
    return (
        f"CREATE TRIGGER {_ident(trigger_name(db_table, APPEND_ONLY_TRIGGER))} "
        f"BEFORE UPDATE OR DELETE ON {quote_table(db_table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {REFUSE_CHANGE_FUNCTION}()"
    )


def refuse_truncate_triggers(db_table):
    """A statement trigger refusing TRUNCATE on the table and on each of its
    partitions: PostgreSQL does not clone statement triggers to partitions,
    and a partition can be truncated by name (``manage.py partitions`` gives
    the ones it creates later the same trigger)."""
    name = trigger_name(db_table, REFUSE_TRUNCATE_TRIGGER)
    table = quote_table(db_table)
    create = (
        "CREATE TRIGGER %s BEFORE TRUNCATE ON %s "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {REFUSE_TRUNCATE_FUNCTION}()"
    )
    return [
        create % (_ident(name), table),
        f"""DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_catalog.pg_inherits
                WHERE inhparent = {_literal(table)}::regclass ORDER BY 1 LOOP
        EXECUTE format({_literal(create % ("%I", "%s"))}, {_literal(name)}, part);
    END LOOP;
END
$$""",
    ]


def drop_refuse_truncate_triggers(db_table):
    name = trigger_name(db_table, REFUSE_TRUNCATE_TRIGGER)
    table = quote_table(db_table)
    return [
        f"""DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT t.tgrelid::regclass FROM pg_catalog.pg_trigger t
                JOIN pg_catalog.pg_inherits i ON i.inhrelid = t.tgrelid
                WHERE i.inhparent = {_literal(table)}::regclass AND t.tgname = {_literal(name)}
                ORDER BY 1 LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', {_literal(name)}, part);
    END LOOP;
END
$$""",
        f"DROP TRIGGER {_ident(name)} ON {table}",
    ]


def drop_trigger(db_table, purpose):
    return f"DROP TRIGGER {_ident(trigger_name(db_table, purpose))} ON {quote_table(db_table)}"


def _function(db_table, purpose):
    schema, table = split_table(db_table)
    name = _ident(f"{table}_{purpose}"[:63])
    return name if schema is None else f"{_ident(schema)}.{name}"


@dataclass(frozen=True)
class LedgerSpec:
    table: str
    owner_column: str
    owner_table: str
    owner_pk: str
    amount_column: str
    direction_column: str
    seq_column: str
    balance_column: str
    min_balance: object = None
    owner_balance_column: str | None = None


def ledger_chain(spec):
    """Trigger SQL that assigns and checks ``seq_no``/``balance_after`` per owner."""
    table = quote_table(spec.table)
    owner_table = quote_table(spec.owner_table)
    owner, seq, balance = (
        _ident(spec.owner_column),
        _ident(spec.seq_column),
        _ident(spec.balance_column),
    )
    amount, direction = _ident(spec.amount_column), _ident(spec.direction_column)
    label = display_table(spec.table)
    minimum = ""
    if spec.min_balance is not None:
        minimum = f"""
    IF expected < {spec.min_balance} THEN
        RAISE EXCEPTION '{label}: balance for {spec.owner_column} % would be % (below {spec.min_balance})',
            NEW.{owner}, expected USING ERRCODE = 'check_violation';
    END IF;"""
    cache = ""
    if spec.owner_balance_column:
        cache = f"""
    UPDATE {owner_table} SET {_ident(spec.owner_balance_column)} = expected
        WHERE {_ident(spec.owner_pk)} = NEW.{owner};"""
    statements = [
        f"""
CREATE FUNCTION {_function(spec.table, "chain")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM {owner_table} WHERE {_ident(spec.owner_pk)} = NEW.{owner} FOR UPDATE;
    SELECT {seq}, {balance} INTO last_seq, last_balance
        FROM {table} WHERE {owner} = NEW.{owner}
        ORDER BY {seq} DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW.{amount} < 0 THEN
        RAISE EXCEPTION '{label}: amount % is negative; the sign comes from {spec.direction_column}',
            NEW.{amount} USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.{seq} IS NULL THEN
        NEW.{seq} := last_seq + 1;
    ELSIF NEW.{seq} <> last_seq + 1 THEN
        RAISE EXCEPTION '{label}: {spec.seq_column} % for {spec.owner_column} % is not the next one (%)',
            NEW.{seq}, NEW.{owner}, last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW.{direction} WHEN 'CREDIT' THEN NEW.{amount}
                                                     ELSE -NEW.{amount} END;
    IF NEW.{balance} IS NULL THEN
        NEW.{balance} := expected;
    ELSIF NEW.{balance} <> expected THEN
        RAISE EXCEPTION '{label}: {spec.balance_column} % for {spec.owner_column} % should be %',
            NEW.{balance}, NEW.{owner}, expected USING ERRCODE = 'check_violation';
    END IF;{minimum}{cache}
    RETURN NEW;
END
$$""",
        f"CREATE TRIGGER {_ident(trigger_name(spec.table, 'chain'))} "
        f"BEFORE INSERT ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION {_function(spec.table, 'chain')}()",
    ]
    if spec.owner_balance_column:
        column = _ident(spec.owner_balance_column)
        statements += [
            f"""
CREATE FUNCTION {_function(spec.owner_table, "balance_guard")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the ledger trigger (nested, depth > 1) may move the cached balance.
    IF NEW.{column} IS DISTINCT FROM OLD.{column} AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION '{display_table(spec.owner_table)}: {spec.owner_balance_column} changes only through {label} (% -> % refused)',
            OLD.{column}, NEW.{column} USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
            f"CREATE TRIGGER {_ident(trigger_name(spec.owner_table, 'balance_guard'))} "
            f"BEFORE UPDATE ON {owner_table} FOR EACH ROW "
            f"EXECUTE FUNCTION {_function(spec.owner_table, 'balance_guard')}()",
        ]
    return statements


def drop_ledger_chain(spec):
    statements = []
    if spec.owner_balance_column:
        statements += [
            drop_trigger(spec.owner_table, "balance_guard"),
            f"DROP FUNCTION {_function(spec.owner_table, 'balance_guard')}()",
        ]
    statements += [
        drop_trigger(spec.table, "chain"),
        f"DROP FUNCTION {_function(spec.table, 'chain')}()",
    ]
    return statements


# Partitioned tables ------------------------------------------------------------
# Converting a table to RANGE partitions (and back) needs what the table holds
# at that moment: its indexes, foreign keys, triggers, comments and grants,
# as later migrations left them. So the work is done by a function that reads
# them from pg_catalog when it runs; a migration's recorded SQL is one call
# (``SELECT public.gatimitra_rebuild_table(...)``), the same on every
# database, which the migrate-from-empty snapshot can replay.

REBUILD_TABLE_FUNCTION = "public.gatimitra_rebuild_table"


def partition_by_range(db_table, key_column):
    return (
        f"SELECT {REBUILD_TABLE_FUNCTION}({_literal(quote_table(db_table))}, "
        f"{_literal(key_column)})"
    )


def unpartition(db_table):
    return f"SELECT {REBUILD_TABLE_FUNCTION}({_literal(quote_table(db_table))}, NULL)"


# Generator versions ------------------------------------------------------------
# Each operation of ``gatimitra.db.operations`` runs the generator version it
# was written with (its ``version`` argument, 1 when a migration names none).
# Generators produce lists of statements. SQL that must change is a new
# version added beside the old ones, used by new migrations; an old version
# never changes, since applied migrations run it (what each generates is
# frozen in ``<app>/sqlfrozen/operations.json``, docs/migrations.md).


def _append_only_v1(db_table):
    return [append_only_trigger(db_table)]


def _drop_append_only_v1(db_table):
    return [drop_trigger(db_table, APPEND_ONLY_TRIGGER)]


def _partition_by_range_v1(db_table, key_column):
    return [partition_by_range(db_table, key_column)]


def _unpartition_v1(db_table):
    return [unpartition(db_table)]


#: ``{version: (forward, backward)}`` per operation.
APPEND_ONLY_GENERATORS = {1: (_append_only_v1, _drop_append_only_v1)}
REFUSE_TRUNCATE_GENERATORS = {1: (refuse_truncate_triggers, drop_refuse_truncate_triggers)}
LEDGER_CHAIN_GENERATORS = {1: (ledger_chain, drop_ledger_chain)}
PARTITION_GENERATORS = {1: (_partition_by_range_v1, _unpartition_v1)}
