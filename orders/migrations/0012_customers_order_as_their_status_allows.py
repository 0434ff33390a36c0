from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
FORWARD = [
    """
CREATE FUNCTION "orders"."orders_customer_may_order"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    SELECT status, cod_enabled INTO c FROM "customers"."customers" WHERE id = NEW.customer_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- the (deferred) foreign key reports it
    END IF;
    IF TG_OP = 'INSERT' AND c.status <> 'ACTIVE' THEN
        RAISE EXCEPTION 'orders.orders: customer % is %; order % cannot be placed',
            NEW.customer_id, c.status, NEW.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_customer_may_order';
    END IF;
    IF NEW.payment_method = 'CASH' AND NOT c.cod_enabled THEN
        RAISE EXCEPTION 'orders.orders: customer % may not pay cash (cod_enabled is false); order % cannot be a CASH order',
            NEW.customer_id, NEW.order_number
            USING ERRCODE = 'check_violation', CONSTRAINT = 'orders_customer_cod_enabled';
    END IF;
    RETURN NEW;
END
$$""",
    # Placing is the INSERT; switching an open order to cash is checked too.
    'CREATE TRIGGER "orders_customer_may_order" BEFORE INSERT ON "orders"."orders" '
    'FOR EACH ROW EXECUTE FUNCTION "orders"."orders_customer_may_order"()',
    'CREATE TRIGGER "orders_customer_may_order_upd" BEFORE UPDATE OF payment_method, customer_id '
    'ON "orders"."orders" FOR EACH ROW '
    "WHEN (NEW.payment_method = 'CASH' AND (OLD.payment_method IS DISTINCT FROM NEW.payment_method "
    "OR OLD.customer_id IS DISTINCT FROM NEW.customer_id)) "
    'EXECUTE FUNCTION "orders"."orders_customer_may_order"()',
]
BACKWARD = [
    'DROP TRIGGER "orders_customer_may_order_upd" ON "orders"."orders"',
    'DROP TRIGGER "orders_customer_may_order" ON "orders"."orders"',
    'DROP FUNCTION "orders"."orders_customer_may_order"()',
]


class Migration(migrations.Migration):
    """Only an ACTIVE customer places orders (not a suspended, blocked or
    departing one), and cash only when COD is enabled for them."""

    dependencies = [("orders", "0011_settled_money_is_final")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
