"""Reading a setting: the version in effect, the city's own before the
platform-wide one, the same in Python (``SystemSetting.objects.current``)
and in SQL (``"access_mgmt".setting_value()``, for other domains'
triggers); and the settings seed."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from access_mgmt.factories import SystemSettingFactory
from access_mgmt.models import SystemSetting
from orders.factories import ServiceCityFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
KEY = "dispatch.max_batch_size"


def sql_value(key, city_id=None, at=None):
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "access_mgmt".setting_value(%s, %s, %s)', [key, city_id, at or timezone.now()]
        )
        value = cursor.fetchone()[0]
    # Django's connection leaves jsonb undecoded (the JSONField decodes it).
    return None if value is None else json.loads(value)


def both(key, city=None, at=None):
    """The value as Python and as SQL read it (they must agree)."""
    python = SystemSetting.objects.current(key, city=city, at=at)
    sql = sql_value(key, getattr(city, "pk", city), at)
    assert python == sql
    return python


@pytest.fixture
def cities():
    return ServiceCityFactory(code="BLRX"), ServiceCityFactory(code="HYDX")


def test_city_value_wins_over_platform_value(cities):
    blr, hyd = cities
    SystemSettingFactory(key=KEY, value=2)
    SystemSettingFactory(key=KEY, city=blr, value=3)
    assert both(KEY, blr) == 3
    assert both(KEY, hyd) == 2  # no value of its own: the platform's
    assert both(KEY) == 2


def test_no_value_at_all_reads_as_null(cities):
    SystemSettingFactory(key=KEY, city=cities[0], value=3)
    assert both(KEY, cities[1]) is None
    assert SystemSetting.objects.current(KEY, cities[1], default=1) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT coalesce(("access_mgmt".setting_value(%s, %s))::int, 1)',
            [KEY, cities[1].pk],
        )
        assert cursor.fetchone()[0] == 1


def test_the_version_in_effect_at_a_moment_is_read(cities):
    blr = cities[0]
    switch = NOW + timedelta(days=1)
    SystemSettingFactory(key=KEY, value=2, effective_from=NOW - timedelta(days=30))
    SystemSettingFactory(
        key=KEY,
        city=blr,
        value=3,
        effective_from=NOW - timedelta(days=30),
        effective_to=switch,
    )
    SystemSettingFactory(key=KEY, city=blr, version=2, value=4, effective_from=switch)
    assert both(KEY, blr, at=NOW) == 3
    assert both(KEY, blr, at=switch) == 4  # windows are [from, to)
    assert both(KEY, blr, at=NOW - timedelta(days=31)) is None


def test_an_ended_city_version_falls_back_to_the_platform(cities):
    blr = cities[0]
    SystemSettingFactory(key=KEY, value=2, effective_from=NOW - timedelta(days=30))
    SystemSettingFactory(
        key=KEY,
        city=blr,
        value=3,
        effective_from=NOW - timedelta(days=30),
        effective_to=NOW - timedelta(days=1),
    )
    assert both(KEY, blr) == 2


# -- fixtures/007_access_settings.json ----------------------------------------


def _snapshot():
    return [
        {**model_to_dict(row), "created_at": row.created_at, "updated_at": row.updated_at}
        for row in SystemSetting.objects.order_by("pk")
    ]


def test_settings_seed_loads_twice_without_change():
    call_command("loaddata", "007_access_settings", verbosity=0)
    first = _snapshot()
    call_command("loaddata", "007_access_settings", verbosity=0)
    assert _snapshot() == first
    assert len(first) == 2


def test_settings_seed_holds_what_dispatch_reads(cities):
    call_command("loaddata", "007_access_settings", verbosity=0)
    assert both("dispatch.max_batch_size", cities[0]) == 2
    assert both("cod.cash_in_hand_cap", cities[0]) == 5000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (\"access_mgmt\".setting_value('cod.cash_in_hand_cap', %s))::numeric(12, 2)",
            [cities[0].pk],
        )
        assert str(cursor.fetchone()[0]) == "5000.00"


def test_a_seeded_setting_is_found_by_its_natural_key():
    call_command("loaddata", "007_access_settings", verbosity=0)
    setting = SystemSetting.objects.get_by_natural_key("dispatch.max_batch_size", None, 1)
    assert setting.natural_key() == ("dispatch.max_batch_size", None, 1)
    assert str(setting) == "dispatch.max_batch_size v1 (platform-wide)"
