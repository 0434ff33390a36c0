from django.db import migrations

import audit.sql


class Migration(migrations.Migration):
    """The audit capture cheaper for statements of many rows (issue 23): from
    ``BULK_FROM_ROWS`` rows a statement's entries are written by a statement
    built for its table from the catalog (typed columns, a typed join of old
    and new rows), planned once per statement; fewer rows keep audit 0012's
    static statements. The same entries, redaction, actor and row hashes
    (``audit/sqlfrozen/m0015_cheaper_bulk_capture.py``; figures:
    benchmarks/README.md, "Audit 0015")."""

    dependencies = [("audit", "0014_cheaper_audit_log_writes")]

    operations = [
        migrations.RunSQL(
            audit.sql.CREATE_CAPTURE_BULK_STATEMENT, audit.sql.DROP_CAPTURE_BULK_STATEMENT
        ),
        migrations.RunSQL(
            audit.sql.CAPTURE_STATEMENT_BULK, audit.sql.RESTORE_CAPTURE_STATEMENT_CHEAPER
        ),
    ]
