from django.db import migrations

from orders.sqlfrozen.m0024_check_order_stops_shape_on_delete_only import (
    STOPS_SHAPE_ON_DELETE,
    STOPS_SHAPE_ON_INSERT_OR_DELETE,
)


class Migration(migrations.Migration):
    """Inserting a stop no longer queues the order-shape check: a new stop
    cannot break "one PICKUP and one DROP", and a new order is checked by
    its own trigger (the SQL and the why:
    ``orders/sqlfrozen/m0024_check_order_stops_shape_on_delete_only.py``)."""

    dependencies = [
        ("orders", "0023_restrict_fare_policy_gst_to_slabs"),
    ]

    operations = [
        migrations.RunSQL(STOPS_SHAPE_ON_DELETE, STOPS_SHAPE_ON_INSERT_OR_DELETE),
    ]
