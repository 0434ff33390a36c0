"""SQL of riders 0019, frozen as it ran (docs/migrations.md).

The wallet ledger's chain as riders 0003 created it (a BEFORE INSERT row
trigger for every row): dropped before ``LedgerChain(version=2)`` installs
the per-statement chain, and put back by the reversal.
"""

#: The chain as it was (dropped before version 2 installs it).
DROP_ROW_CHAIN = [
    'DROP TRIGGER "wallet_ledger_chain" ON "riders"."wallet_ledger"',
    'DROP FUNCTION "riders"."wallet_ledger_chain"()',
]

#: The same, put back when the migration is reversed.
RESTORE_ROW_CHAIN = [
    """
CREATE FUNCTION "riders"."wallet_ledger_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM "riders"."riders" WHERE "id" = NEW."rider_id" FOR UPDATE;
    SELECT "seq_no", "balance_after" INTO last_seq, last_balance
        FROM "riders"."wallet_ledger" WHERE "rider_id" = NEW."rider_id"
        ORDER BY "seq_no" DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW."amount" < 0 THEN
        RAISE EXCEPTION 'riders.wallet_ledger: amount % is negative; the sign comes from direction',
            NEW."amount" USING ERRCODE = 'check_violation';
    END IF;
    IF NEW."seq_no" IS NULL THEN
        NEW."seq_no" := last_seq + 1;
    ELSIF NEW."seq_no" <> last_seq + 1 THEN
        RAISE EXCEPTION 'riders.wallet_ledger: seq_no % for rider_id % is not the next one (%)',
            NEW."seq_no", NEW."rider_id", last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW."direction" WHEN 'CREDIT' THEN NEW."amount"
                                                     ELSE -NEW."amount" END;
    IF NEW."balance_after" IS NULL THEN
        NEW."balance_after" := expected;
    ELSIF NEW."balance_after" <> expected THEN
        RAISE EXCEPTION 'riders.wallet_ledger: balance_after % for rider_id % should be %',
            NEW."balance_after", NEW."rider_id", expected USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER "wallet_ledger_chain" BEFORE INSERT ON "riders"."wallet_ledger" FOR EACH ROW EXECUTE FUNCTION "riders"."wallet_ledger_chain"()""",
]
