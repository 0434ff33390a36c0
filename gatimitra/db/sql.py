"""SQL for the database-enforced rules shared by several domains.

One function per concern; migration operations in ``gatimitra.db.operations``
call them, so the SQL for, say, an append-only table exists once.
"""

import textwrap
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


def _ledger_names(spec):
    return {
        "table": quote_table(spec.table),
        "owner_table": quote_table(spec.owner_table),
        "owner_pk": _ident(spec.owner_pk),
        "owner": _ident(spec.owner_column),
        "seq": _ident(spec.seq_column),
        "balance": _ident(spec.balance_column),
        "amount": _ident(spec.amount_column),
        "direction": _ident(spec.direction_column),
        "label": display_table(spec.table),
    }


def _ledger_row_function(spec, after_checks=""):
    """The BEFORE INSERT row function of every chain version: lock the owner,
    assign or check ``seq_no``/``balance_after`` from its last entry, refuse a
    negative amount and a balance below the minimum; ``after_checks`` is SQL
    run last (version 1 moves the owner's cached balance there)."""
    n = _ledger_names(spec)
    minimum = ""
    if spec.min_balance is not None:
        minimum = f"""
    IF expected < {spec.min_balance} THEN
        RAISE EXCEPTION '{n["label"]}: balance for {spec.owner_column} % would be % (below {spec.min_balance})',
            NEW.{n["owner"]}, expected USING ERRCODE = 'check_violation';
    END IF;"""
    return f"""
CREATE FUNCTION {_function(spec.table, "chain")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM {n["owner_table"]} WHERE {n["owner_pk"]} = NEW.{n["owner"]} FOR UPDATE;
    SELECT {n["seq"]}, {n["balance"]} INTO last_seq, last_balance
        FROM {n["table"]} WHERE {n["owner"]} = NEW.{n["owner"]}
        ORDER BY {n["seq"]} DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW.{n["amount"]} < 0 THEN
        RAISE EXCEPTION '{n["label"]}: amount % is negative; the sign comes from {spec.direction_column}',
            NEW.{n["amount"]} USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.{n["seq"]} IS NULL THEN
        NEW.{n["seq"]} := last_seq + 1;
    ELSIF NEW.{n["seq"]} <> last_seq + 1 THEN
        RAISE EXCEPTION '{n["label"]}: {spec.seq_column} % for {spec.owner_column} % is not the next one (%)',
            NEW.{n["seq"]}, NEW.{n["owner"]}, last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW.{n["direction"]} WHEN 'CREDIT' THEN NEW.{n["amount"]}
                                                     ELSE -NEW.{n["amount"]} END;
    IF NEW.{n["balance"]} IS NULL THEN
        NEW.{n["balance"]} := expected;
    ELSIF NEW.{n["balance"]} <> expected THEN
        RAISE EXCEPTION '{n["label"]}: {spec.balance_column} % for {spec.owner_column} % should be %',
            NEW.{n["balance"]}, NEW.{n["owner"]}, expected USING ERRCODE = 'check_violation';
    END IF;{minimum}{after_checks}
    RETURN NEW;
END
$$"""


