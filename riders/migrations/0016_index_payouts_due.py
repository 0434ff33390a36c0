from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """The console's "payouts due" figures read the unpaid payouts through a
    partial index instead of scanning every payout ever made. Built
    CONCURRENTLY: payouts are written all day, and a plain CREATE INDEX would
    block them for the whole build."""

    atomic = False

    dependencies = [
        ("riders", "0015_allow_rider_erasure"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="riderpayout",
            index=models.Index(
                condition=models.Q(("status__in", ["SCHEDULED", "ON_HOLD", "FAILED"])),
                fields=["status"],
                include=("amount",),
                name="rider_payouts_due",
            ),
        ),
    ]
