"""Database rules of the customers domain that CHECK and UNIQUE cannot
express, as trigger SQL. One constant pair (create, drop) per concern,
applied with ``RunSQL`` by ``customers/migrations/0003_add_ledger_and_customer_triggers.py``
and, for the rules on cross-schema references, by
``0004_add_cross_schema_references.py``. A migration runs the SQL of this
module as it is when the migration runs, so a constant an applied migration
uses never changes meaning: new rules get new constants. The ledgers' chaining and append-only rules come from
``gatimitra.db.operations`` (``LedgerChain``, ``AppendOnly``).

Every function lives in the ``customers`` schema and refers to tables
schema-qualified (Django's connections only see ``public``). Errors name
the table and the offending values and use SQLSTATE class 23, so Django
raises ``IntegrityError``.
"""

from gatimitra.db.tables import quote_table, schema_table
from gatimitra.enums import OrderStatus

SCHEMA = "customers"


def _table(name):
    return quote_table(schema_table(SCHEMA, name))


def _function(name):
    return f'"{SCHEMA}"."{name}"'


def _trigger(name, when, table, function):
    return (
        f'CREATE TRIGGER "{name}" {when} ON {_table(table)} '
        f"FOR EACH ROW EXECUTE FUNCTION {_function(function)}()"
    )


def _drop(name, table, function=None):
    statements = [f'DROP TRIGGER "{name}" ON {_table(table)}']
    if function:
        statements.append(f"DROP FUNCTION {_function(function)}()")
    return statements


# Public identifiers ----------------------------------------------------------
# Referral codes, ticket numbers and data-request numbers are assigned by the
# database from the row's id, so they are unique by construction (no retry
# loop on collisions) and rows written by any client get one.
#
# A referral code is the id pushed through an affine bijection modulo 30^8
# and written in a 30-symbol alphabet without look-alikes (0/O, 1/I/L, U/V):
# eight characters, distinct for the first 656 billion ids, and not
# guessable from a neighbour's code.

PUBLIC_IDENTIFIERS = [
    f"""
CREATE FUNCTION {_function("referral_code_for")}(customer_id bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    alphabet constant text := '23456789ABCDEFGHJKMNPQRSTVWXYZ';
    n numeric := mod(customer_id::numeric * 2654435761 + 104729, 656100000000);
    code text := '';
BEGIN
    FOR i IN 1..8 LOOP
        code := substr(alphabet, mod(n, 30)::int + 1, 1) || code;
        n := div(n, 30);
    END LOOP;
    RETURN code;
END
$$""",
    f"""
CREATE FUNCTION {_function("customers_assign_referral_code")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.referral_code IS NULL OR NEW.referral_code = '' THEN
        NEW.referral_code := {_function("referral_code_for")}(NEW.id);
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customers_referral_code",
        "BEFORE INSERT",
        "customers",
        "customers_assign_referral_code",
    ),
    f"""
CREATE FUNCTION {_function("customer_tickets_assign_number")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ticket_number IS NULL OR NEW.ticket_number = '' THEN
        NEW.ticket_number := 'TKT' || lpad(NEW.id::text, 8, '0');
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_tickets_number",
        "BEFORE INSERT",
        "customer_tickets",
        "customer_tickets_assign_number",
    ),
    f"""
CREATE FUNCTION {_function("customer_data_requests_assign_number")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.request_number IS NULL OR NEW.request_number = '' THEN
        NEW.request_number := 'DPR' || lpad(NEW.id::text, 8, '0');
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_data_requests_number",
        "BEFORE INSERT",
        "customer_data_requests",
        "customer_data_requests_assign_number",
    ),
]
DROP_PUBLIC_IDENTIFIERS = [
    *_drop(
        "customer_data_requests_number",
        "customer_data_requests",
        "customer_data_requests_assign_number",
    ),
    *_drop("customer_tickets_number", "customer_tickets", "customer_tickets_assign_number"),
    *_drop("customers_referral_code", "customers", "customers_assign_referral_code"),
    f"DROP FUNCTION {_function('referral_code_for')}(bigint)",
]


# Opening balances -------------------------------------------------------------
# LedgerChain keeps a balance equal to its ledger from the first entry on and
# refuses UPDATEs of it; a wallet or loyalty account must therefore also be
# born empty, or its balance would disagree with its (empty) ledger.

OPENING_BALANCES = [
    f"""
CREATE FUNCTION {_function("customer_wallet_opens_empty")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance <> 0 THEN
        RAISE EXCEPTION 'customers.customer_wallet: a new wallet starts at balance 0, not % (credit it through customer_wallet_transactions)',
            NEW.balance USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_wallet_opens_empty",
        "BEFORE INSERT",
        "customer_wallet",
        "customer_wallet_opens_empty",
    ),
    f"""
CREATE FUNCTION {_function("customer_loyalty_opens_empty")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.points_balance <> 0 OR NEW.lifetime_points <> 0 THEN
        RAISE EXCEPTION 'customers.customer_loyalty: a new account starts at 0 points, not % (lifetime %); post points through customer_loyalty_transactions',
            NEW.points_balance, NEW.lifetime_points USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_loyalty_opens_empty",
        "BEFORE INSERT",
        "customer_loyalty",
        "customer_loyalty_opens_empty",
    ),
]
DROP_OPENING_BALANCES = [
    *_drop("customer_loyalty_opens_empty", "customer_loyalty", "customer_loyalty_opens_empty"),
    *_drop("customer_wallet_opens_empty", "customer_wallet", "customer_wallet_opens_empty"),
]


# Wallet state -------------------------------------------------------------------
# A CLOSED wallet takes no entries; a FROZEN one still receives credits and
# expiries but cannot be spent.

WALLET_STATE = [
    f"""
CREATE FUNCTION {_function("customer_wallet_transactions_wallet_state")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    wallet_status text;
BEGIN
    SELECT status INTO wallet_status FROM {_table("customer_wallet")} WHERE id = NEW.wallet_id;
    IF wallet_status = 'CLOSED'
       OR (wallet_status = 'FROZEN' AND NEW.direction = 'DEBIT' AND NEW.txn_type <> 'EXPIRY') THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: wallet % is %, % % refused',
            NEW.wallet_id, wallet_status, NEW.direction, NEW.txn_type
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_wallet_transactions_wallet_state",
        "BEFORE INSERT",
        "customer_wallet_transactions",
        "customer_wallet_transactions_wallet_state",
    ),
]
DROP_WALLET_STATE = _drop(
    "customer_wallet_transactions_wallet_state",
    "customer_wallet_transactions",
    "customer_wallet_transactions_wallet_state",
)