def _ledger_balance_guard(spec):
    """The owner's cached balance moves only from inside a ledger trigger."""
    n = _ledger_names(spec)
    column = _ident(spec.owner_balance_column)
    return [
        f"""
CREATE FUNCTION {_function(spec.owner_table, "balance_guard")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the ledger trigger (nested, depth > 1) may move the cached balance.
    IF NEW.{column} IS DISTINCT FROM OLD.{column} AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION '{display_table(spec.owner_table)}: {spec.owner_balance_column} changes only through {n["label"]} (% -> % refused)',
            OLD.{column}, NEW.{column} USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
        f"CREATE TRIGGER {_ident(trigger_name(spec.owner_table, 'balance_guard'))} "
        f"BEFORE UPDATE ON {n['owner_table']} FOR EACH ROW "
        f"EXECUTE FUNCTION {_function(spec.owner_table, 'balance_guard')}()",
    ]


def ledger_chain(spec):
    """Trigger SQL that assigns and checks ``seq_no``/``balance_after`` per owner."""
    cache = ""
    if spec.owner_balance_column:
        cache = f"""
    UPDATE {quote_table(spec.owner_table)} SET {_ident(spec.owner_balance_column)} = expected
        WHERE {_ident(spec.owner_pk)} = NEW.{_ident(spec.owner_column)};"""
    statements = [
        _ledger_row_function(spec, cache),
        f"CREATE TRIGGER {_ident(trigger_name(spec.table, 'chain'))} "
        f"BEFORE INSERT ON {quote_table(spec.table)} FOR EACH ROW "
        f"EXECUTE FUNCTION {_function(spec.table, 'chain')}()",
    ]
    if spec.owner_balance_column:
        statements += _ledger_balance_guard(spec)
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


# Ledger chains, version 2: per statement ------------------------------------------
# Version 1's BEFORE INSERT row trigger locks the owner and looks up its last
# entry for every row, even when the writer already computed the chain (the
# demo's COPY, ``gatimitra.db.ledgers.append_entries``). Version 2 keeps that
# row trigger, with the same body, for the rows that leave seq_no or
# balance_after to the database (the ORM's single-row inserts) or that it
# refuses with its own message (a negative amount, a balance below the
# minimum); every other row is checked after the statement, all rows at once:
# one lock per owner, taken in owner order, and window functions over each
# owner's rows in the order they were written. Every row of every statement
# is checked, whichever way it came; the refusals carry the row trigger's
# messages and SQLSTATE.

#: Name of the statement's new rows inside the version 2 check.
LEDGER_NEW_ROWS = "ledger_chain_rows"


def _ledger_row_trigger_v2(spec):
    n = _ledger_names(spec)
    # Rows the row trigger must see: the chain left to the database, and the
    # refusals it words before the table's own CHECKs would (a supplied
    # balance below the minimum is one it refuses too).
    when = [f"NEW.{n['seq']} IS NULL", f"NEW.{n['balance']} IS NULL", f"NEW.{n['amount']} < 0"]
    if spec.min_balance is not None:
        when.append(f"NEW.{n['balance']} < {spec.min_balance}")
    return (
        f"CREATE TRIGGER {_ident(trigger_name(spec.table, 'chain'))} "
        f"BEFORE INSERT ON {n['table']} FOR EACH ROW "
        f"WHEN ({' OR '.join(when)}) "
        f"EXECUTE FUNCTION {_function(spec.table, 'chain')}()"
    )


def _ledger_refused_row(spec):
    """Whether a checked row (its figures and the ones expected of it) is one
    the row trigger would refuse."""
    below = "false"
    if spec.min_balance is not None:
        below = f"expected_balance < {spec.min_balance}"
    return f"amount < 0 OR seq <> expected_seq OR balance <> expected_balance OR {below}"


def _ledger_first_refused_row(spec):
    """Into ``bad``: the statement's first row the row trigger would refuse,
    after locking its owners."""
    n = _ledger_names(spec)
    rows = LEDGER_NEW_ROWS
    return f"""    -- One lock per owner, in owner order: the row trigger's lock, taken once.
    PERFORM 1 FROM {n["owner_table"]}
        WHERE {n["owner_pk"]} IN (SELECT {n["owner"]} FROM {rows})
        ORDER BY {n["owner_pk"]} FOR UPDATE;
    -- Chains are gap-free and the (owner, seq) key refuses a repeated number
    -- before this runs, so an owner's previous head is its last entry below
    -- the statement's first number. Each owner's rows follow it in the order
    -- they were written; the first row (in that order) that breaks the chain
    -- is the one the row trigger would have refused, with its message.
    WITH written AS MATERIALIZED (
        SELECT row_number() OVER () AS ord, {n["owner"]} AS owner, {n["seq"]} AS seq,
               {n["balance"]} AS balance, {n["amount"]} AS amount,
               CASE {n["direction"]} WHEN 'CREDIT' THEN {n["amount"]} ELSE -{n["amount"]} END AS signed
        FROM {rows}
    ), heads AS (
        SELECT o.owner, coalesce(h.seq, 0) AS seq, coalesce(h.balance, 0) AS balance
        FROM (SELECT owner, min(seq) AS first_seq FROM written GROUP BY owner) AS o
        LEFT JOIN LATERAL (
            SELECT {n["seq"]} AS seq, {n["balance"]} AS balance FROM {n["table"]} AS t
            WHERE t.{n["owner"]} = o.owner AND t.{n["seq"]} < o.first_seq
            ORDER BY t.{n["seq"]} DESC LIMIT 1
        ) AS h ON true
    ), chained AS (
        SELECT w.ord, w.owner, w.seq, w.balance, w.amount,
               heads.seq + row_number() OVER per_owner AS expected_seq,
               heads.balance + sum(w.signed) OVER per_owner AS expected_balance
        FROM written AS w JOIN heads USING (owner)
        WINDOW per_owner AS (PARTITION BY w.owner ORDER BY w.ord)
    )
    SELECT * INTO bad FROM chained
    WHERE {_ledger_refused_row(spec)}
    ORDER BY ord LIMIT 1;
"""


def _ledger_statement_check(spec, find_bad):
    """The chain check function: ``find_bad`` puts the statement's first
    refused row, if any, into ``bad``; it is refused with the row trigger's
    message."""
    n = _ledger_names(spec)
    return f"""
CREATE FUNCTION {_function(spec.table, "chain_check")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
{find_bad}    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF bad.amount < 0 THEN
        RAISE EXCEPTION '{n["label"]}: amount % is negative; the sign comes from {spec.direction_column}',
            bad.amount USING ERRCODE = 'check_violation';
    ELSIF bad.seq <> bad.expected_seq THEN
        RAISE EXCEPTION '{n["label"]}: {spec.seq_column} % for {spec.owner_column} % is not the next one (%)',
            bad.seq, bad.owner, bad.expected_seq USING ERRCODE = 'check_violation';
    ELSIF bad.balance <> bad.expected_balance THEN
        RAISE EXCEPTION '{n["label"]}: {spec.balance_column} % for {spec.owner_column} % should be %',
            bad.balance, bad.owner, bad.expected_balance USING ERRCODE = 'check_violation';
    END IF;
    RAISE EXCEPTION '{n["label"]}: balance for {spec.owner_column} % would be % (below {spec.min_balance})',
        bad.owner, bad.expected_balance USING ERRCODE = 'check_violation';
END
$$"""


def _ledger_chain_check_trigger(spec):
    n = _ledger_names(spec)
    return (
        f"CREATE TRIGGER {_ident(trigger_name(spec.table, 'chain_check'))} "
        f"AFTER INSERT ON {n['table']} REFERENCING NEW TABLE AS {LEDGER_NEW_ROWS} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {_function(spec.table, 'chain_check')}()"
    )


def _ledger_statement_check_v2(spec):
    return [
        _ledger_statement_check(spec, _ledger_first_refused_row(spec)),
        _ledger_chain_check_trigger(spec),
    ]


def _ledger_owner_cache_v2(spec):
    """The owner's cached balance: moved once per owner per statement, to
    its last row's balance_after (customers 0009's way), and changed in no
    other way (version 1's guard)."""
    n = _ledger_names(spec)
    column = _ident(spec.owner_balance_column)
    moves = f"moves_{spec.owner_balance_column}"
    return [
        *_ledger_balance_guard(spec),
        f"""
CREATE FUNCTION {_function(spec.table, moves)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The statement's rows are checked (chain_check, which fires first):
    -- the owner's figure is its last row's balance_after.
    UPDATE {n["owner_table"]} AS owner SET {column} = last.{n["balance"]}
    FROM (SELECT DISTINCT ON ({n["owner"]}) {n["owner"]}, {n["balance"]}
          FROM {LEDGER_NEW_ROWS} ORDER BY {n["owner"]}, {n["seq"]} DESC) AS last
    WHERE owner.{n["owner_pk"]} = last.{n["owner"]} AND owner.{column} IS DISTINCT FROM last.{n["balance"]};
    RETURN NULL;
END
$$""",
        f"CREATE TRIGGER {_ident(trigger_name(spec.table, moves))} "
        f"AFTER INSERT ON {n['table']} REFERENCING NEW TABLE AS {LEDGER_NEW_ROWS} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {_function(spec.table, moves)}()",
    ]


def ledger_chain_v2(spec):
    """A ledger's chain (and its owner's cached balance), checked per statement."""
    statements = [
        _ledger_row_function(spec),
        _ledger_row_trigger_v2(spec),
        *_ledger_statement_check_v2(spec),
    ]
    if spec.owner_balance_column:
        statements += _ledger_owner_cache_v2(spec)
    return statements


def drop_ledger_chain_v2(spec):
    statements = [begin_audited_maintenance(spec.table, f"ledger chain of {spec.table} undone")]
    if spec.owner_balance_column:
        moves = f"moves_{spec.owner_balance_column}"
        statements += [
            drop_trigger(spec.table, moves),
            f"DROP FUNCTION {_function(spec.table, moves)}()",
            begin_audited_maintenance(
                spec.owner_table, f"ledger chain of {spec.table} undone: owner guard"
            ),
            drop_trigger(spec.owner_table, "balance_guard"),
            f"DROP FUNCTION {_function(spec.owner_table, 'balance_guard')}()",
        ]
    statements += [
        drop_trigger(spec.table, "chain_check"),
        f"DROP FUNCTION {_function(spec.table, 'chain_check')}()",
        drop_trigger(spec.table, "chain"),
        f"DROP FUNCTION {_function(spec.table, 'chain')}()",
    ]
    return statements


# Ledger chains, version 3: version 2 with a one-row check -----------------------
# The ORM inserts ledger entries one at a time: the row trigger has locked the
# owner and numbered the row, and version 2's check then ran its windowed CTE
# over the one row. Version 3 checks a one-row statement with the owner's lock
# (already held) and one index probe of the entry before it; statements of
# several rows are checked as in version 2. Same refusals, same messages.


def _ledger_first_refused_row_v3(spec):
    n = _ledger_names(spec)
    rows = LEDGER_NEW_ROWS
    several = textwrap.indent(_ledger_first_refused_row(spec), "    ")
    return f"""    IF (SELECT count(*) FROM {rows}) = 1 THEN
        -- One row (the ORM's insert): the owner's lock, already held if the
        -- row trigger numbered it, and one probe of the entry before it.
        PERFORM 1 FROM {n["owner_table"]}
            WHERE {n["owner_pk"]} = (SELECT {n["owner"]} FROM {rows}) FOR UPDATE;
        SELECT * INTO bad FROM (
            SELECT r.{n["owner"]} AS owner, r.{n["seq"]} AS seq, r.{n["balance"]} AS balance,
                   r.{n["amount"]} AS amount, coalesce(h.seq, 0) + 1 AS expected_seq,
                   coalesce(h.balance, 0) + CASE r.{n["direction"]} WHEN 'CREDIT' THEN r.{n["amount"]}
                                                 ELSE -r.{n["amount"]} END AS expected_balance
            FROM {rows} AS r
            LEFT JOIN LATERAL (
                SELECT t.{n["seq"]} AS seq, t.{n["balance"]} AS balance FROM {n["table"]} AS t
                WHERE t.{n["owner"]} = r.{n["owner"]} AND t.{n["seq"]} < r.{n["seq"]}
                ORDER BY t.{n["seq"]} DESC LIMIT 1
            ) AS h ON true
        ) AS one
        WHERE {_ledger_refused_row(spec)};
    ELSE
{several}    END IF;
"""


def ledger_chain_v3(spec):
    """Version 2, with a one-row statement checked by one index probe."""
    statements = [
        _ledger_row_function(spec),
        _ledger_row_trigger_v2(spec),
        _ledger_statement_check(spec, _ledger_first_refused_row_v3(spec)),
        _ledger_chain_check_trigger(spec),
    ]
    if spec.owner_balance_column:
        statements += _ledger_owner_cache_v2(spec)
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
LEDGER_CHAIN_GENERATORS = {
    1: (ledger_chain, drop_ledger_chain),
    2: (ledger_chain_v2, drop_ledger_chain_v2),
    # Version 3 installs the same triggers as version 2: the same undoing.
    3: (ledger_chain_v3, drop_ledger_chain_v2),
}
PARTITION_GENERATORS = {1: (_partition_by_range_v1, _unpartition_v1)}
