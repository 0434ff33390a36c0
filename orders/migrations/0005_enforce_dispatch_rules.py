from django.db import migrations

from orders import sql


class Migration(migrations.Migration):
    """Dispatch eligibility and rider capacity (CATALOG section 8, items 4
    and 5; the rules are ``orders/dispatch.py``, the SQL ``orders/sql.py``):
    a trigger on ``order_rider_assignments`` that locks the rider and refuses
    an assignment becoming active for a rider who may not hold the order."""

    dependencies = [
        ("orders", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL(sql.DISPATCH_RULES, sql.DROP_DISPATCH_RULES),
    ]
