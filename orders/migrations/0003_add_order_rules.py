from django.db import migrations

from gatimitra.db.operations import AppendOnly
from orders import sql


class Migration(migrations.Migration):
    """The rules plain constraints cannot express (SQL in ``orders/sql.py``):
    append-only event tables, the status machine with its timeline, the
    totals and service-shape checks at commit, refunds within captured
    payments, and the same-parent composite foreign keys."""

    dependencies = [
        ("orders", "0002_create_order_tables"),
    ]

    operations = [
        AppendOnly(model_name="OrderTimeline"),
        AppendOnly(model_name="OrderPaymentEvent"),
        AppendOnly(model_name="ExternalProviderCallback"),
        migrations.RunSQL(sql.STATUS_MACHINE, sql.DROP_STATUS_MACHINE),
        migrations.RunSQL(sql.ORDER_TOTALS, sql.DROP_ORDER_TOTALS),
        migrations.RunSQL(sql.ORDER_SHAPE, sql.DROP_ORDER_SHAPE),
        migrations.RunSQL(sql.REFUND_LIMIT, sql.DROP_REFUND_LIMIT),
        migrations.RunSQL(sql.SAME_PARENT_KEYS, sql.DROP_SAME_PARENT_KEYS),
    ]
