from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.

#: cash_in_hand is COD cash collected minus cash deposited, per the rider's
#: wallet ledger (append-only, so inserts are the only moves).
CASH_OF_RIDER = """
CREATE FUNCTION "riders"."cash_in_hand_of"(rider bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(CASE txn_type WHEN 'COD_COLLECTED' THEN amount ELSE -amount END), 0)
    FROM "riders"."wallet_ledger"
    WHERE rider_id = rider AND txn_type IN ('COD_COLLECTED', 'COD_DEPOSITED')
$$"""

RECOMPUTE = """
UPDATE "riders"."rider_live_status" AS live
SET cash_in_hand = "riders"."cash_in_hand_of"(live.rider_id)
WHERE cash_in_hand IS DISTINCT FROM "riders"."cash_in_hand_of"(live.rider_id)"""

FORWARD = [
    CASH_OF_RIDER,
    RECOMPUTE,
    # Each COD row moves the cached figure (per row: right for multi-row
    # INSERTs and COPY alike; the live-status row is the lock).
    """
CREATE FUNCTION "riders"."wallet_ledger_moves_cash_in_hand"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "riders"."rider_live_status"
    SET cash_in_hand = cash_in_hand
        + CASE NEW.txn_type WHEN 'COD_COLLECTED' THEN NEW.amount ELSE -NEW.amount END
    WHERE rider_id = NEW.rider_id;
    RETURN NULL;
END
$$""",
    'CREATE TRIGGER "wallet_ledger_moves_cash_in_hand" AFTER INSERT ON "riders"."wallet_ledger" '
    "FOR EACH ROW WHEN (NEW.txn_type IN ('COD_COLLECTED', 'COD_DEPOSITED')) "
    'EXECUTE FUNCTION "riders"."wallet_ledger_moves_cash_in_hand"()',
    # Typed figures are refused: a new live-status row starts at the
    # ledger's figure, and only the trigger above (nested) moves it.
    """
CREATE FUNCTION "riders"."rider_live_status_cash_from_ledger"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    expected numeric;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF pg_trigger_depth() < 2 THEN
            RAISE EXCEPTION 'riders.rider_live_status: cash_in_hand of rider % follows the wallet ledger (COD collected minus deposited); % -> % refused',
                OLD.rider_id, OLD.cash_in_hand, NEW.cash_in_hand
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_live_status_cash_from_ledger',
                      HINT = 'Write a COD_COLLECTED or COD_DEPOSITED wallet_ledger row instead.';
        END IF;
        RETURN NEW;
    END IF;
    expected := "riders"."cash_in_hand_of"(NEW.rider_id);
    IF NEW.cash_in_hand IS DISTINCT FROM expected THEN
        RAISE EXCEPTION 'riders.rider_live_status: cash_in_hand of rider % is % by the wallet ledger, not %',
            NEW.rider_id, expected, NEW.cash_in_hand
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_live_status_cash_from_ledger';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "rider_live_status_cash_from_ledger" BEFORE INSERT '
    'ON "riders"."rider_live_status" FOR EACH ROW '
    'EXECUTE FUNCTION "riders"."rider_live_status_cash_from_ledger"()',
    'CREATE TRIGGER "rider_live_status_cash_from_ledger_upd" BEFORE UPDATE OF cash_in_hand '
    'ON "riders"."rider_live_status" FOR EACH ROW '
    "WHEN (OLD.cash_in_hand IS DISTINCT FROM NEW.cash_in_hand) "
    'EXECUTE FUNCTION "riders"."rider_live_status_cash_from_ledger"()',
]

BACKWARD = [
    'DROP TRIGGER "rider_live_status_cash_from_ledger_upd" ON "riders"."rider_live_status"',
    'DROP TRIGGER "rider_live_status_cash_from_ledger" ON "riders"."rider_live_status"',
    'DROP FUNCTION "riders"."rider_live_status_cash_from_ledger"()',
    'DROP TRIGGER "wallet_ledger_moves_cash_in_hand" ON "riders"."wallet_ledger"',
    'DROP FUNCTION "riders"."wallet_ledger_moves_cash_in_hand"()',
    'DROP FUNCTION "riders"."cash_in_hand_of"(bigint)',
]


class Migration(migrations.Migration):
    """``rider_live_status.cash_in_hand`` is derived from the rider's wallet
    ledger by the database and refuses direct edits, so the COD cash cap of
    dispatch cannot be bypassed by resetting it."""

    dependencies = [("riders", "0010_settled_money_is_final")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
