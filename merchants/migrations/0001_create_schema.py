from django.db import migrations

from gatimitra.db.operations import CreateSchema


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        CreateSchema(
            name="merchants",
            comment="Merchant parents and stores, compliance documents, menus, offers, contracts and payouts.",
        ),
    ]