# Lifetime points ----------------------------------------------------------------
# customer_loyalty.lifetime_points (what tiers are computed from) is the sum
# of EARN and BONUS credits minus REVERSE debits (an earn taken back). The
# points ledger keeps it, like LedgerChain keeps points_balance, and nothing
# else may change it.

LIFETIME_POINTS = [
    f"""
CREATE FUNCTION {_function("customer_loyalty_transactions_lifetime")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint := CASE
        WHEN NEW.txn_type IN ('EARN', 'BONUS') THEN NEW.amount
        WHEN NEW.txn_type = 'REVERSE' AND NEW.direction = 'DEBIT' THEN -NEW.amount
        ELSE 0 END;
BEGIN
    IF delta <> 0 THEN
        UPDATE {_table("customer_loyalty")}
            SET lifetime_points = GREATEST(lifetime_points + delta, 0)
            WHERE id = NEW.loyalty_id;
    END IF;
    RETURN NULL;
END
$$""",
    _trigger(
        "customer_loyalty_transactions_lifetime",
        "AFTER INSERT",
        "customer_loyalty_transactions",
        "customer_loyalty_transactions_lifetime",
    ),
    f"""
CREATE FUNCTION {_function("customer_loyalty_lifetime_guard")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Only the ledger trigger (nested, depth > 1) may move lifetime points.
    IF NEW.lifetime_points IS DISTINCT FROM OLD.lifetime_points AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'customers.customer_loyalty: lifetime_points changes only through customers.customer_loyalty_transactions (% -> % refused)',
            OLD.lifetime_points, NEW.lifetime_points USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_loyalty_lifetime_guard",
        "BEFORE UPDATE",
        "customer_loyalty",
        "customer_loyalty_lifetime_guard",
    ),
]
DROP_LIFETIME_POINTS = [
    *_drop(
        "customer_loyalty_lifetime_guard", "customer_loyalty", "customer_loyalty_lifetime_guard"
    ),
    *_drop(
        "customer_loyalty_transactions_lifetime",
        "customer_loyalty_transactions",
        "customer_loyalty_transactions_lifetime",
    ),
]


# Same customer --------------------------------------------------------------------
# A reference from one of a customer's rows to another of their rows (a cart's
# address, a subscription's payment method...) must stay within that
# customer: a plain FK would accept another customer's address.

#: table -> [(column, referenced table)]; every table involved has customer_id.
SAME_CUSTOMER_REFERENCES = {
    "customer_saved_contacts": [("address_id", "customer_addresses")],
    "customer_subscriptions": [("payment_method_id", "customer_payment_methods")],
    "customer_carts": [("address_id", "customer_addresses")],
    "customer_trip_shares": [("contact_id", "customer_emergency_contacts")],
    "customer_nps_responses": [("ticket_id", "customer_tickets")],
    "customer_blocked_riders": [
        ("rating_id", "customer_ratings"),
        ("ticket_id", "customer_tickets"),
    ],
}


def _same_customer(table, references):
    function = f"{table}_same_customer"
    checks = "".join(
        f"""
    IF NEW.{column} IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM {_table(parent)} WHERE id = NEW.{column} AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.{table}: {column} % is not one of customer %''s {parent}',
            NEW.{column}, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;"""
        for column, parent in references
    )
    columns = ", ".join(["customer_id", *(column for column, _ in references)])
    create = [
        f"""
CREATE FUNCTION {_function(function)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{checks}
    RETURN NEW;
END
$$""",
        _trigger(function, f"BEFORE INSERT OR UPDATE OF {columns}", table, function),
    ]
    return create, _drop(function, table, function)


SAME_CUSTOMER: list[str] = []
DROP_SAME_CUSTOMER: list[str] = []
for _name, _references in SAME_CUSTOMER_REFERENCES.items():
    _create, _drop_statements = _same_customer(_name, _references)
    SAME_CUSTOMER += _create
    DROP_SAME_CUSTOMER = _drop_statements + DROP_SAME_CUSTOMER


# Promotional consent --------------------------------------------------------------
# CATALOG section 8, item 17: a promotional send needs the customer's latest
# consent for that channel's purpose to be GRANTED (and unexpired). Checked
# when the row is written as anything but SUPPRESSED/FAILED, and when a
# queued message is marked sent. In-app messages need no consent; promotional
# voice calls are refused by a CHECK.

PROMOTIONAL_CONSENT = [
    f"""
CREATE FUNCTION {_function("customer_notifications_consent")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    needed_purpose text;
    latest_status text;
    latest_expiry timestamptz;
BEGIN
    IF NEW.category <> 'PROMOTIONAL' OR NEW.status IN ('SUPPRESSED', 'FAILED') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT (OLD.status = 'QUEUED' AND NEW.status <> 'QUEUED')
       AND OLD.category = NEW.category AND OLD.channel = NEW.channel THEN
        RETURN NEW;
    END IF;
    needed_purpose := CASE NEW.channel
        WHEN 'SMS' THEN 'MARKETING_SMS'
        WHEN 'WHATSAPP' THEN 'MARKETING_WHATSAPP'
        WHEN 'EMAIL' THEN 'MARKETING_EMAIL'
        WHEN 'PUSH' THEN 'PUSH_PROMOTIONS'
    END;
    IF needed_purpose IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT status, expires_at INTO latest_status, latest_expiry
        FROM {_table("customer_consents")}
        WHERE customer_id = NEW.customer_id AND purpose = needed_purpose
        ORDER BY id DESC LIMIT 1;
    IF latest_status IS DISTINCT FROM 'GRANTED' OR latest_expiry <= now() THEN
        RAISE EXCEPTION 'customers.customer_notifications: promotional % to customer % needs consent % (latest: %)',
            NEW.channel, NEW.customer_id, needed_purpose, coalesce(latest_status, 'none')
            USING ERRCODE = 'check_violation',
                  HINT = 'Record the notification as SUPPRESSED instead.';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_notifications_consent",
        "BEFORE INSERT OR UPDATE OF status, category, channel",
        "customer_notifications",
        "customer_notifications_consent",
    ),
]
DROP_PROMOTIONAL_CONSENT = _drop(
    "customer_notifications_consent",
    "customer_notifications",
    "customer_notifications_consent",
)


# Rating tags ----------------------------------------------------------------------
# customer_ratings.tag_codes is an array (no link table); each code must name
# a customer_rating_tags row of the rating's target type.

RATING_TAGS = [
    f"""
CREATE FUNCTION {_function("customer_ratings_known_tags")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unknown text[];
BEGIN
    SELECT array_agg(code) INTO unknown
        FROM unnest(NEW.tag_codes) AS given(code)
        WHERE NOT EXISTS (
            SELECT 1 FROM {_table("customer_rating_tags")} tag
            WHERE tag.code = given.code AND tag.target_type = NEW.target_type
        );
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'customers.customer_ratings: unknown tag(s) % for target type %',
            unknown, NEW.target_type USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_ratings_known_tags",
        "BEFORE INSERT OR UPDATE OF tag_codes, target_type",
        "customer_ratings",
        "customer_ratings_known_tags",
    ),
]
DROP_RATING_TAGS = _drop(
    "customer_ratings_known_tags", "customer_ratings", "customer_ratings_known_tags"
)


# The customer's own orders ----------------------------------------------------------
# A customer's row that names an order (a ticket, rating, trip share, masked
# call, SOS, notification, survey answer, reward, referral, ledger entry) must
# name one of that customer's orders, and a refund it names must be of one of
# them: a plain FK accepts anybody's. (SAME_CUSTOMER above is frozen as
# migration 0003 applied it; these references arrived with migration 0004.)
#
# orders.orders.customer_id is added by the orders app's own cross-schema
# migration, and neither app's migrations depend on the other's; these rules
# must stay valid whichever is applied first. So the order's owner is read
# from the row as jsonb: while orders.orders has no customer column there is
# no owner to compare with, and any existing order passes; once it has one,
# the order's customer_id must be the one given (NULL never matches). A
# missing order (one inserted later in the transaction) never passes.

ORDERS = quote_table(schema_table("orders", "orders"))
ORDER_REFUNDS = quote_table(schema_table("orders", "order_refunds"))

IS_CUSTOMER_ORDER = _function("is_customer_order")


def _owner_from_parent(parent, fk_column, order_column=None):
    """``owner`` (and the parent's order as ``expected_order``) from the
    parent row that holds the customer."""
    columns = "customer_id" + (f", {order_column}" if order_column else "")
    targets = "owner" + (", expected_order" if order_column else "")
    return f"SELECT {columns} INTO {targets} FROM {_table(parent)} WHERE id = NEW.{fk_column};"


#: table -> (statement setting ``owner``, columns the owner comes from,
#: order column or None, refund column or None). A refund must be of the
#: row's order when it names one (for ticket events: of the ticket's order).
ORDER_REFERENCES = {
    "customer_wallet_transactions": (
        _owner_from_parent("customer_wallet", "wallet_id"),
        ["wallet_id"],
        "order_id",
        "refund_id",
    ),
    "customer_loyalty_transactions": (
        _owner_from_parent("customer_loyalty", "loyalty_id"),
        ["loyalty_id"],
        "order_id",
        None,
    ),
    "customer_rewards": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_referrals": (
        "owner := NEW.referee_id;",
        ["referee_id"],
        "qualifying_order_id",
        None,
    ),
    "customer_ratings": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_tickets": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_ticket_events": (
        _owner_from_parent("customer_tickets", "ticket_id", "order_id"),
        ["ticket_id"],
        None,
        "refund_id",
    ),
    "customer_notifications": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_nps_responses": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_masked_calls": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_sos_alerts": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
    "customer_trip_shares": ("owner := NEW.customer_id;", ["customer_id"], "order_id", None),
}


def _own_orders(table, owner_statement, owner_columns, order_column, refund_column):
    function = f"{table}_own_orders"
    given = [column for column in (order_column, refund_column) if column]
    skip = " AND ".join(f"NEW.{column} IS NULL" for column in given)
    checks = ""
    if order_column:
        checks += f"""
    IF NEW.{order_column} IS NOT NULL
       AND {IS_CUSTOMER_ORDER}(owner, NEW.{order_column}) IS NOT TRUE THEN
        RAISE EXCEPTION 'customers.{table}: {order_column} % is not one of customer %''s orders',
            NEW.{order_column}, owner USING ERRCODE = 'foreign_key_violation';
    END IF;"""
        checks += f"""
    expected_order := NEW.{order_column};"""
    if refund_column:
        checks += f"""
    IF NEW.{refund_column} IS NOT NULL THEN
        SELECT order_id INTO refund_order FROM {ORDER_REFUNDS} WHERE id = NEW.{refund_column};
        IF expected_order IS NOT NULL AND refund_order IS DISTINCT FROM expected_order THEN
            RAISE EXCEPTION 'customers.{table}: {refund_column} % is a refund of order %, not of order %',
                NEW.{refund_column}, refund_order, expected_order
                USING ERRCODE = 'foreign_key_violation';
        ELSIF {IS_CUSTOMER_ORDER}(owner, refund_order) IS NOT TRUE THEN
            RAISE EXCEPTION 'customers.{table}: {refund_column} % is a refund of order %, not one of customer %''s orders',
                NEW.{refund_column}, refund_order, owner USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;"""
    columns = ", ".join([*owner_columns, *given])
    create = [
        f"""
CREATE FUNCTION {_function(function)}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
    expected_order bigint;
    refund_order bigint;
BEGIN
    IF {skip} THEN
        RETURN NEW;
    END IF;
    {owner_statement}{checks}
    RETURN NEW;
END
$$""",
        _trigger(function, f"BEFORE INSERT OR UPDATE OF {columns}", table, function),
    ]
    return create, _drop(function, table, function)


OWN_ORDERS = [
    f"""
CREATE FUNCTION {IS_CUSTOMER_ORDER}(customer_id bigint, order_id bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN NOT (placed.fields ? 'customer_id') THEN true
        ELSE coalesce((placed.fields ->> 'customer_id')::bigint = $1, false)
    END
    FROM (SELECT to_jsonb(o) AS fields FROM {ORDERS} o WHERE o.id = $2) AS placed
$$""",
]
DROP_OWN_ORDERS = [f"DROP FUNCTION {IS_CUSTOMER_ORDER}(bigint, bigint)"]
for _name, _spec in ORDER_REFERENCES.items():
    _create, _drop_statements = _own_orders(_name, *_spec)
    OWN_ORDERS += _create
    DROP_OWN_ORDERS = _drop_statements + DROP_OWN_ORDERS


# Rated orders ---------------------------------------------------------------------
# Only a finished order is rated: delivered (FOOD, PARCEL) or completed (RIDE).
# (That it is the customer's own order is OWN_ORDERS'.)

RATEABLE_ORDER_STATUSES = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
_RATEABLE = ", ".join(f"'{status.value}'" for status in RATEABLE_ORDER_STATUSES)

RATED_ORDERS = [
    f"""
CREATE FUNCTION {_function("customer_ratings_order_finished")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    order_status text;
BEGIN
    SELECT status INTO order_status FROM {ORDERS} WHERE id = NEW.order_id;
    IF order_status IS NULL OR order_status NOT IN ({_RATEABLE}) THEN
        RAISE EXCEPTION 'customers.customer_ratings: order % is %; only delivered or completed orders are rated',
            NEW.order_id, coalesce(order_status, 'not found') USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_ratings_order_finished",
        "BEFORE INSERT OR UPDATE OF order_id",
        "customer_ratings",
        "customer_ratings_order_finished",
    ),
]
DROP_RATED_ORDERS = _drop(
    "customer_ratings_order_finished", "customer_ratings", "customer_ratings_order_finished"
)


# Cart lines of the cart's store ---------------------------------------------------
# A cart line is a menu item of its cart's store (so only FOOD carts have
# lines), and its variant is a variant of that item. A cart that switches
# store must be emptied first.

MENU_ITEMS = quote_table(schema_table("merchants", "merchant_menu_items"))
MENU_ITEM_VARIANTS = quote_table(schema_table("merchants", "merchant_menu_item_variants"))

CART_LINES = [
    f"""
CREATE FUNCTION {_function("customer_cart_items_from_cart_store")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    cart_store bigint;
    item_store bigint;
BEGIN
    SELECT store_id INTO cart_store FROM {_table("customer_carts")} WHERE id = NEW.cart_id;
    SELECT store_id INTO item_store FROM {MENU_ITEMS} WHERE id = NEW.menu_item_id;
    IF cart_store IS NULL OR item_store IS DISTINCT FROM cart_store THEN
        RAISE EXCEPTION 'customers.customer_cart_items: menu item % is of store %, cart % is of store %',
            NEW.menu_item_id, coalesce(item_store::text, 'not found'), NEW.cart_id,
            coalesce(cart_store::text, 'none (not a FOOD cart)')
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.variant_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM {MENU_ITEM_VARIANTS} WHERE id = NEW.variant_id AND menu_item_id = NEW.menu_item_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_cart_items: variant % is not a variant of menu item %',
            NEW.variant_id, NEW.menu_item_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    _trigger(
        "customer_cart_items_from_cart_store",
        "BEFORE INSERT OR UPDATE OF cart_id, menu_item_id, variant_id",
        "customer_cart_items",
        "customer_cart_items_from_cart_store",
    ),
    f"""
CREATE FUNCTION {_function("customer_carts_lines_of_store")}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM {_table("customer_cart_items")} line
        JOIN {MENU_ITEMS} item ON item.id = line.menu_item_id
        WHERE line.cart_id = NEW.id AND item.store_id IS DISTINCT FROM NEW.store_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_carts: cart % has lines from store %; empty it before switching to store %',
            NEW.id, OLD.store_id, NEW.store_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    f'CREATE TRIGGER "customer_carts_lines_of_store" BEFORE UPDATE OF store_id '
    f"ON {_table('customer_carts')} FOR EACH ROW "
    "WHEN (OLD.store_id IS DISTINCT FROM NEW.store_id) "
    f"EXECUTE FUNCTION {_function('customer_carts_lines_of_store')}()",
]
DROP_CART_LINES = [
    *_drop("customer_carts_lines_of_store", "customer_carts", "customer_carts_lines_of_store"),
    *_drop(
        "customer_cart_items_from_cart_store",
        "customer_cart_items",
        "customer_cart_items_from_cart_store",
    ),
]


# Provider message ids --------------------------------------------------------------
# customer_notifications is partitioned by month; a unique index there must
# include created_at, which would let the same provider message be recorded
# once per month. A provider's delivery reports are matched by its message
# id, so the rule is kept by this trigger instead: a second row with the same
# (provider, provider_message_id), in any partition, is refused. Writers of
# one id are serialised by a transaction advisory lock, so two concurrent
# inserts cannot both pass (the later one sees the earlier once it commits).


def _provider_message_function(lock_key, create="CREATE"):
    return f"""
{create} FUNCTION {_function("customer_notifications_provider_message_uniq")}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    existing bigint;
BEGIN
    IF NEW.provider_message_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(
        hashtext('customers.customer_notifications'),
        {lock_key});
    SELECT id INTO existing FROM {_table("customer_notifications")}
        WHERE provider_message_id = NEW.provider_message_id AND provider = NEW.provider
          AND id <> NEW.id
        LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'customers.customer_notifications: % message % is already recorded (notification %)',
            coalesce(nullif(NEW.provider, ''), 'provider'), NEW.provider_message_id, existing
            USING ERRCODE = 'unique_violation',
                  CONSTRAINT = 'customer_notifications_provider_message_uniq';
    END IF;
    RETURN NEW;
END
$$"""


#: customers 0005: one lock per provider message id.
_LOCK_PER_MESSAGE = "hashtext(NEW.provider || ':' || NEW.provider_message_id)"

PROVIDER_MESSAGE_UNIQUE = [
    _provider_message_function(_LOCK_PER_MESSAGE),
    _trigger(
        "customer_notifications_provider_message_uniq",
        "BEFORE INSERT OR UPDATE OF provider, provider_message_id",
        "customer_notifications",
        "customer_notifications_provider_message_uniq",
    ),
]
DROP_PROVIDER_MESSAGE_UNIQUE = _drop(
    "customer_notifications_provider_message_uniq",
    "customer_notifications",
    "customer_notifications_provider_message_uniq",
)


# customers 0006: a lock per message id filled PostgreSQL's shared lock table
# (max_locks_per_transaction x max_connections, 6,400 by default) when one
# transaction wrote more rows than that: a campaign's notifications, a bulk
# load ("out of shared memory"). The ids hash into 256 lock buckets instead:
# writers of one id still take the same lock, and a transaction holds at most
# 256 of them. Two writers whose ids share a bucket wait for each other.
_LOCK_PER_BUCKET = "hashtext(NEW.provider || ':' || NEW.provider_message_id) & 255"

PROVIDER_MESSAGE_LOCK_BUCKETS = _provider_message_function(_LOCK_PER_BUCKET, "CREATE OR REPLACE")
PROVIDER_MESSAGE_LOCK_PER_MESSAGE = _provider_message_function(
    _LOCK_PER_MESSAGE, "CREATE OR REPLACE"
)
