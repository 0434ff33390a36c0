from django.db import migrations

from orders import sql


class Migration(migrations.Migration):
    """A rider's document is valid through its expiry date in India: the
    dispatch check compared it with the session's date, which Django sets to
    UTC, so from 18:30 to midnight UTC a document expiring today (in India)
    was refused and one that expired yesterday was not caught."""

    dependencies = [
        ("orders", "0006_partition_timeline_and_dispatch_offers"),
    ]

    operations = [
        migrations.RunSQL(sql.REPLACE_DISPATCH_REFUSAL, sql.RESTORE_SESSION_DATE_DISPATCH_REFUSAL),
    ]
