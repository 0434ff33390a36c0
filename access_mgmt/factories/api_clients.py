import factory
from factory.django import DjangoModelFactory

from access_mgmt.choices import ApiClientType, PermissionEffect
from access_mgmt.factories.permissions import SystemPermissionFactory
from access_mgmt.models import ApiClient, ApiClientPermission, ApiKey, IpAllowlist, RateLimitPolicy
from gatimitra.db.secrets import keyed_hash
from gatimitra.enums import IntegrationStatus


class ApiClientFactory(DjangoModelFactory):
    """A logistics provider's client; ``merchant_pos=True`` for a merchant's
    POS client (with its merchant parent)."""

    client_id = factory.Sequence(lambda n: f"gmc_{n:016d}")
    name = factory.Faker("company", locale="en_IN")
    client_type = ApiClientType.LOGISTICS_PROVIDER
    status = IntegrationStatus.ACTIVE
    contact_email = factory.Sequence(lambda n: f"integrations{n}@partner.test")

    class Meta:
        model = ApiClient
        django_get_or_create = ("client_id",)

    class Params:
        merchant_pos = factory.Trait(
            client_type=ApiClientType.MERCHANT_POS,
            parent=factory.SubFactory("merchants.factories.MerchantParentFactory"),
        )


class ApiKeyFactory(DjangoModelFactory):
    api_client = factory.SubFactory(ApiClientFactory)
    key_prefix = factory.Sequence(lambda n: f"gm_test_{n:08d}")
    key_hash = factory.LazyAttribute(lambda o: keyed_hash(f"{o.key_prefix}.secret-part"))
    scopes = factory.LazyFunction(lambda: ["orders:read", "orders:write"])

    class Meta:
        model = ApiKey


class ApiClientPermissionFactory(DjangoModelFactory):
    api_client = factory.SubFactory(ApiClientFactory)
    permission = factory.SubFactory(SystemPermissionFactory)
    effect = PermissionEffect.ALLOW

    class Meta:
        model = ApiClientPermission


class RateLimitPolicyFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"PARTNER_LIMIT_{n}")
    api_client = factory.SubFactory(ApiClientFactory)
    requests_per_window = 600
    window_seconds = 60
    burst = 50

    class Meta:
        model = RateLimitPolicy
        django_get_or_create = ("code",)


class IpAllowlistFactory(DjangoModelFactory):
    """An office network allowed into the admin console."""

    cidr = factory.Sequence(lambda n: f"10.{n // 256 % 256}.{n % 256}.0/24")
    purpose = "ADMIN_CONSOLE"
    description = "Bengaluru office"

    class Meta:
        model = IpAllowlist
