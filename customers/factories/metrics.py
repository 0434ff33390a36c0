from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerAcquisitionAttribution,
    CustomerLifetimeStats,
    CustomerMonthlyMetric,
    CustomerScore,
)
from gatimitra.enums import DevicePlatform, ServiceType


class CustomerAcquisitionAttributionFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    source = "PAID_SOCIAL"
    attribution_provider = "APPSFLYER"
    campaign = "diwali_2026_food"
    utm_source = "instagram"
    utm_medium = "paid_social"
    utm_campaign = "diwali_2026_food"
    device_platform = DevicePlatform.ANDROID
    signup_at = factory.LazyFunction(timezone.now)
    first_service_type = ServiceType.FOOD

    class Meta:
        model = CustomerAcquisitionAttribution


class CustomerLifetimeStatsFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    food_orders = 14
    parcel_orders = 2
    ride_orders = 6
    food_gmv = Decimal("5320.00")
    parcel_gmv = Decimal("240.00")
    ride_gmv = Decimal("1450.00")
    cancellations = 1
    computed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerLifetimeStats


class CustomerMonthlyMetricFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    service_type = ServiceType.FOOD
    orders_count = 4
    gmv = Decimal("1480.00")
    discount_amount = Decimal("150.00")

    class Meta:
        model = CustomerMonthlyMetric


class CustomerScoreFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    model_version = "rfm-churn-2026.11"
    recency_days = 6
    frequency = 22
    monetary = Decimal("7010.00")
    rfm_segment = "LOYAL"
    churn_risk = Decimal("0.1200")
    fraud_score = Decimal("0.0300")
    scored_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerScore
