from django.db import migrations

import audit.sql


class Migration(migrations.Migration):
    """Nobody switches the audit trail off quietly (issue 19): TRUNCATE of
    an audit table or partition is refused with no setting that lets it
    through; disabling or dropping a trigger of an audit or audited table,
    or detaching one of its partitions, needs audit.begin_maintenance(reason)
    in the same transaction (logged, and itself audited)."""

    dependencies = [("audit", "0007_seal_audit_chains")]

    operations = [
        migrations.RunSQL(audit.sql.REPLACE_REFUSE_TRUNCATE, audit.sql.RESTORE_REFUSE_TRUNCATE),
        migrations.RunSQL(
            audit.sql.GUARD_EXISTING_PARTITIONS, audit.sql.UNGUARD_EXISTING_PARTITIONS
        ),
        migrations.RunSQL(audit.sql.CREATE_MAINTENANCE, audit.sql.DROP_MAINTENANCE),
        migrations.RunSQL(audit.sql.CREATE_GUARD_DDL, audit.sql.DROP_GUARD_DDL),
        migrations.RunSQL(audit.sql.INSTALL_EVENT_TRIGGERS, migrations.RunSQL.noop),
    ]
