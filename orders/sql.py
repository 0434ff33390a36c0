"""SQL for the orders rules a CHECK, UNIQUE or EXCLUDE constraint cannot
express (CATALOG section 8, items 6, 7 and 8), one pair of constants per
concern: ``X`` (statements to apply) and ``DROP_X`` (its exact reverse).
Migrations apply them with ``migrations.RunSQL(sql.X, sql.DROP_X)``.

Every function lives in the ``orders`` schema, every table is
schema-qualified (Django's connections search only ``public``), and every
error names the table, the rule (as the error's CONSTRAINT, so
``IntegrityError.__cause__.diag.constraint_name`` carries it) and the
offending values, with SQLSTATE 23514 (check_violation) so Django raises
``IntegrityError``.

Rules checked at commit are ``CONSTRAINT TRIGGER ... DEFERRABLE INITIALLY
DEFERRED``: an order, its detail row, stops, items and charges are written
by several statements and only the finished transaction has to be
consistent. ``SET CONSTRAINTS ALL IMMEDIATE`` runs the pending checks at once
(tests do, as Django's ``check_constraints`` after ``loaddata`` does).
"""

from gatimitra.db.tables import quote_table, schema_table
from orders import charges, transitions
from orders.timeline import SETTINGS as ACTOR_SETTINGS

SCHEMA = '"orders"'


def _table(name):
    return quote_table(schema_table("orders", name))


def _fn(name):
    return f"{SCHEMA}.{name}"


def _list(values):
    return ", ".join("'%s'" % value for value in sorted(str(v) for v in values))


ORDERS = _table("orders")
TIMELINE = _table("order_timeline")
CHARGES = _table("order_charges")
ITEMS = _table("order_items")
STOPS = _table("order_stops")
FOOD = _table("order_food_details")
PARCEL = _table("order_parcel_details")
RIDE = _table("order_ride_details")
PAYMENTS = _table("order_payments")
REFUNDS = _table("order_refunds")


# Status machine (item 8) ------------------------------------------------------


def status_machine_functions():
    """The transition map of ``orders.transitions`` as two IMMUTABLE SQL
    functions (CREATE OR REPLACE: re-run it from a new migration when the
    map changes)."""
    rows = ",\n        ".join("('%s', '%s', '%s')" % row for row in transitions.transition_rows())
    return [
        f"""
CREATE OR REPLACE FUNCTION {_fn("order_status_is_terminal")}(status varchar)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status IN ({_list(transitions.TERMINAL_STATUSES)})
$$""",
        f"""
CREATE OR REPLACE FUNCTION {_fn("order_status_transition_allowed")}(
    service varchar, from_status varchar, to_status varchar
) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT from_status = to_status
        OR (NOT {_fn("order_status_is_terminal")}(from_status)
            AND (service, from_status, to_status) IN (VALUES
        {rows}))
$$""",
    ]


def _actor_setting(index):
    return f"nullif(current_setting('{ACTOR_SETTINGS[index]}', true), '')"


