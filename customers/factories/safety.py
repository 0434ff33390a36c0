import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.factories._links import RIDE_ORDER_FACTORY, RIDER_FACTORY, customer_order, when
from customers.factories.customers import CustomerFactory
from customers.factories.tickets import CustomerTicketFactory
from customers.models import (
    CustomerBlockedRider,
    CustomerEmergencyContact,
    CustomerMaskedCall,
    CustomerRiskFlag,
    CustomerSosAlert,
    CustomerTripShare,
)
from gatimitra.db.secrets import keyed_hash
from gatimitra.enums import ActorType, NotificationChannel, OrderStatus, SosStatus


class CustomerEmergencyContactFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name", locale="en_IN")
    mobile = factory.Sequence(lambda n: f"+9182{n:08d}")
    relationship = "SIBLING"

    class Meta:
        model = CustomerEmergencyContact


class CustomerTripShareFactory(DjangoModelFactory):
    """A link sharing the customer's ride under way with one of their contacts."""

    customer = factory.SubFactory(CustomerFactory)
    order = customer_order(order_factory=RIDE_ORDER_FACTORY, status=OrderStatus.IN_TRANSIT)
    contact = factory.SubFactory(
        CustomerEmergencyContactFactory, customer=factory.SelfAttribute("..customer")
    )
    share_token_hash = factory.LazyFunction(lambda: keyed_hash(uuid.uuid4().hex))
    shared_via = NotificationChannel.WHATSAPP
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))

    class Meta:
        model = CustomerTripShare


class CustomerSosAlertFactory(DjangoModelFactory):
    """An SOS raised during the customer's ride."""

    customer = factory.SubFactory(CustomerFactory)
    order = customer_order(order_factory=RIDE_ORDER_FACTORY, status=OrderStatus.IN_TRANSIT)
    status = SosStatus.RAISED
    triggered_via = "APP_BUTTON"
    latitude = Decimal("12.934533")
    longitude = Decimal("77.626579")
    location_accuracy_m = 12

    class Meta:
        model = CustomerSosAlert


class CustomerMaskedCallFactory(DjangoModelFactory):
    """A call from the customer to a rider about their FOOD order on its way."""

    customer = factory.SubFactory(CustomerFactory)
    order = customer_order(status=OrderStatus.PICKED_UP)
    counterparty_type = ActorType.RIDER
    rider = when(
        lambda o: o.counterparty_type == ActorType.RIDER, factory.SubFactory(RIDER_FACTORY)
    )
    initiated_by_type = ActorType.CUSTOMER
    provider = "EXOTEL"
    provider_call_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
    virtual_number = factory.Sequence(lambda n: f"+9180{n % 100000000:08d}")
    call_status = "COMPLETED"
    started_at = factory.LazyFunction(timezone.now)
    answered_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=8))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=75))
    duration_seconds = 67

    class Meta:
        model = CustomerMaskedCall


class CustomerBlockedRiderFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    rider = factory.SubFactory(RIDER_FACTORY)
    reason = "COMPLAINT"
    ticket = factory.SubFactory(CustomerTicketFactory, customer=factory.SelfAttribute("..customer"))
    notes = "Rider was rude on the phone."

    class Meta:
        model = CustomerBlockedRider


class CustomerRiskFlagFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    flag_type = "PROMO_ABUSE"
    severity = "MEDIUM"
    source = "RULE_ENGINE"
    action_taken = "COUPONS_BLOCKED"
    evidence = factory.LazyFunction(lambda: {"coupon_redemptions_7d": 14, "devices": 3})

    class Meta:
        model = CustomerRiskFlag
