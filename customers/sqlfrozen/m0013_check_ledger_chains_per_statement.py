"""SQL of customers 0013, frozen as it ran (docs/migrations.md).

The two ledgers' chains as 0003 created them and 0009 left them (the row
trigger without the cache UPDATE, the owner's balance guard, the cached
balance moved per statement): dropped before ``LedgerChain(version=2)``
installs the per-statement chain, and put back by the reversal.
"""

#: The chain as it was (dropped before version 2 installs it).
DROP_ROW_CHAIN = [
    'DROP TRIGGER "customer_wallet_transactions_moves_balance" ON "customers"."customer_wallet_transactions"',
    'DROP FUNCTION "customers"."customer_wallet_transactions_moves_balance"()',
    'DROP TRIGGER "customer_wallet_balance_guard" ON "customers"."customer_wallet"',
    'DROP FUNCTION "customers"."customer_wallet_balance_guard"()',
    'DROP TRIGGER "customer_wallet_transactions_chain" ON "customers"."customer_wallet_transactions"',
    'DROP FUNCTION "customers"."customer_wallet_transactions_chain"()',
    'DROP TRIGGER "customer_loyalty_transactions_moves_points_balance" ON "customers"."customer_loyalty_transactions"',
    'DROP FUNCTION "customers"."customer_loyalty_transactions_moves_points_balance"()',
    'DROP TRIGGER "customer_loyalty_balance_guard" ON "customers"."customer_loyalty"',
    'DROP FUNCTION "customers"."customer_loyalty_balance_guard"()',
    'DROP TRIGGER "customer_loyalty_transactions_chain" ON "customers"."customer_loyalty_transactions"',
    'DROP FUNCTION "customers"."customer_loyalty_transactions_chain"()',
]

