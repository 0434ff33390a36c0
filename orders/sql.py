"""SQL for the orders rules a CHECK, UNIQUE or EXCLUDE constraint cannot
express (CATALOG section 8, items 4 to 8 and 15), one pair of constants per
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

from gatimitra.db.sql import TODAY_IN_INDIA
from gatimitra.db.tables import quote_table, schema_table
from orders import charges, dispatch, transitions
from orders.choices import AssignmentStatus

# SQL of applied migrations, frozen as it ran (``orders/sqlfrozen/``): those
# migrations read these names from this module, and their files may not change.
from orders.sqlfrozen.m0004_add_cross_schema_references import (  # noqa: F401
    DROP_SETTLEMENT_LINKS,
    SETTLEMENT_LINKS,
)
from orders.sqlfrozen.m0005_enforce_dispatch_rules import (  # noqa: F401
    DISPATCH_RULES,
    DROP_DISPATCH_RULES,
)
from orders.sqlfrozen.m0007_documents_expire_in_india_time import (  # noqa: F401
    REPLACE_DISPATCH_REFUSAL,
    RESTORE_SESSION_DATE_DISPATCH_REFUSAL,
)
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
#: "FOOD orders have a store" is the plain CHECK orders_food_has_store on
#: orders.merchant_store_id; nothing here changes for it.
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


def same_parent_keys(rows):
    """``ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`` for each row of
    ``COMPOSITE_FOREIGN_KEYS``'s shape."""
    return [
        f"ALTER TABLE {_table(table)} ADD CONSTRAINT {name} FOREIGN KEY ({', '.join(cols)}) "
        f"REFERENCES {_table(target)} ({', '.join(target_cols)}) "
        f"ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED"
        for table, name, cols, target, target_cols in rows
    ]


def drop_same_parent_keys(rows):
    return [
        f"ALTER TABLE {_table(table)} DROP CONSTRAINT {name}"
        for table, name, *_rest in reversed(rows)
    ]


SAME_PARENT_KEYS = same_parent_keys(COMPOSITE_FOREIGN_KEYS)
DROP_SAME_PARENT_KEYS = drop_same_parent_keys(COMPOSITE_FOREIGN_KEYS)

#: The kitchen of a FOOD order is the order's store: order_food_details
#: (order_id, store_id) references orders (id, merchant_store_id), so the two
#: columns cannot disagree, and a FOOD detail needs a store on its order.
KITCHEN_FOREIGN_KEYS = [
    (
        "order_food_details",
        "order_food_details_store_of_order_fk",
        ("order_id", "store_id"),
        "orders",
        ("id", "merchant_store_id"),
    ),
]
KITCHEN_IS_THE_STORE = same_parent_keys(KITCHEN_FOREIGN_KEYS)
DROP_KITCHEN_IS_THE_STORE = drop_same_parent_keys(KITCHEN_FOREIGN_KEYS)


# Dispatch: eligibility and capacity (items 4 and 5) ------------------------------


def _foreign(schema, name):
    return quote_table(schema_table(schema, name))


ASSIGNMENTS = _table("order_rider_assignments")
SETTLEMENTS = _table("order_settlements")
RIDERS = _foreign("riders", "riders")
RIDER_VEHICLES = _foreign("riders", "rider_vehicles")
RIDER_DOCUMENTS = _foreign("riders", "rider_documents")
RIDER_LIVE_STATUS = _foreign("riders", "rider_live_status")
RIDER_EARNINGS = _foreign("riders", "rider_order_earnings")
BLOCKED_RIDERS = _foreign("customers", "customer_blocked_riders")
SYSTEM_SETTINGS = _foreign("access_mgmt", "system_settings")
STORE_PAYOUTS = _foreign("merchants", "merchant_store_payouts")

#: An assignment holding its order (``models.assignments.ACTIVE_ASSIGNMENT_STATUSES``).
_ACTIVE = _list([AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED])
_BATCHING = _list(dispatch.BATCHING_SERVICES)


