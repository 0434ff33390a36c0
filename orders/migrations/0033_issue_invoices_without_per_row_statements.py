from django.db import migrations

from orders.sqlfrozen.m0033_issue_invoices_without_per_row_statements import (
    ISSUE_AS_IN_0032,
    ISSUE_WITHOUT_PER_ROW_STATEMENTS,
)


class Migration(migrations.Migration):
    """``orders.order_invoices_issue()`` without a statement run per invoice:
    ``set_config`` by assignment, the e-invoicing registration read only for
    a B2B invoice without IRN; same numbers and refusals (the SQL and the why:
    ``orders/sqlfrozen/m0033_issue_invoices_without_per_row_statements.py``)."""

    dependencies = [
        ("orders", "0032_number_invoices_once_per_statement"),
    ]

    operations = [
        migrations.RunSQL([ISSUE_WITHOUT_PER_ROW_STATEMENTS], [ISSUE_AS_IN_0032]),
    ]
