"""SQL that riders migration 0003_add_riders_rules ran, frozen as it ran.

The migration reads these names from ``riders.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

#: ``written_in_current_transaction(xmin)``: was the row whose ``xmin`` this is
#: inserted by the transaction now running (at top level or in a savepoint)?
#:
#: A row's ``xmin`` is the 32-bit id of the (sub)transaction that inserted it.
#: At top level it equals ``pg_current_xact_id()::xid``. Inside a savepoint
#: (every nested ``transaction.atomic()`` in Django) it is the subtransaction's
#: own id, which PostgreSQL assigns after its parent's, so it lies ahead of
#: the top-level id modulo 2^32. We widen it to 64 bits from there and ask
#: ``pg_xact_status``: "in progress" is what it answers for our own live or
#: released subtransactions and for other running transactions, and rows
#: inserted by other running transactions are invisible to us, so a visible row
#: with an in-progress inserter is ours. An ``xmin`` that is not ahead (older
#: rows, frozen rows keep their raw xmin) widens into the future, which
#: ``pg_xact_status`` refuses with SQLSTATE 22023: not ours. Rows of a rolled
#: back savepoint are invisible, so they never count. Works the same on
#: PostgreSQL 13 to 18 (``xid8``, ``pg_current_xact_id`` and ``pg_xact_status``
#: appeared in 13).
WRITTEN_IN_CURRENT_TRANSACTION = """
CREATE FUNCTION "riders"."written_in_current_transaction"(row_xmin xid)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    top bigint := pg_current_xact_id()::text::bigint;
    ahead bigint;
BEGIN
    IF row_xmin = pg_current_xact_id()::xid THEN
        RETURN true;
    END IF;
    ahead := ((row_xmin::text::bigint - top) % 4294967296 + 4294967296) % 4294967296;
    RETURN pg_xact_status((top + ahead)::text::xid8) = 'in progress';
EXCEPTION WHEN invalid_parameter_value THEN
    -- "transaction ID ... is in the future": an older row, not this transaction's.
    RETURN false;
END
$$
"""

DROP_WRITTEN_IN_CURRENT_TRANSACTION = 'DROP FUNCTION "riders"."written_in_current_transaction"(xid)'

#: ``riders.onboarding_stage`` only moves forward (MOBILE_VERIFIED -> KYC ->
#: PAYMENT -> APPROVAL -> ACTIVE; skipping ahead is a forward move). A backward
#: move is an admin rollback: it is accepted only when the same transaction
#: has already written a ``rider_status_history`` row for that rider with
#: ``to_stage`` = the new stage and an ``actor`` (``Rider.move_to_stage``
#: does both). Inserting a rider at any stage is allowed (imports, seeds), and
#: rewriting the same stage is no move, so reloading a seed passes.
ONBOARDING_ORDER = """
CREATE FUNCTION "riders"."riders_onboarding_order"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stages CONSTANT text[] := ARRAY['MOBILE_VERIFIED', 'KYC', 'PAYMENT', 'APPROVAL', 'ACTIVE'];
BEGIN
    IF array_position(stages, NEW.onboarding_stage::text)
            >= array_position(stages, OLD.onboarding_stage::text) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM "riders"."rider_status_history" AS history
        WHERE history.rider_id = NEW.id
          AND history.to_stage = NEW.onboarding_stage
          AND history.actor_id IS NOT NULL
          AND "riders"."written_in_current_transaction"(history.xmin)
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'riders.riders: onboarding_stage of rider % cannot move back from % to %',
            NEW.id, OLD.onboarding_stage, NEW.onboarding_stage
        USING ERRCODE = 'check_violation',
              HINT = 'An admin rollback first writes riders.rider_status_history for this rider '
                  || 'with to_stage = ' || NEW.onboarding_stage
                  || ' and an actor, in the same transaction.';
END
$$;
CREATE TRIGGER "riders_onboarding_order"
    BEFORE UPDATE OF "onboarding_stage" ON "riders"."riders"
    FOR EACH ROW WHEN (OLD."onboarding_stage" IS DISTINCT FROM NEW."onboarding_stage")
    EXECUTE FUNCTION "riders"."riders_onboarding_order"();