def dispatch_map_functions():
    """The maps of ``orders.dispatch`` as two IMMUTABLE SQL functions
    (CREATE OR REPLACE: re-run it from a new migration when a map changes)."""
    vehicles = "\n".join(
        f"        WHEN '{service}' THEN ARRAY[{_list(types)}]::varchar[]"
        for service, types in sorted(dispatch.ALLOWED_VEHICLE_TYPES.items())
    )
    documents = ",\n        ".join(
        "('%s', '%s', '%s', %s)" % (service, vehicle, document, str(per_vehicle).lower())
        for service, vehicle, document, per_vehicle in dispatch.document_rows()
    )
    return [
        f"""
CREATE OR REPLACE FUNCTION {_fn("dispatch_allowed_vehicles")}(service varchar)
RETURNS varchar[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE service
{vehicles}
        ELSE ARRAY[]::varchar[]
    END
$$""",
        f"""
CREATE OR REPLACE FUNCTION {_fn("dispatch_required_documents")}(service varchar, vehicle varchar)
RETURNS TABLE (document_type varchar, of_the_vehicle boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d.document_type::varchar, d.of_the_vehicle FROM (VALUES
        {documents}
    ) AS d (service_type, vehicle_type, document_type, of_the_vehicle)
    WHERE d.service_type = service AND d.vehicle_type = vehicle
$$""",
    ]


#: In effect when the statement runs (not when its transaction began: a
#: setting written earlier in the same transaction counts).
_IN_EFFECT = (
    "key = p_key AND effective_from <= statement_timestamp() "
    "AND (effective_to IS NULL OR effective_to > statement_timestamp())"
)
_LATEST = "ORDER BY effective_from DESC LIMIT 1"


