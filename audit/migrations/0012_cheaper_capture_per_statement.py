from django.db import migrations

import audit.sql


class Migration(migrations.Migration):
    """The per-statement audit capture made cheaper (issue 23): the same
    entries, redaction, actor and row hashes as audit 0006's, with each row
    converted to jsonb once, no JIT compilation, no per-column lookups on
    INSERT and DELETE, and no diff for rows an UPDATE left unchanged."""

    dependencies = [("audit", "0011_record_verification_runs")]

    operations = [
        migrations.RunSQL(audit.sql.CAPTURE_STATEMENT_CHEAPER, audit.sql.RESTORE_CAPTURE_STATEMENT),
    ]