"""

DROP_ONBOARDING_ORDER = """
DROP TRIGGER "riders_onboarding_order" ON "riders"."riders";
DROP FUNCTION "riders"."riders_onboarding_order"();
"""

SAME_RIDER = [
    """
CREATE FUNCTION "riders"."same_rider"() RETURNS trigger LANGUAGE plpgsql AS $$
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
""",
    'CREATE TRIGGER "rider_documents_same_rider_insert" BEFORE INSERT ON "riders"."rider_documents" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'rider_vehicles\', \'vehicle_id\')',
    'CREATE TRIGGER "rider_documents_same_rider_update" BEFORE UPDATE OF "rider_id", "vehicle_id" ON "riders"."rider_documents" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."vehicle_id" IS DISTINCT FROM NEW."vehicle_id") EXECUTE FUNCTION "riders"."same_rider"(\'rider_vehicles\', \'vehicle_id\')',
    'CREATE TRIGGER "rider_kyc_verifications_same_rider_insert" BEFORE INSERT ON "riders"."rider_kyc_verifications" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'rider_documents\', \'document_id\')',
    'CREATE TRIGGER "rider_kyc_verifications_same_rider_update" BEFORE UPDATE OF "rider_id", "document_id" ON "riders"."rider_kyc_verifications" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."document_id" IS DISTINCT FROM NEW."document_id") EXECUTE FUNCTION "riders"."same_rider"(\'rider_documents\', \'document_id\')',
    'CREATE TRIGGER "duty_logs_same_rider_insert" BEFORE INSERT ON "riders"."duty_logs" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'rider_vehicles\', \'vehicle_id\')',
    'CREATE TRIGGER "duty_logs_same_rider_update" BEFORE UPDATE OF "rider_id", "vehicle_id" ON "riders"."duty_logs" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."vehicle_id" IS DISTINCT FROM NEW."vehicle_id") EXECUTE FUNCTION "riders"."same_rider"(\'rider_vehicles\', \'vehicle_id\')',
    'CREATE TRIGGER "rider_live_status_same_rider_insert" BEFORE INSERT ON "riders"."rider_live_status" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'rider_vehicles\', \'vehicle_id\')',
    'CREATE TRIGGER "rider_live_status_same_rider_update" BEFORE UPDATE OF "rider_id", "vehicle_id" ON "riders"."rider_live_status" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."vehicle_id" IS DISTINCT FROM NEW."vehicle_id") EXECUTE FUNCTION "riders"."same_rider"(\'rider_vehicles\', \'vehicle_id\')',
    'CREATE TRIGGER "rider_payouts_same_rider_insert" BEFORE INSERT ON "riders"."rider_payouts" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'rider_bank_accounts\', \'bank_account_id\')',
    'CREATE TRIGGER "rider_payouts_same_rider_update" BEFORE UPDATE OF "rider_id", "bank_account_id" ON "riders"."rider_payouts" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."bank_account_id" IS DISTINCT FROM NEW."bank_account_id") EXECUTE FUNCTION "riders"."same_rider"(\'rider_bank_accounts\', \'bank_account_id\')',
    "CREATE TRIGGER \"wallet_ledger_same_rider_insert\" BEFORE INSERT ON \"riders\".\"wallet_ledger\" FOR EACH ROW EXECUTE FUNCTION \"riders\".\"same_rider\"('rider_order_earnings', 'earning_id', 'rider_payouts', 'payout_id', 'rider_cash_deposits', 'deposit_id')",
    'CREATE TRIGGER "rider_onboarding_payments_same_rider_insert" BEFORE INSERT ON "riders"."rider_onboarding_payments" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'wallet_ledger\', \'ledger_entry_id\')',
    'CREATE TRIGGER "rider_onboarding_payments_same_rider_update" BEFORE UPDATE OF "rider_id", "ledger_entry_id" ON "riders"."rider_onboarding_payments" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."ledger_entry_id" IS DISTINCT FROM NEW."ledger_entry_id") EXECUTE FUNCTION "riders"."same_rider"(\'wallet_ledger\', \'ledger_entry_id\')',
    'CREATE TRIGGER "rider_incentive_progress_same_rider_insert" BEFORE INSERT ON "riders"."rider_incentive_progress" FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"(\'wallet_ledger\', \'ledger_entry_id\')',
    'CREATE TRIGGER "rider_incentive_progress_same_rider_update" BEFORE UPDATE OF "rider_id", "ledger_entry_id" ON "riders"."rider_incentive_progress" FOR EACH ROW WHEN (OLD."rider_id" IS DISTINCT FROM NEW."rider_id" OR OLD."ledger_entry_id" IS DISTINCT FROM NEW."ledger_entry_id") EXECUTE FUNCTION "riders"."same_rider"(\'wallet_ledger\', \'ledger_entry_id\')',
]

DROP_SAME_RIDER = [
    'DROP TRIGGER "rider_documents_same_rider_insert" ON "riders"."rider_documents"',
    'DROP TRIGGER "rider_documents_same_rider_update" ON "riders"."rider_documents"',
    'DROP TRIGGER "rider_kyc_verifications_same_rider_insert" ON "riders"."rider_kyc_verifications"',
    'DROP TRIGGER "rider_kyc_verifications_same_rider_update" ON "riders"."rider_kyc_verifications"',
    'DROP TRIGGER "duty_logs_same_rider_insert" ON "riders"."duty_logs"',
    'DROP TRIGGER "duty_logs_same_rider_update" ON "riders"."duty_logs"',
    'DROP TRIGGER "rider_live_status_same_rider_insert" ON "riders"."rider_live_status"',
    'DROP TRIGGER "rider_live_status_same_rider_update" ON "riders"."rider_live_status"',
    'DROP TRIGGER "rider_payouts_same_rider_insert" ON "riders"."rider_payouts"',
    'DROP TRIGGER "rider_payouts_same_rider_update" ON "riders"."rider_payouts"',
    'DROP TRIGGER "wallet_ledger_same_rider_insert" ON "riders"."wallet_ledger"',
    'DROP TRIGGER "rider_onboarding_payments_same_rider_insert" ON "riders"."rider_onboarding_payments"',
    'DROP TRIGGER "rider_onboarding_payments_same_rider_update" ON "riders"."rider_onboarding_payments"',
    'DROP TRIGGER "rider_incentive_progress_same_rider_insert" ON "riders"."rider_incentive_progress"',
    'DROP TRIGGER "rider_incentive_progress_same_rider_update" ON "riders"."rider_incentive_progress"',
    'DROP FUNCTION "riders"."same_rider"()',
]

#: A payout moves to PROCESSING/PROCESSED only towards a VERIFIED, active
#: account, and UPI mode goes with a UPI VPA account (and only then).
PAYOUT_ACCOUNT = """
CREATE FUNCTION "riders"."rider_payouts_account_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account record;
BEGIN
    SELECT verification_status, account_type, is_active INTO account
        FROM "riders"."rider_bank_accounts" WHERE id = NEW.bank_account_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key reports it
    END IF;
    IF NEW.status IN ('PROCESSING', 'PROCESSED')
            AND (account.verification_status <> 'VERIFIED' OR NOT account.is_active) THEN
        RAISE EXCEPTION 'riders.rider_payouts: payout % cannot be % to bank account % (% and %)',
                NEW.id, NEW.status, NEW.bank_account_id, account.verification_status,
                CASE WHEN account.is_active THEN 'active' ELSE 'inactive' END
            USING ERRCODE = 'check_violation',
                  HINT = 'Payouts go only to VERIFIED, active accounts.';
    END IF;
    IF (NEW.mode = 'UPI') <> (account.account_type = 'UPI_VPA') THEN
        RAISE EXCEPTION 'riders.rider_payouts: mode % does not fit % account %',
                NEW.mode, account.account_type, NEW.bank_account_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "rider_payouts_account_check"
    BEFORE INSERT OR UPDATE OF "bank_account_id", "status", "mode" ON "riders"."rider_payouts"
    FOR EACH ROW EXECUTE FUNCTION "riders"."rider_payouts_account_check"();
"""

DROP_PAYOUT_ACCOUNT = """
DROP TRIGGER "rider_payouts_account_check" ON "riders"."rider_payouts";
DROP FUNCTION "riders"."rider_payouts_account_check"();
"""
