"""The SQL of orders 0031_check_settlements_once_per_batch, frozen as written.

After 0030 the demo order step's commit still queued one deferred event per
row for five INSERT-time rules of the money an order moves (measured with
``benchmarks/deferred_checks.py``, 10,000 orders, function time at ``SET
CONSTRAINTS ALL IMMEDIATE``): the settlement's links to its payout and
earning (9,165 calls, 223 ms), a sent payout's gross against its settlements
(10,690 calls from settlements and payouts, 177 ms), the settlement's split
(9,211, 171 ms), a completed assignment's earning and settlement (9,193,
158 ms) and the assignment's dispatch offer (9,401, 83 ms). They now ride
0030's queue:

* a statement-level AFTER INSERT trigger (``<table>_queue_row_checks``,
  transition table ``checked_rows``) on ``orders.order_rider_assignments``,
  ``orders.order_settlements`` and ``merchants.merchant_store_payouts``
  records (rule, id) pairs in ``orders_pending.row_checks`` under the same
  (transaction, batch) key as 0030's ``order_checks``, with the same row
  filters as the per-row triggers' WHEN clauses, and makes sure 0030's
  marker row of that batch is pending;
* a second constraint trigger on the marker, ``orders_rows_checked_at_commit``
  (named to fire right after 0030's ``orders_checked_at_commit`` on the same
  marker: constraint triggers of one event fire in name order), checks the
  batch's pairs set-based; a pair whose rule does not plainly hold (its
  condition false or unknown) is passed to the per-row function, which
  raises exactly what the per-row trigger raised (message, SQLSTATE,
  CONSTRAINT) or, if the row is fine after all, nothing. The marker row is
  deleted by 0030's trigger first; this one still reads the batch key from
  its event's row, which PostgreSQL fetches whatever its visibility.

The rules and the id each one checks (the per-row functions, unchanged):

=====================  ==========================  ===========================================
rule                   queued for                  checked by
=====================  ==========================  ===========================================
completed_paid         assignment inserted         ``check_completed_assignment(assignment)``
                       COMPLETED
offer                  assignment with an offer    ``check_assignment_offer(assignment)`` (new:
                                                   the trigger body of ``order_rider_assignments_offer``
                                                   taking the id)
links                  settlement with a payout    ``check_settlement_links(settlement)``
                       or an earning
split                  every settlement            ``check_settlement_split(settlement)`` (new:
                                                   the body of ``order_settlements_split``)
payout_gross           a settlement's payout;      ``store_payout_matches_settlements(payout)``
                       a payout PROCESSING or
                       PROCESSED
=====================  ==========================  ===========================================

With several broken rows the one reported is that of 0030's order checks
first, then by rule in the order of the table above, lowest id first; the
per-row triggers reported the first event queued (statement order, then
trigger name). A single broken row is reported exactly as before.

Unchanged: every UPDATE and DELETE check stays per row. Triggers that also
fired on UPDATE or DELETE keep their name without INSERT
(``order_settlements_split``: UPDATE; ``order_settlements_payout_gross``:
UPDATE OR DELETE; ``merchant_store_payouts_gross_of_settlements``: UPDATE).
Still per row at INSERT, because they did not pay: the COD collection of
``riders.wallet_ledger`` (1,694 calls, 23 ms) and the refund credit of
``order_refunds`` / ``customer_wallet_transactions`` (874 calls, 7 ms).
The reverse drops all of this and puts back the per-row triggers exactly as
their migrations made them (orders 0004, 0011, 0015, the dispatch offer
reference of ``orders.sql``).
"""

ROW_QUEUE = """
CREATE UNLOGGED TABLE orders_pending.row_checks (
    xact_id xid8 NOT NULL,
    batch bigint NOT NULL,
    rule text NOT NULL CONSTRAINT row_checks_rule
        CHECK (rule IN ('completed_paid', 'offer', 'links', 'split', 'payout_gross')),
    row_id bigint NOT NULL
);
CREATE INDEX row_checks_batch ON orders_pending.row_checks (xact_id, batch);
REVOKE ALL ON orders_pending.row_checks FROM PUBLIC;
"""

QUEUE_FUNCTION = """
CREATE FUNCTION "orders".queue_row_checks() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    current_batch bigint := coalesce(
        nullif(current_setting('orders.pending_check_batch', true), ''), '0')::bigint;
    queued bigint;
BEGIN
    IF TG_TABLE_NAME = 'order_rider_assignments' THEN
        INSERT INTO orders_pending.row_checks (xact_id, batch, rule, row_id)
            SELECT pg_current_xact_id(), current_batch, 'completed_paid', r.id
            FROM checked_rows r WHERE r.status = 'COMPLETED'
            UNION ALL
            SELECT pg_current_xact_id(), current_batch, 'offer', r.id
            FROM checked_rows r WHERE r.offer_id IS NOT NULL;
    ELSIF TG_TABLE_NAME = 'order_settlements' THEN
        INSERT INTO orders_pending.row_checks (xact_id, batch, rule, row_id)
            SELECT pg_current_xact_id(), current_batch, 'links', r.id
            FROM checked_rows r WHERE r.payout_id IS NOT NULL OR r.earning_id IS NOT NULL
            UNION ALL
            SELECT pg_current_xact_id(), current_batch, 'split', r.id FROM checked_rows r
            UNION ALL
            SELECT DISTINCT pg_current_xact_id(), current_batch, 'payout_gross', r.payout_id
            FROM checked_rows r WHERE r.payout_id IS NOT NULL;
    ELSE  -- merchant_store_payouts
        INSERT INTO orders_pending.row_checks (xact_id, batch, rule, row_id)
            SELECT pg_current_xact_id(), current_batch, 'payout_gross', r.id
            FROM checked_rows r WHERE r.status IN ('PROCESSING', 'PROCESSED');
    END IF;
    GET DIAGNOSTICS queued = ROW_COUNT;
    IF queued > 0 THEN
        INSERT INTO orders_pending.check_batches (xact_id, batch)
            VALUES (pg_current_xact_id(), current_batch)
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION "orders".queue_row_checks() FROM PUBLIC;
"""

