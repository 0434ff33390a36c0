from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
#
# A rider works the city they are registered in (riders.riders.city_id): an
# open dispatch offer and an active assignment (ASSIGNED, ACCEPTED) must pair
# a rider with an order of that city. Past rows (a declined offer, a completed
# assignment) are not judged against where the rider works today, as the
# other dispatch rules (orders 0005) do not judge them either. Messages name
# ids and city codes only, no personal data.
FORWARD = [
    """
CREATE FUNCTION "orders"."rider_city_refusal"(p_rider_id bigint, p_order_id bigint)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    rider_city bigint;
    order_city bigint;
    order_number varchar;
BEGIN
    SELECT city_id INTO rider_city FROM "riders"."riders" WHERE id = p_rider_id;
    IF NOT FOUND THEN
        RETURN NULL;  -- the rider's existence is the dispatch rule's (and the FK's) to report
    END IF;
    SELECT o.city_id, o.order_number INTO order_city, order_number
        FROM "orders"."orders" o WHERE o.id = p_order_id;
    IF NOT FOUND OR rider_city IS NOT DISTINCT FROM order_city THEN
        RETURN NULL;
    END IF;
    RETURN format('rider id %s works in %s, order %s is in %s: dispatch stays within the order''s city',
        p_rider_id,
        coalesce((SELECT code FROM "orders"."service_cities" WHERE id = rider_city), 'no city'),
        order_number,
        coalesce((SELECT code FROM "orders"."service_cities" WHERE id = order_city), 'no city'));
END
$$""",
    """
CREATE FUNCTION "orders"."order_rider_assignments_rider_city"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    refusal text;
BEGIN
    refusal := "orders"."rider_city_refusal"(NEW.rider_id, NEW.order_id);
    IF refusal IS NOT NULL THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: assignment %: %', NEW.id, refusal
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'order_rider_assignments_rider_in_order_city';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "order_rider_assignments_rider_city" BEFORE INSERT ON "orders"."order_rider_assignments" '
    "FOR EACH ROW WHEN (NEW.status IN ('ASSIGNED', 'ACCEPTED')) "
    'EXECUTE FUNCTION "orders"."order_rider_assignments_rider_city"()',
    'CREATE TRIGGER "order_rider_assignments_rider_city_upd" BEFORE UPDATE ON "orders"."order_rider_assignments" '
    "FOR EACH ROW WHEN (NEW.status IN ('ASSIGNED', 'ACCEPTED') AND ("
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.rider_id IS DISTINCT FROM NEW.rider_id "
    "OR OLD.order_id IS DISTINCT FROM NEW.order_id)) "
    'EXECUTE FUNCTION "orders"."order_rider_assignments_rider_city"()',
    """
CREATE FUNCTION "orders"."order_dispatch_offers_rider_city"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    refusal text;
BEGIN
    refusal := "orders"."rider_city_refusal"(NEW.rider_id, NEW.order_id);
    IF refusal IS NOT NULL THEN
        RAISE EXCEPTION 'orders.order_dispatch_offers: offer %: %', NEW.id, refusal
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'order_dispatch_offers_rider_in_order_city';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "order_dispatch_offers_rider_city" BEFORE INSERT ON "orders"."order_dispatch_offers" '
    "FOR EACH ROW WHEN (NEW.status IN ('SENT', 'SEEN')) "
    'EXECUTE FUNCTION "orders"."order_dispatch_offers_rider_city"()',
    'CREATE TRIGGER "order_dispatch_offers_rider_city_upd" BEFORE UPDATE ON "orders"."order_dispatch_offers" '
    "FOR EACH ROW WHEN (NEW.status IN ('SENT', 'SEEN') AND ("
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.rider_id IS DISTINCT FROM NEW.rider_id "
    "OR OLD.order_id IS DISTINCT FROM NEW.order_id)) "
    'EXECUTE FUNCTION "orders"."order_dispatch_offers_rider_city"()',
]
BACKWARD = [
    'DROP TRIGGER "order_dispatch_offers_rider_city_upd" ON "orders"."order_dispatch_offers"',
    'DROP TRIGGER "order_dispatch_offers_rider_city" ON "orders"."order_dispatch_offers"',
    'DROP FUNCTION "orders"."order_dispatch_offers_rider_city"()',
    'DROP TRIGGER "order_rider_assignments_rider_city_upd" ON "orders"."order_rider_assignments"',
    'DROP TRIGGER "order_rider_assignments_rider_city" ON "orders"."order_rider_assignments"',
    'DROP FUNCTION "orders"."order_rider_assignments_rider_city"()',
    'DROP FUNCTION "orders"."rider_city_refusal"(bigint, bigint)',
]


class Migration(migrations.Migration):
    """Dispatch stays within the order's city: an open offer and an active
    assignment pair a rider with an order of the rider's city."""

    dependencies = [
        ("orders", "0013_order_status_agrees_with_its_rows"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
