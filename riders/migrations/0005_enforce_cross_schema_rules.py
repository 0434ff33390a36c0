from django.db import migrations

from riders import sql


class Migration(migrations.Migration):
    """The rules that need the cross-schema columns (SQL in riders/sql.py):
    a rider's home zone and a scheme's zone lie in their city (composite
    foreign keys into orders.service_zones), and an earning pays an
    assignment of its own order, rider and service (trigger)."""

    dependencies = [
        ("riders", "0004_add_cross_schema_references"),
    ]

    operations = [
        migrations.RunSQL(sql.ZONE_IN_CITY, sql.DROP_ZONE_IN_CITY),
        migrations.RunSQL(sql.EARNING_MATCHES_ASSIGNMENT, sql.DROP_EARNING_MATCHES_ASSIGNMENT),
    ]
