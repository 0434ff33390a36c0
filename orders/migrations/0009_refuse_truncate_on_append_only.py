from django.db import migrations

from gatimitra.db.operations import RefuseTruncate


class Migration(migrations.Migration):
    """The append-only tables of orders refuse TRUNCATE (each partition
    too), as they already refuse UPDATE and DELETE."""

    dependencies = [
        ("orders", "0008_paid_assignment_keeps_rider_and_order"),
        ("gatimitra", "0004_add_refuse_truncate_function"),
    ]

    operations = [
        RefuseTruncate(model_name="OrderTimeline"),
        RefuseTruncate(model_name="OrderPaymentEvent"),
        RefuseTruncate(model_name="ExternalProviderCallback"),
    ]
