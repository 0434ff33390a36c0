from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
#
# A COMPLETED rider assignment has the rider's earning for it, and when its
# order is delivered (or a ride completed) the order has its settlement: the
# rows arrive in the transaction that completes the assignment
# (orders.services._finish) and are checked at its commit. Re-checked when
# an order becomes delivered/completed, and when an earning or settlement
# that a completed assignment relies on is deleted or moved.
FORWARD = [
    """
CREATE FUNCTION "orders"."check_completed_assignment"(p_assignment_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    a record;
    o record;
BEGIN
    SELECT id, order_id, rider_id, status INTO a
        FROM "orders"."order_rider_assignments" WHERE id = p_assignment_id;
    IF NOT FOUND OR a.status <> 'COMPLETED' THEN
        RETURN;
    END IF;
    SELECT id, order_number, status INTO o FROM "orders"."orders" WHERE id = a.order_id;
    IF NOT EXISTS (
        SELECT 1 FROM "riders"."rider_order_earnings" WHERE assignment_id = a.id
    ) THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: assignment % of order % (rider id %) is COMPLETED with no rider_order_earnings row for it',
            a.id, o.order_number, a.rider_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'order_rider_assignments_completed_has_earning';
    END IF;
    IF o.status IN ('delivered', 'completed') AND NOT EXISTS (
        SELECT 1 FROM "orders"."order_settlements" WHERE order_id = o.id
    ) THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: assignment % completed order %, which is % with no order_settlements row',
            a.id, o.order_number, o.status
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'order_rider_assignments_completed_has_settlement';
    END IF;
END
$$""",
    """
CREATE FUNCTION "orders"."completed_assignment_paid_trigger"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    assignment bigint;
BEGIN
    IF TG_TABLE_NAME = 'order_rider_assignments' THEN
        PERFORM "orders"."check_completed_assignment"(NEW.id);
    ELSIF TG_TABLE_NAME = 'orders' THEN
        FOR assignment IN
            SELECT id FROM "orders"."order_rider_assignments"
            WHERE order_id = NEW.id AND status = 'COMPLETED'
        LOOP
            PERFORM "orders"."check_completed_assignment"(assignment);
        END LOOP;
    ELSIF TG_TABLE_NAME = 'rider_order_earnings' THEN
        PERFORM "orders"."check_completed_assignment"(OLD.assignment_id);
    ELSE  -- order_settlements
        FOR assignment IN
            SELECT id FROM "orders"."order_rider_assignments"
            WHERE order_id = OLD.order_id AND status = 'COMPLETED'
        LOOP
            PERFORM "orders"."check_completed_assignment"(assignment);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE CONSTRAINT TRIGGER "order_rider_assignments_completed_paid" '
    'AFTER INSERT ON "orders"."order_rider_assignments" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'COMPLETED') "
    'EXECUTE FUNCTION "orders"."completed_assignment_paid_trigger"()',
    'CREATE CONSTRAINT TRIGGER "order_rider_assignments_completed_paid_upd" '
    'AFTER UPDATE ON "orders"."order_rider_assignments" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'COMPLETED' "
    "AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.order_id IS DISTINCT FROM NEW.order_id)) "
    'EXECUTE FUNCTION "orders"."completed_assignment_paid_trigger"()',
    'CREATE CONSTRAINT TRIGGER "orders_finished_is_settled" '
    'AFTER UPDATE OF status ON "orders"."orders" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('delivered', 'completed')) "
    'EXECUTE FUNCTION "orders"."completed_assignment_paid_trigger"()',
    'CREATE CONSTRAINT TRIGGER "rider_order_earnings_of_completed_assignment" '
    'AFTER DELETE OR UPDATE OF assignment_id ON "riders"."rider_order_earnings" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    'EXECUTE FUNCTION "orders"."completed_assignment_paid_trigger"()',
    'CREATE CONSTRAINT TRIGGER "order_settlements_of_completed_assignment" '
    'AFTER DELETE OR UPDATE OF order_id ON "orders"."order_settlements" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    'EXECUTE FUNCTION "orders"."completed_assignment_paid_trigger"()',
]
BACKWARD = [
    'DROP TRIGGER "order_settlements_of_completed_assignment" ON "orders"."order_settlements"',
    'DROP TRIGGER "rider_order_earnings_of_completed_assignment" ON "riders"."rider_order_earnings"',
    'DROP TRIGGER "orders_finished_is_settled" ON "orders"."orders"',
    'DROP TRIGGER "order_rider_assignments_completed_paid_upd" ON "orders"."order_rider_assignments"',
    'DROP TRIGGER "order_rider_assignments_completed_paid" ON "orders"."order_rider_assignments"',
    'DROP FUNCTION "orders"."completed_assignment_paid_trigger"()',
    'DROP FUNCTION "orders"."check_completed_assignment"(bigint)',
]


class Migration(migrations.Migration):
    """A completed assignment is paid and its delivered order settled: the
    rider's earning and the order's settlement are written with it (checked
    at commit)."""

    dependencies = [
        ("orders", "0014_dispatch_within_the_order_city"),
        ("riders", "0012_onboarding_moves_are_recorded"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
