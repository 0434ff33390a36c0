from django.db import migrations

from gatimitra.db.operations import LedgerChain
from riders.sqlfrozen.m0019_check_ledger_chain_per_statement import (
    DROP_ROW_CHAIN,
    RESTORE_ROW_CHAIN,
)

# Replacing triggers of audited tables is audited maintenance (audit 0008).
MAINTENANCE = "SELECT audit.begin_maintenance('migration riders 0019 {way}: wallet ledger chain checked per statement')"


class Migration(migrations.Migration):
    """The wallet ledger's chain is checked once per INSERT statement (issue
    23): rows whose writer supplies seq_no and balance_after (COPY,
    ``gatimitra.db.ledgers.append_entries``) no longer pay a lock and a
    lookup each; the row trigger still numbers the rows that leave them to
    the database. Same checks, same refusals."""

    dependencies = [
        ("riders", "0018_read_same_rider_links_statically"),
        ("audit", "0008_refuse_audit_tampering"),
    ]

    operations = [
        migrations.RunSQL(
            [MAINTENANCE.format(way="forward"), *DROP_ROW_CHAIN],
            [MAINTENANCE.format(way="backward"), *RESTORE_ROW_CHAIN],
        ),
        LedgerChain(model_name="WalletLedger", owner_field="rider", version=2),
    ]
