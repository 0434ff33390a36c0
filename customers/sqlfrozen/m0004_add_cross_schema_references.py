"""SQL that customers migration 0004_add_cross_schema_references ran, frozen as it ran.

The migration reads these names from ``customers.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

OWN_ORDERS = [
    """
CREATE FUNCTION "customers"."is_customer_order"(customer_id bigint, order_id bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN NOT (placed.fields ? 'customer_id') THEN true
        ELSE coalesce((placed.fields ->> 'customer_id')::bigint = $1, false)
    END
    FROM (SELECT to_jsonb(o) AS fields FROM "orders"."orders" o WHERE o.id = $2) AS placed
$$""",
    """
CREATE FUNCTION "customers"."customer_wallet_transactions_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL AND NEW.refund_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT customer_id INTO owner FROM "customers"."customer_wallet" WHERE id = NEW.wallet_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    IF NEW.refund_id IS NOT NULL THEN
        SELECT order_id INTO refund_order FROM "orders"."order_refunds" WHERE id = NEW.refund_id;
        IF expected_order IS NOT NULL AND refund_order IS DISTINCT FROM expected_order THEN
            RAISE EXCEPTION 'customers.customer_wallet_transactions: refund_id % is a refund of order %, not of order %',
                NEW.refund_id, refund_order, expected_order
                USING ERRCODE = 'foreign_key_violation';
        ELSIF "customers"."is_customer_order"(owner, refund_order) IS NOT TRUE THEN
            RAISE EXCEPTION 'customers.customer_wallet_transactions: refund_id % is a refund of order %, not one of customer %''s orders',
                NEW.refund_id, refund_order, owner USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_wallet_transactions_own_orders" BEFORE INSERT OR UPDATE OF wallet_id, order_id, refund_id ON "customers"."customer_wallet_transactions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_wallet_transactions_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_loyalty_transactions_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT customer_id INTO owner FROM "customers"."customer_loyalty" WHERE id = NEW.loyalty_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_loyalty_transactions: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_loyalty_transactions_own_orders" BEFORE INSERT OR UPDATE OF loyalty_id, order_id ON "customers"."customer_loyalty_transactions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_loyalty_transactions_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_rewards_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_rewards: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_rewards_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_rewards" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_rewards_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_referrals_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.qualifying_order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.referee_id;
    IF NEW.qualifying_order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.qualifying_order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_referrals: qualifying_order_id % is not one of customer %''s orders',
            NEW.qualifying_order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.qualifying_order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_referrals_own_orders" BEFORE INSERT OR UPDATE OF referee_id, qualifying_order_id ON "customers"."customer_referrals" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_referrals_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_ratings_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_ratings: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_ratings_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_ratings" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_ratings_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_tickets_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_tickets: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_tickets_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_tickets" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_tickets_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_ticket_events_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.refund_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT customer_id, order_id INTO owner, expected_order FROM "customers"."customer_tickets" WHERE id = NEW.ticket_id;
    IF NEW.refund_id IS NOT NULL THEN
        SELECT order_id INTO refund_order FROM "orders"."order_refunds" WHERE id = NEW.refund_id;
        IF expected_order IS NOT NULL AND refund_order IS DISTINCT FROM expected_order THEN
            RAISE EXCEPTION 'customers.customer_ticket_events: refund_id % is a refund of order %, not of order %',
                NEW.refund_id, refund_order, expected_order
                USING ERRCODE = 'foreign_key_violation';
        ELSIF "customers"."is_customer_order"(owner, refund_order) IS NOT TRUE THEN
            RAISE EXCEPTION 'customers.customer_ticket_events: refund_id % is a refund of order %, not one of customer %''s orders',
                NEW.refund_id, refund_order, owner USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_ticket_events_own_orders" BEFORE INSERT OR UPDATE OF ticket_id, refund_id ON "customers"."customer_ticket_events" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_ticket_events_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_notifications_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_notifications: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_notifications_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_notifications" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_notifications_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_nps_responses_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_nps_responses: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_nps_responses_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_nps_responses" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_nps_responses_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_masked_calls_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_masked_calls: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_masked_calls_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_masked_calls" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_masked_calls_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_sos_alerts_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_sos_alerts: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_sos_alerts_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_sos_alerts" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_sos_alerts_own_orders"()',
    """
CREATE FUNCTION "customers"."customer_trip_shares_own_orders"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF NEW.order_id IS NULL THEN
        RETURN NEW;
    END IF;
    owner := NEW.customer_id;
    IF NEW.order_id IS NOT NULL
       AND "customers"."is_customer_order"(owner, NEW.order_id) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.customer_trip_shares: order_id % is not one of customer %''s orders',
            NEW.order_id, owner USING ERRCODE = 'foreign_key_violation';
    END IF;
    expected_order := NEW.order_id;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_trip_shares_own_orders" BEFORE INSERT OR UPDATE OF customer_id, order_id ON "customers"."customer_trip_shares" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_trip_shares_own_orders"()',
]

DROP_OWN_ORDERS = [
    'DROP TRIGGER "customer_trip_shares_own_orders" ON "customers"."customer_trip_shares"',
    'DROP FUNCTION "customers"."customer_trip_shares_own_orders"()',
    'DROP TRIGGER "customer_sos_alerts_own_orders" ON "customers"."customer_sos_alerts"',
    'DROP FUNCTION "customers"."customer_sos_alerts_own_orders"()',
    'DROP TRIGGER "customer_masked_calls_own_orders" ON "customers"."customer_masked_calls"',
    'DROP FUNCTION "customers"."customer_masked_calls_own_orders"()',
    'DROP TRIGGER "customer_nps_responses_own_orders" ON "customers"."customer_nps_responses"',
    'DROP FUNCTION "customers"."customer_nps_responses_own_orders"()',
    'DROP TRIGGER "customer_notifications_own_orders" ON "customers"."customer_notifications"',
    'DROP FUNCTION "customers"."customer_notifications_own_orders"()',
    'DROP TRIGGER "customer_ticket_events_own_orders" ON "customers"."customer_ticket_events"',
    'DROP FUNCTION "customers"."customer_ticket_events_own_orders"()',
    'DROP TRIGGER "customer_tickets_own_orders" ON "customers"."customer_tickets"',
    'DROP FUNCTION "customers"."customer_tickets_own_orders"()',
    'DROP TRIGGER "customer_ratings_own_orders" ON "customers"."customer_ratings"',
    'DROP FUNCTION "customers"."customer_ratings_own_orders"()',
    'DROP TRIGGER "customer_referrals_own_orders" ON "customers"."customer_referrals"',
    'DROP FUNCTION "customers"."customer_referrals_own_orders"()',
    'DROP TRIGGER "customer_rewards_own_orders" ON "customers"."customer_rewards"',
    'DROP FUNCTION "customers"."customer_rewards_own_orders"()',
    'DROP TRIGGER "customer_loyalty_transactions_own_orders" ON "customers"."customer_loyalty_transactions"',
    'DROP FUNCTION "customers"."customer_loyalty_transactions_own_orders"()',
    'DROP TRIGGER "customer_wallet_transactions_own_orders" ON "customers"."customer_wallet_transactions"',
    'DROP FUNCTION "customers"."customer_wallet_transactions_own_orders"()',
    'DROP FUNCTION "customers"."is_customer_order"(bigint, bigint)',
]

RATED_ORDERS = [
    """
CREATE FUNCTION "customers"."customer_ratings_order_finished"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    order_status text;
BEGIN
    SELECT status INTO order_status FROM "orders"."orders" WHERE id = NEW.order_id;
    IF order_status IS NULL OR order_status NOT IN ('delivered', 'completed') THEN
        RAISE EXCEPTION 'customers.customer_ratings: order % is %; only delivered or completed orders are rated',
            NEW.order_id, coalesce(order_status, 'not found') USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_ratings_order_finished" BEFORE INSERT OR UPDATE OF order_id ON "customers"."customer_ratings" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_ratings_order_finished"()',
]

