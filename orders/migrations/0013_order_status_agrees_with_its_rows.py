from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
#
# Checked at commit (DEFERRABLE INITIALLY DEFERRED), against the order as the
# transaction leaves it, whenever its status changed: the rows that go with
# a status (assignment, proof, OTP, cancellation, refund) arrive in the
# same transaction, in any order. An INSERT may start in any status
# (imports and the demo load finished orders), as the status machine allows.
FORWARD = [
    """
CREATE FUNCTION "orders"."orders_status_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o record;
    active integer;
    paid numeric;
    kept numeric;
BEGIN
    SELECT id, order_number, service_type, status INTO o FROM "orders"."orders" WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT count(*) INTO active FROM "orders"."order_rider_assignments"
        WHERE order_id = o.id AND status IN ('ASSIGNED', 'ACCEPTED');
    IF o.status IN ('assigned', 'accepted', 'reached_pickup', 'picked_up', 'in_transit', 'reached_drop')
            AND active = 0 AND NOT EXISTS (
                SELECT 1 FROM "orders"."order_external_deliveries"
                WHERE order_id = o.id AND status NOT IN ('CANCELLED', 'FAILED')
            ) THEN
        RAISE EXCEPTION 'orders.orders: order % is % with no ASSIGNED or ACCEPTED rider assignment (nor an external delivery)',
            o.order_number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_status_has_assignment';
    END IF;
    IF o.status IN ('delivered', 'completed', 'rto_delivered', 'cancelled') AND active > 0 THEN
        RAISE EXCEPTION 'orders.orders: order % is % but its rider assignment is still open',
            o.order_number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_finished_assignment_closed';
    END IF;
    IF o.status IN ('delivered', 'completed', 'rto_delivered') AND NOT EXISTS (
        SELECT 1 FROM "orders"."order_rider_assignments"
        WHERE order_id = o.id AND status = 'COMPLETED'
    ) AND NOT EXISTS (
        SELECT 1 FROM "orders"."order_external_deliveries" WHERE order_id = o.id
    ) THEN
        RAISE EXCEPTION 'orders.orders: order % is % but no rider assignment (or external delivery) completed it',
            o.order_number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_finished_assignment_closed';
    END IF;
    IF o.status = 'delivered' AND NOT EXISTS (
        SELECT 1 FROM "orders"."order_delivery_proofs" WHERE order_id = o.id
    ) AND NOT EXISTS (  -- a 3PL's delivery is proved by the provider
        SELECT 1 FROM "orders"."order_external_deliveries"
        WHERE order_id = o.id AND status = 'DELIVERED'
    ) THEN
        RAISE EXCEPTION 'orders.orders: order % is delivered with no delivery proof (nor a delivery by its 3PL)',
            o.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_delivered_has_proof';
    END IF;
    IF o.service_type = 'RIDE' AND o.status IN ('in_transit', 'reached_drop', 'completed') AND NOT EXISTS (
        SELECT 1 FROM "orders"."order_ride_details"
        WHERE order_id = o.id AND start_otp_verified_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'orders.orders: ride % is % but its start OTP was never verified',
            o.order_number, o.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_ride_started_with_otp';
    END IF;
    IF o.status = 'cancelled' THEN
        SELECT fee INTO kept FROM "orders"."order_cancellations" WHERE order_id = o.id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'orders.orders: order % is cancelled with no order_cancellations row',
                o.order_number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_cancelled_has_cancellation';
        END IF;
        SELECT coalesce(sum(amount), 0) INTO paid FROM "orders"."order_payments"
            WHERE order_id = o.id AND status IN ('CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED');
        IF paid > 0 AND paid > kept AND NOT EXISTS (
            SELECT 1 FROM "orders"."order_refunds" WHERE order_id = o.id AND status <> 'REJECTED'
        ) THEN
            RAISE EXCEPTION 'orders.orders: order % is cancelled after % was captured, with no refund and a cancellation fee of only %',
                o.order_number, paid, kept
                USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_cancelled_paid_is_refunded';
        END IF;
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE CONSTRAINT TRIGGER "orders_status_rows" AFTER UPDATE OF status ON "orders"."orders" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) "
    'EXECUTE FUNCTION "orders"."orders_status_rows"()',
]
BACKWARD = [
    'DROP TRIGGER "orders_status_rows" ON "orders"."orders"',
    'DROP FUNCTION "orders"."orders_status_rows"()',
]


class Migration(migrations.Migration):
    """An order's status agrees with its rows: a rider stage has its open
    assignment, a finished order has none open and one completed (or an
    external delivery), a delivered order its proof, a started ride its
    verified OTP, a cancelled order its cancellation and, when money was
    captured, a refund or a fee that keeps it; an assignment completes with
    its earning and the order's settlement."""

    dependencies = [
        ("orders", "0012_customers_order_as_their_status_allows"),
        ("riders", "0012_onboarding_moves_are_recorded"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