def _dispatch_refusal_function(today):
    """Why the rider may not hold the order now: {rule, message}, or NULL.
    The rules and their order are those of orders/dispatch.py. The rider and
    order must exist already: FKs are deferred, and an assignment naming a
    rider inserted later in its transaction would otherwise go unchecked.
    ``today`` is the SQL for the date documents must not have expired by.
    Messages name the rider and vehicle by id, never by name or registration
    number: they reach logs, admin forms and API errors (orders 0022)."""
    return f"""
CREATE FUNCTION {_fn("dispatch_refusal")}(
    p_rider_id bigint, p_order_id bigint, p_vehicle_id bigint, p_assignment_id bigint,
    p_accepting boolean
) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    r record;
    o record;
    v record;
    who text;
    duty varchar;
    cash numeric;
    live_vehicle bigint;
    booked varchar;
    allowed varchar[];
    missing text[];
    is_blocked boolean;
    n_held integer;
    holds_ride boolean;
    cap numeric;
BEGIN
    SELECT id, status, onboarding_stage, enabled_services INTO r
        FROM {RIDERS} WHERE id = p_rider_id;
    IF NOT FOUND THEN
        RETURN ARRAY['order_rider_assignments_rider_exists',
                     format('rider id %s does not exist (yet)', p_rider_id)];
    END IF;
    SELECT id, order_number, service_type, city_id, customer_id, payment_method INTO o
        FROM {ORDERS} WHERE id = p_order_id;
    IF NOT FOUND THEN
        RETURN ARRAY['order_rider_assignments_order_exists',
                     format('order id %s does not exist (yet)', p_order_id)];
    END IF;
    who := format('rider id %s cannot hold order %s', r.id, o.order_number);

    IF r.status <> 'ACTIVE' OR r.onboarding_stage <> 'ACTIVE' THEN
        RETURN ARRAY['order_rider_assignments_rider_active',
            format('%s: the rider''s status is %s and onboarding stage %s; both must be ACTIVE',
                   who, r.status, r.onboarding_stage)];
    END IF;

    IF NOT (o.service_type = ANY (r.enabled_services)) THEN
        RETURN ARRAY['order_rider_assignments_service_enabled',
            format('%s: %s is not among the rider''s enabled services (%s)',
                   who, o.service_type, array_to_string(r.enabled_services, ', '))];
    END IF;

    SELECT duty_status, cash_in_hand, vehicle_id INTO duty, cash, live_vehicle
        FROM {RIDER_LIVE_STATUS} WHERE rider_id = p_rider_id;
    IF NOT FOUND THEN
        duty := 'OFFLINE';
        cash := 0;
    END IF;
    IF NOT (duty = 'ONLINE'
            OR (duty = 'ON_ORDER' AND (p_accepting OR o.service_type IN ({_BATCHING})))) THEN
        RETURN ARRAY['order_rider_assignments_rider_on_duty',
            format('%s: the rider is %s; dispatch needs ONLINE%s', who, duty,
                   CASE WHEN o.service_type IN ({_BATCHING})
                        THEN ' (or ON_ORDER, to add it to the batch)' ELSE '' END)];
    END IF;

    allowed := {_fn("dispatch_allowed_vehicles")}(o.service_type);
    IF o.service_type = 'RIDE' THEN
        SELECT vehicle_type INTO booked FROM {RIDE} WHERE order_id = o.id;
        IF booked IS NOT NULL THEN
            allowed := ARRAY(SELECT unnest(allowed) INTERSECT SELECT booked);
        END IF;
    END IF;
    IF p_vehicle_id IS NOT NULL THEN
        SELECT id, rider_id, vehicle_type, is_active INTO v
            FROM {RIDER_VEHICLES} WHERE id = p_vehicle_id;
        IF NOT FOUND OR v.rider_id <> p_rider_id THEN
            RETURN ARRAY['order_rider_assignments_vehicle_of_rider',
                format('%s: vehicle id %s is not one of the rider''s', who, p_vehicle_id)];
        END IF;
        IF NOT v.is_active OR NOT (v.vehicle_type = ANY (allowed)) THEN
            RETURN ARRAY['order_rider_assignments_vehicle_allowed',
                format('%s: vehicle id %s (%s%s) cannot take a %s order, which needs an active %s',
                       who, v.id, v.vehicle_type,
                       CASE WHEN v.is_active THEN '' ELSE ', inactive' END,
                       o.service_type, array_to_string(allowed, ' or '))];
        END IF;
    ELSE
        SELECT id, rider_id, vehicle_type, is_active INTO v
            FROM {RIDER_VEHICLES}
            WHERE rider_id = p_rider_id AND is_active AND vehicle_type = ANY (allowed)
            ORDER BY id IS NOT DISTINCT FROM live_vehicle DESC, id
            LIMIT 1;
        IF NOT FOUND THEN
            RETURN ARRAY['order_rider_assignments_vehicle_allowed',
                format('%s: the rider has no active vehicle a %s order allows (%s)',
                       who, o.service_type, array_to_string(allowed, ', '))];
        END IF;
    END IF;

    SELECT array_agg(req.document_type::text ORDER BY req.document_type) INTO missing
        FROM {_fn("dispatch_required_documents")}(o.service_type, v.vehicle_type) AS req
        WHERE NOT EXISTS (
            SELECT 1 FROM {RIDER_DOCUMENTS} d
            WHERE d.rider_id = p_rider_id
              AND d.document_type = req.document_type
              AND d.verification_status = 'VERIFIED'
              AND (d.expires_on IS NULL OR d.expires_on >= {today})
              AND (NOT req.of_the_vehicle OR d.vehicle_id = v.id)
        );
    IF missing IS NOT NULL THEN
        RETURN ARRAY['order_rider_assignments_documents_valid',
            format('%s: no VERIFIED, unexpired %s (for a %s order on a %s)',
                   who, array_to_string(missing, ', '), o.service_type, v.vehicle_type)];
    END IF;

    SELECT EXISTS (
        SELECT 1 FROM {BLOCKED_RIDERS}
        WHERE customer_id = o.customer_id AND rider_id = p_rider_id
          AND (blocked_until IS NULL OR blocked_until > statement_timestamp())
    ) INTO is_blocked;
    IF is_blocked THEN
        RETURN ARRAY['order_rider_assignments_rider_not_blocked',
            format('%s: customer id %s has blocked this rider (customers.customer_blocked_riders)',
                   who, o.customer_id)];
    END IF;

    IF o.payment_method = 'CASH' THEN
        cap := {_fn("dispatch_setting")}('{dispatch.COD_CAP_SETTING}', o.city_id);
        IF cap IS NOT NULL AND cash >= cap THEN
            RETURN ARRAY['order_rider_assignments_cod_cap',
                format('%s: the rider holds %s in cash; a CASH order needs less than the city''s cap of %s (setting {dispatch.COD_CAP_SETTING})',
                       who, cash, cap)];
        END IF;
    END IF;

    SELECT count(*), coalesce(bool_or(held.service_type = 'RIDE'), false) INTO n_held, holds_ride
        FROM {ASSIGNMENTS} a JOIN {ORDERS} held ON held.id = a.order_id
        WHERE a.rider_id = p_rider_id AND a.status IN ({_ACTIVE})
          AND a.id IS DISTINCT FROM p_assignment_id;
    IF n_held > 0 AND (o.service_type = 'RIDE' OR holds_ride) THEN
        RETURN ARRAY['order_rider_assignments_rider_capacity',
            format('%s: the rider already holds %s active assignment(s)%s; a RIDE driver holds at most 1',
                   who, n_held, CASE WHEN holds_ride THEN ', a RIDE among them' ELSE '' END)];
    END IF;
    IF o.service_type IN ({_BATCHING}) THEN
        cap := coalesce({_fn("dispatch_setting")}('{dispatch.MAX_BATCH_SIZE_SETTING}', o.city_id),
                        {dispatch.DEFAULT_MAX_BATCH_SIZE});
        IF n_held + 1 > cap THEN
            RETURN ARRAY['order_rider_assignments_rider_capacity',
                format('%s: the rider already holds %s active assignment(s); a %s batch holds at most %s (setting {dispatch.MAX_BATCH_SIZE_SETTING})',
                       who, n_held, o.service_type, cap)];
        END IF;
    END IF;
    RETURN NULL;
END
$$"""


