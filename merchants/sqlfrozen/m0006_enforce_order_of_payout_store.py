"""SQL that merchants migration 0006_enforce_order_of_payout_store ran, frozen as it ran.

The migration reads these names from ``merchants.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

ORDER_OF_PAYOUT_STORE = [
    """
CREATE FUNCTION merchants.merchant_payout_order_of_store() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    row_now record;
    payout_store bigint;
    found_order record;
BEGIN
    EXECUTE format('SELECT payout_id, order_id FROM merchants.%I WHERE id = $1', TG_TABLE_NAME)
       INTO row_now USING NEW.id;
    IF row_now IS NULL OR row_now.order_id IS NULL THEN
        RETURN NULL;  -- deleted, or no order named any more
    END IF;
    SELECT p.store_id INTO payout_store
      FROM merchants.merchant_store_payouts p WHERE p.id = row_now.payout_id;
    SELECT o.order_number, o.merchant_store_id INTO found_order
      FROM orders.orders o WHERE o.id = row_now.order_id;
    IF NOT FOUND OR payout_store IS NULL THEN
        RETURN NULL;  -- the foreign keys report it
    END IF;
    IF found_order.merchant_store_id IS DISTINCT FROM payout_store THEN
        RAISE EXCEPTION 'merchants.%: order % is of store %, not of store % of payout %',
            TG_TABLE_NAME, found_order.order_number, found_order.merchant_store_id,
            payout_store, row_now.payout_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = TG_TABLE_NAME || '_order_of_payout_store';
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE CONSTRAINT TRIGGER merchant_payout_adjustments_order_of_payout_store AFTER INSERT ON merchants.merchant_payout_adjustments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.order_id IS NOT NULL) EXECUTE FUNCTION merchants.merchant_payout_order_of_store()",
    "CREATE CONSTRAINT TRIGGER merchant_payout_adjustments_order_of_payout_store_upd AFTER UPDATE ON merchants.merchant_payout_adjustments DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.order_id IS NOT NULL AND (OLD.order_id IS DISTINCT FROM NEW.order_id OR OLD.payout_id IS DISTINCT FROM NEW.payout_id)) EXECUTE FUNCTION merchants.merchant_payout_order_of_store()",
    "CREATE CONSTRAINT TRIGGER merchant_payout_disputes_order_of_payout_store AFTER INSERT ON merchants.merchant_payout_disputes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.order_id IS NOT NULL) EXECUTE FUNCTION merchants.merchant_payout_order_of_store()",
    "CREATE CONSTRAINT TRIGGER merchant_payout_disputes_order_of_payout_store_upd AFTER UPDATE ON merchants.merchant_payout_disputes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.order_id IS NOT NULL AND (OLD.order_id IS DISTINCT FROM NEW.order_id OR OLD.payout_id IS DISTINCT FROM NEW.payout_id)) EXECUTE FUNCTION merchants.merchant_payout_order_of_store()",
]

DROP_ORDER_OF_PAYOUT_STORE = [
    "DROP TRIGGER merchant_payout_disputes_order_of_payout_store_upd ON merchants.merchant_payout_disputes",
    "DROP TRIGGER merchant_payout_disputes_order_of_payout_store ON merchants.merchant_payout_disputes",
    "DROP TRIGGER merchant_payout_adjustments_order_of_payout_store_upd ON merchants.merchant_payout_adjustments",
    "DROP TRIGGER merchant_payout_adjustments_order_of_payout_store ON merchants.merchant_payout_adjustments",
    "DROP FUNCTION merchants.merchant_payout_order_of_store()",
]
