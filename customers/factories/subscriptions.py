from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import SubscriptionStatus
from customers.factories.customers import CustomerFactory
from customers.factories.payments import CustomerPaymentMethodFactory
from customers.models import (
    CustomerSubscription,
    CustomerSubscriptionPayment,
    CustomerSubscriptionPlan,
)
from gatimitra.enums import PaymentMethod, PaymentStatus, ServiceType


class CustomerSubscriptionPlanFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"GATI_ONE_{n}")
    name = "Gati One"
    description = "Free delivery on food orders above ₹199 and 10% off rides."
    price = Decimal("149.00")
    duration_days = 30
    trial_days = 7
    services = factory.LazyFunction(lambda: [ServiceType.FOOD, ServiceType.RIDE])
    free_delivery = True
    extra_discount_percent = Decimal("10.00")

    class Meta:
        model = CustomerSubscriptionPlan
        django_get_or_create = ("code",)


class CustomerSubscriptionFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    plan = factory.SubFactory(CustomerSubscriptionPlanFactory)
    payment_method = factory.SubFactory(
        CustomerPaymentMethodFactory, customer=factory.SelfAttribute("..customer")
    )
    status = SubscriptionStatus.ACTIVE
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=30))
    auto_renew = True
    mandate_ref = factory.Sequence(lambda n: f"UMN{n:010d}@okhdfcbank")

    class Meta:
        model = CustomerSubscription


class CustomerSubscriptionPaymentFactory(DjangoModelFactory):
    subscription = factory.SubFactory(CustomerSubscriptionFactory)
    amount = Decimal("149.00")
    payment_method = PaymentMethod.UPI
    status = PaymentStatus.CAPTURED
    gateway = "RAZORPAY"
    gateway_order_id = factory.Sequence(lambda n: f"order_Sub{n}")
    gateway_payment_id = factory.Sequence(lambda n: f"pay_Sub{n}")
    period_start = factory.LazyFunction(timezone.now)
    period_end = factory.LazyAttribute(lambda o: o.period_start + timedelta(days=30))
    paid_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerSubscriptionPayment
