from django.db import migrations

from gatimitra.db.sql import (
    CREATE_REBUILD_TABLE_FUNCTION,
    DROP_REBUILD_TABLE_FUNCTION,
    REPLACE_REFUSE_CHANGE_FUNCTION_NAMING_TABLE,
    RESTORE_REFUSE_CHANGE_FUNCTION,
)


class Migration(migrations.Migration):
    """The function behind ``gatimitra.db.operations.PartitionByRange``: it
    rebuilds a table as RANGE-partitioned (or back) from what pg_catalog says
    the table holds when it runs, so each domain's partitioning migration
    records one deterministic statement. The append-only guard learns to
    name the partitioned table, not the partition, a refused row is in."""

    dependencies = [("gatimitra", "0002_record_migration_history_model")]

    operations = [
        migrations.RunSQL(CREATE_REBUILD_TABLE_FUNCTION, DROP_REBUILD_TABLE_FUNCTION),
        migrations.RunSQL(
            REPLACE_REFUSE_CHANGE_FUNCTION_NAMING_TABLE, RESTORE_REFUSE_CHANGE_FUNCTION
        ),
    ]
