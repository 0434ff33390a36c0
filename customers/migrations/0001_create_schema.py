from django.db import migrations

from gatimitra.db.operations import CreateSchema


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        CreateSchema(
            name="customers",
            comment="Customer profiles, addresses, consents, wallet and loyalty ledgers, subscriptions, support tickets, notifications and analytics.",
        ),
    ]
