from django.db import migrations

from gatimitra.db.operations import CreateSchema


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        CreateSchema(
            name="orders",
            comment="Orders of all three services, their items, stops, charges, payments, refunds, dispatch, invoices, settlements, pricing rules, cities and zones.",
        ),
    ]
