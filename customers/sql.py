"""Database rules of the customers domain that CHECK and UNIQUE cannot
express, as trigger SQL. One constant pair (create, drop) per concern,
applied by ``customers/migrations/0003_add_customer_triggers.py`` with
``RunSQL``. The ledgers' chaining and append-only rules come from
``gatimitra.db.operations`` (``LedgerChain``, ``AppendOnly``).

Every function lives in the ``customers`` schema and refers to tables
schema-qualified (Django's connections only see ``public``). Errors name
the table and the offending values and use SQLSTATE class 23, so Django
raises ``IntegrityError``.
"""

from gatimitra.db.tables import quote_table, schema_table

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


SAME_CUSTOMER = []
DROP_SAME_CUSTOMER = []
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
