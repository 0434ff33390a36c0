from django.db import migrations

from orders.sqlfrozen.m0016_read_cross_schema_columns_statically import (
    DYNAMIC_CROSS_SCHEMA_READS,
    STATIC_CROSS_SCHEMA_READS,
)


class Migration(migrations.Migration):
    """``dispatch_setting``, ``dispatch_refusal`` and ``check_settlement_links``
    read ``system_settings.city_id``, ``customer_blocked_riders.rider_id`` and
    ``rider_order_earnings.order_id`` statically instead of asking the catalog
    first and reading them with dynamic SQL (the SQL and the why:
    ``orders/sqlfrozen/m0016_read_cross_schema_columns_statically.py``)."""

    dependencies = [
        ("orders", "0015_completed_assignment_is_paid_and_settled"),
        ("access_mgmt", "0004_add_cross_schema_references"),
        ("customers", "0004_add_cross_schema_references"),
        ("riders", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL(STATIC_CROSS_SCHEMA_READS, DYNAMIC_CROSS_SCHEMA_READS),
    ]
