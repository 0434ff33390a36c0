"""SQL that customers migration 0003_add_ledger_and_customer_triggers ran, frozen as it ran.

The migration reads these names from ``customers.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

PUBLIC_IDENTIFIERS = [
    """
CREATE FUNCTION "customers"."referral_code_for"(customer_id bigint) RETURNS text
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
    """
CREATE FUNCTION "customers"."customers_assign_referral_code"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.referral_code IS NULL OR NEW.referral_code = '' THEN
        NEW.referral_code := "customers"."referral_code_for"(NEW.id);
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customers_referral_code" BEFORE INSERT ON "customers"."customers" FOR EACH ROW EXECUTE FUNCTION "customers"."customers_assign_referral_code"()',
    """
CREATE FUNCTION "customers"."customer_tickets_assign_number"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ticket_number IS NULL OR NEW.ticket_number = '' THEN
        NEW.ticket_number := 'TKT' || lpad(NEW.id::text, 8, '0');
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_tickets_number" BEFORE INSERT ON "customers"."customer_tickets" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_tickets_assign_number"()',
    """
CREATE FUNCTION "customers"."customer_data_requests_assign_number"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.request_number IS NULL OR NEW.request_number = '' THEN
        NEW.request_number := 'DPR' || lpad(NEW.id::text, 8, '0');
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_data_requests_number" BEFORE INSERT ON "customers"."customer_data_requests" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_data_requests_assign_number"()',
]

DROP_PUBLIC_IDENTIFIERS = [
    'DROP TRIGGER "customer_data_requests_number" ON "customers"."customer_data_requests"',
    'DROP FUNCTION "customers"."customer_data_requests_assign_number"()',
    'DROP TRIGGER "customer_tickets_number" ON "customers"."customer_tickets"',
    'DROP FUNCTION "customers"."customer_tickets_assign_number"()',
    'DROP TRIGGER "customers_referral_code" ON "customers"."customers"',
    'DROP FUNCTION "customers"."customers_assign_referral_code"()',
    'DROP FUNCTION "customers"."referral_code_for"(bigint)',
]

OPENING_BALANCES = [
    """
CREATE FUNCTION "customers"."customer_wallet_opens_empty"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance <> 0 THEN
        RAISE EXCEPTION 'customers.customer_wallet: a new wallet starts at balance 0, not % (credit it through customer_wallet_transactions)',
            NEW.balance USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_wallet_opens_empty" BEFORE INSERT ON "customers"."customer_wallet" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_wallet_opens_empty"()',
    """
CREATE FUNCTION "customers"."customer_loyalty_opens_empty"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.points_balance <> 0 OR NEW.lifetime_points <> 0 THEN
        RAISE EXCEPTION 'customers.customer_loyalty: a new account starts at 0 points, not % (lifetime %); post points through customer_loyalty_transactions',
            NEW.points_balance, NEW.lifetime_points USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_loyalty_opens_empty" BEFORE INSERT ON "customers"."customer_loyalty" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_loyalty_opens_empty"()',
]

DROP_OPENING_BALANCES = [
    'DROP TRIGGER "customer_loyalty_opens_empty" ON "customers"."customer_loyalty"',
    'DROP FUNCTION "customers"."customer_loyalty_opens_empty"()',
    'DROP TRIGGER "customer_wallet_opens_empty" ON "customers"."customer_wallet"',
    'DROP FUNCTION "customers"."customer_wallet_opens_empty"()',
]

WALLET_STATE = [
    """
CREATE FUNCTION "customers"."customer_wallet_transactions_wallet_state"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    wallet_status text;
BEGIN
    SELECT status INTO wallet_status FROM "customers"."customer_wallet" WHERE id = NEW.wallet_id;
    IF wallet_status = 'CLOSED'
       OR (wallet_status = 'FROZEN' AND NEW.direction = 'DEBIT' AND NEW.txn_type <> 'EXPIRY') THEN
        RAISE EXCEPTION 'customers.customer_wallet_transactions: wallet % is %, % % refused',
            NEW.wallet_id, wallet_status, NEW.direction, NEW.txn_type
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_wallet_transactions_wallet_state" BEFORE INSERT ON "customers"."customer_wallet_transactions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_wallet_transactions_wallet_state"()',
]

