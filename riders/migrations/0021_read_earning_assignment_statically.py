from django.db import migrations

from riders.sqlfrozen.m0021_read_earning_assignment_statically import (
    JSONB_EARNING_ASSIGNMENT,
    STATIC_EARNING_ASSIGNMENT,
)


class Migration(migrations.Migration):
    """``rider_order_earnings_matches_assignment`` reads the assignment's
    ``order_id`` and ``rider_id`` statically instead of through ``to_jsonb``
    (the SQL and the why:
    ``riders/sqlfrozen/m0021_read_earning_assignment_statically.py``)."""

    dependencies = [
        ("riders", "0020_check_one_ledger_row_by_probe"),
        # order_rider_assignments.rider_id, which the new body names.
        ("orders", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL([STATIC_EARNING_ASSIGNMENT], [JSONB_EARNING_ASSIGNMENT]),
    ]
