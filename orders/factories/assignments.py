from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import OrderStatus, ServiceType, VehicleType, VerificationStatus
from orders import dispatch
from orders.choices import AssignmentStatus, DispatchOfferStatus, StopType
from orders.factories.orders import OrderFactory
from orders.models import OrderDeliveryProof, OrderDispatchOffer, OrderRiderAssignment
from riders.choices import DutyStatus
from riders.factories import ActiveRiderFactory, RiderDocumentFactory, RiderLiveStatusFactory

#: The vehicle a dispatchable rider of each service rides unless told otherwise.
DEFAULT_VEHICLE_TYPES = {
    ServiceType.FOOD: VehicleType.MOTORCYCLE,
    ServiceType.PARCEL: VehicleType.MOTORCYCLE,
    ServiceType.RIDE: VehicleType.AUTO_RICKSHAW,
}


def _riders_vehicle(rider):
    return rider.vehicles.filter(is_active=True).order_by("id").first()


def vehicle_type_for(order):
    """The vehicle a rider needs for ``order``: the one booked for a RIDE."""
    if order.service_type == ServiceType.RIDE:
        ride = getattr(order, "ride_details", None)
        if ride is not None:
            return ride.vehicle_type
    return DEFAULT_VEHICLE_TYPES[order.service_type]


class DispatchableRiderFactory(ActiveRiderFactory):
    """An ACTIVE rider whom dispatch accepts for ``service_type`` orders
    (``orders.dispatch``): the service enabled (FOOD and PARCEL together, or
    RIDE), an active vehicle of ``vehicle_type`` with its RC, every mandatory
    document VERIFIED and unexpired, and ONLINE in ``rider_live_status`` on
    that vehicle (``live_status__duty_status=...`` to change; ``live_status=False``
    for none)."""

    class Params:
        service_type = ServiceType.FOOD
        vehicle_type = factory.LazyAttribute(lambda o: DEFAULT_VEHICLE_TYPES[o.service_type])

    enabled_services = factory.LazyAttribute(  # type: ignore[assignment]
        lambda o: (
            list(dispatch.BATCHING_SERVICES)
            if o.service_type in dispatch.BATCHING_SERVICES
            else [o.service_type]
        )
    )
    vehicle_rc = factory.RelatedFactory(
        RiderDocumentFactory,
        factory_related_name="rider",
        vehicle_rc=True,
        verified=True,
        vehicle__vehicle_type=factory.SelfAttribute("...vehicle_type"),
    )

    @factory.post_generation
    def mandatory_documents(obj, create, extracted, **kwargs):
        """Whatever else ``orders.dispatch`` requires for the rider's
        services on their vehicle (a RIDE's permit, insurance, police
        verification), VERIFIED and valid for a year."""
        if not create or extracted is False:
            return
        vehicle = _riders_vehicle(obj)
        expires_on = timezone.localdate() + timedelta(days=365)
        for service in obj.enabled_services:
            for document_type, per_vehicle in dispatch.required_documents(
                service, vehicle.vehicle_type
            ):
                held = obj.documents.filter(
                    document_type=document_type, verification_status=VerificationStatus.VERIFIED
                )
                if per_vehicle:
                    held = held.filter(vehicle=vehicle)
                if not held.exists():
                    RiderDocumentFactory(
                        rider=obj,
                        document_type=document_type,
                        vehicle=vehicle if per_vehicle else None,
                        verified=True,
                        issued_on=expires_on - timedelta(days=730),
                        expires_on=expires_on,
                    )

    @factory.post_generation
    def live_status(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        vehicle = _riders_vehicle(obj)
        options = {"duty_status": DutyStatus.ONLINE, **kwargs}
        RiderLiveStatusFactory(
            rider=obj, vehicle=vehicle, vehicle_type=vehicle.vehicle_type, **options
        )


class OrderDispatchOfferFactory(DjangoModelFactory):
    """An offer of a rider-less order to a rider dispatch would accept."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.SEARCHING_RIDER)
    rider = factory.SubFactory(
        DispatchableRiderFactory,
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
        DispatchableRiderFactory,
        service_type=factory.SelfAttribute("..order.service_type"),
        vehicle_type=factory.LazyAttribute(lambda o: vehicle_type_for(o.factory_parent.order)),
    )
    vehicle = factory.LazyAttribute(lambda o: _riders_vehicle(o.rider))
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
