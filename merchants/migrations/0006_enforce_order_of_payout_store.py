from django.db import migrations

from merchants import sql


class Migration(migrations.Migration):
    """An adjustment or dispute that names an order names one of the payout's
    store, checked at commit (SQL in ``merchants/sql.py``)."""

    dependencies = [
        ("merchants", "0005_enforce_zone_in_store_city"),
        ("orders", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL(sql.ORDER_OF_PAYOUT_STORE, sql.DROP_ORDER_OF_PAYOUT_STORE),
    ]