DROP_WALLET_STATE = [
    'DROP TRIGGER "customer_wallet_transactions_wallet_state" ON "customers"."customer_wallet_transactions"',
    'DROP FUNCTION "customers"."customer_wallet_transactions_wallet_state"()',
]

LIFETIME_POINTS = [
    """
CREATE FUNCTION "customers"."customer_loyalty_transactions_lifetime"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint := CASE
        WHEN NEW.txn_type IN ('EARN', 'BONUS') THEN NEW.amount
        WHEN NEW.txn_type = 'REVERSE' AND NEW.direction = 'DEBIT' THEN -NEW.amount
        ELSE 0 END;
BEGIN
    IF delta <> 0 THEN
        UPDATE "customers"."customer_loyalty"
            SET lifetime_points = GREATEST(lifetime_points + delta, 0)
            WHERE id = NEW.loyalty_id;
    END IF;
    RETURN NULL;
END
$$""",
    'CREATE TRIGGER "customer_loyalty_transactions_lifetime" AFTER INSERT ON "customers"."customer_loyalty_transactions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_loyalty_transactions_lifetime"()',
    """
CREATE FUNCTION "customers"."customer_loyalty_lifetime_guard"() RETURNS trigger
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
    'CREATE TRIGGER "customer_loyalty_lifetime_guard" BEFORE UPDATE ON "customers"."customer_loyalty" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_loyalty_lifetime_guard"()',
]

DROP_LIFETIME_POINTS = [
    'DROP TRIGGER "customer_loyalty_lifetime_guard" ON "customers"."customer_loyalty"',
    'DROP FUNCTION "customers"."customer_loyalty_lifetime_guard"()',
    'DROP TRIGGER "customer_loyalty_transactions_lifetime" ON "customers"."customer_loyalty_transactions"',
    'DROP FUNCTION "customers"."customer_loyalty_transactions_lifetime"()',
]

SAME_CUSTOMER = [
    """
CREATE FUNCTION "customers"."customer_saved_contacts_same_customer"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.address_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_addresses" WHERE id = NEW.address_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_saved_contacts: address_id % is not one of customer %''s customer_addresses',
            NEW.address_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_saved_contacts_same_customer" BEFORE INSERT OR UPDATE OF customer_id, address_id ON "customers"."customer_saved_contacts" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_saved_contacts_same_customer"()',
    """
CREATE FUNCTION "customers"."customer_subscriptions_same_customer"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.payment_method_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_payment_methods" WHERE id = NEW.payment_method_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_subscriptions: payment_method_id % is not one of customer %''s customer_payment_methods',
            NEW.payment_method_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_subscriptions_same_customer" BEFORE INSERT OR UPDATE OF customer_id, payment_method_id ON "customers"."customer_subscriptions" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_subscriptions_same_customer"()',
    """
CREATE FUNCTION "customers"."customer_carts_same_customer"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.address_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_addresses" WHERE id = NEW.address_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_carts: address_id % is not one of customer %''s customer_addresses',
            NEW.address_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_carts_same_customer" BEFORE INSERT OR UPDATE OF customer_id, address_id ON "customers"."customer_carts" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_carts_same_customer"()',
    """
CREATE FUNCTION "customers"."customer_trip_shares_same_customer"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.contact_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_emergency_contacts" WHERE id = NEW.contact_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_trip_shares: contact_id % is not one of customer %''s customer_emergency_contacts',
            NEW.contact_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_trip_shares_same_customer" BEFORE INSERT OR UPDATE OF customer_id, contact_id ON "customers"."customer_trip_shares" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_trip_shares_same_customer"()',
    """
CREATE FUNCTION "customers"."customer_nps_responses_same_customer"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ticket_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_tickets" WHERE id = NEW.ticket_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_nps_responses: ticket_id % is not one of customer %''s customer_tickets',
            NEW.ticket_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_nps_responses_same_customer" BEFORE INSERT OR UPDATE OF customer_id, ticket_id ON "customers"."customer_nps_responses" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_nps_responses_same_customer"()',
    """
CREATE FUNCTION "customers"."customer_blocked_riders_same_customer"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.rating_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_ratings" WHERE id = NEW.rating_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_blocked_riders: rating_id % is not one of customer %''s customer_ratings',
            NEW.rating_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.ticket_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM "customers"."customer_tickets" WHERE id = NEW.ticket_id AND customer_id = NEW.customer_id
    ) THEN
        RAISE EXCEPTION 'customers.customer_blocked_riders: ticket_id % is not one of customer %''s customer_tickets',
            NEW.ticket_id, NEW.customer_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_blocked_riders_same_customer" BEFORE INSERT OR UPDATE OF customer_id, rating_id, ticket_id ON "customers"."customer_blocked_riders" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_blocked_riders_same_customer"()',
]

DROP_SAME_CUSTOMER = [
    'DROP TRIGGER "customer_blocked_riders_same_customer" ON "customers"."customer_blocked_riders"',
    'DROP FUNCTION "customers"."customer_blocked_riders_same_customer"()',
    'DROP TRIGGER "customer_nps_responses_same_customer" ON "customers"."customer_nps_responses"',
    'DROP FUNCTION "customers"."customer_nps_responses_same_customer"()',
    'DROP TRIGGER "customer_trip_shares_same_customer" ON "customers"."customer_trip_shares"',
    'DROP FUNCTION "customers"."customer_trip_shares_same_customer"()',
    'DROP TRIGGER "customer_carts_same_customer" ON "customers"."customer_carts"',
    'DROP FUNCTION "customers"."customer_carts_same_customer"()',
    'DROP TRIGGER "customer_subscriptions_same_customer" ON "customers"."customer_subscriptions"',
    'DROP FUNCTION "customers"."customer_subscriptions_same_customer"()',
    'DROP TRIGGER "customer_saved_contacts_same_customer" ON "customers"."customer_saved_contacts"',
    'DROP FUNCTION "customers"."customer_saved_contacts_same_customer"()',
]

PROMOTIONAL_CONSENT = [
    """
CREATE FUNCTION "customers"."customer_notifications_consent"() RETURNS trigger
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
        FROM "customers"."customer_consents"
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
    'CREATE TRIGGER "customer_notifications_consent" BEFORE INSERT OR UPDATE OF status, category, channel ON "customers"."customer_notifications" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_notifications_consent"()',
]

DROP_PROMOTIONAL_CONSENT = [
    'DROP TRIGGER "customer_notifications_consent" ON "customers"."customer_notifications"',
    'DROP FUNCTION "customers"."customer_notifications_consent"()',
]

RATING_TAGS = [
    """
CREATE FUNCTION "customers"."customer_ratings_known_tags"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    unknown text[];
BEGIN
    SELECT array_agg(code) INTO unknown
        FROM unnest(NEW.tag_codes) AS given(code)
        WHERE NOT EXISTS (
            SELECT 1 FROM "customers"."customer_rating_tags" tag
            WHERE tag.code = given.code AND tag.target_type = NEW.target_type
        );
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'customers.customer_ratings: unknown tag(s) % for target type %',
            unknown, NEW.target_type USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER "customer_ratings_known_tags" BEFORE INSERT OR UPDATE OF tag_codes, target_type ON "customers"."customer_ratings" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_ratings_known_tags"()',
]

DROP_RATING_TAGS = [
    'DROP TRIGGER "customer_ratings_known_tags" ON "customers"."customer_ratings"',
    'DROP FUNCTION "customers"."customer_ratings_known_tags"()',
]
