from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
FORWARD = [
    """
CREATE FUNCTION "merchants"."merchant_parents_status_reaches_stores"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Suspension pauses the stores that trade; termination delists them all.
    -- Each store's own machine and availability log see the change.
    IF NEW.status = 'SUSPENDED' THEN
        UPDATE "merchants"."merchant_stores" SET status = 'PAUSED', updated_at = now()
        WHERE parent_id = NEW.id AND status IN ('LIVE', 'TEMPORARILY_CLOSED');
    ELSE
        UPDATE "merchants"."merchant_stores" SET status = 'DELISTED', updated_at = now()
        WHERE parent_id = NEW.id AND status <> 'DELISTED';
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE TRIGGER "merchant_parents_status_reaches_stores" AFTER UPDATE OF status '
    'ON "merchants"."merchant_parents" FOR EACH ROW '
    "WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('SUSPENDED', 'TERMINATED')) "
    'EXECUTE FUNCTION "merchants"."merchant_parents_status_reaches_stores"()',
    # A store of a suspended or terminated parent does not go (back) live.
    """
CREATE FUNCTION "merchants"."merchant_stores_parent_trades"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_status varchar;
BEGIN
    SELECT status INTO parent_status FROM "merchants"."merchant_parents" WHERE id = NEW.parent_id;
    IF parent_status IN ('SUSPENDED', 'TERMINATED') THEN
        RAISE EXCEPTION 'merchants.merchant_stores: store % cannot go LIVE: its parent % is %',
            NEW.id, NEW.parent_id, parent_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_stores_parent_trades';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "merchant_stores_parent_trades" BEFORE UPDATE OF status, parent_id '
    'ON "merchants"."merchant_stores" FOR EACH ROW '
    "WHEN (NEW.status = 'LIVE' AND (OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.parent_id IS DISTINCT FROM NEW.parent_id)) "
    'EXECUTE FUNCTION "merchants"."merchant_stores_parent_trades"()',
]
BACKWARD = [
    'DROP TRIGGER "merchant_stores_parent_trades" ON "merchants"."merchant_stores"',
    'DROP FUNCTION "merchants"."merchant_stores_parent_trades"()',
    'DROP TRIGGER "merchant_parents_status_reaches_stores" ON "merchants"."merchant_parents"',
    'DROP FUNCTION "merchants"."merchant_parents_status_reaches_stores"()',
]


class Migration(migrations.Migration):
    """A parent's suspension pauses its trading stores and its termination
    delists them all, in the same statement; a store does not go live
    under a suspended or terminated parent."""

    dependencies = [("merchants", "0010_settled_money_is_final")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
