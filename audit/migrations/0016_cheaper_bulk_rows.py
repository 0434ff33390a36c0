from django.db import migrations

import audit.sql


class Migration(migrations.Migration):
    """The bulk capture cheaper per row (issue 23): audit 0015's statement
    built for the table now makes each entry's ``changes`` and ``row_hash``
    from text (jsonb's own print, read once as jsonb; the hash of the same
    text ``audit.row_hash`` hashes) instead of nested jsonb builders, and
    redacts personal text values from the column's text. ``audit.capture_statement``
    is unchanged (single rows as before, the built statement from 32 rows). The same entries,
    every column and row hash (``audit/sqlfrozen/m0016_cheaper_bulk_rows.py``;
    figures: benchmarks/README.md, "Audit 0016")."""

    dependencies = [("audit", "0015_cheaper_bulk_capture")]

    operations = [
        migrations.RunSQL(
            audit.sql.REPLACE_CAPTURE_BULK_STATEMENT, audit.sql.RESTORE_CAPTURE_BULK_STATEMENT
        ),
    ]
