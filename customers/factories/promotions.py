from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import ReferralStatus
from customers.factories._links import customer_order, when
from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerCoupon,
    CustomerCouponAssignment,
    CustomerReferral,
    CustomerReward,
    CustomerSegment,
    CustomerSegmentMember,
)
from gatimitra.enums import CampaignStatus, OfferType, OrderStatus, ServiceType


class CustomerSegmentFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"LAPSED_30D_{n}")
    name = "Lapsed for 30 days"
    rule = factory.LazyFunction(lambda: {"last_order_days_ago": {"gte": 30}})
    refresh_cadence = "NIGHTLY"

    class Meta:
        model = CustomerSegment
        django_get_or_create = ("code",)


class CustomerSegmentMemberFactory(DjangoModelFactory):
    segment = factory.SubFactory(CustomerSegmentFactory)
    customer = factory.SubFactory(CustomerFactory)

    class Meta:
        model = CustomerSegmentMember


class CustomerCouponFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"GATI{n:04d}")
    title = "₹75 off your next meal"
    offer_type = OfferType.FLAT_OFF
    status = CampaignStatus.ACTIVE
    services = factory.LazyFunction(lambda: [ServiceType.FOOD])
    flat_amount = Decimal("75.00")
    min_order_value = Decimal("249.00")
    budget_total = Decimal("100000.00")
    per_customer_limit = 1
    valid_from = factory.LazyFunction(timezone.now)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + timedelta(days=30))

    class Meta:
        model = CustomerCoupon
        django_get_or_create = ("code",)


class CustomerCouponAssignmentFactory(DjangoModelFactory):
    coupon = factory.SubFactory(CustomerCouponFactory)
    customer = factory.SubFactory(CustomerFactory)
    source = "CAMPAIGN"
    uses_remaining = 1

    class Meta:
        model = CustomerCouponAssignment


class CustomerReferralFactory(DjangoModelFactory):
    referrer = factory.SubFactory(CustomerFactory)
    referee = factory.SubFactory(CustomerFactory)
    code_used = factory.LazyAttribute(lambda o: o.referrer.referral_code)
    status = ReferralStatus.SIGNED_UP
    signed_up_at = factory.LazyFunction(timezone.now)
    referrer_reward = Decimal("100.00")
    referee_reward = Decimal("50.00")

    class Meta:
        model = CustomerReferral


class CustomerRewardFactory(DjangoModelFactory):
    """A scratch card for the customer's delivered FOOD order (with another
    ``source_type``, a reward of no order)."""

    customer = factory.SubFactory(CustomerFactory)
    reward_type = "SCRATCH_CARD"
    state = "UNLOCKED"
    source_type = "ORDER"
    order = when(lambda o: o.source_type == "ORDER", customer_order(status=OrderStatus.DELIVERED))
    source_id = factory.LazyAttributeSequence(
        lambda o, n: str(o.order.pk) if o.order is not None else str(700000 + n)
    )
    cash_value = Decimal("25.00")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))

    class Meta:
        model = CustomerReward