# Each CTE lists the queued rows whose rule does not plainly hold: ``holds``
# is written so that true means the per-row function cannot raise; false or
# unknown sends the row to that function, which decides.
RUN_FUNCTION = """
CREATE FUNCTION "orders".run_row_checks() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    failing_rules text[];
    failing_ids bigint[];
BEGIN
    WITH pending AS (
        DELETE FROM orders_pending.row_checks
        WHERE xact_id = NEW.xact_id AND batch = NEW.batch
        RETURNING rule, row_id
    ), queued AS (
        SELECT DISTINCT rule, row_id FROM pending
    ), completed_paid AS (
        SELECT q.row_id, 1 AS place
        FROM queued q
        LEFT JOIN "orders"."order_rider_assignments" a ON a.id = q.row_id
        LEFT JOIN "orders"."orders" o ON o.id = a.order_id
        WHERE q.rule = 'completed_paid'
          AND (a.id IS NULL OR a.status <> 'COMPLETED'
               OR (EXISTS (SELECT FROM "riders"."rider_order_earnings" e WHERE e.assignment_id = a.id)
                   AND (o.status NOT IN ('delivered', 'completed')
                        OR EXISTS (SELECT FROM "orders"."order_settlements" s WHERE s.order_id = o.id))))
              IS NOT TRUE
    ), offer AS (
        SELECT q.row_id, 2 AS place
        FROM queued q
        LEFT JOIN "orders"."order_rider_assignments" a ON a.id = q.row_id
        LEFT JOIN "orders"."order_dispatch_offers" f ON f.id = a.offer_id
        WHERE q.rule = 'offer'
          AND (a.id IS NULL OR a.offer_id IS NULL
               OR (f.order_id = a.order_id AND f.rider_id = a.rider_id)) IS NOT TRUE
    ), links AS (
        SELECT q.row_id, 3 AS place
        FROM queued q
        LEFT JOIN "orders"."order_settlements" s ON s.id = q.row_id
        LEFT JOIN "orders"."orders" o ON o.id = s.order_id
        LEFT JOIN "merchants"."merchant_store_payouts" p ON p.id = s.payout_id
        LEFT JOIN "riders"."rider_order_earnings" e ON e.id = s.earning_id
        WHERE q.rule = 'links'
          AND (s.id IS NULL
               OR ((s.payout_id IS NULL OR p.store_id IS NOT DISTINCT FROM o.merchant_store_id)
                   AND (s.earning_id IS NULL
                        OR (e.id IS NOT NULL AND e.service_type = o.service_type
                            AND e.order_id IS NOT DISTINCT FROM s.order_id
                            AND EXISTS (SELECT FROM "orders"."order_rider_assignments" a
                                        WHERE a.order_id = s.order_id AND a.rider_id = e.rider_id
                                          AND a.accepted_at IS NOT NULL))))) IS NOT TRUE
    ), split AS (
        SELECT q.row_id, 4 AS place
        FROM queued q
        LEFT JOIN "orders"."order_settlements" s ON s.id = q.row_id
        LEFT JOIN "orders"."orders" o ON o.id = s.order_id
        LEFT JOIN "riders"."rider_order_earnings" e ON e.id = s.earning_id
        LEFT JOIN LATERAL (
            SELECT coalesce(sum(amount) FILTER (WHERE charge_type IN ('ITEM_TOTAL', 'PACKAGING_FEE')), 0) AS sales,
                   coalesce(sum(amount) FILTER (WHERE charge_type = 'GST'), 0) AS gst
            FROM "orders"."order_charges" WHERE order_id = s.order_id
        ) c ON true
        WHERE q.rule = 'split'
          AND (s.id IS NULL
               OR (s.collected_amount IS NOT DISTINCT FROM o.total
                   AND (o.status = 'cancelled'
                        OR (s.merchant_receivable + s.platform_commission + s.gst_on_commission
                            + s.tcs + s.tds = c.sales
                            AND s.gst_payable_by_platform = c.gst))
                   AND (s.earning_id IS NULL OR s.rider_earning IS NOT DISTINCT FROM e.total)))
              IS NOT TRUE
    ), payout_gross AS (
        SELECT q.row_id, 5 AS place
        FROM queued q
        LEFT JOIN "merchants"."merchant_store_payouts" p ON p.id = q.row_id
        LEFT JOIN LATERAL (
            SELECT coalesce(sum(merchant_receivable + platform_commission + gst_on_commission + tcs + tds), 0) AS gross,
                   coalesce(sum(platform_commission), 0) AS commission,
                   coalesce(sum(gst_on_commission), 0) AS gst,
                   coalesce(sum(tcs), 0) AS tcs, coalesce(sum(tds), 0) AS tds
            FROM "orders"."order_settlements" WHERE payout_id = p.id
        ) t ON true
        WHERE q.rule = 'payout_gross'
          AND (p.id IS NULL OR p.status NOT IN ('PROCESSING', 'PROCESSED')
               OR (p.gross_amount, p.commission_amount, p.gst_on_commission, p.tcs_amount, p.tds_amount)
                  IS NOT DISTINCT FROM (t.gross, t.commission, t.gst, t.tcs, t.tds)) IS NOT TRUE
    ), failing AS (
        SELECT * FROM completed_paid UNION ALL SELECT * FROM offer UNION ALL SELECT * FROM links
        UNION ALL SELECT * FROM split UNION ALL SELECT * FROM payout_gross
    )
    SELECT array_agg(place::text ORDER BY place, row_id), array_agg(row_id ORDER BY place, row_id)
        INTO failing_rules, failing_ids FROM failing;
    -- The per-row functions raise the refusal itself, word for word as
    -- before; the first row that really fails stops the loop.
    FOR i IN 1 .. coalesce(array_length(failing_ids, 1), 0) LOOP
        CASE failing_rules[i]
            WHEN '1' THEN PERFORM "orders".check_completed_assignment(failing_ids[i]);
            WHEN '2' THEN PERFORM "orders".check_assignment_offer(failing_ids[i]);
            WHEN '3' THEN PERFORM "orders".check_settlement_links(failing_ids[i]);
            WHEN '4' THEN PERFORM "orders".check_settlement_split(failing_ids[i]);
            ELSE PERFORM "orders".store_payout_matches_settlements(failing_ids[i]);
        END CASE;
    END LOOP;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION "orders".run_row_checks() FROM PUBLIC;
"""

