from django.db import migrations

from gatimitra.db.operations import RefuseTruncate


class Migration(migrations.Migration):
    """The append-only tables of access_mgmt refuse TRUNCATE (each partition
    too), as they already refuse UPDATE and DELETE."""

    dependencies = [
        ("access_mgmt", "0005_admin_search_indexes"),
        ("gatimitra", "0004_add_refuse_truncate_function"),
    ]

    operations = [
        RefuseTruncate(model_name="ApprovalAction"),
        RefuseTruncate(model_name="LoginAttempt"),
    ]