def _dispatch_setting_function():
    """A numeric setting in effect now: the city's own value, else the
    platform-wide one, else NULL."""
    return f"""
CREATE OR REPLACE FUNCTION {_fn("dispatch_setting")}(p_key varchar, p_city_id bigint) RETURNS numeric
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_value jsonb;
BEGIN
    IF p_city_id IS NOT NULL THEN
        SELECT value INTO found_value FROM {SYSTEM_SETTINGS}
            WHERE {_IN_EFFECT} AND city_id = p_city_id {_LATEST};
    END IF;
    IF found_value IS NULL THEN
        SELECT value INTO found_value FROM {SYSTEM_SETTINGS}
            WHERE {_IN_EFFECT} AND city_id IS NULL {_LATEST};
    END IF;
    IF found_value IS NULL OR jsonb_typeof(found_value) = 'null' THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(found_value) = 'number'
            OR (jsonb_typeof(found_value) = 'string' AND found_value #>> '{{}}' ~ '^[0-9]+(\\.[0-9]+)?$') THEN
        RETURN (found_value #>> '{{}}')::numeric;
    END IF;
    RAISE EXCEPTION 'access_mgmt.system_settings: setting % (city id %) is %, not a number',
        p_key, p_city_id, found_value
        USING ERRCODE = 'invalid_parameter_value';
END
$$"""


def static_cross_schema_reads():
    """The functions that read other domains' columns, read statically
    (orders 0016 froze this text; 0021 the refusal without personal data): the dispatch settings of a city, a
    customer's blocked riders, an earning's order. A document is valid
    through its expiry date in India, whatever the session's time zone."""
    return [
        _dispatch_setting_function(),
        _dispatch_refusal_function(TODAY_IN_INDIA).replace(
            "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
        ),
        _settlement_links_function(),
    ]


# Settlement links (item 15) -------------------------------------------------------


def _settlement_links_function():
    """A settlement's payout is a payout of the order's store, and its earning
    is the earning of a rider who accepted an assignment of the order, for the
    order's service and for the order itself. Checked at commit (the rows may
    be loaded in any order)."""
    return f"""
CREATE OR REPLACE FUNCTION {_fn("check_settlement_links")}(p_settlement_id bigint) RETURNS void
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
        FROM {SETTLEMENTS} st JOIN {ORDERS} o ON o.id = st.order_id
        WHERE st.id = p_settlement_id;
    IF NOT FOUND THEN
        RETURN;  -- deleted in the same transaction
    END IF;
    IF s.payout_id IS NOT NULL THEN
        SELECT store_id INTO payout_store FROM {STORE_PAYOUTS} WHERE id = s.payout_id;
        IF payout_store IS DISTINCT FROM s.merchant_store_id THEN
            RAISE EXCEPTION 'orders.order_settlements: the settlement of order % lands in payout % of store id %, but the order''s store is %',
                s.order_number, s.payout_id, payout_store, coalesce(s.merchant_store_id::text, 'none')
                USING ERRCODE = 'check_violation', CONSTRAINT = 'order_settlements_payout_of_store';
        END IF;
    END IF;
    IF s.earning_id IS NOT NULL THEN
        SELECT rider_id, service_type, order_id INTO e
            FROM {RIDER_EARNINGS} WHERE id = s.earning_id;
        earning_found := FOUND;
        earning_order := e.order_id;
        IF NOT earning_found OR e.service_type <> s.service_type
                OR earning_order IS DISTINCT FROM s.order_id OR NOT EXISTS (
            SELECT 1 FROM {ASSIGNMENTS} a
            WHERE a.order_id = s.order_id AND a.rider_id = e.rider_id AND a.accepted_at IS NOT NULL
        ) THEN
            RAISE EXCEPTION 'orders.order_settlements: the settlement of % order % names earning % (rider id %, %), not the earning of a rider who accepted the order',
                s.service_type, s.order_number, s.earning_id, e.rider_id, e.service_type
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'order_settlements_earning_of_order_rider';
        END IF;
    END IF;
END
$$"""


# Dispatch offer of an assignment ------------------------------------------------
# order_dispatch_offers is partitioned by month, so no foreign key constraint
# can reference its id alone (PostgreSQL requires the partition key in the
# referenced unique key). order_rider_assignments.offer is a soft reference
# checked here instead, at commit like the foreign key it replaces: the offer
# exists and was made to the assignment's rider for the assignment's order.
# Deleting an offer an assignment names is refused (the PROTECT the foreign
# key had); expiring a whole partition of old offers is not a DELETE and
# leaves old assignments naming offers no longer kept.

