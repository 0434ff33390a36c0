from django.db import migrations

from orders.sqlfrozen.m0031_check_settlements_once_per_batch import (
    CHECK_ONCE_PER_BATCH,
    CHECK_PER_ROW,
)


class Migration(migrations.Migration):
    """An INSERT into order_rider_assignments, order_settlements or
    merchant_store_payouts queues its deferred checks (completed assignment
    paid, dispatch offer, settlement links and split, payout gross) on 0030's
    per-batch queue, checked set-based at commit instead of once per row;
    same refusals (the SQL and the why:
    ``orders/sqlfrozen/m0031_check_settlements_once_per_batch.py``)."""

    dependencies = [
        ("orders", "0030_check_orders_once_per_batch"),
    ]

    operations = [
        migrations.RunSQL(CHECK_ONCE_PER_BATCH, CHECK_PER_ROW),
    ]
