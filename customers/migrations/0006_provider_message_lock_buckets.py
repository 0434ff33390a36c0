from django.db import migrations

from customers import sql


class Migration(migrations.Migration):
    """The provider-message uniqueness trigger locks one of 256 buckets per
    row instead of one lock per message id, so a transaction that writes
    thousands of notifications no longer runs PostgreSQL out of shared lock
    memory (found by the city-scale demo seed)."""

    dependencies = [
        ("customers", "0005_partition_customer_notifications"),
    ]

    operations = [
        migrations.RunSQL(sql.PROVIDER_MESSAGE_LOCK_BUCKETS, sql.PROVIDER_MESSAGE_LOCK_PER_MESSAGE),
    ]
