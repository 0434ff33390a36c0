import string
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import ServiceType, VehicleType
from orders.models import (
    DeliveryFeeRule,
    IndianState,
    RideFarePolicy,
    ServiceCity,
    ServiceZone,
    SurgePricingRule,
)

#: Rules built by factories are valid from here on, open-ended.
RULES_VALID_FROM = datetime(2024, 1, 1, tzinfo=UTC)


def letters(n, width=5):
    """0 -> AAAAA, 1 -> AAAAB ...: unique capital-letter codes."""
    out = []
    for _ in range(width):
        n, digit = divmod(n, 26)
        out.append(string.ascii_uppercase[digit])
    return "".join(reversed(out))


class ServiceCityFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"C{letters(n)}")
    name = factory.Faker("city", locale="en_IN")
    state_name = "Karnataka"
    state_code = "29"
    launch_status = "LIVE"
    services_enabled = factory.LazyFunction(lambda: list(ServiceType.values))
    center_latitude = Decimal("12.971600")
    center_longitude = Decimal("77.594600")
    launched_on = date(2024, 1, 1)

    class Meta:
        model = ServiceCity
        django_get_or_create = ("code",)


#: The city every zone is in unless told otherwise: one object graph (the
#: order, its store, its rider, the rider's home zone) shares one city, as
#: dispatch requires (``order_rider_assignments_rider_in_order_city``). A
#: test wanting another city passes ``city=ServiceCityFactory()``.
HOME_CITY = {
    "code": "BLR",
    "name": "Bengaluru",
    "state_name": "Karnataka",
    "state_code": "29",
}


class ServiceZoneFactory(DjangoModelFactory):
    city = factory.SubFactory(ServiceCityFactory, **HOME_CITY)
    code = factory.Sequence(lambda n: f"Z{n:05d}")
    name = factory.Faker("street_name", locale="en_IN")
    kind = "SERVICEABLE"
    services_enabled = factory.LazyFunction(lambda: list(ServiceType.values))
    boundary = factory.LazyAttribute(
        lambda o: {
            "type": "Polygon",
            "coordinates": [
                [[77.60, 12.92], [77.64, 12.92], [77.64, 12.95], [77.60, 12.95], [77.60, 12.92]]
            ],
        }
    )
    center_latitude = Decimal("12.935000")
    center_longitude = Decimal("77.620000")

    class Meta:
        model = ServiceZone
        django_get_or_create = ("city", "code")


class RideFarePolicyFactory(DjangoModelFactory):
    """Version 1 of a city's fare for a vehicle type, reused when it exists
    (active policies of one city and vehicle cannot overlap)."""

    city = factory.SubFactory(ServiceCityFactory)
    vehicle_type = VehicleType.AUTO_RICKSHAW
    version = 1
    base_fare = Decimal("30.00")
    base_distance_m = 3000  # MVAG 2025: the base fare covers at least 3 km
    per_km_rate = Decimal("15.00")
    per_minute_rate = Decimal("1.00")
    minimum_fare = Decimal("30.00")
    free_waiting_minutes = 3
    waiting_charge_per_minute = Decimal("1.50")
    night_multiplier = Decimal("1.50")
    night_starts_at = factory.LazyFunction(lambda: datetime(2024, 1, 1, 23).time())
    night_ends_at = factory.LazyFunction(lambda: datetime(2024, 1, 1, 5).time())
    cancellation_fee = Decimal("25.00")
    platform_fee = Decimal("5.00")
    valid_from = RULES_VALID_FROM
    valid_to = None
    active = True
    created_by = factory.SubFactory("access_mgmt.factories.SystemUserFactory")

    class Meta:
        model = RideFarePolicy
        django_get_or_create = ("city", "vehicle_type", "version")


class DeliveryFeeRuleFactory(DjangoModelFactory):
    zone = factory.SubFactory(ServiceZoneFactory)
    service_type = ServiceType.FOOD
    priority = 100
    min_distance_m = 0
    max_distance_m = 7000
    base_fee = Decimal("25.00")
    per_km_fee = Decimal("6.00")
    valid_from = RULES_VALID_FROM
    created_by = factory.SubFactory("access_mgmt.factories.SystemUserFactory")

    class Meta:
        model = DeliveryFeeRule


class SurgePricingRuleFactory(DjangoModelFactory):
    zone = factory.SubFactory(ServiceZoneFactory)
    service_type = ServiceType.FOOD
    trigger = "RAIN"
    multiplier = Decimal("1.20")
    max_multiplier = Decimal("2.00")
    max_surge_fee = Decimal("40.00")
    reason = "Rain in the zone"
    valid_from = factory.LazyFunction(timezone.now)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + timedelta(hours=2))
    created_by = factory.SubFactory("access_mgmt.factories.SystemUserFactory")

    class Meta:
        model = SurgePricingRule


class IndianStateFactory(DjangoModelFactory):
    """One of the states the migration seeded (the rows are reference data)."""

    code = "29"

    class Meta:
        model = IndianState
        django_get_or_create = ("code",)
