"""Where GatiMitra operates (cities and zones) and the pricing rules set per
city and zone: ride fare policies, delivery fee slabs and surge rules.

Riders, merchants, customers and access_mgmt point at ``service_cities`` and
``service_zones`` (home city, store zone, address zone, access scope)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint

from gatimitra.db.constraints import one_of, values
from gatimitra.db.expressions import DateInIndia, GstRateInForce, GstRateIsCurrent, TsTzRange
from gatimitra.db.fields import EnumArrayField, EnumField, LatitudeField, LongitudeField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ServiceType, VehicleType
from orders import ride_rules
from orders.choices import IndianTimeZone
from orders.constraints import both_or_neither, range_order, valid_window

#: ``service_cities.launch_status`` (CHECK text).
LAUNCH_STATUSES = [
    ("PLANNED", "Planned"),
    ("PILOT", "Pilot"),
    ("LIVE", "Live"),
    ("PAUSED", "Paused"),
    ("EXITED", "Exited"),
]
#: ``service_zones.kind`` (CHECK text).
ZONE_KINDS = [
    ("SERVICEABLE", "Serviceable"),
    ("HUB", "Hub / dark store catchment"),
    ("PREMIUM", "Premium"),
    ("RESTRICTED", "Restricted (limited hours or services)"),
    ("NO_GO", "No-go area"),
]
#: ``surge_pricing_rules.trigger`` (CHECK text).
SURGE_TRIGGERS = [
    ("DEMAND_SUPPLY", "Demand/supply"),
    ("RAIN", "Rain"),
    ("HEAVY_RAIN", "Heavy rain"),
    ("PEAK_HOUR", "Peak hour"),
    ("FESTIVAL", "Festival"),
    ("MANUAL", "Manual"),
]

_SYSTEM_USER = settings.AUTH_USER_MODEL

#: Midnight IST on the day MVAG 2025 was issued (fare rules bind versions in
#: force from then on).
TIMESTAMP_GUIDELINES_ISSUED = datetime.datetime.combine(
    ride_rules.GUIDELINES_ISSUED_ON,
    datetime.time(0, 0),
    tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
)


class IndianState(models.Model):
    """One Indian state or union territory with its GST state code (the
    first two digits of a GSTIN and the place of supply on an invoice).
    Reference data: its 36 rows come from the data migration
    ``orders.0019_add_indian_states`` (GSTN's state code list), never from
    the application; stores, parents, addresses and billing profiles point
    at it through ``gst_state``, filled by the database from their free-text
    state name (``orders.indian_state_code``)."""

    code = models.CharField(
        "GST state code", max_length=2, primary_key=True, help_text="e.g. 29 for Karnataka."
    )
    name = models.CharField(max_length=60, unique=True)
    is_union_territory = models.BooleanField(default=False)
    aliases = ArrayField(
        models.CharField(max_length=60),
        default=list,
        blank=True,
        help_text="Other spellings a free-text state name may use (Orissa, Pondicherry...).",
    )

    class Meta:
        db_table = schema_table("orders", "indian_states")
        verbose_name = "Indian state or union territory"
        verbose_name_plural = "Indian states and union territories"
        ordering = ["code"]
        constraints = [
            CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2}$"),
                name="indian_states_code_format",
                violation_error_message="GST state code is two digits.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class ServiceCity(TimestampedModel):
    """One city GatiMitra operates in (or plans to): its GST state code (the
    place of supply on invoices), time zone, launch status and the services
    enabled there."""

    code = models.CharField(max_length=8, unique=True, help_text="Short code, e.g. BLR.")
    name = models.CharField(max_length=80)
    state_name = models.CharField(max_length=60)
    state_code = models.CharField(
        max_length=2, help_text="GST state code (place of supply), e.g. 29 for Karnataka."
    )
    launch_status = models.CharField(max_length=16, choices=LAUNCH_STATUSES, default="PLANNED")
    services_enabled = EnumArrayField(ServiceType, default=list, blank=True)
    timezone = EnumField(IndianTimeZone, max_length=40, default=IndianTimeZone.ASIA_KOLKATA)
    center_latitude = LatitudeField(null=True, blank=True)
    center_longitude = LongitudeField(null=True, blank=True)
    launched_on = models.DateField(null=True, blank=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("orders", "service_cities")
        verbose_name = "service city"
        verbose_name_plural = "service cities"
        constraints = [
            CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{3,8}$"),
                name="service_cities_code_format",
                violation_error_message="City code is 3-8 capital letters.",
            ),
            CheckConstraint(
                condition=Q(state_code__regex=r"^[0-9]{2}$"),
                name="service_cities_state_code_format",
                violation_error_message="GST state code is two digits.",
            ),
            one_of("service_cities", "launch_status", values(LAUNCH_STATUSES)),
            both_or_neither("service_cities", "center_latitude", "center_longitude", "center"),
            CheckConstraint(
                condition=~Q(launch_status="LIVE") | Q(launched_on__isnull=False),
                name="service_cities_live_has_launch_date",
                violation_error_message="A LIVE city needs its launch date.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class ServiceZone(TimestampedModel):
    """One zone of a city (a GeoJSON polygon), the unit of serviceability,
    pricing, dispatch and no-go areas."""

    city = models.ForeignKey(ServiceCity, on_delete=models.PROTECT, related_name="zones")
    code = models.CharField(max_length=32, help_text="Unique within the city, e.g. KORAMANGALA.")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=ZONE_KINDS, default="SERVICEABLE")
    services_enabled = EnumArrayField(ServiceType, default=list, blank=True)
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon or MultiPolygon (WGS 84)."
    )
    center_latitude = LatitudeField(null=True, blank=True)
    center_longitude = LongitudeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("city__code", "code")

    class Meta:
        db_table = schema_table("orders", "service_zones")
        constraints = [
            UniqueConstraint(fields=["city", "code"], name="service_zones_city_code_key"),
            # Target of composite foreign keys that keep a row's zone inside
            # its city (orders.orders (zone_id, city_id)).
            UniqueConstraint(fields=["id", "city"], name="service_zones_id_city_key"),
            CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9_]{2,32}$"),
                name="service_zones_code_format",
                violation_error_message="Zone code is 2-32 capital letters, digits or _.",
            ),
            one_of("service_zones", "kind", values(ZONE_KINDS)),
            CheckConstraint(
                condition=Q(boundary__isnull=True)
                | Q(boundary__type__in=["Polygon", "MultiPolygon"]),
                name="service_zones_boundary_geojson",
                violation_error_message="Boundary must be a GeoJSON Polygon or MultiPolygon.",
            ),
            both_or_neither("service_zones", "center_latitude", "center_longitude", "center"),
        ]

    def __str__(self):
        return f"{self.name} ({self.city_id}/{self.code})"

    def natural_key(self):
        return (self.city.code, self.code)

    natural_key.dependencies = ["orders.servicecity"]  # type: ignore[attr-defined]


class RideFarePolicy(TimestampedModel):
    """One version of the RIDE fare for a vehicle type in a city: base fare,
    per-km and per-minute rates, minimum fare, waiting, night and
    cancellation charges. Active versions never overlap in time."""

    city = models.ForeignKey(
        ServiceCity, on_delete=models.PROTECT, related_name="ride_fare_policies"
    )
    vehicle_type = EnumField(VehicleType)
    version = models.PositiveIntegerField(default=1)
    base_fare = MoneyField()
    base_distance_m = models.PositiveIntegerField(
        default=0, help_text="Distance included in the base fare, in metres."
    )
    per_km_rate = MoneyField()
    per_minute_rate = MoneyField(default=Decimal("0.00"))
    minimum_fare = MoneyField()
    free_waiting_minutes = models.PositiveSmallIntegerField(default=3)
    waiting_charge_per_minute = MoneyField(default=Decimal("0.00"))
    night_multiplier = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.00"))
    night_starts_at = models.TimeField(null=True, blank=True)
    night_ends_at = models.TimeField(null=True, blank=True)
    toll_pass_through = models.BooleanField(default=True)
    parking_pass_through = models.BooleanField(default=True)
    cancellation_fee = MoneyField(
        default=Decimal("0.00"),
        help_text="Fee for a cancellation without a valid reason; never more than 10% of "
        "the fare nor Rs 100 (MVAG 2025 cl. 17).",
    )
    surge_floor_multiplier = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=ride_rules.SURGE_FLOOR,
        help_text="Lowest dynamic-pricing multiplier of the base fare here (at least 0.50).",
    )
    surge_cap_multiplier = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=ride_rules.SURGE_CAP,
        help_text="Highest dynamic-pricing multiplier of the base fare here (at most 2.00).",
    )
    platform_fee = MoneyField(default=Decimal("0.00"))
    gst_rate_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("5.00"))
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_ride_fare_policies",
    )

    class Meta:
        db_table = schema_table("orders", "ride_fare_policies")
        verbose_name_plural = "ride fare policies"
        constraints = [
            UniqueConstraint(
                fields=["city", "vehicle_type", "version"],
                name="ride_fare_policies_version_key",
            ),
            valid_window("ride_fare_policies"),
            ExclusionConstraint(
                name="ride_fare_policies_no_overlap",
                expressions=[
                    ("city", RangeOperators.EQUAL),
                    ("vehicle_type", RangeOperators.EQUAL),
                    (TsTzRange("valid_from", "valid_to", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(active=True),
                violation_error_message=(
                    "An active fare policy for this city and vehicle type already covers "
                    "part of this validity window."
                ),
            ),
            CheckConstraint(
                condition=Q(night_multiplier__gte=1, night_multiplier__lte=3),
                name="ride_fare_policies_night_multiplier_range",
                violation_error_message="Night multiplier is between 1.00 and 3.00.",
            ),
            both_or_neither("ride_fare_policies", "night_starts_at", "night_ends_at", "night_band"),
            # GST is a slab in force for the whole window: on its first day
            # and its last (an open window lasts under today's slabs). Slabs
            # change rarely, so the two ends stand for the days between.
            CheckConstraint(
                condition=Q(GstRateInForce("gst_rate_percent", DateInIndia("valid_from")))
                & (
                    Q(GstRateIsCurrent("gst_rate_percent"), valid_to__isnull=True)
                    | Q(
                        GstRateInForce(
                            "gst_rate_percent",
                            DateInIndia(F("valid_to") - datetime.timedelta(microseconds=1)),
                        ),
                        valid_to__isnull=False,
                    )
                ),
                name="ride_fare_policies_gst_rate_slab",
                violation_error_message="The GST rate is a slab in force throughout the "
                "policy's validity (gatimitra.enums.GST_SLAB_PERIODS).",
            ),
            CheckConstraint(
                condition=Q(minimum_fare__gte=F("base_fare")),
                name="ride_fare_policies_minimum_covers_base",
                violation_error_message="The minimum fare cannot be below the base fare.",
            ),
            # MVAG 2025 cl. 17: dynamic pricing between 50% and two times the
            # base fare; a city may narrow the band, never widen it.
            CheckConstraint(
                condition=Q(
                    surge_floor_multiplier__gte=ride_rules.SURGE_FLOOR,
                    surge_floor_multiplier__lte=1,
                    surge_cap_multiplier__gte=1,
                    surge_cap_multiplier__lte=ride_rules.SURGE_CAP,
                ),
                name="ride_fare_policies_surge_band",
                violation_error_message="Surge is between 0.50x and 2.00x the base fare "
                "(MVAG 2025 cl. 17).",
            ),
            # MVAG 2025 cl. 17: a cancellation costs at most 10% of the fare and
            # Rs 100 (the 10% is checked on each order_cancellations row).
            CheckConstraint(
                condition=Q(cancellation_fee__lte=ride_rules.CANCELLATION_FEE_CAP),
                name="ride_fare_policies_cancellation_fee_cap",
                violation_error_message="A ride cancellation fee is at most Rs 100 "
                "(MVAG 2025 cl. 17).",
            ),
            # MVAG 2025 cl. 17: the base fare covers at least 3 km (dead
            # mileage). Versions closed before the guideline are history.
            CheckConstraint(
                condition=Q(base_distance_m__gte=ride_rules.MIN_BASE_DISTANCE_M)
                | Q(valid_to__isnull=False, valid_to__lte=TIMESTAMP_GUIDELINES_ISSUED),
                name="ride_fare_policies_base_distance_3km",
                violation_error_message="The base fare covers at least 3 km "
                "(MVAG 2025 cl. 17, dead mileage).",
            ),
        ]

    def __str__(self):
        return f"{self.city_id}/{self.vehicle_type} v{self.version}"


class DeliveryFeeRule(TimestampedModel):
    """One FOOD or PARCEL delivery-fee slab in a zone: applies to a distance,
    weight, order-value and time band, for a validity window."""

    zone = models.ForeignKey(
        ServiceZone, on_delete=models.PROTECT, related_name="delivery_fee_rules"
    )
    service_type = EnumField(ServiceType)
    vehicle_type = EnumField(VehicleType, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    priority = models.PositiveSmallIntegerField(
        default=100, help_text="Lower wins when several slabs match."
    )
    min_distance_m = models.PositiveIntegerField(default=0)
    max_distance_m = models.PositiveIntegerField(null=True, blank=True)
    max_weight_g = models.PositiveIntegerField(null=True, blank=True)
    min_order_value = MoneyField(null=True, blank=True)
    max_order_value = MoneyField(null=True, blank=True)
    band_starts_at = models.TimeField(null=True, blank=True)
    band_ends_at = models.TimeField(null=True, blank=True)
    base_fee = MoneyField()
    per_km_fee = MoneyField(default=Decimal("0.00"))
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_delivery_fee_rules",
    )

    class Meta:
        db_table = schema_table("orders", "delivery_fee_rules")
        constraints = [
            CheckConstraint(
                condition=Q(service_type__in=[ServiceType.FOOD, ServiceType.PARCEL]),
                name="delivery_fee_rules_food_or_parcel",
                violation_error_message="Fee rules are for FOOD and PARCEL only.",
            ),
            valid_window("delivery_fee_rules"),
            range_order("delivery_fee_rules", "min_distance_m", "max_distance_m", "distance_slab"),
            CheckConstraint(
                condition=Q(min_order_value__isnull=True)
                | Q(max_order_value__isnull=True)
                | Q(min_order_value__lt=F("max_order_value")),
                name="delivery_fee_rules_order_value_slab",
                violation_error_message="max_order_value must be greater than min_order_value.",
            ),
            both_or_neither("delivery_fee_rules", "band_starts_at", "band_ends_at", "time_band"),
        ]
        indexes = [
            models.Index(
                fields=["zone", "service_type", "priority"],
                condition=Q(active=True),
                name="delivery_fee_rules_lookup_idx",
            ),
        ]

    def __str__(self):
        return f"{self.service_type} fee slab {self.pk} (zone {self.zone_id})"


class SurgePricingRule(TimestampedModel):
    """One surge rule for a zone and service: the multiplier applied while a
    demand/supply, weather or peak-hour trigger holds in its time window,
    capped by a maximum multiplier and an optional maximum fee."""

    zone = models.ForeignKey(
        ServiceZone, on_delete=models.PROTECT, related_name="surge_pricing_rules"
    )
    service_type = EnumField(ServiceType)
    trigger = models.CharField(max_length=16, choices=SURGE_TRIGGERS)
    multiplier = models.DecimalField(max_digits=4, decimal_places=2)
    max_multiplier = models.DecimalField(max_digits=4, decimal_places=2)
    max_surge_fee = MoneyField(null=True, blank=True)
    min_demand_supply_ratio = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(max_length=200, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_surge_pricing_rules",
    )

    class Meta:
        db_table = schema_table("orders", "surge_pricing_rules")
        constraints = [
            one_of("surge_pricing_rules", "trigger", values(SURGE_TRIGGERS)),
            CheckConstraint(
                condition=Q(multiplier__gte=1, multiplier__lte=F("max_multiplier")),
                name="surge_pricing_rules_multiplier_capped",
                violation_error_message="Multiplier is at least 1.00 and at most max_multiplier.",
            ),
            CheckConstraint(
                condition=Q(max_multiplier__lte=5),
                name="surge_pricing_rules_max_multiplier_cap",
                violation_error_message="Surge is capped at 5x.",
            ),
            # MVAG 2025 cl. 17: ride fares surge to at most two times the base fare.
            CheckConstraint(
                condition=~Q(service_type=ServiceType.RIDE)
                | Q(max_multiplier__lte=ride_rules.SURGE_CAP),
                name="surge_pricing_rules_ride_cap_2x",
                violation_error_message="Ride surge is capped at 2x the base fare "
                "(MVAG 2025 cl. 17).",
            ),
            valid_window("surge_pricing_rules"),
        ]
        indexes = [
            models.Index(
                fields=["zone", "service_type", "valid_from"],
                condition=Q(active=True),
                name="surge_pricing_rules_lookup_idx",
            ),
        ]

    def __str__(self):
        return f"{self.service_type} x{self.multiplier} ({self.trigger}, zone {self.zone_id})"
