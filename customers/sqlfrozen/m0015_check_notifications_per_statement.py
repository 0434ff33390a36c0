"""SQL of customers 0015, frozen as it ran (docs/migrations.md).

Two costs of a bulk write into the customers tables that the city seed's
``customer_notifications`` paid per row (issue 23):

* ``is_customer_order`` read the order as ``to_jsonb(o)`` so that it stayed
  valid before orders 0004 added ``orders.customer_id``; turning a whole
  order row into jsonb is ~85 us, most of every own-orders trigger's time.
  customers 0010 depends on orders 0018, so from 0015 on the column exists
  and is read directly: same answer (NULL for a missing order, false for
  another customer's or a NULL owner), and every own-orders trigger of the
  customers tables gets it without being replaced.
* the provider-message uniqueness (0005, 0006) ran a lock and a lookup per
  inserted row. INSERTs are checked once per statement: the statement's
  rows, a transition table, are joined once to the index, and each lock
  bucket they hash into is taken once, in bucket order (so two bulk
  writers cannot deadlock on buckets). An UPDATE of the provider or its
  message id keeps the row trigger: a transition table cannot be limited
  to ``UPDATE OF`` columns, and those updates are rare.
"""

from customers.sqlfrozen.m0004_add_cross_schema_references import OWN_ORDERS
from customers.sqlfrozen.m0005_partition_customer_notifications import PROVIDER_MESSAGE_UNIQUE

CUSTOMER_ORDER_BY_COLUMN = """
CREATE OR REPLACE FUNCTION "customers"."is_customer_order"(customer_id bigint, order_id bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(o.customer_id = $1, false) FROM "orders"."orders" o WHERE o.id = $2
$$"""

#: 0004's body, put back by the reversal.
CUSTOMER_ORDER_AS_JSONB = OWN_ORDERS[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)

#: The statement's first refused row is the one with the lowest id that
#: repeats a row recorded before the statement or one of its own rows with
#: a lower id: with ids assigned in the order rows are written, the row and
#: the notification the row trigger named.
PROVIDER_MESSAGES_PER_STATEMENT = [
    """
CREATE FUNCTION "customers"."customer_notifications_provider_messages_uniq"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bucket integer;
    clash record;
BEGIN
    FOR bucket IN
        SELECT DISTINCT hashtext(n.provider || ':' || n.provider_message_id) & 255
        FROM new_notifications n
        WHERE n.provider_message_id IS NOT NULL AND n.provider IS NOT NULL
        ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(hashtext('customers.customer_notifications'), bucket);
    END LOOP;
    SELECT n.provider, n.provider_message_id, other.id AS existing INTO clash
    FROM new_notifications n
    JOIN "customers"."customer_notifications" other
      ON other.provider_message_id = n.provider_message_id AND other.provider = n.provider
         AND other.id <> n.id
    WHERE n.provider_message_id IS NOT NULL
      AND (other.id < n.id OR NOT EXISTS (SELECT 1 FROM new_notifications mine WHERE mine.id = other.id))
    ORDER BY n.id, other.id
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'customers.customer_notifications: % message % is already recorded (notification %)',
            coalesce(nullif(clash.provider, ''), 'provider'), clash.provider_message_id, clash.existing
            USING ERRCODE = 'unique_violation',
                  CONSTRAINT = 'customer_notifications_provider_message_uniq';
    END IF;
    RETURN NULL;
END
$$""",
    'DROP TRIGGER "customer_notifications_provider_message_uniq" ON "customers"."customer_notifications"',
    """
CREATE TRIGGER "customer_notifications_provider_message_uniq"
BEFORE UPDATE OF provider, provider_message_id ON "customers"."customer_notifications"
FOR EACH ROW EXECUTE FUNCTION "customers"."customer_notifications_provider_message_uniq"()""",
    """
CREATE TRIGGER "customer_notifications_provider_messages_uniq"
AFTER INSERT ON "customers"."customer_notifications"
REFERENCING NEW TABLE AS new_notifications
FOR EACH STATEMENT EXECUTE FUNCTION "customers"."customer_notifications_provider_messages_uniq"()""",
    # PostgreSQL gives partitions the row trigger but not the statement one, and
    # a partition can be written by name: each existing partition gets its own
    # copy (``manage.py partitions`` copies it onto the partitions it makes later).
    """DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_catalog.pg_inherits
                WHERE inhparent = '"customers"."customer_notifications"'::regclass ORDER BY 1 LOOP
        EXECUTE format('CREATE TRIGGER "customer_notifications_provider_messages_uniq" '
            'AFTER INSERT ON %s REFERENCING NEW TABLE AS new_notifications FOR EACH STATEMENT '
            'EXECUTE FUNCTION "customers"."customer_notifications_provider_messages_uniq"()', part);
    END LOOP;
END
$$""",
]

#: The row trigger on INSERT too, as 0005 created it.
PROVIDER_MESSAGES_PER_ROW = [
    """DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_catalog.pg_inherits
                WHERE inhparent = '"customers"."customer_notifications"'::regclass ORDER BY 1 LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS "customer_notifications_provider_messages_uniq" ON %s', part);
    END LOOP;
END
$$""",
    'DROP TRIGGER "customer_notifications_provider_messages_uniq" ON "customers"."customer_notifications"',
    'DROP FUNCTION "customers"."customer_notifications_provider_messages_uniq"()',
    'DROP TRIGGER "customer_notifications_provider_message_uniq" ON "customers"."customer_notifications"',
    PROVIDER_MESSAGE_UNIQUE[1],
]