AT_COMMIT = (
    "CREATE CONSTRAINT TRIGGER orders_rows_checked_at_commit AFTER INSERT "
    "ON orders_pending.check_batches DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    'EXECUTE FUNCTION "orders".run_row_checks()'
)

# The per-row trigger bodies of orders.sql DISPATCH_OFFER_REFERENCE and
# orders 0011 SETTLEMENT_SPLIT, taking the row's id instead of NEW: the
# batch calls them for a row that fails, the UPDATE triggers keep theirs.
CHECK_ASSIGNMENT_OFFER = """
CREATE FUNCTION "orders".check_assignment_offer(p_assignment_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    current record;
    offer record;
BEGIN
    SELECT id, order_id, rider_id, offer_id INTO current
        FROM "orders"."order_rider_assignments" WHERE id = p_assignment_id;
    IF NOT FOUND OR current.offer_id IS NULL THEN
        RETURN;
    END IF;
    SELECT id, order_id, rider_id INTO offer FROM "orders"."order_dispatch_offers" WHERE id = current.offer_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: offer % does not exist (assignment %)',
            current.offer_id, current.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'order_rider_assignments_offer_exists';
    END IF;
    IF offer.order_id <> current.order_id OR offer.rider_id <> current.rider_id THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: offer % was made to rider % for order %, not to rider % for order % (assignment %)',
            offer.id, offer.rider_id, offer.order_id, current.rider_id, current.order_id, current.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'order_rider_assignments_offer_of_order_rider';
    END IF;
END
$$
"""

CHECK_SETTLEMENT_SPLIT = """
CREATE FUNCTION "orders".check_settlement_split(p_settlement_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    o record;
    sales numeric;
    gst numeric;
    earned numeric;
BEGIN
    SELECT * INTO s FROM "orders"."order_settlements" WHERE id = p_settlement_id;
    IF NOT FOUND THEN
        RETURN;
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
END
$$
"""

#: (table, its queue trigger's name)
QUEUED_TABLES = [
    ('"orders"."order_rider_assignments"', "order_rider_assignments_queue_row_checks"),
    ('"orders"."order_settlements"', "order_settlements_queue_row_checks"),
    ('"merchants"."merchant_store_payouts"', "merchant_store_payouts_queue_row_checks"),
]

#: The INSERT(-time) per-row triggers, as their migrations created them.
PER_ROW_INSERT_TRIGGERS = [
    # orders 0015
    'CREATE CONSTRAINT TRIGGER "order_rider_assignments_completed_paid" '
    'AFTER INSERT ON "orders"."order_rider_assignments" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'COMPLETED') "
    'EXECUTE FUNCTION "orders"."completed_assignment_paid_trigger"()',
    # orders.sql DISPATCH_OFFER_REFERENCE
    'CREATE CONSTRAINT TRIGGER order_rider_assignments_offer AFTER INSERT ON "orders"."order_rider_assignments" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.offer_id IS NOT NULL) "
    'EXECUTE FUNCTION "orders".order_rider_assignments_offer()',
    # orders 0004
    'CREATE CONSTRAINT TRIGGER order_settlements_links AFTER INSERT ON "orders"."order_settlements" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.payout_id IS NOT NULL OR "
    'NEW.earning_id IS NOT NULL) EXECUTE FUNCTION "orders".order_settlements_links_trigger()',
    # orders 0011
    'CREATE CONSTRAINT TRIGGER "order_settlements_split" AFTER INSERT OR UPDATE '
    'ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."order_settlements_split"()',
    'CREATE CONSTRAINT TRIGGER "merchant_store_payouts_gross_of_settlements" AFTER INSERT OR UPDATE '
    'ON "merchants"."merchant_store_payouts" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    "WHEN (NEW.status IN ('PROCESSING', 'PROCESSED')) "
    'EXECUTE FUNCTION "orders"."store_payout_settlements_trigger"()',
    'CREATE CONSTRAINT TRIGGER "order_settlements_payout_gross" AFTER INSERT OR UPDATE OR DELETE '
    'ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."store_payout_settlements_trigger"()',
]

