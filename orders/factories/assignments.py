from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import OrderStatus
from orders.choices import AssignmentStatus, DispatchOfferStatus, StopType
from orders.factories.orders import OrderFactory
from orders.models import OrderDeliveryProof, OrderDispatchOffer, OrderRiderAssignment


class OrderDispatchOfferFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, status=OrderStatus.SEARCHING_RIDER)
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
    order = factory.SubFactory(OrderFactory, status=OrderStatus.ASSIGNED, with_assignment=False)
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
    """Delivery OTP verified at the DROP stop of a delivered order."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.DELIVERED)
    stop = factory.LazyAttribute(lambda o: o.order.stops.filter(stop_type=StopType.DROP).first())
    kind = "OTP"
    otp_verified = True
    latitude = factory.SelfAttribute("stop.latitude")
    longitude = factory.SelfAttribute("stop.longitude")
    captured_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = OrderDeliveryProof
