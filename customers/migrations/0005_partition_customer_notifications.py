from django.db import migrations, models

from customers import sql
from gatimitra.db.operations import PartitionByRange


class Migration(migrations.Migration):
    """customer_notifications partitioned by month of ``created_at``
    (docs/partitions.md). Its unique (provider_message_id, provider) cannot
    exist on a partitioned table without ``created_at``; a plain index and a
    trigger refusing a second row with the same provider message id (in any
    partition) take its place."""

    dependencies = [
        ("customers", "0004_add_cross_schema_references"),
        ("gatimitra", "0003_add_partition_functions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="customernotification",
            name="customer_notifications_provider_message_uniq",
        ),
        migrations.AddIndex(
            model_name="customernotification",
            index=models.Index(
                condition=models.Q(("provider_message_id__isnull", False)),
                fields=["provider_message_id", "provider"],
                name="customer_notifications_pmsg",
            ),
        ),
        migrations.RunSQL(sql.PROVIDER_MESSAGE_UNIQUE, sql.DROP_PROVIDER_MESSAGE_UNIQUE),
        PartitionByRange(model_name="customernotification", key="created_at", interval="month"),
    ]
