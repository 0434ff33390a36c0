import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.choices import ApiClientType
from gatimitra.enums import ActorType, DevicePlatform, IntegrationStatus
from merchants.choices import StoreStatus
from merchants.factories.stores import MerchantStoreFactory
from merchants.models import (
    MerchantDevice,
    MerchantPosIntegration,
    MerchantStoreAvailabilityLog,
    MerchantStoreClosure,
    MerchantStoreDailyMetric,
    MerchantStoreHours,
)


class MerchantStoreHoursFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    weekday = 1
    opens_at = datetime.time(11, 0)
    closes_at = datetime.time(23, 0)

    class Meta:
        model = MerchantStoreHours


class MerchantStoreClosureFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    reason_code = "HOLIDAY"
    is_planned = True
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=1))
    note = "Closed for Diwali"

    class Meta:
        model = MerchantStoreClosure


class MerchantStoreAvailabilityLogFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    from_status = StoreStatus.DRAFT
    to_status = StoreStatus.UNDER_REVIEW
    is_accepting_orders = False
    reason_code = "OPS_ACTION"
    actor_type = ActorType.SYSTEM

    class Meta:
        model = MerchantStoreAvailabilityLog


class MerchantDeviceFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    platform = DevicePlatform.ANDROID
    device_kind = "TABLET"
    device_identifier = factory.Sequence(lambda n: f"android-{n:012x}")
    model_name = "Lenovo Tab M8"
    app_version = "5.12.0"

    class Meta:
        model = MerchantDevice


class MerchantPosIntegrationFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    # By dotted path: access_mgmt's factories may import ours (see stores.py).
    api_client = factory.SubFactory(
        "access_mgmt.factories.ApiClientFactory",
        name=factory.LazyAttribute(lambda o: f"{o.factory_parent.provider.title()} POS"),
        client_type=ApiClientType.MERCHANT_POS,
        # A merchant POS client belongs to the store's merchant (access_mgmt's
        # api_clients_pos_names_parent).
        parent=factory.SelfAttribute("..store.parent"),
    )
    provider = "PETPOOJA"
    external_store_id = factory.Sequence(lambda n: f"PP{n:07d}")
    status = IntegrationStatus.ACTIVE

    class Meta:
        model = MerchantPosIntegration


class MerchantStoreDailyMetricFactory(DjangoModelFactory):
    store = factory.SubFactory(MerchantStoreFactory)
    metric_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    orders_received = 124
    orders_accepted = 118
    orders_rejected = 6
    orders_cancelled = 3
    gmv = Decimal("41260.00")
    avg_prep_time_seconds = 1140
    rating_average = Decimal("4.20")
    ratings_count = 37
    scheduled_minutes = 720
    online_minutes = 702
    availability_percent = Decimal("97.50")

    class Meta:
        model = MerchantStoreDailyMetric