#: The same, put back when the migration is reversed.
RESTORE_ROW_CHAIN = [
    """
CREATE FUNCTION "customers"."customer_wallet_transactions_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM "customers"."customer_wallet" WHERE "id" = NEW."wallet_id" FOR UPDATE;
    SELECT "seq_no", "balance_after" INTO last_seq, last_balance
        FROM "customers"."customer_wallet_transactions" WHERE "wallet_id" = NEW."wallet_id"
        ORDER BY "seq_no" DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW."amount" < 0 THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: amount % is negative; the sign comes from direction',
            NEW."amount" USING ERRCODE = 'check_violation';
    END IF;
    IF NEW."seq_no" IS NULL THEN
        NEW."seq_no" := last_seq + 1;
    ELSIF NEW."seq_no" <> last_seq + 1 THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: seq_no % for wallet_id % is not the next one (%)',
            NEW."seq_no", NEW."wallet_id", last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW."direction" WHEN 'CREDIT' THEN NEW."amount"
                                                     ELSE -NEW."amount" END;
    IF NEW."balance_after" IS NULL THEN
        NEW."balance_after" := expected;
    ELSIF NEW."balance_after" <> expected THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: balance_after % for wallet_id % should be %',
            NEW."balance_after", NEW."wallet_id", expected USING ERRCODE = 'check_violation';
    END IF;
    IF expected < 0 THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: balance for wallet_id % would be % (below 0)',
            NEW."wallet_id", expected USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER "customer_wallet_transactions_chain" BEFORE INSERT ON "customers"."customer_wallet_transactions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_wallet_transactions_chain"()""",
    """
CREATE FUNCTION "customers"."customer_wallet_balance_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the ledger trigger (nested, depth > 1) may move the cached balance.
    IF NEW."balance" IS DISTINCT FROM OLD."balance" AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'customers.customer_wallet: balance changes only through customers.customer_wallet_transactions (% -> % refused)',
            OLD."balance", NEW."balance" USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER "customer_wallet_balance_guard" BEFORE UPDATE ON "customers"."customer_wallet" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_wallet_balance_guard"()""",
    """
CREATE FUNCTION "customers"."customer_wallet_transactions_moves_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The chain trigger held each owner's lock and chained its rows in
    -- seq_no order: the owner's figure is its last row's balance_after.
    UPDATE "customers"."customer_wallet" AS owner SET "balance" = last."balance_after"
    FROM (SELECT DISTINCT ON ("wallet_id") "wallet_id", "balance_after"
          FROM ledger_new_rows ORDER BY "wallet_id", "seq_no" DESC) AS last
    WHERE owner."id" = last."wallet_id" AND owner."balance" IS DISTINCT FROM last."balance_after";
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER "customer_wallet_transactions_moves_balance" AFTER INSERT ON "customers"."customer_wallet_transactions" REFERENCING NEW TABLE AS ledger_new_rows FOR EACH STATEMENT EXECUTE FUNCTION "customers"."customer_wallet_transactions_moves_balance"()""",
    """
CREATE FUNCTION "customers"."customer_loyalty_transactions_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM "customers"."customer_loyalty" WHERE "id" = NEW."loyalty_id" FOR UPDATE;
    SELECT "seq_no", "balance_after" INTO last_seq, last_balance
        FROM "customers"."customer_loyalty_transactions" WHERE "loyalty_id" = NEW."loyalty_id"
        ORDER BY "seq_no" DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW."amount" < 0 THEN
        RAISE EXCEPTION 'customers.customer_loyalty_transactions: amount % is negative; the sign comes from direction',
            NEW."amount" USING ERRCODE = 'check_violation';
    END IF;
    IF NEW."seq_no" IS NULL THEN
        NEW."seq_no" := last_seq + 1;
    ELSIF NEW."seq_no" <> last_seq + 1 THEN
        RAISE EXCEPTION 'customers.customer_loyalty_transactions: seq_no % for loyalty_id % is not the next one (%)',
            NEW."seq_no", NEW."loyalty_id", last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW."direction" WHEN 'CREDIT' THEN NEW."amount"
                                                     ELSE -NEW."amount" END;
    IF NEW."balance_after" IS NULL THEN
        NEW."balance_after" := expected;
    ELSIF NEW."balance_after" <> expected THEN
        RAISE EXCEPTION 'customers.customer_loyalty_transactions: balance_after % for loyalty_id % should be %',
            NEW."balance_after", NEW."loyalty_id", expected USING ERRCODE = 'check_violation';
    END IF;
    IF expected < 0 THEN
        RAISE EXCEPTION 'customers.customer_loyalty_transactions: balance for loyalty_id % would be % (below 0)',
            NEW."loyalty_id", expected USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER "customer_loyalty_transactions_chain" BEFORE INSERT ON "customers"."customer_loyalty_transactions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_loyalty_transactions_chain"()""",
    """
CREATE FUNCTION "customers"."customer_loyalty_balance_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the ledger trigger (nested, depth > 1) may move the cached balance.
    IF NEW."points_balance" IS DISTINCT FROM OLD."points_balance" AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'customers.customer_loyalty: points_balance changes only through customers.customer_loyalty_transactions (% -> % refused)',
            OLD."points_balance", NEW."points_balance" USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER "customer_loyalty_balance_guard" BEFORE UPDATE ON "customers"."customer_loyalty" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_loyalty_balance_guard"()""",
    """
CREATE FUNCTION "customers"."customer_loyalty_transactions_moves_points_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The chain trigger held each owner's lock and chained its rows in
    -- seq_no order: the owner's figure is its last row's balance_after.
    UPDATE "customers"."customer_loyalty" AS owner SET "points_balance" = last."balance_after"
    FROM (SELECT DISTINCT ON ("loyalty_id") "loyalty_id", "balance_after"
          FROM ledger_new_rows ORDER BY "loyalty_id", "seq_no" DESC) AS last
    WHERE owner."id" = last."loyalty_id" AND owner."points_balance" IS DISTINCT FROM last."balance_after";
    RETURN NULL;
END
$$""",
    """CREATE TRIGGER "customer_loyalty_transactions_moves_points_balance" AFTER INSERT ON "customers"."customer_loyalty_transactions" REFERENCING NEW TABLE AS ledger_new_rows FOR EACH STATEMENT EXECUTE FUNCTION "customers"."customer_loyalty_transactions_moves_points_balance"()""",
]
