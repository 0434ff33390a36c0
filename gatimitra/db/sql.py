"""SQL for the database-enforced rules shared by several domains.

One function per concern; migration operations in ``gatimitra.db.operations``
call them, so the SQL for, say, an append-only table exists once.
"""

from dataclasses import dataclass

from gatimitra.db.tables import display_table, quote_table, split_table

#: Shared trigger function that refuses UPDATE/DELETE (created by the
#: gatimitra app's first migration).
REFUSE_CHANGE_FUNCTION = "public.gatimitra_refuse_change"
APPEND_ONLY_TRIGGER = "append_only"

CREATE_REFUSE_CHANGE_FUNCTION = f"""
CREATE FUNCTION {REFUSE_CHANGE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Write a compensating row instead.';
END
$$
"""
DROP_REFUSE_CHANGE_FUNCTION = f"DROP FUNCTION {REFUSE_CHANGE_FUNCTION}()"


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def _literal(value):
    return "'%s'" % str(value).replace("'", "''")


def trigger_name(db_table, purpose):
    _, table = split_table(db_table)
    return f"{table}_{purpose}"[:63]


def append_only_trigger(db_table):
    return (
        f"CREATE TRIGGER {_ident(trigger_name(db_table, APPEND_ONLY_TRIGGER))} "
        f"BEFORE UPDATE OR DELETE ON {quote_table(db_table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {REFUSE_CHANGE_FUNCTION}()"
    )


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