STATUS_MACHINE = [
    *status_machine_functions(),
    f"""
CREATE FUNCTION {_fn("orders_status_guard")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.service_type IS DISTINCT FROM OLD.service_type THEN
        RAISE EXCEPTION 'orders.orders: order % is a % order; its service_type cannot become %',
            OLD.order_number, OLD.service_type, NEW.service_type
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_service_type_fixed';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF {_fn("order_status_is_terminal")}(OLD.status) THEN
            RAISE EXCEPTION 'orders.orders: order % is %, a terminal status; it cannot become %',
                OLD.order_number, OLD.status, NEW.status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_terminal_status_final';
        END IF;
        IF NOT {_fn("order_status_transition_allowed")}(NEW.service_type, OLD.status, NEW.status) THEN
            RAISE EXCEPTION 'orders.orders: a % order cannot go from % to % (order %)',
                NEW.service_type, OLD.status, NEW.status, OLD.order_number
                USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_status_transition';
        END IF;
    END IF;
    RETURN NEW;
END
$$""",
    f"CREATE TRIGGER orders_status_guard BEFORE UPDATE OF status, service_type ON {ORDERS} "
    f"FOR EACH ROW EXECUTE FUNCTION {_fn('orders_status_guard')}()",
    # Every status an order takes, from its INSERT on, gets a timeline row in
    # the same transaction; an UPDATE that keeps the status writes nothing.
    f"""
CREATE FUNCTION {_fn("orders_status_timeline")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NULL;
    END IF;
    INSERT INTO {TIMELINE} (
        order_id, event, from_status, status, actor_type, actor_user_id, actor_ref_id,
        note, latitude, longitude, created_at, updated_at
    ) VALUES (
        NEW.id, 'STATUS_CHANGE', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END, NEW.status,
        coalesce({_actor_setting(0)}, 'SYSTEM'),
        {_actor_setting(1)}::bigint,
        {_actor_setting(2)}::bigint,
        coalesce({_actor_setting(3)}, ''),
        {_actor_setting(4)}::numeric,
        {_actor_setting(5)}::numeric,
        clock_timestamp(), clock_timestamp()
    );
    RETURN NULL;
END
$$""",
    f"CREATE TRIGGER orders_status_timeline AFTER INSERT OR UPDATE OF status ON {ORDERS} "
    f"FOR EACH ROW EXECUTE FUNCTION {_fn('orders_status_timeline')}()",
    # STATUS_CHANGE rows come only from the trigger above (nested: depth 2),
    # so the timeline cannot claim a change that did not happen.
    f"""
CREATE FUNCTION {_fn("order_timeline_guard")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.event = 'STATUS_CHANGE' AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'orders.order_timeline: STATUS_CHANGE rows are written by the status trigger of orders.orders (order id %); change orders.status instead',
            NEW.order_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_timeline_status_change_by_trigger';
    END IF;
    RETURN NEW;
END
$$""",
    f"CREATE TRIGGER order_timeline_guard BEFORE INSERT ON {TIMELINE} "
    f"FOR EACH ROW EXECUTE FUNCTION {_fn('order_timeline_guard')}()",
]

DROP_STATUS_MACHINE = [
    f"DROP TRIGGER order_timeline_guard ON {TIMELINE}",
    f"DROP FUNCTION {_fn('order_timeline_guard')}()",
    f"DROP TRIGGER orders_status_timeline ON {ORDERS}",
    f"DROP FUNCTION {_fn('orders_status_timeline')}()",
    f"DROP TRIGGER orders_status_guard ON {ORDERS}",
    f"DROP FUNCTION {_fn('orders_status_guard')}()",
    f"DROP FUNCTION {_fn('order_status_transition_allowed')}(varchar, varchar, varchar)",
    f"DROP FUNCTION {_fn('order_status_is_terminal')}(varchar)",
]


# Deferred per-order checks (items 6 and 7) -----------------------------------


def _order_trigger_function(name, check):
    """A constraint-trigger function that runs ``check(order_id)`` for the
    order a row of ``orders`` or of one of its child tables belongs to (the
    old and the new order when a child moves)."""
    return f"""
CREATE FUNCTION {_fn(name)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'orders' THEN
        PERFORM {_fn(check)}(NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM {_fn(check)}(OLD.order_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.order_id IS DISTINCT FROM OLD.order_id) THEN
        PERFORM {_fn(check)}(NEW.order_id);
    END IF;
    RETURN NULL;
END
$$"""


def _deferred_triggers(trigger, table, function, watched):
    """Two constraint triggers: one for INSERT and DELETE, one for UPDATEs
    that change a ``watched`` column (so rewriting identical values, as
    ``loaddata`` does, queues no check)."""
    # Deleting an order deletes its children, whose triggers find it gone.
    events = "INSERT OR DELETE" if table != ORDERS else "INSERT"
    statements = [
        f"CREATE CONSTRAINT TRIGGER {trigger} AFTER {events} ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {_fn(function)}()",
    ]
    if watched:
        changed = " OR ".join(f"OLD.{col} IS DISTINCT FROM NEW.{col}" for col in watched)
        statements.append(
            f"CREATE CONSTRAINT TRIGGER {trigger}_upd AFTER UPDATE ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({changed}) "
            f"EXECUTE FUNCTION {_fn(function)}()"
        )
    return statements


