from django.db import migrations

from audit.sqlfrozen.m0013_find_dropped_triggers_tables_in_the_catalog import (
    REFUSE_UNAUDITED_DROP_BY_CATALOG,
    REFUSE_UNAUDITED_DROP_BY_REGCLASS,
)


class Migration(migrations.Migration):
    """The drop guard of audit 0008 works whoever owns it: it finds the
    dropped trigger's table in the catalog instead of through ``to_regclass``,
    which needed USAGE on the domain schemas that the audit owner lacks (the
    SQL and the why: ``audit/sqlfrozen/m0013_find_dropped_triggers_tables_in_the_catalog.py``)."""

    dependencies = [("audit", "0012_cheaper_capture_per_statement")]

    operations = [
        migrations.RunSQL(REFUSE_UNAUDITED_DROP_BY_CATALOG, REFUSE_UNAUDITED_DROP_BY_REGCLASS),
    ]
