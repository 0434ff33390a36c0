import django.db.models.deletion
from django.db import migrations, models

from gatimitra.db.operations import PartitionByRange
from orders import sql


class Migration(migrations.Migration):
    """order_timeline and order_dispatch_offers partitioned by month of
    ``created_at`` (docs/partitions.md). PostgreSQL cannot point a foreign
    key at a partitioned table's ``id`` alone, so the assignment's offer
    becomes a soft reference checked by a trigger (exists, same order and
    rider; deleting an offer in use refused) before the offers table is
    converted."""

    dependencies = [
        ("gatimitra", "0003_add_partition_functions"),
        ("orders", "0005_enforce_dispatch_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="orderriderassignment",
            name="offer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The offer the rider accepted (made to this rider for this order).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assignments",
                to="orders.orderdispatchoffer",
            ),
        ),
        migrations.RunSQL(sql.DISPATCH_OFFER_REFERENCE, sql.DROP_DISPATCH_OFFER_REFERENCE),
        PartitionByRange(model_name="orderdispatchoffer", key="created_at", interval="month"),
        PartitionByRange(model_name="ordertimeline", key="created_at", interval="month"),
    ]
