from django.db import migrations

from customers.sqlfrozen.m0015_check_notifications_per_statement import (
    CUSTOMER_ORDER_AS_JSONB,
    CUSTOMER_ORDER_BY_COLUMN,
    PROVIDER_MESSAGES_PER_ROW,
    PROVIDER_MESSAGES_PER_STATEMENT,
)


class Migration(migrations.Migration):
    """Bulk writes of notifications (issue 23): the own-orders check reads
    ``orders.customer_id`` instead of the whole order as jsonb, and the
    provider-message uniqueness is checked once per INSERT statement. Same
    refusals, same messages (the frozen module says why each holds)."""

    dependencies = [
        ("customers", "0014_check_one_ledger_row_by_probe_and_move_lifetime_points_at_once"),
    ]

    operations = [
        migrations.RunSQL(CUSTOMER_ORDER_BY_COLUMN, CUSTOMER_ORDER_AS_JSONB),
        migrations.RunSQL(PROVIDER_MESSAGES_PER_STATEMENT, PROVIDER_MESSAGES_PER_ROW),
    ]
