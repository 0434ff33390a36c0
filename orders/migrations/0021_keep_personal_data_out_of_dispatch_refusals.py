from django.db import migrations

from orders.sqlfrozen.m0021_keep_personal_data_out_of_dispatch_refusals import (
    DISPATCH_REFUSAL_BY_ID,
    DISPATCH_REFUSAL_WITH_NAMES,
)


class Migration(migrations.Migration):
    """Dispatch refusals name the rider and the vehicle by id, not by the
    rider's name or the vehicle's registration number (the SQL and the why:
    ``orders/sqlfrozen/m0021_keep_personal_data_out_of_dispatch_refusals.py``)."""

    dependencies = [
        ("orders", "0020_number_and_e_invoice_order_invoices"),
    ]

    operations = [
        migrations.RunSQL(DISPATCH_REFUSAL_BY_ID, DISPATCH_REFUSAL_WITH_NAMES),
    ]
