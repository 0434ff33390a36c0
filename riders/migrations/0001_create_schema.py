from django.db import migrations

from gatimitra.db.operations import CreateSchema


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        CreateSchema(
            name="riders",
            comment="Delivery partners and drivers: onboarding and KYC, vehicles, shifts, duty and location, earnings, wallet ledger and payouts.",
        ),
    ]
