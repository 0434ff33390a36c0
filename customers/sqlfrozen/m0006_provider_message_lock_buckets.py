"""SQL that customers migration 0006_provider_message_lock_buckets ran, frozen as it ran.

The migration reads these names from ``customers.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

PROVIDER_MESSAGE_LOCK_BUCKETS = """
CREATE OR REPLACE FUNCTION "customers"."customer_notifications_provider_message_uniq"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    existing bigint;
BEGIN
    IF NEW.provider_message_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(
        hashtext('customers.customer_notifications'),
        hashtext(NEW.provider || ':' || NEW.provider_message_id) & 255);
    SELECT id INTO existing FROM "customers"."customer_notifications"
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

PROVIDER_MESSAGE_LOCK_PER_MESSAGE = """
CREATE OR REPLACE FUNCTION "customers"."customer_notifications_provider_message_uniq"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    existing bigint;
BEGIN
    IF NEW.provider_message_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(
        hashtext('customers.customer_notifications'),
        hashtext(NEW.provider || ':' || NEW.provider_message_id));
    SELECT id INTO existing FROM "customers"."customer_notifications"
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
