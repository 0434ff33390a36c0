"""Running a store day to day: opening hours, closures, the availability
log, devices, POS links and daily metrics."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ActorType, DevicePlatform, IntegrationStatus
from merchants.choices import StoreStatus
from merchants.db import Index

CLOSURE_REASONS = [
    ("HOLIDAY", "Holiday / festival"),
    ("KITCHEN_BUSY", "Kitchen busy"),
    ("STAFF_SHORTAGE", "Staff shortage"),
    ("POWER_OUTAGE", "Power outage"),
    ("RENOVATION", "Renovation"),
    ("COMPLIANCE_HOLD", "Compliance hold"),
    ("OTHER", "Other"),
]
AVAILABILITY_REASONS = [
    ("MERCHANT_TOGGLE", "Merchant toggled"),
    ("SCHEDULE", "Opening hours"),
    ("GO_LIVE", "Went live"),
    ("HIGH_REJECTION_RATE", "High rejection rate"),
    ("FSSAI_EXPIRED", "FSSAI licence expired"),
    ("COMPLIANCE_HOLD", "Compliance hold"),
    ("OPS_ACTION", "Operations action"),
]
DEVICE_KINDS = [
    ("TABLET", "Tablet"),
    ("PHONE", "Phone"),
    ("POS_TERMINAL", "POS terminal"),
    ("PRINTER", "KOT printer"),
]
POS_PROVIDERS = [
    ("PETPOOJA", "Petpooja"),
    ("POSIST", "POSist"),
    ("URBANPIPER", "UrbanPiper"),
    ("DOTPE", "DotPe"),
    ("LIMETRAY", "LimeTray"),
    ("OTHER", "Other"),
]


class MerchantStoreHours(TimestampedModel):
    """One weekly opening slot of a store; a day may have several. A slot
    whose ``closes_at`` is earlier than ``opens_at`` runs past midnight."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(help_text="ISO weekday: 1 = Monday ... 7 = Sunday.")
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        db_table = schema_table("merchants", "merchant_store_hours")
        verbose_name = "merchant store opening slot"
        verbose_name_plural = "merchant store hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7),
                name="merchant_store_hours_iso_weekday",
                violation_error_message="weekday is 1 (Monday) to 7 (Sunday).",
            ),
            models.CheckConstraint(
                condition=~Q(opens_at=F("closes_at")),
                name="merchant_store_hours_nonempty",
                violation_error_message="A slot cannot open and close at the same time.",
            ),
            models.UniqueConstraint(
                fields=["store", "weekday", "opens_at"], name="merchant_store_hours_unique"
            ),
        ]

    def __str__(self):
        return f"Day {self.weekday} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class MerchantStoreClosure(TimestampedModel):
    """A planned or unplanned closure of a store (holiday, kitchen busy,
    compliance hold) from ``starts_at`` until ``ends_at`` (open-ended if null)."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="closures"
    )
    reason_code = models.CharField(max_length=20, choices=CLOSURE_REASONS)
    is_planned = models.BooleanField(default=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_merchant_store_closures",
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_store_closures")
        verbose_name = "merchant store closure"
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_code__in=values(CLOSURE_REASONS)),
                name="merchant_store_closures_reason_code",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")) | Q(ends_at__isnull=True),
                name="merchant_store_closures_valid_window",
                violation_error_message="starts_at must be before ends_at.",
            ),
        ]
        indexes = [
            Index(fields=["store", "starts_at"], name="merchant_store_closures_store"),
        ]

    def __str__(self):
        return f"{self.get_reason_code_display()} from {self.starts_at:%Y-%m-%d %H:%M}"


class MerchantStoreAvailabilityLog(AppendOnlyModel):
    """One change of a store's availability: a status change or an
    online/offline toggle, by a merchant user, staff or the system (automatic
    pauses: high rejection rate, FSSAI expiry). Append-only."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.PROTECT, related_name="availability_logs"
    )
    from_status = EnumField(StoreStatus, null=True, blank=True)
    to_status = EnumField(StoreStatus)
    is_accepting_orders = models.BooleanField()
    reason_code = models.CharField(max_length=24, choices=AVAILABILITY_REASONS)
    actor_type = EnumField(ActorType, default=ActorType.SYSTEM)
    merchant_user = models.ForeignKey(
        "merchants.MerchantUser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="store_availability_logs",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_store_availability_logs",
    )
    paused_until = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_availability_logs")
        verbose_name = "merchant store availability log"
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_code__in=values(AVAILABILITY_REASONS)),
                name="merchant_store_availability_logs_reason_code",
            ),
            models.CheckConstraint(
                condition=~Q(actor_type=ActorType.MERCHANT_USER) | Q(merchant_user__isnull=False),
                name="merchant_store_availability_logs_merchant_actor",
                violation_error_message="A MERCHANT_USER change names the merchant user.",
            ),
            models.CheckConstraint(
                condition=~Q(actor_type=ActorType.SYSTEM_USER) | Q(changed_by__isnull=False),
                name="merchant_store_availability_logs_staff_actor",
                violation_error_message="A SYSTEM_USER change names the staff user.",
            ),
        ]
        indexes = [
            Index(fields=["store", "-created_at"], name="merchant_store_availability_logs_store"),
        ]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status} ({self.reason_code})"