def _drop_deferred_triggers(trigger, table, watched=True):
    statements = [f"DROP TRIGGER {trigger} ON {table}"]
    if watched:
        statements.insert(0, f"DROP TRIGGER {trigger}_upd ON {table}")
    return statements


_SUBTOTAL = _list(charges.SUBTOTAL_TYPES)
_FEES = _list(charges.FEE_TYPES)
_TAX = _list(charges.TAX_TYPES)
_DISCOUNT = _list(charges.CREDIT_TYPES)
_MONEY_COLUMNS = ("subtotal", "fees", "tax", "discount", "total")

#: orders.total = signed sum of order_charges; subtotal, fees, tax and
#: discount = their groups of charges (orders.charges). With the plain CHECK
#: orders_discount_within_subtotal this keeps a discount within the subtotal.
ORDER_TOTALS = [
    f"""
CREATE FUNCTION {_fn("check_order_totals")}(p_order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o record;
    c record;
BEGIN
    SELECT id, order_number, subtotal, fees, tax, discount, total INTO o
        FROM {ORDERS} WHERE id = p_order_id;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction
    END IF;
    SELECT
        coalesce(sum(CASE WHEN direction = '{charges.CREDIT}' THEN -amount ELSE amount END), 0) AS total,
        coalesce(sum(amount) FILTER (WHERE charge_type IN ({_SUBTOTAL})), 0) AS subtotal,
        coalesce(sum(amount) FILTER (WHERE charge_type IN ({_FEES})), 0) AS fees,
        coalesce(sum(amount) FILTER (WHERE charge_type IN ({_TAX})), 0) AS tax,
        coalesce(sum(amount) FILTER (WHERE charge_type IN ({_DISCOUNT})), 0) AS discount
        INTO c FROM {CHARGES} WHERE order_id = p_order_id;
    IF (o.total, o.subtotal, o.fees, o.tax, o.discount)
            IS DISTINCT FROM (c.total, c.subtotal, c.fees, c.tax, c.discount) THEN
        RAISE EXCEPTION 'orders.orders: order % has total % (subtotal %, fees %, tax %, discount %) but its order_charges add up to total % (subtotal %, fees %, tax %, discount %)',
            o.order_number, o.total, o.subtotal, o.fees, o.tax, o.discount,
            c.total, c.subtotal, c.fees, c.tax, c.discount
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_total_matches_charges';
    END IF;
END
$$""",
    _order_trigger_function("orders_totals_trigger", "check_order_totals"),
    *_deferred_triggers(
        "orders_total_matches_charges", ORDERS, "orders_totals_trigger", _MONEY_COLUMNS
    ),
    *_deferred_triggers(
        "order_charges_sum_to_total",
        CHARGES,
        "orders_totals_trigger",
        ("order_id", "charge_type", "direction", "amount"),
    ),
]

DROP_ORDER_TOTALS = [
    *_drop_deferred_triggers("order_charges_sum_to_total", CHARGES),
    *_drop_deferred_triggers("orders_total_matches_charges", ORDERS),
    f"DROP FUNCTION {_fn('orders_totals_trigger')}()",
    f"DROP FUNCTION {_fn('check_order_totals')}(bigint)",
]

