from django.db import migrations

from gatimitra.db.operations import PartitionByRange


class Migration(migrations.Migration):
    """location_logs partitioned by day of ``recorded_at`` (docs/partitions.md):
    about 26M pings a day, kept 90 days, expired by dropping a day's table."""

    dependencies = [
        ("gatimitra", "0003_add_partition_functions"),
        ("riders", "0005_enforce_cross_schema_rules"),
    ]

    operations = [
        PartitionByRange(model_name="locationlog", key="recorded_at", interval="day"),
    ]
