from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import OrderStatus, ServiceType, VehicleType
from orders.choices import AssignmentStatus, DispatchOfferStatus, StopType
from orders.factories.orders import OrderFactory
from orders.models import OrderDeliveryProof, OrderDispatchOffer, OrderRiderAssignment

#: The vehicle a dispatchable rider of each service rides unless told otherwise.
DEFAULT_VEHICLE_TYPES = {
    ServiceType.FOOD: VehicleType.MOTORCYCLE,
    ServiceType.PARCEL: VehicleType.MOTORCYCLE,
    ServiceType.RIDE: VehicleType.AUTO_RICKSHAW,
}


def riders_vehicle(rider):
    return rider.vehicles.filter(is_active=True).order_by("id").first()


def vehicle_type_for(order):
    """The vehicle a rider needs for ``order``: the one booked for a RIDE."""
    if order.service_type == ServiceType.RIDE:
        ride = getattr(order, "ride_details", None)
        if ride is not None:
            return ride.vehicle_type
    return DEFAULT_VEHICLE_TYPES[order.service_type]


class OrderDispatchOfferFactory(DjangoModelFactory):
    """An offer of a rider-less order to a rider dispatch would accept."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.SEARCHING_RIDER)
    rider = factory.SubFactory(
        "orders.factories.scenarios.DispatchableRiderFactory",
        service_type=factory.SelfAttribute("..order.service_type"),
        vehicle_type=factory.LazyAttribute(lambda o: vehicle_type_for(o.factory_parent.order)),
    )
    status = DispatchOfferStatus.SENT
    rank = 1
    distance_to_pickup_m = 1200
    eta_to_pickup_s = 300
    payout_shown = Decimal("42.00")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.sent_at + timedelta(seconds=30))

    class Meta:
        model = OrderDispatchOffer


class OrderRiderAssignmentFactory(DjangoModelFactory):
    """An assignment of the order to an eligible rider, on the rider's
    vehicle (a new dispatchable rider unless ``rider`` is given)."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.ASSIGNED, with_assignment=False)
    rider = factory.SubFactory(
        "orders.factories.scenarios.DispatchableRiderFactory",
        service_type=factory.SelfAttribute("..order.service_type"),
        vehicle_type=factory.LazyAttribute(lambda o: vehicle_type_for(o.factory_parent.order)),
    )
    vehicle = factory.LazyAttribute(lambda o: riders_vehicle(o.rider))
    status = AssignmentStatus.ASSIGNED
    assigned_at = factory.LazyFunction(timezone.now)
    ended_at = factory.LazyAttribute(
        lambda o: (
            None
            if o.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)
            else timezone.now()
        )
    )

    class Meta:
        model = OrderRiderAssignment


class OrderDeliveryProofFactory(DjangoModelFactory):
    """Delivery OTP verified at the DROP stop of a delivered order, by the
    rider who delivered it."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.DELIVERED)
    stop = factory.LazyAttribute(lambda o: o.order.stops.filter(stop_type=StopType.DROP).first())
    rider = factory.LazyAttribute(
        lambda o: getattr(o.order.rider_assignments.order_by("-id").first(), "rider", None)
    )
    kind = "OTP"
    otp_verified = True
    latitude = factory.SelfAttribute("stop.latitude")
    longitude = factory.SelfAttribute("stop.longitude")
    captured_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = OrderDeliveryProof