#: Service shape: exactly one detail row, of the order's service; order_items
#: on FOOD orders only, and at least one there; a PICKUP and a DROP stop.
#: "FOOD orders have a store" is a plain CHECK on orders.merchant_store_id,
#: added with that column (DEFERRED_FKS.md); nothing here changes for it.
ORDER_SHAPE = [
    f"""
CREATE FUNCTION {_fn("check_order_shape")}(p_order_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    o record;
    n_food integer;
    n_parcel integer;
    n_ride integer;
    n_items integer;
    n_pickups integer;
    n_drops integer;
BEGIN
    SELECT id, order_number, service_type INTO o FROM {ORDERS} WHERE id = p_order_id;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction
    END IF;
    SELECT count(*) INTO n_food FROM {FOOD} WHERE order_id = p_order_id;
    SELECT count(*) INTO n_parcel FROM {PARCEL} WHERE order_id = p_order_id;
    SELECT count(*) INTO n_ride FROM {RIDE} WHERE order_id = p_order_id;
    IF (o.service_type = 'FOOD') <> (n_food = 1)
            OR (o.service_type = 'PARCEL') <> (n_parcel = 1)
            OR (o.service_type = 'RIDE') <> (n_ride = 1) THEN
        RAISE EXCEPTION 'orders.orders: % order % must have exactly one detail row, in order_%_details (found food %, parcel %, ride %)',
            o.service_type, o.order_number, lower(o.service_type), n_food, n_parcel, n_ride
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_one_matching_detail';
    END IF;
    SELECT count(*) INTO n_items FROM (
        SELECT 1 FROM {ITEMS} WHERE order_id = p_order_id LIMIT 1
    ) AS any_item;
    IF o.service_type = 'FOOD' AND n_items = 0 THEN
        RAISE EXCEPTION 'orders.orders: FOOD order % has no order_items', o.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_food_has_items';
    ELSIF o.service_type <> 'FOOD' AND n_items > 0 THEN
        RAISE EXCEPTION 'orders.orders: % order % has order_items; only FOOD orders have items',
            o.service_type, o.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_items_only_on_food';
    END IF;
    SELECT count(*) FILTER (WHERE stop_type = 'PICKUP'), count(*) FILTER (WHERE stop_type = 'DROP')
        INTO n_pickups, n_drops FROM {STOPS} WHERE order_id = p_order_id;
    IF n_pickups = 0 OR n_drops = 0 THEN
        RAISE EXCEPTION 'orders.orders: order % needs at least one PICKUP and one DROP in order_stops (found % pickup, % drop)',
            o.order_number, n_pickups, n_drops
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_pickup_and_drop_stops';
    END IF;
END
$$""",
    _order_trigger_function("orders_shape_trigger", "check_order_shape"),
    # service_type never changes (orders_status_guard), so an order is checked once, on INSERT.
    *_deferred_triggers("orders_service_shape", ORDERS, "orders_shape_trigger", ()),
    *_deferred_triggers("order_food_details_shape", FOOD, "orders_shape_trigger", ("order_id",)),
    *_deferred_triggers(
        "order_parcel_details_shape", PARCEL, "orders_shape_trigger", ("order_id",)
    ),
    *_deferred_triggers("order_ride_details_shape", RIDE, "orders_shape_trigger", ("order_id",)),
    *_deferred_triggers("order_items_shape", ITEMS, "orders_shape_trigger", ("order_id",)),
    *_deferred_triggers(
        "order_stops_shape", STOPS, "orders_shape_trigger", ("order_id", "stop_type")
    ),
]

DROP_ORDER_SHAPE = [
    *_drop_deferred_triggers("order_stops_shape", STOPS),
    *_drop_deferred_triggers("order_items_shape", ITEMS),
    *_drop_deferred_triggers("order_ride_details_shape", RIDE),
    *_drop_deferred_triggers("order_parcel_details_shape", PARCEL),
    *_drop_deferred_triggers("order_food_details_shape", FOOD),
    *_drop_deferred_triggers("orders_service_shape", ORDERS, watched=False),
    f"DROP FUNCTION {_fn('orders_shape_trigger')}()",
    f"DROP FUNCTION {_fn('check_order_shape')}(bigint)",
]


# Refunds within captured payments (item 6) -----------------------------------