DROP_RATED_ORDERS = [
    'DROP TRIGGER "customer_ratings_order_finished" ON "customers"."customer_ratings"',
    'DROP FUNCTION "customers"."customer_ratings_order_finished"()',
]

CART_LINES = [
    """
CREATE FUNCTION "customers"."customer_cart_items_from_cart_store"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cart_store bigint;
    item_store bigint;
BEGIN
    SELECT store_id INTO cart_store FROM "customers"."customer_carts" WHERE id = NEW.cart_id;
    SELECT store_id INTO item_store FROM "merchants"."merchant_menu_items" WHERE id = NEW.menu_item_id;
    IF cart_store IS NULL OR item_store IS DISTINCT FROM cart_store THEN
        RAISE EXCEPTION 'customers.customer_cart_items: menu item % is of store %, cart % is of store %',
            NEW.menu_item_id, coalesce(item_store::text, 'not found'), NEW.cart_id,
            coalesce(cart_store::text, 'none (not a FOOD cart)')
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.variant_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "merchants"."merchant_menu_item_variants" WHERE id = NEW.variant_id AND menu_item_id = NEW.menu_item_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_cart_items: variant % is not a variant of menu item %',
            NEW.variant_id, NEW.menu_item_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_cart_items_from_cart_store" BEFORE INSERT OR UPDATE OF cart_id, menu_item_id, variant_id ON "customers"."customer_cart_items" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_cart_items_from_cart_store"()',
    """
CREATE FUNCTION "customers"."customer_carts_lines_of_store"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM "customers"."customer_cart_items" line
        JOIN "merchants"."merchant_menu_items" item ON item.id = line.menu_item_id
        WHERE line.cart_id = NEW.id AND item.store_id IS DISTINCT FROM NEW.store_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_carts: cart % has lines from store %; empty it before switching to store %',
            NEW.id, OLD.store_id, NEW.store_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_carts_lines_of_store" BEFORE UPDATE OF store_id ON "customers"."customer_carts" FOR EACH ROW WHEN (OLD.store_id IS DISTINCT FROM NEW.store_id) EXECUTE FUNCTION "customers"."customer_carts_lines_of_store"()',
]

DROP_CART_LINES = [
    'DROP TRIGGER "customer_carts_lines_of_store" ON "customers"."customer_carts"',
    'DROP FUNCTION "customers"."customer_carts_lines_of_store"()',
    'DROP TRIGGER "customer_cart_items_from_cart_store" ON "customers"."customer_cart_items"',
    'DROP FUNCTION "customers"."customer_cart_items_from_cart_store"()',
]
