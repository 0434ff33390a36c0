from django.db import migrations

from merchants import sql


class Migration(migrations.Migration):
    """The zones a store's service areas and ad campaigns target lie in the
    city of the store's own zone (SQL in ``merchants/sql.py``), checked at
    commit like the cross-schema foreign keys it builds on."""

    dependencies = [
        ("merchants", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL(sql.ZONE_IN_STORE_CITY, sql.DROP_ZONE_IN_STORE_CITY),
    ]
