from django.db import migrations

from orders.sqlfrozen.m0032_number_invoices_once_per_statement import (
    ISSUE_ONCE_PER_STATEMENT,
    ISSUE_PER_ROW,
)


class Migration(migrations.Migration):
    """Invoice numbers: a statement bumps each counter row once and keeps the
    serials of its further invoices in transaction-local settings, written
    back to the counter at the statement's end; the same numbers, locks and
    refusals (the SQL and the why:
    ``orders/sqlfrozen/m0032_number_invoices_once_per_statement.py``)."""

    dependencies = [
        ("orders", "0031_check_settlements_once_per_batch"),
    ]

    operations = [
        migrations.RunSQL(ISSUE_ONCE_PER_STATEMENT, ISSUE_PER_ROW),
    ]