#: Non-failed refunds of a payment never exceed what it captured. Checked at
#: once (a refund is one statement); writers to one payment are serialised
#: by locking the payment row.
REFUND_LIMIT = [
    f"""
CREATE FUNCTION {_fn("check_payment_refunds")}(p_payment_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    captured numeric;
    refunded numeric;
BEGIN
    SELECT id, order_id, status, amount INTO p
        FROM {PAYMENTS} WHERE id = p_payment_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN;  -- the foreign key reports a missing payment
    END IF;
    captured := CASE WHEN p.status IN ({_list(charges.CAPTURED_PAYMENT_STATUSES)})
                     THEN p.amount ELSE 0 END;
    SELECT coalesce(sum(amount), 0) INTO refunded FROM {REFUNDS}
        WHERE payment_id = p_payment_id
          AND status NOT IN ({_list(charges.DEAD_REFUND_STATUSES)});
    IF refunded > captured THEN
        RAISE EXCEPTION 'orders.order_refunds: refunds of payment % (order id %) add up to %, more than the % it captured (payment status %)',
            p.id, p.order_id, refunded, captured, p.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_refunds_within_captured';
    END IF;
END
$$""",
    f"""
CREATE FUNCTION {_fn("order_refunds_limit_trigger")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'order_payments' THEN
        PERFORM {_fn("check_payment_refunds")}(NEW.id);
        RETURN NULL;
    END IF;
    PERFORM {_fn("check_payment_refunds")}(NEW.payment_id);
    IF TG_OP = 'UPDATE' AND NEW.payment_id IS DISTINCT FROM OLD.payment_id THEN
        PERFORM {_fn("check_payment_refunds")}(OLD.payment_id);
    END IF;
    RETURN NULL;
END
$$""",
    f"CREATE TRIGGER order_refunds_within_captured AFTER INSERT ON {REFUNDS} "
    f"FOR EACH ROW EXECUTE FUNCTION {_fn('order_refunds_limit_trigger')}()",
    f"CREATE TRIGGER order_refunds_within_captured_upd AFTER UPDATE ON {REFUNDS} "
    f"FOR EACH ROW WHEN (OLD.amount IS DISTINCT FROM NEW.amount "
    f"OR OLD.status IS DISTINCT FROM NEW.status OR OLD.payment_id IS DISTINCT FROM NEW.payment_id) "
    f"EXECUTE FUNCTION {_fn('order_refunds_limit_trigger')}()",
    f"CREATE TRIGGER order_payments_cover_refunds AFTER UPDATE ON {PAYMENTS} "
    f"FOR EACH ROW WHEN (OLD.amount IS DISTINCT FROM NEW.amount "
    f"OR OLD.status IS DISTINCT FROM NEW.status) "
    f"EXECUTE FUNCTION {_fn('order_refunds_limit_trigger')}()",
]

DROP_REFUND_LIMIT = [
    f"DROP TRIGGER order_payments_cover_refunds ON {PAYMENTS}",
    f"DROP TRIGGER order_refunds_within_captured_upd ON {REFUNDS}",
    f"DROP TRIGGER order_refunds_within_captured ON {REFUNDS}",
    f"DROP FUNCTION {_fn('order_refunds_limit_trigger')}()",
    f"DROP FUNCTION {_fn('check_payment_refunds')}(bigint)",
]


# Same-parent composite foreign keys ----------------------------------------------

#: (table, constraint, columns, referenced table, referenced columns): a row's
#: two references agree (a zone of the order's city, a payment of the
#: refund's order, a stop of the proof's order, a hand-off of the callback's
#: provider). Django cannot declare multi-column foreign keys; each target
#: has the matching UniqueConstraint in Meta. Deferred like Django's own FKs.
COMPOSITE_FOREIGN_KEYS = [
    (
        "orders",
        "orders_zone_in_city_fk",
        ("zone_id", "city_id"),
        "service_zones",
        ("id", "city_id"),
    ),
    (
        "order_refunds",
        "order_refunds_payment_of_order_fk",
        ("payment_id", "order_id"),
        "order_payments",
        ("id", "order_id"),
    ),
    (
        "order_delivery_proofs",
        "order_delivery_proofs_stop_of_order_fk",
        ("stop_id", "order_id"),
        "order_stops",
        ("id", "order_id"),
    ),
    (
        "external_provider_callbacks",
        "external_provider_callbacks_delivery_of_provider_fk",
        ("external_delivery_id", "provider_id"),
        "order_external_deliveries",
        ("id", "provider_id"),
    ),
]

SAME_PARENT_KEYS = [
    f"ALTER TABLE {_table(table)} ADD CONSTRAINT {name} FOREIGN KEY ({', '.join(cols)}) "
    f"REFERENCES {_table(target)} ({', '.join(target_cols)}) "
    f"ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED"
    for table, name, cols, target, target_cols in COMPOSITE_FOREIGN_KEYS
]

DROP_SAME_PARENT_KEYS = [
    f"ALTER TABLE {_table(table)} DROP CONSTRAINT {name}"
    for table, name, *_rest in reversed(COMPOSITE_FOREIGN_KEYS)
]
