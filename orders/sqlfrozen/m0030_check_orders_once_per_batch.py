"""The SQL of orders 0030_check_orders_once_per_batch, frozen as written.

The deferred order-shape and order-totals checks (0003, one query each
since 0027) were queued once per ROW inserted into an order's tables: the
demo order step's bulk load queued 33,860 shape and 66,961 totals calls
for 10,000 orders, about 70% of its commit-time checks
(benchmarks/deferred_checks.py, benchmarks/README.md "Fourth pass": the
commit's checks 5.35 -> 3.29 s). PostgreSQL has no statement-level constraint triggers, so an
INSERT now queues the check this way:

* a statement-level AFTER INSERT trigger on each table (its transition table
  ``checked_rows``) records the statement's distinct order ids and the rule
  ("shape", "totals") in ``orders_pending.order_checks``, keyed by the
  writing transaction (``pg_current_xact_id()``) and its batch number, and,
  unless one is already waiting, a marker row in
  ``orders_pending.check_batches`` (primary key: transaction and batch;
  ``ON CONFLICT DO NOTHING``);
* the marker's ``DEFERRABLE INITIALLY DEFERRED`` row constraint trigger
  (``orders_checked_at_commit``) is the one queued event of the batch: at
  commit, or at ``SET CONSTRAINTS ... IMMEDIATE`` (then at the end of the
  statement, as before), it deletes the marker and every pending id of its
  batch and checks them in one set-based query. An order that breaks
  a rule is then passed to the per-order function of 0027
  (``check_order_shape``/``check_order_totals``), which raises exactly what
  it raised before: message, SQLSTATE 23514, CONSTRAINT. With several bad
  orders the one reported is the lowest order id, its shape before its
  totals (as the row triggers fired for an order inserted with its rows).
  Ids recorded after the marker fired find no marker and queue a new one,
  so a second statement after ``SET CONSTRAINTS ... IMMEDIATE`` is checked
  again.

Each batch has its own key, (transaction, batch number): a batch that fired
sets the transaction-local setting ``orders.pending_check_batch`` to the next
number, so a transaction whose checks fire many times (statements run after
``SET CONSTRAINTS ALL IMMEDIATE``) never looks up a key whose earlier rows it
deleted itself (index entries PostgreSQL cannot mark dead while the
transaction runs, which would make every lookup scan all of them). The
setting decides grouping only, never whether a check runs: whatever number a
statement reads, it queues its ids under it and makes sure a live marker of
that number is pending (a value changed by hand only regroups, or fails to
parse and refuses the statement).

Why it holds: the queue rows, the marker and its trigger event live and die
with the same (sub)transaction. ``ROLLBACK TO SAVEPOINT`` removes the rows
and the events queued since the savepoint, and un-fires the events fired
within it (PostgreSQL's AfterTriggerEndSubXact), whose deletes it also
undoes: "marker row present" and "marker event pending" never disagree. Rows
of other transactions are invisible until commit and each commit deletes its
own, so transactions never see each other's ids; the keys differ, so
writers take no common lock. Deferred events fire before PREPARE
TRANSACTION, so nothing is left pending across two-phase commit. The tables
are UNLOGGED (always empty at commit; a crash loses nothing) and live in
the owner-only schema ``orders_pending`` (gatimitra.ops.roles
PRIVATE_SCHEMAS): the application role can neither read nor empty the
queue, and the trigger functions, SECURITY DEFINER with a fixed
search_path, write it for it. None of these tables is partitioned.

Unchanged: the UPDATE triggers (``*_upd``, per row, only when a watched
column changes) and the DELETE triggers (per row; the INSERT OR DELETE ones
become DELETE-only under the same name, as 0024 did for stops). The
reverse drops all of this and puts back the INSERT OR DELETE row triggers
of 0003 exactly.
"""

QUEUE = """
CREATE SCHEMA orders_pending;
COMMENT ON SCHEMA orders_pending IS
    'Owner only: the orders checks queued for commit by the current transactions (orders 0030).';
REVOKE ALL ON SCHEMA orders_pending FROM PUBLIC;
CREATE UNLOGGED TABLE orders_pending.order_checks (
    xact_id xid8 NOT NULL,
    batch bigint NOT NULL,
    order_id bigint NOT NULL,
    rule text NOT NULL CONSTRAINT order_checks_rule CHECK (rule IN ('shape', 'totals'))
);
CREATE INDEX order_checks_batch ON orders_pending.order_checks (xact_id, batch);
CREATE UNLOGGED TABLE orders_pending.check_batches (
    xact_id xid8 NOT NULL,
    batch bigint NOT NULL,
    CONSTRAINT check_batches_pkey PRIMARY KEY (xact_id, batch)
);
REVOKE ALL ON orders_pending.order_checks, orders_pending.check_batches FROM PUBLIC;
"""

