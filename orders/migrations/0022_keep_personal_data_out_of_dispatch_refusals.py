from django.db import migrations

from orders.sqlfrozen.m0022_keep_personal_data_out_of_dispatch_refusals import (
    DISPATCH_REFUSAL_BY_ID,
    DISPATCH_REFUSAL_WITH_NAMES,
)


class Migration(migrations.Migration):
    """Dispatch refusals name the rider and the vehicle by id, not by the
    rider's name or the vehicle's registration number (the SQL and the why:
    ``orders/sqlfrozen/m0022_keep_personal_data_out_of_dispatch_refusals.py``)."""

    dependencies = [
        ("orders", "0021_use_one_message_for_checked_lists"),
    ]

    operations = [
        migrations.RunSQL(DISPATCH_REFUSAL_BY_ID, DISPATCH_REFUSAL_WITH_NAMES),
    ]
