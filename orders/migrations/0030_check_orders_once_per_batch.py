from django.db import migrations

from orders.sqlfrozen.m0030_check_orders_once_per_batch import (
    CHECK_ONCE_PER_BATCH,
    CHECK_PER_ROW,
)


class Migration(migrations.Migration):
    """An INSERT into an order's tables queues the deferred shape and totals
    checks once per statement, and a transaction runs them once per batch,
    set-based, at commit, instead of once per row written; same refusals
    (the SQL and the why: ``orders/sqlfrozen/m0030_check_orders_once_per_batch.py``)."""

    dependencies = [
        ("orders", "0029_look_up_state_names_by_index"),
        ("audit", "0008_refuse_audit_tampering"),
    ]

    operations = [
        migrations.RunSQL(CHECK_ONCE_PER_BATCH, CHECK_PER_ROW),
    ]
