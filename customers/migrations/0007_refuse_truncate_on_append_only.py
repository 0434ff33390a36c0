from django.db import migrations

from gatimitra.db.operations import RefuseTruncate


class Migration(migrations.Migration):
    """The append-only tables of customers refuse TRUNCATE (each partition
    too), as they already refuse UPDATE and DELETE."""

    dependencies = [
        ("customers", "0006_provider_message_lock_buckets"),
        ("gatimitra", "0004_add_refuse_truncate_function"),
    ]

    operations = [
        RefuseTruncate(model_name="CustomerConsent"),
        RefuseTruncate(model_name="CustomerTicketEvent"),
        RefuseTruncate(model_name="CustomerWalletTransaction"),
        RefuseTruncate(model_name="CustomerLoyaltyTransaction"),
    ]
