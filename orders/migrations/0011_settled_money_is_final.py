from django.db import migrations

from gatimitra.db.operations import FinalRows

# The SQL below is this migration's own (frozen here, not imported): what it
# installs stays what it installed when the rules change in a later one.
# Every check is a deferred constraint trigger that re-reads the rows at
# commit, so the rows of one transaction may arrive in any order (and a
# multi-row statement is checked row by row against the finished state).

SETTLEMENT_SPLIT = [
    """
CREATE FUNCTION "orders"."order_settlements_split"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s record;
    o record;
    sales numeric;
    gst numeric;
    earned numeric;
BEGIN
    SELECT * INTO s FROM "orders"."order_settlements" WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT order_number, total, status INTO o FROM "orders"."orders" WHERE id = s.order_id;
    IF s.collected_amount IS DISTINCT FROM o.total THEN
        RAISE EXCEPTION 'orders.order_settlements: settlement % of order % collects % but the order''s total is %',
            s.id, o.order_number, s.collected_amount, o.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_settlements_collects_order_total';
    END IF;
    SELECT coalesce(sum(amount) FILTER (WHERE charge_type IN ('ITEM_TOTAL', 'PACKAGING_FEE')), 0),
           coalesce(sum(amount) FILTER (WHERE charge_type = 'GST'), 0)
        INTO sales, gst
        FROM "orders"."order_charges" WHERE order_id = s.order_id;
    -- A cancelled order sold nothing: what the merchant gets (and the GST
    -- due) is the cancellation's business, not the items'.
    IF o.status <> 'cancelled'
            AND s.merchant_receivable + s.platform_commission + s.gst_on_commission + s.tcs + s.tds <> sales THEN
        RAISE EXCEPTION 'orders.order_settlements: settlement % of order % splits % (receivable % + commission % + GST on it % + TCS % + TDS %) but the merchant''s items and packaging are %',
            s.id, o.order_number,
            s.merchant_receivable + s.platform_commission + s.gst_on_commission + s.tcs + s.tds,
            s.merchant_receivable, s.platform_commission, s.gst_on_commission, s.tcs, s.tds, sales
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_settlements_merchant_split';
    END IF;
    IF o.status <> 'cancelled' AND s.gst_payable_by_platform <> gst THEN
        RAISE EXCEPTION 'orders.order_settlements: settlement % of order % pays GST % but the order charged %',
            s.id, o.order_number, s.gst_payable_by_platform, gst
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_settlements_gst_of_order';
    END IF;
    IF s.earning_id IS NOT NULL THEN
        SELECT total INTO earned FROM "riders"."rider_order_earnings" WHERE id = s.earning_id;
        IF s.rider_earning IS DISTINCT FROM earned THEN
            RAISE EXCEPTION 'orders.order_settlements: settlement % of order % pays the rider % but earning % is %',
                s.id, o.order_number, s.rider_earning, s.earning_id, earned
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_settlements_rider_earning';
        END IF;
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE CONSTRAINT TRIGGER "order_settlements_split" AFTER INSERT OR UPDATE '
    'ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."order_settlements_split"()',
]
DROP_SETTLEMENT_SPLIT = [
    'DROP TRIGGER "order_settlements_split" ON "orders"."order_settlements"',
    'DROP FUNCTION "orders"."order_settlements_split"()',
]

#: A store payout that is sent (PROCESSING) or paid (PROCESSED) pays exactly
#: the merchant's side of its settlements.
PAYOUT_OF_SETTLEMENTS = [
    """
CREATE FUNCTION "orders"."store_payout_matches_settlements"(payout bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    t record;
BEGIN
    SELECT id, store_id, status, gross_amount, commission_amount, gst_on_commission,
           tcs_amount, tds_amount
        INTO p FROM "merchants"."merchant_store_payouts" WHERE id = payout;
    IF NOT FOUND OR p.status NOT IN ('PROCESSING', 'PROCESSED') THEN
        RETURN;
    END IF;
    SELECT coalesce(sum(merchant_receivable + platform_commission + gst_on_commission + tcs + tds), 0) AS gross,
           coalesce(sum(platform_commission), 0) AS commission,
           coalesce(sum(gst_on_commission), 0) AS gst,
           coalesce(sum(tcs), 0) AS tcs, coalesce(sum(tds), 0) AS tds
        INTO t FROM "orders"."order_settlements" WHERE payout_id = payout;
    IF (p.gross_amount, p.commission_amount, p.gst_on_commission, p.tcs_amount, p.tds_amount)
            IS DISTINCT FROM (t.gross, t.commission, t.gst, t.tcs, t.tds) THEN
        RAISE EXCEPTION 'merchants.merchant_store_payouts: % payout % of store % has gross % (commission %, GST %, TCS %, TDS %) but its settlements add up to % (commission %, GST %, TCS %, TDS %)',
            p.status, p.id, p.store_id, p.gross_amount, p.commission_amount, p.gst_on_commission,
            p.tcs_amount, p.tds_amount, t.gross, t.commission, t.gst, t.tcs, t.tds
            USING ERRCODE = 'check_violation', CONSTRAINT = 'merchant_store_payouts_gross_of_settlements';
    END IF;
END
$$""",
    """
CREATE FUNCTION "orders"."store_payout_settlements_trigger"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'merchant_store_payouts' THEN
        PERFORM "orders"."store_payout_matches_settlements"(NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.payout_id IS NOT NULL THEN
        PERFORM "orders"."store_payout_matches_settlements"(OLD.payout_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.payout_id IS NOT NULL THEN
        PERFORM "orders"."store_payout_matches_settlements"(NEW.payout_id);
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE CONSTRAINT TRIGGER "merchant_store_payouts_gross_of_settlements" AFTER INSERT OR UPDATE '
    'ON "merchants"."merchant_store_payouts" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    "WHEN (NEW.status IN ('PROCESSING', 'PROCESSED')) "
    'EXECUTE FUNCTION "orders"."store_payout_settlements_trigger"()',
    'CREATE CONSTRAINT TRIGGER "order_settlements_payout_gross" AFTER INSERT OR UPDATE OR DELETE '
    'ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."store_payout_settlements_trigger"()',
]
DROP_PAYOUT_OF_SETTLEMENTS = [
    'DROP TRIGGER "order_settlements_payout_gross" ON "orders"."order_settlements"',
    'DROP TRIGGER "merchant_store_payouts_gross_of_settlements" ON "merchants"."merchant_store_payouts"',
    'DROP FUNCTION "orders"."store_payout_settlements_trigger"()',
    'DROP FUNCTION "orders"."store_payout_matches_settlements"(bigint)',
]

#: A refund paid into the GatiMitra wallet is paid by exactly one wallet
#: credit of the same amount, and that credit says it pays this refund.
REFUND_WALLET_CREDIT = [
    """
CREATE FUNCTION "orders"."refund_wallet_credit_matches"(refund bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    t record;
BEGIN
    SELECT id, status, destination, amount, wallet_txn_id INTO r
        FROM "orders"."order_refunds" WHERE id = refund;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- A succeeded wallet refund without its credit: order_refunds_wallet_refund_credited.
    IF r.wallet_txn_id IS NULL THEN
        RETURN;
    END IF;
    SELECT id, txn_type, direction, amount, refund_id INTO t
        FROM "customers"."customer_wallet_transactions" WHERE id = r.wallet_txn_id;
    IF t.txn_type IS DISTINCT FROM 'REFUND_CREDIT' OR t.direction IS DISTINCT FROM 'CREDIT'
            OR t.refund_id IS DISTINCT FROM r.id OR t.amount IS DISTINCT FROM r.amount THEN
        RAISE EXCEPTION 'orders.order_refunds: refund % of % is paid by wallet transaction % (% %, % for refund %), not a REFUND_CREDIT of the same amount for this refund',
            r.id, r.amount, t.id, t.txn_type, t.direction, t.amount, t.refund_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_refunds_wallet_credit';
    END IF;
END
$$""",
    """
CREATE FUNCTION "orders"."refund_wallet_credit_trigger"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    paid_by bigint;
BEGIN
    IF TG_TABLE_NAME = 'order_refunds' THEN
        PERFORM "orders"."refund_wallet_credit_matches"(NEW.id);
        RETURN NULL;
    END IF;
    -- A REFUND_CREDIT row: the refund it names is paid by it.
    SELECT wallet_txn_id INTO paid_by FROM "orders"."order_refunds" WHERE id = NEW.refund_id;
    IF paid_by IS DISTINCT FROM NEW.id THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: credit % says it pays refund % but that refund is paid by %',
            NEW.id, NEW.refund_id, coalesce(paid_by::text, 'no wallet credit')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_refunds_wallet_credit';
    END IF;
    PERFORM "orders"."refund_wallet_credit_matches"(NEW.refund_id);
    RETURN NULL;
END
$$""",
    'CREATE CONSTRAINT TRIGGER "order_refunds_wallet_credit" AFTER INSERT OR UPDATE '
    'ON "orders"."order_refunds" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."refund_wallet_credit_trigger"()',
    'CREATE CONSTRAINT TRIGGER "customer_wallet_transactions_refund_credit" AFTER INSERT '
    'ON "customers"."customer_wallet_transactions" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    "WHEN (NEW.refund_id IS NOT NULL) "
    'EXECUTE FUNCTION "orders"."refund_wallet_credit_trigger"()',
]
DROP_REFUND_WALLET_CREDIT = [
    'DROP TRIGGER "customer_wallet_transactions_refund_credit" ON "customers"."customer_wallet_transactions"',
    'DROP TRIGGER "order_refunds_wallet_credit" ON "orders"."order_refunds"',
    'DROP FUNCTION "orders"."refund_wallet_credit_trigger"()',
    'DROP FUNCTION "orders"."refund_wallet_credit_matches"(bigint)',
]

#: Cash a rider records as collected is the total of a CASH order that is
#: (or was) assigned to that rider.
COD_COLLECTION = [
    """
CREATE FUNCTION "orders"."wallet_ledger_cod_collection"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o record;
BEGIN
    SELECT order_number, payment_method, total INTO o FROM "orders"."orders" WHERE id = NEW.order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'riders.wallet_ledger: COD collection % of rider % names no order',
            NEW.id, NEW.rider_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'wallet_ledger_cod_collection_of_order';
    END IF;
    IF o.payment_method <> 'CASH' THEN
        RAISE EXCEPTION 'riders.wallet_ledger: COD collection % of rider % is for order %, paid by % (not cash)',
            NEW.id, NEW.rider_id, o.order_number, o.payment_method
            USING ERRCODE = 'check_violation', CONSTRAINT = 'wallet_ledger_cod_collection_of_order';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM "orders"."order_rider_assignments"
        WHERE order_id = NEW.order_id AND rider_id = NEW.rider_id
          AND status IN ('ACCEPTED', 'COMPLETED')
    ) THEN
        RAISE EXCEPTION 'riders.wallet_ledger: COD collection % of rider % is for order %, which is not that rider''s',
            NEW.id, NEW.rider_id, o.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'wallet_ledger_cod_collection_of_order';
    END IF;
    IF NEW.amount <> o.total THEN
        RAISE EXCEPTION 'riders.wallet_ledger: COD collection % of rider % is % but order % totals %',
            NEW.id, NEW.rider_id, NEW.amount, o.order_number, o.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'wallet_ledger_cod_collection_of_order';
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE CONSTRAINT TRIGGER "wallet_ledger_cod_collection_of_order" AFTER INSERT '
    'ON "riders"."wallet_ledger" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    "WHEN (NEW.txn_type = 'COD_COLLECTED') "
    'EXECUTE FUNCTION "orders"."wallet_ledger_cod_collection"()',
]
DROP_COD_COLLECTION = [
    'DROP TRIGGER "wallet_ledger_cod_collection_of_order" ON "riders"."wallet_ledger"',
    'DROP FUNCTION "orders"."wallet_ledger_cod_collection"()',
]


class Migration(migrations.Migration):
    """Money that has settled is final, and money agrees with its order: an
    issued invoice (corrected by a credit note), a SETTLED settlement and a
    SUCCEEDED refund are neither edited nor deleted; a settlement splits
    its order's total; a sent store payout pays its settlements; a wallet
    refund is one credit of the refund's amount; a COD collection is the
    total of a CASH order of that rider."""

    dependencies = [
        ("orders", "0010_guard_status_machines"),
        ("riders", "0010_settled_money_is_final"),
        ("merchants", "0010_settled_money_is_final"),
        ("customers", "0008_guard_status_machines"),
    ]

    operations = [
        FinalRows(
            model_name="orderinvoice",
            purpose="issued_is_final",
            condition="true",
            state="an issued invoice",
            correction="issue a credit or debit note that refers to it",
            editable=["document_url"],
        ),
        FinalRows(
            model_name="ordersettlement",
            purpose="settled_is_final",
            condition="OLD.status = 'SETTLED'",
            state="a SETTLED settlement",
            correction="correct it with an adjustment on the store's next payout",
        ),
        FinalRows(
            model_name="orderrefund",
            purpose="succeeded_is_final",
            condition="OLD.status = 'SUCCEEDED'",
            state="a SUCCEEDED refund",
            correction="refund the difference as a new refund",
            editable=["wallet_txn"],
        ),
        migrations.RunSQL(SETTLEMENT_SPLIT, DROP_SETTLEMENT_SPLIT),
        migrations.RunSQL(PAYOUT_OF_SETTLEMENTS, DROP_PAYOUT_OF_SETTLEMENTS),
        migrations.RunSQL(REFUND_WALLET_CREDIT, DROP_REFUND_WALLET_CREDIT),
        migrations.RunSQL(COD_COLLECTION, DROP_COD_COLLECTION),
    ]
