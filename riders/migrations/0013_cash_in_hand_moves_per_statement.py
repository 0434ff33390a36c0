from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
#
# riders 0011 moved rider_live_status.cash_in_hand once per COD ledger row: a
# COPY of a day's ledger wrote one new live-status version per row. Now one
# AFTER INSERT statement trigger adds each rider's net COD movement of the
# statement in one UPDATE per rider. The figure is the same sum; the guards of
# 0011 (typed figures refused, a new live-status row starts at the ledger's
# figure) are unchanged, and the UPDATE still runs nested (trigger depth 2).

FORWARD = [
    'DROP TRIGGER "wallet_ledger_moves_cash_in_hand" ON "riders"."wallet_ledger"',
    """
CREATE OR REPLACE FUNCTION "riders"."wallet_ledger_moves_cash_in_hand"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "riders"."rider_live_status" AS live SET cash_in_hand = live.cash_in_hand + moved.net
    FROM (
        SELECT rider_id,
               sum(CASE txn_type WHEN 'COD_COLLECTED' THEN amount ELSE -amount END) AS net
        FROM ledger_new_rows
        WHERE txn_type IN ('COD_COLLECTED', 'COD_DEPOSITED')
        GROUP BY rider_id
    ) AS moved
    WHERE live.rider_id = moved.rider_id AND moved.net <> 0;
    RETURN NULL;
END
$$""",
    'CREATE TRIGGER "wallet_ledger_moves_cash_in_hand" AFTER INSERT ON "riders"."wallet_ledger" '
    "REFERENCING NEW TABLE AS ledger_new_rows FOR EACH STATEMENT "
    'EXECUTE FUNCTION "riders"."wallet_ledger_moves_cash_in_hand"()',
]

BACKWARD = [
    'DROP TRIGGER "wallet_ledger_moves_cash_in_hand" ON "riders"."wallet_ledger"',
    """
CREATE OR REPLACE FUNCTION "riders"."wallet_ledger_moves_cash_in_hand"() RETURNS trigger
LANGUAGE plpgsql AS $$
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
]

# Replacing a trigger of an audited table is audited maintenance (audit 0008).
MAINTENANCE = "SELECT audit.begin_maintenance('migration riders 0013 {way}: cash in hand moves per statement')"


class Migration(migrations.Migration):
    """Cash in hand moves once per rider per ledger INSERT statement."""

    dependencies = [
        ("riders", "0012_onboarding_moves_are_recorded"),
        ("audit", "0008_refuse_audit_tampering"),
    ]

    operations = [
        migrations.RunSQL(
            [MAINTENANCE.format(way="forward"), *FORWARD],
            [MAINTENANCE.format(way="backward"), *BACKWARD],
        )
    ]
