from django.db import migrations

import audit.sql


class Migration(migrations.Migration):
    """Each change log becomes a hash chain (issue 19) without a lock on the
    writers: audit.seal(log) chains committed entries in batches into
    audit.chain_seals. The chains start at the current last entry of each
    log; entries before it stay readable, unhashed."""

    dependencies = [("audit", "0006_capture_per_statement")]

    operations = [
        migrations.RunSQL(audit.sql.CREATE_CHAIN_SEALS, audit.sql.DROP_CHAIN_SEALS),
        migrations.RunSQL(audit.sql.START_CHAINS, migrations.RunSQL.noop),
        migrations.RunSQL(audit.sql.CREATE_SEAL, audit.sql.DROP_SEAL),
    ]
