"""External delivery providers (3PL fleets and ONDC logistics service
providers), their rate cards, the orders handed to them and their raw
webhooks.

Database rules: provider callbacks are append-only and unique on
(provider_id, provider_event_id); a callback's delivery belongs to the same
provider (composite FK); an order has at most one live hand-off."""

from django.db import models
from django.db.models import CheckConstraint, Q, UniqueConstraint

from gatimitra.db.constraints import one_of
from gatimitra.db.fields import EnumArrayField, EnumField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import IntegrationStatus, ServiceType, VehicleType
from orders import charges
from orders.choices import ExternalDeliveryStatus
from orders.constraints import both_or_neither, range_order, valid_window
from orders.models.orders import MASKED_PHONE

#: ``external_delivery_providers.kind`` (CHECK text).
PROVIDER_KINDS = [
    ("THIRD_PARTY_LOGISTICS", "Third-party logistics (3PL)"),
    ("ONDC_LSP", "ONDC logistics service provider"),
    ("HYPERLOCAL_FLEET", "Hyperlocal fleet"),
    ("COURIER", "Courier"),
]
#: Statuses after which a hand-off no longer holds the order.
FINISHED_DELIVERY_STATUSES = [
    ExternalDeliveryStatus.DELIVERED,
    ExternalDeliveryStatus.CANCELLED,
    ExternalDeliveryStatus.RTO_DELIVERED,
    ExternalDeliveryStatus.FAILED,
]


class ExternalDeliveryProvider(TimestampedModel):
    """One 3PL or ONDC logistics provider GatiMitra can hand FOOD or PARCEL
    orders to: services and vehicle types it supports, SLAs, priority,
    integration status and the API client it calls us with."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=24, choices=PROVIDER_KINDS)
    status = EnumField(IntegrationStatus, default=IntegrationStatus.SANDBOX)
    services = EnumArrayField(ServiceType, default=list, blank=True)
    vehicle_types = EnumArrayField(VehicleType, default=list, blank=True)
    sla_pickup_minutes = models.PositiveSmallIntegerField(default=15)
    sla_delivery_minutes = models.PositiveSmallIntegerField(default=60)
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower is tried first.")
    ondc_subscriber_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    support_email = models.EmailField(blank=True)
    api_client = models.ForeignKey(
        "access_mgmt.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_providers",
        help_text="The provider's API credentials (webhooks and status pushes).",
    )

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("orders", "external_delivery_providers")
        constraints = [
            CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]{1,31}$"),
                name="external_delivery_providers_code_format",
            ),
            one_of("external_delivery_providers", "kind", [k for k, _ in PROVIDER_KINDS]),
            CheckConstraint(
                condition=~Q(services__contains=[ServiceType.RIDE]),
                name="external_delivery_providers_no_rides",
                violation_error_message="External providers deliver FOOD and PARCEL orders only.",
            ),
            CheckConstraint(
                condition=~Q(kind="ONDC_LSP") | Q(ondc_subscriber_id__isnull=False),
                name="external_delivery_providers_ondc_subscriber",
                violation_error_message="An ONDC provider needs its subscriber id.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class ExternalProviderRateCard(TimestampedModel):
    """One price slab of a provider: by zone, vehicle, distance, weight and
    time band, for a validity window."""

    provider = models.ForeignKey(
        ExternalDeliveryProvider, on_delete=models.PROTECT, related_name="rate_cards"
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provider_rate_cards",
        help_text="Empty: every zone the provider serves.",
    )
    vehicle_type = EnumField(VehicleType, null=True, blank=True)
    min_distance_m = models.PositiveIntegerField(default=0)
    max_distance_m = models.PositiveIntegerField(null=True, blank=True)
    max_weight_g = models.PositiveIntegerField(null=True, blank=True)
    band_starts_at = models.TimeField(null=True, blank=True)
    band_ends_at = models.TimeField(null=True, blank=True)
    base_price = MoneyField()
    per_km_price = MoneyField(default=charges.ZERO)
    per_kg_price = MoneyField(default=charges.ZERO)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("orders", "external_provider_rate_cards")
        constraints = [
            valid_window("external_provider_rate_cards"),
            range_order(
                "external_provider_rate_cards", "min_distance_m", "max_distance_m", "distance_slab"
            ),
            both_or_neither(
                "external_provider_rate_cards", "band_starts_at", "band_ends_at", "time_band"
            ),
        ]

    def __str__(self):
        return f"{self.provider_id} rate card {self.pk}"


class OrderExternalDelivery(TimestampedModel):
    """One hand-off of an order to an external provider: the provider's task
    id and tracking URL, its agent, quoted and billed cost and status."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="external_deliveries"
    )
    provider = models.ForeignKey(
        ExternalDeliveryProvider, on_delete=models.PROTECT, related_name="deliveries"
    )
    rate_card = models.ForeignKey(
        ExternalProviderRateCard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    provider_task_id = models.CharField(max_length=100)
    status = EnumField(ExternalDeliveryStatus, default=ExternalDeliveryStatus.SEARCHING_AGENT)
    tracking_url = models.URLField(blank=True)
    agent_name = models.CharField(max_length=100, blank=True)
    agent_phone_masked = models.CharField(max_length=16, blank=True)
    quoted_cost = MoneyField()
    billed_cost = MoneyField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_external_deliveries")
        verbose_name_plural = "order external deliveries"
        constraints = [
            UniqueConstraint(
                fields=["provider", "provider_task_id"],
                name="order_external_deliveries_task_key",
            ),
            # Target of external_provider_callbacks (external_delivery_id, provider_id).
            UniqueConstraint(
                fields=["id", "provider"], name="order_external_deliveries_id_provider_key"
            ),
            UniqueConstraint(
                fields=["order"],
                condition=~Q(status__in=FINISHED_DELIVERY_STATUSES),
                name="order_external_deliveries_one_live_per_order",
                violation_error_message="This order is already with an external provider.",
            ),
            CheckConstraint(
                condition=Q(agent_phone_masked="") | Q(agent_phone_masked__regex=MASKED_PHONE),
                name="order_external_deliveries_phone_masked",
            ),
        ]

    def __str__(self):
        return f"{self.provider_id}:{self.provider_task_id}"


class ExternalProviderCallback(AppendOnlyModel):
    """One raw webhook received from a provider, kept as received and never
    changed: its event id (unique per provider, so redeliveries are refused),
    the signature check result and the payload."""

    provider = models.ForeignKey(
        ExternalDeliveryProvider, on_delete=models.PROTECT, related_name="callbacks"
    )
    external_delivery = models.ForeignKey(
        OrderExternalDelivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        help_text="Empty when the task id matched no hand-off.",
    )
    provider_event_id = models.CharField(max_length=128)
    event_status = EnumField(ExternalDeliveryStatus, null=True, blank=True)
    signature_valid = models.BooleanField()
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = schema_table("orders", "external_provider_callbacks")
        constraints = [
            UniqueConstraint(
                fields=["provider", "provider_event_id"],
                name="external_provider_callbacks_event_key",
                violation_error_message="This provider event was already received.",
            ),
        ]

    def __str__(self):
        return f"{self.provider_id}:{self.provider_event_id}"
