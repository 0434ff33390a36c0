from django.db import migrations

from gatimitra.db.operations import PartitionByRange

LOGS = [
    "systemauditlog",
    "merchantauditlog",
    "customerauditlog",
    "riderauditlog",
    "orderauditlog",
    "accessauditlog",
    "piiaccesslog",
]


class Migration(migrations.Migration):
    """The audit logs partitioned by month of ``created_at``
    (docs/partitions.md): years of entries, archived a month at a time by
    detaching. Their append-only and TRUNCATE guards carry over."""

    dependencies = [
        ("audit", "0004_track_domain_tables"),
        ("gatimitra", "0003_add_partition_functions"),
    ]

    operations = [
        PartitionByRange(model_name=name, key="created_at", interval="month") for name in LOGS
    ]
