"""The SQL of riders 0018_read_same_rider_links_statically, frozen as
written (``riders.sql.same_rider_static()`` renders the same text today:
``tests/riders/test_same_rider.py``).

``riders.same_rider()`` (0003) read each linked column and its parent's
rider with two ``EXECUTE`` per pair of trigger arguments: parsed and planned
again for every row, about 160 us a row, 2% of the demo order step's bulk
load (benchmarks/row_triggers.py, benchmarks/README.md "Per-row triggers").
The new body reads the columns and parents the triggers name with static
statements (planned once per session) and keeps the dynamic ones for a pair
it does not know. Same triggers, arguments, checks and message. The reverse
puts back 0003's body.
"""

STATIC_SAME_RIDER = """
CREATE OR REPLACE FUNCTION "riders"."same_rider"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_rider bigint;
    parent_id bigint;
    i int := 0;
BEGIN
    WHILE i < TG_NARGS LOOP
        IF TG_ARGV[i + 1] = 'vehicle_id' THEN
            parent_id := NEW.vehicle_id;
        ELSIF TG_ARGV[i + 1] = 'document_id' THEN
            parent_id := NEW.document_id;
        ELSIF TG_ARGV[i + 1] = 'bank_account_id' THEN
            parent_id := NEW.bank_account_id;
        ELSIF TG_ARGV[i + 1] = 'earning_id' THEN
            parent_id := NEW.earning_id;
        ELSIF TG_ARGV[i + 1] = 'payout_id' THEN
            parent_id := NEW.payout_id;
        ELSIF TG_ARGV[i + 1] = 'deposit_id' THEN
            parent_id := NEW.deposit_id;
        ELSIF TG_ARGV[i + 1] = 'ledger_entry_id' THEN
            parent_id := NEW.ledger_entry_id;
        ELSE
            EXECUTE format('SELECT ($1).%I', TG_ARGV[i + 1]) INTO parent_id USING NEW;
        END IF;
        IF parent_id IS NOT NULL THEN
            IF TG_ARGV[i] = 'rider_vehicles' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."rider_vehicles" WHERE id = parent_id;
            ELSIF TG_ARGV[i] = 'rider_documents' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."rider_documents" WHERE id = parent_id;
            ELSIF TG_ARGV[i] = 'rider_bank_accounts' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."rider_bank_accounts" WHERE id = parent_id;
            ELSIF TG_ARGV[i] = 'rider_order_earnings' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."rider_order_earnings" WHERE id = parent_id;
            ELSIF TG_ARGV[i] = 'rider_payouts' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."rider_payouts" WHERE id = parent_id;
            ELSIF TG_ARGV[i] = 'rider_cash_deposits' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."rider_cash_deposits" WHERE id = parent_id;
            ELSIF TG_ARGV[i] = 'wallet_ledger' THEN
                SELECT rider_id INTO parent_rider FROM "riders"."wallet_ledger" WHERE id = parent_id;
            ELSE
                EXECUTE format('SELECT rider_id FROM "riders".%I WHERE id = $1', TG_ARGV[i])
                    INTO parent_rider USING parent_id;
            END IF;
            IF parent_rider IS DISTINCT FROM NEW.rider_id AND parent_rider IS NOT NULL THEN
                RAISE EXCEPTION 'riders.%: %=% belongs to rider %, not to rider %',
                        TG_TABLE_NAME, TG_ARGV[i + 1], parent_id, parent_rider, NEW.rider_id
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NEW;
END
$$"""

DYNAMIC_SAME_RIDER = """
CREATE OR REPLACE FUNCTION "riders"."same_rider"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_rider bigint;
    parent_id bigint;
    i int := 0;
BEGIN
    WHILE i < TG_NARGS LOOP
        EXECUTE format('SELECT ($1).%I', TG_ARGV[i + 1]) INTO parent_id USING NEW;
        IF parent_id IS NOT NULL THEN
            EXECUTE format('SELECT rider_id FROM "riders".%I WHERE id = $1', TG_ARGV[i])
                INTO parent_rider USING parent_id;
            IF parent_rider IS DISTINCT FROM NEW.rider_id AND parent_rider IS NOT NULL THEN
                RAISE EXCEPTION 'riders.%: %=% belongs to rider %, not to rider %',
                        TG_TABLE_NAME, TG_ARGV[i + 1], parent_id, parent_rider, NEW.rider_id
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NEW;
END
$$
"""
