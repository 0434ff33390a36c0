from django.db import migrations

from orders import sql


class Migration(migrations.Migration):
    """An assignment that has its earning keeps the rider and order the
    earning pays: riders checks the pair when the earning is written, and
    a later change of the assignment went unchecked."""

    dependencies = [
        ("orders", "0007_documents_expire_in_india_time"),
        ("riders", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL(
            sql.PAID_ASSIGNMENT_KEEPS_RIDER_AND_ORDER,
            sql.DROP_PAID_ASSIGNMENT_KEEPS_RIDER_AND_ORDER,
        ),
    ]