#: What stays per row of the triggers that also fired on UPDATE or DELETE.
PER_ROW_UPDATE_TRIGGERS = [
    'CREATE CONSTRAINT TRIGGER "order_settlements_split" AFTER UPDATE '
    'ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."order_settlements_split"()',
    'CREATE CONSTRAINT TRIGGER "merchant_store_payouts_gross_of_settlements" AFTER UPDATE '
    'ON "merchants"."merchant_store_payouts" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    "WHEN (NEW.status IN ('PROCESSING', 'PROCESSED')) "
    'EXECUTE FUNCTION "orders"."store_payout_settlements_trigger"()',
    'CREATE CONSTRAINT TRIGGER "order_settlements_payout_gross" AFTER UPDATE OR DELETE '
    'ON "orders"."order_settlements" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
    'EXECUTE FUNCTION "orders"."store_payout_settlements_trigger"()',
]

DROP_PER_ROW_INSERT_TRIGGERS = [
    'DROP TRIGGER order_rider_assignments_completed_paid ON "orders"."order_rider_assignments"',
    'DROP TRIGGER order_rider_assignments_offer ON "orders"."order_rider_assignments"',
    'DROP TRIGGER order_settlements_links ON "orders"."order_settlements"',
    'DROP TRIGGER order_settlements_split ON "orders"."order_settlements"',
    'DROP TRIGGER merchant_store_payouts_gross_of_settlements ON "merchants"."merchant_store_payouts"',
    'DROP TRIGGER order_settlements_payout_gross ON "orders"."order_settlements"',
]

#: Replacing triggers of audited tables is audited maintenance (audit 0008).
MAINTENANCE = (
    "SELECT audit.begin_maintenance('migration orders 0031 {way}: "
    "settlement, payout and assignment checks once per batch')"
)

CHECK_ONCE_PER_BATCH = [
    MAINTENANCE.format(way="forward"),
    ROW_QUEUE,
    CHECK_ASSIGNMENT_OFFER,
    CHECK_SETTLEMENT_SPLIT,
    QUEUE_FUNCTION,
    RUN_FUNCTION,
    AT_COMMIT,
    *DROP_PER_ROW_INSERT_TRIGGERS,
    *PER_ROW_UPDATE_TRIGGERS,
    *(
        f"CREATE TRIGGER {trigger} AFTER INSERT ON {table} "
        "REFERENCING NEW TABLE AS checked_rows FOR EACH STATEMENT "
        'EXECUTE FUNCTION "orders".queue_row_checks()'
        for table, trigger in QUEUED_TABLES
    ),
]

CHECK_PER_ROW = [
    MAINTENANCE.format(way="backward"),
    *(f"DROP TRIGGER {trigger} ON {table}" for table, trigger in reversed(QUEUED_TABLES)),
    'DROP TRIGGER order_settlements_split ON "orders"."order_settlements"',
    'DROP TRIGGER merchant_store_payouts_gross_of_settlements ON "merchants"."merchant_store_payouts"',
    'DROP TRIGGER order_settlements_payout_gross ON "orders"."order_settlements"',
    *PER_ROW_INSERT_TRIGGERS,
    "DROP TRIGGER orders_rows_checked_at_commit ON orders_pending.check_batches",
    'DROP FUNCTION "orders".run_row_checks()',
    'DROP FUNCTION "orders".queue_row_checks()',
    'DROP FUNCTION "orders".check_settlement_split(bigint)',
    'DROP FUNCTION "orders".check_assignment_offer(bigint)',
    "DROP TABLE orders_pending.row_checks",
]