class MerchantDevice(TimestampedModel):
    """A tablet, phone, POS terminal or KOT printer registered to a store."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="devices"
    )
    platform = EnumField(DevicePlatform, default=DevicePlatform.ANDROID)
    device_kind = models.CharField(max_length=16, choices=DEVICE_KINDS, default="TABLET")
    device_identifier = models.CharField(max_length=128)
    model_name = models.CharField(max_length=100, blank=True)
    os_version = models.CharField(max_length=32, blank=True)
    app_version = models.CharField(max_length=32, blank=True)
    # A push token is an address the platform sends to (FCM/APNs), not a
    # credential: it must be readable to be used, so it is not hashed.
    push_token = models.CharField(max_length=512, blank=True)
    is_active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_devices")
        verbose_name = "merchant device"
        constraints = [
            models.CheckConstraint(
                condition=Q(device_kind__in=values(DEVICE_KINDS)),
                name="merchant_devices_device_kind",
            ),
            models.UniqueConstraint(
                fields=["store", "device_identifier"], name="merchant_devices_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_device_kind_display()} {self.device_identifier}"


class MerchantPosIntegration(TimestampedModel):
    """A store's link to a POS or middleware provider: the provider's store
    id and whether menus sync in and orders are pushed out."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="pos_integrations"
    )
    api_client = models.ForeignKey(
        "access_mgmt.ApiClient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_pos_integrations",
        help_text="The API client whose keys the POS uses to push orders and pull menus.",
    )
    provider = models.CharField(max_length=20, choices=POS_PROVIDERS)
    external_store_id = models.CharField(max_length=100)
    status = EnumField(IntegrationStatus, default=IntegrationStatus.SANDBOX)
    menu_sync_enabled = models.BooleanField(default=True)
    order_push_enabled = models.BooleanField(default=True)
    auto_accept_orders = models.BooleanField(default=False)
    webhook_url = models.URLField(max_length=500, blank=True)
    last_menu_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_pos_integrations")
        verbose_name = "merchant POS integration"
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__in=values(POS_PROVIDERS)),
                name="merchant_pos_integrations_provider",
            ),
            models.UniqueConstraint(
                fields=["store", "provider"], name="merchant_pos_integrations_store_provider"
            ),
            models.UniqueConstraint(
                fields=["provider", "external_store_id"],
                name="merchant_pos_integrations_external_id",
            ),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.external_store_id}"


class MerchantStoreDailyMetric(TimestampedModel):
    """One store's aggregates for one day: orders, GMV, rejections, average
    preparation time, rating and availability."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="daily_metrics"
    )
    metric_date = models.DateField()
    orders_received = models.PositiveIntegerField(default=0)
    orders_accepted = models.PositiveIntegerField(default=0)
    orders_rejected = models.PositiveIntegerField(default=0)
    orders_cancelled = models.PositiveIntegerField(default=0)
    gmv = MoneyField("GMV", default=0)
    avg_prep_time_seconds = models.PositiveIntegerField(null=True, blank=True)
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    ratings_count = models.PositiveIntegerField(default=0)
    scheduled_minutes = models.PositiveIntegerField(default=0)
    online_minutes = models.PositiveIntegerField(default=0)
    availability_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_daily_metrics")
        verbose_name = "merchant store daily metric"
        constraints = [
            models.UniqueConstraint(
                fields=["store", "metric_date"], name="merchant_store_daily_metrics_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    orders_received__gte=F("orders_accepted") + F("orders_rejected"),
                ),
                name="merchant_store_daily_metrics_order_counts",
                violation_error_message="Accepted plus rejected cannot exceed received.",
            ),
            models.CheckConstraint(
                condition=Q(rating_average__gte=0, rating_average__lte=5),
                name="merchant_store_daily_metrics_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(availability_percent__gte=0, availability_percent__lte=100),
                name="merchant_store_daily_metrics_availability_range",
            ),
        ]
        indexes = [
            Index(fields=["metric_date"], name="merchant_store_daily_metrics_date"),
        ]

    def __str__(self):
        return f"Store {self.store_id} on {self.metric_date}"
