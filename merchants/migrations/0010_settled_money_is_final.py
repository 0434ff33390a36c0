from django.db import migrations

from gatimitra.db.operations import FinalRows


class Migration(migrations.Migration):
    """A PROCESSED store payout is final: the money is in the merchant's
    bank. A correction is an adjustment on the store's next payout."""

    dependencies = [("merchants", "0009_guard_status_machines")]

    operations = [
        FinalRows(
            model_name="merchantstorepayout",
            purpose="processed_is_final",
            condition="OLD.status = 'PROCESSED'",
            state="a PROCESSED payout",
            correction="correct it with an adjustment on the store's next payout",
        ),
    ]
