from django.db import migrations

from gatimitra.db.operations import LedgerChain


class Migration(migrations.Migration):
    """Issue 23: a one-row insert into the wallet ledger (the ORM's way) is
    checked by one index probe instead of version 2's windowed check
    (``LedgerChain`` version 3). Same checks, same refusals."""

    dependencies = [
        ("riders", "0019_check_ledger_chain_per_statement"),
    ]

    operations = [
        LedgerChain(model_name="WalletLedger", owner_field="rider", version=3, replaces=2),
    ]
