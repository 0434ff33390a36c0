from django.db import migrations

from gatimitra.db.sql import CREATE_REFUSE_TRUNCATE_FUNCTION, DROP_REFUSE_TRUNCATE_FUNCTION


class Migration(migrations.Migration):
    """The trigger function behind ``gatimitra.db.operations.RefuseTruncate``:
    append-only tables refuse TRUNCATE as they refuse UPDATE and DELETE, so
    their owner (or the migrator) cannot empty a ledger in one statement."""

    dependencies = [("gatimitra", "0003_add_partition_functions")]

    operations = [
        migrations.RunSQL(CREATE_REFUSE_TRUNCATE_FUNCTION, DROP_REFUSE_TRUNCATE_FUNCTION),
    ]