OFFERS = _table("order_dispatch_offers")

DISPATCH_OFFER_REFERENCE = [
    f"""
CREATE FUNCTION {_fn("order_rider_assignments_offer")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current record;
    offer record;
BEGIN
    -- Checked at commit: read the assignment as it is then.
    SELECT id, order_id, rider_id, offer_id INTO current FROM {ASSIGNMENTS} WHERE id = NEW.id;
    IF NOT FOUND OR current.offer_id IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT id, order_id, rider_id INTO offer FROM {OFFERS} WHERE id = current.offer_id;
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
    RETURN NULL;
END
$$""",
    f"CREATE CONSTRAINT TRIGGER order_rider_assignments_offer AFTER INSERT ON {ASSIGNMENTS} "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.offer_id IS NOT NULL) "
    f"EXECUTE FUNCTION {_fn('order_rider_assignments_offer')}()",
    f"CREATE CONSTRAINT TRIGGER order_rider_assignments_offer_upd AFTER UPDATE ON {ASSIGNMENTS} "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    f"WHEN (NEW.offer_id IS NOT NULL AND (OLD.offer_id IS DISTINCT FROM NEW.offer_id "
    f"OR OLD.order_id IS DISTINCT FROM NEW.order_id OR OLD.rider_id IS DISTINCT FROM NEW.rider_id)) "
    f"EXECUTE FUNCTION {_fn('order_rider_assignments_offer')}()",
    f"""
CREATE FUNCTION {_fn("order_dispatch_offers_in_use")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    assignment bigint;
BEGIN
    SELECT id INTO assignment FROM {ASSIGNMENTS} WHERE offer_id = OLD.id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'orders.order_dispatch_offers: offer % is the offer of assignment %; it cannot be deleted',
            OLD.id, assignment
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'order_rider_assignments_offer_exists';
    END IF;
    RETURN OLD;
END
$$""",
    f"CREATE TRIGGER order_dispatch_offers_in_use BEFORE DELETE ON {OFFERS} "
    f"FOR EACH ROW EXECUTE FUNCTION {_fn('order_dispatch_offers_in_use')}()",
]

DROP_DISPATCH_OFFER_REFERENCE = [
    f"DROP TRIGGER order_dispatch_offers_in_use ON {OFFERS}",
    f"DROP FUNCTION {_fn('order_dispatch_offers_in_use')}()",
    f"DROP TRIGGER order_rider_assignments_offer_upd ON {ASSIGNMENTS}",
    f"DROP TRIGGER order_rider_assignments_offer ON {ASSIGNMENTS}",
    f"DROP FUNCTION {_fn('order_rider_assignments_offer')}()",
]


# -- A paid assignment keeps its rider and order (orders 0008) -----------------
# riders.rider_order_earnings checks, when an earning is written, that it pays
# its assignment's rider for its assignment's order. This is the other side:
# once an assignment has its earning, a change of the assignment's rider or
# order that the earning no longer matches is refused.

PAID_ASSIGNMENT_KEEPS_RIDER_AND_ORDER = [
    f"""
CREATE FUNCTION {_fn("order_rider_assignments_paid")}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    earning record;
BEGIN
    SELECT id, rider_id, order_id INTO earning FROM {RIDER_EARNINGS} WHERE assignment_id = NEW.id;
    IF FOUND AND (earning.rider_id IS DISTINCT FROM NEW.rider_id
                  OR earning.order_id IS DISTINCT FROM NEW.order_id) THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: assignment % is paid by earning % to rider % for order %; it cannot move to rider % for order %',
            NEW.id, earning.id, earning.rider_id, earning.order_id, NEW.rider_id, NEW.order_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_rider_assignments_paid';
    END IF;
    RETURN NEW;
END
$$""",
    f"CREATE TRIGGER order_rider_assignments_paid BEFORE UPDATE OF rider_id, order_id "
    f"ON {ASSIGNMENTS} FOR EACH ROW "
    f"WHEN (OLD.rider_id IS DISTINCT FROM NEW.rider_id OR OLD.order_id IS DISTINCT FROM NEW.order_id) "
    f"EXECUTE FUNCTION {_fn('order_rider_assignments_paid')}()",
]

DROP_PAID_ASSIGNMENT_KEEPS_RIDER_AND_ORDER = [
    f"DROP TRIGGER order_rider_assignments_paid ON {ASSIGNMENTS}",
    f"DROP FUNCTION {_fn('order_rider_assignments_paid')}()",
]
