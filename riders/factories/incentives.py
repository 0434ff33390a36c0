import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import DisputeStatus, OrderStatus, ServiceType
from riders.choices import IncentiveType
from riders.factories.riders import RiderFactory
from riders.models import RiderIncentiveProgress, RiderIncentiveScheme, RiderPenalty


class RiderIncentiveSchemeFactory(DjangoModelFactory):
    """A weekly order-target scheme for FOOD in one city. Trait ``in_zone``
    narrows it to one zone of the city."""

    city = factory.SubFactory("orders.factories.ServiceCityFactory")
    code = factory.Sequence(lambda n: f"BLR-FOOD-WEEKLY-{n:04d}")
    incentive_type = IncentiveType.ORDER_TARGET
    service_type = ServiceType.FOOD
    name = "Weekly 60-order target"
    valid_from = factory.LazyFunction(timezone.now)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=7))
    target_orders = 60
    reward_amount = Decimal("750.00")
    slabs = factory.LazyFunction(
        lambda: [{"orders": 40, "amount": "400.00"}, {"orders": 60, "amount": "750.00"}]
    )

    class Params:
        in_zone = factory.Trait(
            zone=factory.SubFactory("orders.factories.ServiceZoneFactory"),
            city=factory.SelfAttribute("zone.city"),
        )

    class Meta:
        model = RiderIncentiveScheme


class RiderIncentiveProgressFactory(DjangoModelFactory):
    scheme = factory.SubFactory(RiderIncentiveSchemeFactory)
    rider = factory.SubFactory(RiderFactory)
    orders_completed = 23
    login_minutes = 1260
    last_computed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderIncentiveProgress


class RiderPenaltyFactory(DjangoModelFactory):
    """A late-delivery fine on a delivered order, still inside its 72-hour
    dispute window. Trait ``disputed_and_rejected`` adds a decided dispute."""

    rider = factory.SubFactory(RiderFactory)
    order = factory.SubFactory("orders.factories.OrderFactory", status=OrderStatus.DELIVERED)
    reason_code = "LATE_DELIVERY"
    amount = Decimal("50.00")
    description = "Delivered 25 minutes after the promised time without a reason."
    imposed_at = factory.LazyFunction(timezone.now)
    dispute_window_ends_at = factory.LazyAttribute(
        lambda o: o.imposed_at + datetime.timedelta(hours=72)
    )

    class Params:
        disputed_and_rejected = factory.Trait(
            dispute_status=DisputeStatus.REJECTED,
            dispute_reason="The restaurant was late, not me.",
            disputed_at=factory.LazyAttribute(lambda o: o.imposed_at + datetime.timedelta(hours=2)),
            decided_by=factory.SubFactory("access_mgmt.factories.SystemUserFactory"),
            decided_at=factory.LazyAttribute(lambda o: o.imposed_at + datetime.timedelta(hours=20)),
        )

    class Meta:
        model = RiderPenalty
