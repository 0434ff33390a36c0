from django.db import migrations

# The SQL below is this migration's own (frozen here, not imported): what it
# installs stays what it installed when the rules change in a later one.
#
# ``orders_status_timeline`` (orders 0003) ran once per order inserted, and
# each run was its own INSERT into the partitioned ``order_timeline``: a
# parsed, routed single-row statement per order of a bulk load
# (benchmarks/row_triggers.py, benchmarks/README.md "Per-row triggers"). An
# order's first timeline row needs nothing but the new row and the actor
# settings of the session, so one statement trigger with a transition table
# writes the rows of all the orders a statement inserts with one INSERT ...
# SELECT: the same columns, the same actor settings, ``clock_timestamp()``
# still read per row, and still written by a trigger (depth 2), so
# ``order_timeline_guard`` lets them through and refuses any other
# STATUS_CHANGE row as before.
#
# The UPDATE OF status path stays the row trigger of 0003 with its function
# unchanged: a statement trigger with a transition table cannot be limited
# to ``UPDATE OF status`` (PostgreSQL refuses a column list there), so every
# bulk UPDATE of orders would pay a join of its old and new rows instead.
# The reverse puts back 0003's trigger for both events.

#: The columns and values are 0003's (orders/sql.py STATUS_MACHINE), read
#: from the transition table instead of NEW; ``from_status`` is NULL on
#: INSERT there too.
TIMELINE_OF_INSERTED_ORDERS_FUNCTION = """
CREATE FUNCTION "orders".orders_status_timeline_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "orders"."order_timeline" (
        order_id, event, from_status, status, actor_type, actor_user_id, actor_ref_id,
        note, latitude, longitude, created_at, updated_at
    )
    SELECT
        inserted.id, 'STATUS_CHANGE', NULL, inserted.status,
        coalesce(nullif(current_setting('orders.actor_type', true), ''), 'SYSTEM'),
        nullif(current_setting('orders.actor_user_id', true), '')::bigint,
        nullif(current_setting('orders.actor_ref_id', true), '')::bigint,
        coalesce(nullif(current_setting('orders.status_note', true), ''), ''),
        nullif(current_setting('orders.actor_latitude', true), '')::numeric,
        nullif(current_setting('orders.actor_longitude', true), '')::numeric,
        clock_timestamp(), clock_timestamp()
    FROM inserted_orders AS inserted;
    RETURN NULL;
END
$$"""

ROW_TRIGGER_ON_INSERT_OR_UPDATE = (
    'CREATE TRIGGER orders_status_timeline AFTER INSERT OR UPDATE OF status ON "orders"."orders" '
    'FOR EACH ROW EXECUTE FUNCTION "orders".orders_status_timeline()'
)

TIMELINE_PER_INSERT_STATEMENT = [
    TIMELINE_OF_INSERTED_ORDERS_FUNCTION,
    'DROP TRIGGER orders_status_timeline ON "orders"."orders"',
    'CREATE TRIGGER orders_status_timeline AFTER UPDATE OF status ON "orders"."orders" '
    'FOR EACH ROW EXECUTE FUNCTION "orders".orders_status_timeline()',
    'CREATE TRIGGER orders_status_timeline_inserted AFTER INSERT ON "orders"."orders" '
    "REFERENCING NEW TABLE AS inserted_orders FOR EACH STATEMENT "
    'EXECUTE FUNCTION "orders".orders_status_timeline_inserted()',
]

#: Replacing triggers of audited tables is audited maintenance (audit 0008).
MAINTENANCE = (
    "SELECT audit.begin_maintenance('migration orders 0026 {way}: "
    "timeline of inserted orders written per statement')"
)

TIMELINE_PER_ROW = [
    'DROP TRIGGER orders_status_timeline_inserted ON "orders"."orders"',
    'DROP TRIGGER orders_status_timeline ON "orders"."orders"',
    ROW_TRIGGER_ON_INSERT_OR_UPDATE,
    'DROP FUNCTION "orders".orders_status_timeline_inserted()',
]


class Migration(migrations.Migration):
    """The first timeline row of the orders a statement inserts is written
    by one statement trigger with a transition table instead of one INSERT
    per order; status changes keep the row trigger (the SQL and the why: above)."""

    dependencies = [
        ("orders", "0025_index_orders_placed_at_by_service"),
        ("audit", "0008_refuse_audit_tampering"),
    ]

    operations = [
        migrations.RunSQL(
            [MAINTENANCE.format(way="forward"), *TIMELINE_PER_INSERT_STATEMENT],
            [MAINTENANCE.format(way="backward"), *TIMELINE_PER_ROW],
        ),
    ]
