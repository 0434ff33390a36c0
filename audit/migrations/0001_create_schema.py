from django.db import migrations

from gatimitra.db.operations import CreateSchema


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        CreateSchema(
            name="audit",
            comment="Append-only audit trail of changes to money, status, identity, KYC, access rights and prices.",
        ),
    ]
