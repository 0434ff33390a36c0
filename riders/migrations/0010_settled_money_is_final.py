from django.db import migrations

from gatimitra.db.operations import FinalRows


class Migration(migrations.Migration):
    """Money that has reached the rider is final: a PROCESSED payout and an
    earning the wallet ledger has credited are neither edited nor deleted;
    a correction is a compensating wallet_ledger entry (an ADJUSTMENT) or
    a new payout."""

    dependencies = [("riders", "0009_guard_status_machines")]

    operations = [
        FinalRows(
            model_name="riderpayout",
            purpose="processed_is_final",
            condition="OLD.status = 'PROCESSED'",
            state="a PROCESSED payout",
            correction="pay or recover the difference with a new payout or a wallet_ledger entry",
        ),
        FinalRows(
            model_name="riderorderearning",
            purpose="credited_is_final",
            condition=(
                'EXISTS (SELECT 1 FROM "riders"."wallet_ledger" AS entry '
                "WHERE entry.earning_id = OLD.id)"
            ),
            state="an earning the wallet ledger has credited",
            correction="write a compensating wallet_ledger entry instead",
        ),
    ]
