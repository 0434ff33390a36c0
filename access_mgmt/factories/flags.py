import factory
from factory.django import DjangoModelFactory

from access_mgmt.factories.users import SystemUserFactory
from access_mgmt.models import FeatureFlag, FeatureFlagRule, SystemSetting
from gatimitra.enums import ServiceType


class FeatureFlagFactory(DjangoModelFactory):
    key = factory.Sequence(lambda n: f"checkout.new_flow_{n}")
    name = "New checkout flow"
    default_value = False
    owner = factory.SubFactory(SystemUserFactory)

    class Meta:
        model = FeatureFlag
        django_get_or_create = ("key",)


class FeatureFlagRuleFactory(DjangoModelFactory):
    flag = factory.SubFactory(FeatureFlagFactory)
    priority = factory.Sequence(lambda n: n + 1)
    service_type = ServiceType.FOOD
    min_app_version = "5.10.0"
    rollout_percent = 25
    variant = "on"

    class Meta:
        model = FeatureFlagRule


class SystemSettingFactory(DjangoModelFactory):
    key = factory.Sequence(lambda n: f"orders.cod_limit_{n}")
    value = 2000
    description = "Largest cash-on-delivery order, in rupees."

    class Meta:
        model = SystemSetting
