"""SQL that customers migration 0005_partition_customer_notifications ran, frozen as it ran.

The migration reads these names from ``customers.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

PROVIDER_MESSAGE_UNIQUE = [
    """
CREATE FUNCTION "customers"."customer_notifications_provider_message_uniq"() RETURNS trigger
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
$$""",
    'CREATE TRIGGER "customer_notifications_provider_message_uniq" BEFORE INSERT OR UPDATE OF provider, provider_message_id ON "customers"."customer_notifications" FOR EACH ROW EXECUTE FUNCTION "customers"."customer_notifications_provider_message_uniq"()',
]

DROP_PROVIDER_MESSAGE_UNIQUE = [
    'DROP TRIGGER "customer_notifications_provider_message_uniq" ON "customers"."customer_notifications"',
    'DROP FUNCTION "customers"."customer_notifications_provider_message_uniq"()',
]
