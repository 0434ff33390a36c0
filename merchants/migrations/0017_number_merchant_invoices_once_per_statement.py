from django.db import migrations

from merchants.sqlfrozen.m0017_number_merchant_invoices_once_per_statement import (
    ISSUE_ONCE_PER_STATEMENT,
    ISSUE_PER_ROW,
)


class Migration(migrations.Migration):
    """Merchant invoice numbers: each counter row bumped once per statement,
    the statement's further serials kept in transaction-local settings and
    written back by a statement trigger, as orders 0032 does for order
    invoices (the SQL and the why:
    ``merchants/sqlfrozen/m0017_number_merchant_invoices_once_per_statement.py``).
    Same numbers, locks and refusals."""

    dependencies = [
        ("merchants", "0016_keep_pan_out_of_gstin_refusals"),
    ]

    operations = [
        migrations.RunSQL(ISSUE_ONCE_PER_STATEMENT, ISSUE_PER_ROW),
    ]