QUEUE_FUNCTION = """
CREATE FUNCTION "orders".queue_order_checks() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    current_batch bigint := coalesce(
        nullif(current_setting('orders.pending_check_batch', true), ''), '0')::bigint;
    queued bigint;
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        INSERT INTO orders_pending.order_checks (xact_id, batch, order_id, rule)
            SELECT pg_current_xact_id(), current_batch, r.id, rule
            FROM checked_rows r CROSS JOIN unnest(TG_ARGV) AS rule;
    ELSE
        INSERT INTO orders_pending.order_checks (xact_id, batch, order_id, rule)
            SELECT DISTINCT pg_current_xact_id(), current_batch, r.order_id, TG_ARGV[0]
            FROM checked_rows r;
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
REVOKE ALL ON FUNCTION "orders".queue_order_checks() FROM PUBLIC;
"""

RUN_FUNCTION = """
CREATE FUNCTION "orders".run_order_checks() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    failing_ids bigint[];
    failing_rules text[];
BEGIN
    -- Later statements of this transaction queue under a fresh key (see above).
    PERFORM set_config('orders.pending_check_batch', (NEW.batch + 1)::text, true);
    DELETE FROM orders_pending.check_batches WHERE xact_id = NEW.xact_id AND batch = NEW.batch;
    WITH pending AS (
        DELETE FROM orders_pending.order_checks
        WHERE xact_id = NEW.xact_id AND batch = NEW.batch
        RETURNING order_id, rule
    ), shape AS (
        SELECT o.id, 'shape' AS rule
        FROM "orders"."orders" o
        CROSS JOIN LATERAL (
            SELECT (SELECT count(*) FROM "orders"."order_food_details" WHERE order_id = o.id) AS n_food,
                   (SELECT count(*) FROM "orders"."order_parcel_details" WHERE order_id = o.id) AS n_parcel,
                   (SELECT count(*) FROM "orders"."order_ride_details" WHERE order_id = o.id) AS n_ride,
                   EXISTS (SELECT 1 FROM "orders"."order_items" WHERE order_id = o.id) AS any_item,
                   count(*) FILTER (WHERE s.stop_type = 'PICKUP') AS n_pickups,
                   count(*) FILTER (WHERE s.stop_type = 'DROP') AS n_drops
            FROM "orders"."order_stops" s WHERE s.order_id = o.id
        ) AS c
        WHERE o.id IN (SELECT order_id FROM pending WHERE rule = 'shape')
          AND ((o.service_type = 'FOOD') <> (c.n_food = 1)
               OR (o.service_type = 'PARCEL') <> (c.n_parcel = 1)
               OR (o.service_type = 'RIDE') <> (c.n_ride = 1)
               OR (o.service_type = 'FOOD' AND NOT c.any_item)
               OR (o.service_type <> 'FOOD' AND c.any_item)
               OR c.n_pickups = 0 OR c.n_drops = 0)
    ), totals AS (
        SELECT o.id, 'totals' AS rule
        FROM "orders"."orders" o
        CROSS JOIN LATERAL (
            SELECT
                coalesce(sum(CASE WHEN direction = 'CREDIT' THEN -amount ELSE amount END), 0) AS total,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('CANCELLATION_FEE', 'DELIVERY_FEE', 'ITEM_TOTAL', 'LONG_DISTANCE_FEE', 'NIGHT_CHARGE', 'PACKAGING_FEE', 'PARKING', 'PLATFORM_FEE', 'SMALL_CART_FEE', 'SURGE_FEE', 'TOLL', 'WAITING_CHARGE')), 0) AS subtotal,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('CANCELLATION_FEE', 'DELIVERY_FEE', 'LONG_DISTANCE_FEE', 'NIGHT_CHARGE', 'PACKAGING_FEE', 'PARKING', 'PLATFORM_FEE', 'SMALL_CART_FEE', 'SURGE_FEE', 'TOLL', 'WAITING_CHARGE')), 0) AS fees,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('GST')), 0) AS tax,
                coalesce(sum(amount) FILTER (WHERE charge_type IN ('DISCOUNT')), 0) AS discount
            FROM "orders"."order_charges" WHERE order_id = o.id
        ) AS c
        WHERE o.id IN (SELECT order_id FROM pending WHERE rule = 'totals')
          AND (o.total, o.subtotal, o.fees, o.tax, o.discount)
              IS DISTINCT FROM (c.total, c.subtotal, c.fees, c.tax, c.discount)
    ), failing AS (
        SELECT id, rule FROM shape UNION ALL SELECT id, rule FROM totals
    )
    SELECT array_agg(id ORDER BY id, rule), array_agg(rule ORDER BY id, rule)
        INTO failing_ids, failing_rules FROM failing;
    -- The per-order functions raise the refusal itself, word for word as
    -- before; the first failing order stops the loop.
    FOR i IN 1 .. coalesce(array_length(failing_ids, 1), 0) LOOP
        IF failing_rules[i] = 'shape' THEN
            PERFORM "orders".check_order_shape(failing_ids[i]);
        ELSE
            PERFORM "orders".check_order_totals(failing_ids[i]);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION "orders".run_order_checks() FROM PUBLIC;
"""

