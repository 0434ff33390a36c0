from django.db import migrations

from orders import sql

# The SQL below is this migration's own (frozen here, not imported): what it
# installs stays what it installed when the rules change in a later one.
#
# The two deferred per-order checks of orders 0003 run once per row written
# to an order's tables (the shape check per order, detail row and item; the
# totals check per order and charge): 34k and 67k calls in the demo order
# step's bulk load, a fifth of its time (benchmarks/row_triggers.py,
# benchmarks/README.md "Per-row triggers"). Each call ran its reads as
# separate statements, six for the shape and two for the totals, each one an
# executor start-up and a snapshot. Here each check reads everything it
# compares in one statement (scalar subqueries and a lateral join over the
# same indexes) and then tests the same conditions in the same order, so the
# first refusal and its message (values, CONSTRAINT, SQLSTATE) are the ones of
# 0003: an order that fails two rules still reports the one 0003 reported.
#
# The calls themselves stay one per row: PostgreSQL has no statement-level
# constraint triggers, and remembering "order already checked" across the
# queued events is not safe (``SET CONSTRAINTS ... IMMEDIATE`` fires a batch,
# and a later write in the same transaction queues a check that must run
# again). The reverse puts back 0003's bodies.

CHECK_ORDER_SHAPE_IN_ONE_QUERY = """
CREATE OR REPLACE FUNCTION "orders".check_order_shape(p_order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o record;
BEGIN
    SELECT id, order_number, service_type,
           (SELECT count(*) FROM "orders"."order_food_details" WHERE order_id = p_order_id) AS n_food,
           (SELECT count(*) FROM "orders"."order_parcel_details" WHERE order_id = p_order_id) AS n_parcel,
           (SELECT count(*) FROM "orders"."order_ride_details" WHERE order_id = p_order_id) AS n_ride,
           (SELECT count(*) FROM (
                SELECT 1 FROM "orders"."order_items" WHERE order_id = p_order_id LIMIT 1
           ) AS any_item) AS n_items,
           stops.n_pickups, stops.n_drops
        INTO o
        FROM "orders"."orders"
        CROSS JOIN LATERAL (
            SELECT count(*) FILTER (WHERE stop_type = 'PICKUP') AS n_pickups,
                   count(*) FILTER (WHERE stop_type = 'DROP') AS n_drops
            FROM "orders"."order_stops" WHERE order_id = p_order_id
        ) AS stops
        WHERE id = p_order_id;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction
    END IF;
    IF (o.service_type = 'FOOD') <> (o.n_food = 1)
            OR (o.service_type = 'PARCEL') <> (o.n_parcel = 1)
            OR (o.service_type = 'RIDE') <> (o.n_ride = 1) THEN
        RAISE EXCEPTION 'orders.orders: % order % must have exactly one detail row, in order_%_details (found food %, parcel %, ride %)',
            o.service_type, o.order_number, lower(o.service_type), o.n_food, o.n_parcel, o.n_ride
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_one_matching_detail';
    END IF;
    IF o.service_type = 'FOOD' AND o.n_items = 0 THEN
        RAISE EXCEPTION 'orders.orders: FOOD order % has no order_items', o.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_food_has_items';
    ELSIF o.service_type <> 'FOOD' AND o.n_items > 0 THEN
        RAISE EXCEPTION 'orders.orders: % order % has order_items; only FOOD orders have items',
            o.service_type, o.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_items_only_on_food';
    END IF;
    IF o.n_pickups = 0 OR o.n_drops = 0 THEN
        RAISE EXCEPTION 'orders.orders: order % needs at least one PICKUP and one DROP in order_stops (found % pickup, % drop)',
            o.order_number, o.n_pickups, o.n_drops
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_pickup_and_drop_stops';
    END IF;
END
$$"""

CHECK_ORDER_TOTALS_IN_ONE_QUERY = """
CREATE OR REPLACE FUNCTION "orders".check_order_totals(p_order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o record;
BEGIN
    SELECT ord.order_number, ord.subtotal, ord.fees, ord.tax, ord.discount, ord.total,
           c.total AS charged_total, c.subtotal AS charged_subtotal, c.fees AS charged_fees,
           c.tax AS charged_tax, c.discount AS charged_discount
        INTO o
        FROM "orders"."orders" ord
        CROSS JOIN LATERAL (
            SELECT
                coalesce(sum(CASE WHEN direction = 'CREDIT' THEN -amount ELSE amount END), 0) AS total,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('CANCELLATION_FEE', 'DELIVERY_FEE', 'ITEM_TOTAL', 'LONG_DISTANCE_FEE', 'NIGHT_CHARGE', 'PACKAGING_FEE', 'PARKING', 'PLATFORM_FEE', 'SMALL_CART_FEE', 'SURGE_FEE', 'TOLL', 'WAITING_CHARGE')), 0) AS subtotal,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('CANCELLATION_FEE', 'DELIVERY_FEE', 'LONG_DISTANCE_FEE', 'NIGHT_CHARGE', 'PACKAGING_FEE', 'PARKING', 'PLATFORM_FEE', 'SMALL_CART_FEE', 'SURGE_FEE', 'TOLL', 'WAITING_CHARGE')), 0) AS fees,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('GST')), 0) AS tax,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('DISCOUNT')), 0) AS discount
            FROM "orders"."order_charges" WHERE order_id = p_order_id
        ) AS c
        WHERE ord.id = p_order_id;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction
    END IF;
    IF (o.total, o.subtotal, o.fees, o.tax, o.discount)
            IS DISTINCT FROM (o.charged_total, o.charged_subtotal, o.charged_fees, o.charged_tax, o.charged_discount) THEN
        RAISE EXCEPTION 'orders.orders: order % has total % (subtotal %, fees %, tax %, discount %) but its order_charges add up to total % (subtotal %, fees %, tax %, discount %)',
            o.order_number, o.total, o.subtotal, o.fees, o.tax, o.discount,
            o.charged_total, o.charged_subtotal, o.charged_fees, o.charged_tax, o.charged_discount
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_total_matches_charges';
    END IF;
END
$$"""

CHECKS_IN_ONE_QUERY = [CHECK_ORDER_SHAPE_IN_ONE_QUERY, CHECK_ORDER_TOTALS_IN_ONE_QUERY]

#: 0003's bodies, as 0003 ran them: orders/sql.py's ORDER_SHAPE and ORDER_TOTALS are
#: that migration's SQL, kept unchanged by tests/test_frozen_sql, so the reverse reads
#: them there rather than repeating them here.
CHECKS_AS_IN_0003 = [
    sql.ORDER_SHAPE[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
    sql.ORDER_TOTALS[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
]


class Migration(migrations.Migration):
    """The deferred order-shape and order-totals checks read what they
    compare in one statement each instead of six and two; same conditions
    in the same order, same refusals (the SQL and the why: above)."""

    dependencies = [
        ("orders", "0026_record_inserted_orders_timeline_per_statement"),
    ]

    operations = [
        migrations.RunSQL(CHECKS_IN_ONE_QUERY, CHECKS_AS_IN_0003),
    ]
