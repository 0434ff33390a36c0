from django.db import migrations

from gatimitra.db.operations import RefuseTruncate


class Migration(migrations.Migration):
    """The append-only tables of merchants refuse TRUNCATE (each partition
    too), as they already refuse UPDATE and DELETE."""

    dependencies = [
        ("merchants", "0007_admin_search_indexes"),
        ("gatimitra", "0004_add_refuse_truncate_function"),
    ]

    operations = [
        RefuseTruncate(model_name="MerchantItemStockEvent"),
        RefuseTruncate(model_name="MerchantStoreAvailabilityLog"),
    ]
