"""The settlement-link SQL orders 0004_add_cross_schema_references ran, as it
ran: frozen, never edited (see ``m0005_enforce_dispatch_rules`` for why these
modules exist). Its ``check_settlement_links`` read
``rider_order_earnings.order_id`` through dynamic SQL after asking the catalog
whether the column existed yet; orders 0016 replaces it with a static read.
"""

SETTLEMENT_LINKS = [
    """
CREATE FUNCTION "orders".check_settlement_links(p_settlement_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    payout_store bigint;
    e record;
    earning_found boolean;
    earning_order bigint;
BEGIN
    SELECT st.payout_id, st.earning_id, o.id AS order_id, o.order_number,
           o.merchant_store_id, o.service_type
        INTO s
        FROM "orders"."order_settlements" st JOIN "orders"."orders" o ON o.id = st.order_id
        WHERE st.id = p_settlement_id;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction
    END IF;
    IF s.payout_id IS NOT NULL THEN
        SELECT store_id INTO payout_store FROM "merchants"."merchant_store_payouts" WHERE id = s.payout_id;
        IF payout_store IS DISTINCT FROM s.merchant_store_id THEN
            RAISE EXCEPTION 'orders.order_settlements: the settlement of order % lands in payout % of store id %, but the order''s store is %',
                s.order_number, s.payout_id, payout_store, coalesce(s.merchant_store_id::text, 'none')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_settlements_payout_of_store';
        END IF;
    END IF;
    IF s.earning_id IS NOT NULL THEN
        SELECT rider_id, service_type INTO e FROM "riders"."rider_order_earnings" WHERE id = s.earning_id;
        earning_found := FOUND;
        earning_order := s.order_id;
        IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"riders"."rider_order_earnings"'::regclass AND attname = 'order_id' AND attnum > 0 AND NOT attisdropped) THEN
            EXECUTE 'SELECT order_id FROM "riders"."rider_order_earnings" WHERE id = $1'
                INTO earning_order USING s.earning_id;
        END IF;
        IF NOT earning_found OR e.service_type <> s.service_type
                OR earning_order IS DISTINCT FROM s.order_id OR NOT EXISTS (
            SELECT 1 FROM "orders"."order_rider_assignments" a
            WHERE a.order_id = s.order_id AND a.rider_id = e.rider_id AND a.accepted_at IS NOT NULL
        ) THEN
            RAISE EXCEPTION 'orders.order_settlements: the settlement of % order % names earning % (rider id %, %), not the earning of a rider who accepted the order',
                s.service_type, s.order_number, s.earning_id, e.rider_id, e.service_type
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'order_settlements_earning_of_order_rider';
        END IF;
    END IF;
END
$$""",
    """
CREATE FUNCTION "orders".order_settlements_links_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM "orders".check_settlement_links(NEW.id);
    RETURN NULL;
END
$$""",
    """CREATE CONSTRAINT TRIGGER order_settlements_links AFTER INSERT ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.payout_id IS NOT NULL OR NEW.earning_id IS NOT NULL) EXECUTE FUNCTION "orders".order_settlements_links_trigger()""",
    """CREATE CONSTRAINT TRIGGER order_settlements_links_upd AFTER UPDATE ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.payout_id IS DISTINCT FROM NEW.payout_id OR OLD.earning_id IS DISTINCT FROM NEW.earning_id OR OLD.order_id IS DISTINCT FROM NEW.order_id) EXECUTE FUNCTION "orders".order_settlements_links_trigger()""",
]

DROP_SETTLEMENT_LINKS = [
    'DROP TRIGGER order_settlements_links_upd ON "orders"."order_settlements"',
    'DROP TRIGGER order_settlements_links ON "orders"."order_settlements"',
    """DROP FUNCTION "orders".order_settlements_links_trigger()""",
    """DROP FUNCTION "orders".check_settlement_links(bigint)""",
]