AT_COMMIT = (
    "CREATE CONSTRAINT TRIGGER orders_checked_at_commit AFTER INSERT "
    "ON orders_pending.check_batches DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    'EXECUTE FUNCTION "orders".run_order_checks()'
)

#: (table, its INSERT OR DELETE row trigger of 0003 made DELETE-only, rules an INSERT queues)
TABLES = [
    ("orders", None, ("shape", "totals")),
    ("order_food_details", "order_food_details_shape", ("shape",)),
    ("order_parcel_details", "order_parcel_details_shape", ("shape",)),
    ("order_ride_details", "order_ride_details_shape", ("shape",)),
    ("order_items", "order_items_shape", ("shape",)),
    ("order_charges", "order_charges_sum_to_total", ("totals",)),
]


def _function(trigger):
    return (
        '"orders".orders_totals_trigger()'
        if trigger == "order_charges_sum_to_total"
        else '"orders".orders_shape_trigger()'
    )


def _row_trigger(trigger, table, events):
    return (
        f'CREATE CONSTRAINT TRIGGER {trigger} AFTER {events} ON "orders"."{table}" '
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_function(trigger)}"
    )


#: The order's own INSERT triggers of 0003, as 0003 created them.
ORDER_INSERT_TRIGGERS = [
    'CREATE CONSTRAINT TRIGGER orders_service_shape AFTER INSERT ON "orders"."orders" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
    '"orders".orders_shape_trigger()',
    'CREATE CONSTRAINT TRIGGER orders_total_matches_charges AFTER INSERT ON "orders"."orders" '
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
    '"orders".orders_totals_trigger()',
]

#: Replacing triggers of audited tables is audited maintenance (audit 0008).
MAINTENANCE = (
    "SELECT audit.begin_maintenance('migration orders 0030 {way}: "
    "orders shape and totals checked once per batch')"
)

CHECK_ONCE_PER_BATCH = [
    MAINTENANCE.format(way="forward"),
    QUEUE,
    QUEUE_FUNCTION,
    RUN_FUNCTION,
    AT_COMMIT,
    'DROP TRIGGER orders_service_shape ON "orders"."orders"',
    'DROP TRIGGER orders_total_matches_charges ON "orders"."orders"',
]
for _table, _trigger, _rules in TABLES:
    if _trigger:
        CHECK_ONCE_PER_BATCH += [
            f'DROP TRIGGER {_trigger} ON "orders"."{_table}"',
            _row_trigger(_trigger, _table, "DELETE"),
        ]
    CHECK_ONCE_PER_BATCH.append(
        f'CREATE TRIGGER {_table}_queue_checks AFTER INSERT ON "orders"."{_table}" '
        "REFERENCING NEW TABLE AS checked_rows FOR EACH STATEMENT "
        f'EXECUTE FUNCTION "orders".queue_order_checks({", ".join(repr(r) for r in _rules)})'
    )

CHECK_PER_ROW = [MAINTENANCE.format(way="backward")]
for _table, _trigger, _rules in reversed(TABLES):
    CHECK_PER_ROW.append(f'DROP TRIGGER {_table}_queue_checks ON "orders"."{_table}"')
    if _trigger:
        CHECK_PER_ROW += [
            f'DROP TRIGGER {_trigger} ON "orders"."{_table}"',
            _row_trigger(_trigger, _table, "INSERT OR DELETE"),
        ]
CHECK_PER_ROW += [
    *ORDER_INSERT_TRIGGERS,
    "DROP TRIGGER orders_checked_at_commit ON orders_pending.check_batches",
    'DROP FUNCTION "orders".run_order_checks()',
    'DROP FUNCTION "orders".queue_order_checks()',
    "DROP TABLE orders_pending.check_batches, orders_pending.order_checks",
    "DROP SCHEMA orders_pending",
]
del _table, _trigger, _rules
