from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import IntegrationStatus, ServiceType, VehicleType
from orders.choices import ExternalDeliveryStatus
from orders.factories.cities import RULES_VALID_FROM, ServiceZoneFactory
from orders.factories.orders import OrderFactory
from orders.models import (
    ExternalDeliveryProvider,
    ExternalProviderCallback,
    ExternalProviderRateCard,
    OrderExternalDelivery,
)


class ExternalDeliveryProviderFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"FLEET_{n}")
    name = factory.Faker("company", locale="en_IN")
    kind = "THIRD_PARTY_LOGISTICS"
    status = IntegrationStatus.ACTIVE
    services = factory.LazyFunction(lambda: [ServiceType.FOOD, ServiceType.PARCEL])
    vehicle_types = factory.LazyFunction(lambda: [VehicleType.MOTORCYCLE, VehicleType.EV_SCOOTER])
    sla_pickup_minutes = 12
    sla_delivery_minutes = 45
    support_email = factory.Sequence(lambda n: f"ops{n}@fleet.example")
    api_client = factory.SubFactory(
        "access_mgmt.factories.ApiClientFactory", name=factory.SelfAttribute("..name")
    )

    class Meta:
        model = ExternalDeliveryProvider
        django_get_or_create = ("code",)


class ExternalProviderRateCardFactory(DjangoModelFactory):
    provider = factory.SubFactory(ExternalDeliveryProviderFactory)
    zone = factory.SubFactory(ServiceZoneFactory)
    vehicle_type = VehicleType.MOTORCYCLE
    min_distance_m = 0
    max_distance_m = 8000
    max_weight_g = 10000
    base_price = Decimal("40.00")
    per_km_price = Decimal("8.00")
    valid_from = RULES_VALID_FROM

    class Meta:
        model = ExternalProviderRateCard


class OrderExternalDeliveryFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, service_type=ServiceType.PARCEL)
    provider = factory.SubFactory(ExternalDeliveryProviderFactory)
    provider_task_id = factory.Sequence(lambda n: f"task-{n:08d}")
    status = ExternalDeliveryStatus.AGENT_ASSIGNED
    tracking_url = factory.LazyAttribute(
        lambda o: f"https://track.fleet.example/{o.provider_task_id}"
    )
    agent_name = factory.Faker("name", locale="en_IN")
    agent_phone_masked = "XXXXXXXXX4321"
    quoted_cost = Decimal("62.00")
    handed_over_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = OrderExternalDelivery


class ExternalProviderCallbackFactory(DjangoModelFactory):
    external_delivery = factory.SubFactory(OrderExternalDeliveryFactory)
    provider = factory.SelfAttribute("external_delivery.provider")
    provider_event_id = factory.Sequence(lambda n: f"cb-{n:010d}")
    event_status = ExternalDeliveryStatus.AGENT_ASSIGNED
    signature_valid = True
    payload = factory.LazyAttribute(
        lambda o: {"task_id": o.external_delivery.provider_task_id, "state": "Agent-assigned"}
    )

    class Meta:
        model = ExternalProviderCallback
