from django.db import migrations

from customers.sqlfrozen.m0013_check_ledger_chains_per_statement import (
    DROP_ROW_CHAIN,
    RESTORE_ROW_CHAIN,
)
from gatimitra.db.operations import LedgerChain

# Replacing triggers of audited tables is audited maintenance (audit 0008).
MAINTENANCE = "SELECT audit.begin_maintenance('migration customers 0013 {way}: ledger chains checked per statement')"


class Migration(migrations.Migration):
    """The wallet and loyalty ledgers' chains are checked once per INSERT
    statement (issue 23): rows whose writer supplies seq_no and
    balance_after (COPY, ``gatimitra.db.ledgers.append_entries``) no longer
    pay a lock and a lookup each; the row trigger still numbers the rows
    that leave them to the database. Same checks, same refusals."""

    dependencies = [
        ("customers", "0012_resolve_states_and_check_gstins"),
        ("audit", "0008_refuse_audit_tampering"),
    ]

    operations = [
        migrations.RunSQL(
            [MAINTENANCE.format(way="forward"), *DROP_ROW_CHAIN],
            [MAINTENANCE.format(way="backward"), *RESTORE_ROW_CHAIN],
        ),
        LedgerChain(
            model_name="CustomerWalletTransaction",
            owner_field="wallet",
            min_balance=0,
            owner_balance_field="balance",
            version=2,
        ),
        LedgerChain(
            model_name="CustomerLoyaltyTransaction",
            owner_field="loyalty",
            min_balance=0,
            owner_balance_field="points_balance",
            version=2,
        ),
    ]
