from django.db import migrations

from riders.sqlfrozen.m0018_read_same_rider_links_statically import (
    DYNAMIC_SAME_RIDER,
    STATIC_SAME_RIDER,
)


class Migration(migrations.Migration):
    """``riders.same_rider()`` reads the linked columns and their parents'
    rider with static statements instead of two ``EXECUTE`` per row (the SQL
    and the why: ``riders/sqlfrozen/m0018_read_same_rider_links_statically.py``)."""

    dependencies = [
        ("riders", "0017_check_ride_vehicle_age_and_prefer_city_welfare_rates"),
    ]

    operations = [
        migrations.RunSQL([STATIC_SAME_RIDER], [DYNAMIC_SAME_RIDER]),
    ]
