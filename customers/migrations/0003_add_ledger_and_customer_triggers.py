from django.db import migrations

from customers import sql
from gatimitra.db.operations import AppendOnly, LedgerChain


class Migration(migrations.Migration):
    """The rules PostgreSQL enforces beyond the tables' own constraints:
    the two ledgers (append-only, chained per owner, never below zero, the
    owner's balance kept equal to the ledger), the other append-only logs,
    and the customers domain's triggers (see ``customers/sql.py``)."""

    dependencies = [
        ("customers", "0002_create_customer_tables"),
    ]

    operations = [
        AppendOnly(model_name="CustomerWalletTransaction"),
        LedgerChain(
            model_name="CustomerWalletTransaction",
            owner_field="wallet",
            min_balance=0,
            owner_balance_field="balance",
        ),
        AppendOnly(model_name="CustomerLoyaltyTransaction"),
        LedgerChain(
            model_name="CustomerLoyaltyTransaction",
            owner_field="loyalty",
            min_balance=0,
            owner_balance_field="points_balance",
        ),
        AppendOnly(model_name="CustomerConsent"),
        AppendOnly(model_name="CustomerTicketEvent"),
        migrations.RunSQL(sql.PUBLIC_IDENTIFIERS, sql.DROP_PUBLIC_IDENTIFIERS),
        migrations.RunSQL(sql.OPENING_BALANCES, sql.DROP_OPENING_BALANCES),
        migrations.RunSQL(sql.WALLET_STATE, sql.DROP_WALLET_STATE),
        migrations.RunSQL(sql.LIFETIME_POINTS, sql.DROP_LIFETIME_POINTS),
        migrations.RunSQL(sql.SAME_CUSTOMER, sql.DROP_SAME_CUSTOMER),
        migrations.RunSQL(sql.PROMOTIONAL_CONSENT, sql.DROP_PROMOTIONAL_CONSENT),
        migrations.RunSQL(sql.RATING_TAGS, sql.DROP_RATING_TAGS),
    ]
