import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import OrderStatus, ServiceType, SosStatus, VehicleType
from riders.choices import DutyStatus
from riders.factories.riders import RiderFactory
from riders.models import (
    DutyLog,
    LocationLog,
    RiderLiveStatus,
    RiderShift,
    RiderShiftBooking,
    RiderSosAlert,
)

# Around MG Road, Bengaluru.
LATITUDE = Decimal("12.975600")
LONGITUDE = Decimal("77.606800")


class RiderShiftFactory(DjangoModelFactory):
    zone = factory.SubFactory("orders.factories.ServiceZoneFactory")
    service_type = ServiceType.FOOD
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=1)).replace(
            hour=6, minute=30, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=4))
    capacity = 25
    min_guarantee = Decimal("450.00")

    class Meta:
        model = RiderShift


class RiderShiftBookingFactory(DjangoModelFactory):
    shift = factory.SubFactory(RiderShiftFactory)
    rider = factory.SubFactory(RiderFactory)

    class Meta:
        model = RiderShiftBooking


class DutyLogFactory(DjangoModelFactory):
    """A finished one-hour ONLINE session."""

    rider = factory.SubFactory(RiderFactory)
    status = DutyStatus.ONLINE
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + datetime.timedelta(hours=1))
    start_latitude = LATITUDE
    start_longitude = LONGITUDE
    end_latitude = Decimal("12.971600")
    end_longitude = Decimal("77.594600")

    class Meta:
        model = DutyLog


class LocationLogFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    recorded_at = factory.LazyFunction(timezone.now)
    accuracy_m = 8
    speed_kmph = 22
    bearing_deg = 135
    battery_pct = 76
    latitude = LATITUDE
    longitude = LONGITUDE

    class Params:
        on_order = factory.Trait(
            order_id=factory.Sequence(lambda n: 10_000 + n),
            order_status=OrderStatus.PICKED_UP,
        )

    class Meta:
        model = LocationLog


def zone_of(rider):
    """The rider's home zone, or a new zone when they have none yet."""
    from orders.factories import ServiceZoneFactory

    return rider.home_zone or ServiceZoneFactory()


class RiderLiveStatusFactory(DjangoModelFactory):
    """ONLINE around MG Road, in the rider's home zone."""

    rider = factory.SubFactory(RiderFactory)
    zone = factory.LazyAttribute(lambda o: zone_of(o.rider))
    duty_status = DutyStatus.ONLINE
    vehicle_type = VehicleType.MOTORCYCLE
    latitude = LATITUDE
    longitude = LONGITUDE
    location_updated_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderLiveStatus


class RiderSosAlertFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    kind = "ACCIDENT"
    status = SosStatus.RAISED
    latitude = LATITUDE
    longitude = LONGITUDE
    description = "Skidded on a wet road near the signal; knee injury."

    class Params:
        #: Raised while on an order that was picked up.
        on_order = factory.Trait(
            order=factory.SubFactory("orders.factories.OrderFactory", status=OrderStatus.PICKED_UP),
        )

    class Meta:
        model = RiderSosAlert
