from django.db import migrations

from customers.sqlfrozen.m0014_check_one_ledger_row_by_probe_and_move_lifetime_points_at_once import (
    LIFETIME_IN_ONE_UPDATE,
    LIFETIME_PER_OWNER,
)
from gatimitra.db.operations import LedgerChain


class Migration(migrations.Migration):
    """Issue 23. A one-row insert into the wallet or loyalty ledger (the
    ORM's way) is checked by one index probe instead of version 2's windowed
    check (``LedgerChain`` version 3); a statement's lifetime points move in
    one UPDATE of the loyalty accounts instead of one per account, so a bulk
    load runs the accounts' audit capture once, not once per account. Same
    checks, same refusals, same figures."""

    dependencies = [
        ("customers", "0013_check_ledger_chains_per_statement"),
    ]

    operations = [
        LedgerChain(
            model_name="CustomerWalletTransaction",
            owner_field="wallet",
            min_balance=0,
            owner_balance_field="balance",
            version=3,
            replaces=2,
        ),
        LedgerChain(
            model_name="CustomerLoyaltyTransaction",
            owner_field="loyalty",
            min_balance=0,
            owner_balance_field="points_balance",
            version=3,
            replaces=2,
        ),
        migrations.RunSQL([LIFETIME_IN_ONE_UPDATE], [LIFETIME_PER_OWNER]),
    ]
