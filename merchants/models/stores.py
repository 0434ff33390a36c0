"""Stores (outlets, kitchens, parcel pickup points) and what describes them:
links between stores, who may operate them, service areas, media, cuisines."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q

from gatimitra.db.constraints import values
from gatimitra.db.fields import (
    CIEmailField,
    EnumArrayField,
    EnumField,
    LatitudeField,
    LongitudeField,
    MoneyField,
)
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import ASSIGNED_BY_DATABASE, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import (
    E164_INDIA,
    FSSAI,
    PIN_CODE,
    validate_fssai,
    validate_mobile,
    validate_pin_code,
)
from gatimitra.enums import ServiceType, VerificationStatus
from merchants.choices import FssaiLicenceType, MerchantUserRole, StoreStatus
from merchants.db import Index

#: CHECK-text lists (they change more often than an enum should).
STORE_KINDS = [
    ("RESTAURANT", "Restaurant"),
    ("CLOUD_KITCHEN", "Cloud kitchen"),
    ("SWEET_SHOP", "Sweet shop / bakery"),
    ("PARCEL_POINT", "Parcel pickup point"),
]
DELIVERY_MODES = [
    ("PLATFORM", "GatiMitra riders"),
    ("SELF", "Merchant's own delivery"),
    ("THIRD_PARTY", "Third-party logistics"),
]
STORE_LINK_KINDS = [
    ("VIRTUAL_BRAND", "Virtual brand of the same kitchen"),
    ("SHARED_KITCHEN", "Shares a kitchen"),
    ("FRANCHISEE", "Franchisee outlet"),
    ("SAME_OWNER_GROUP", "Same owner group"),
]
MEDIA_KINDS = [
    ("LOGO", "Logo"),
    ("COVER", "Cover"),
    ("STOREFRONT", "Storefront"),
    ("AMBIENCE", "Ambience"),
    ("MENU", "Menu photo"),
]


def zone_outside_store_city(store, zone):
    """Why ``store``'s service area or ad campaign cannot target ``zone``
    (None when it can). The database refuses the same at commit
    (``merchants.check_store_zone_targets``); this lets forms say it."""
    if store is None or zone is None:
        return None
    if store.zone_id is None:
        return f"Store {store.code} has no service zone yet; set it before targeting zones."
    if zone.city_id != store.zone.city_id:
        return f"Zone {zone} is outside the city of the store's zone {store.zone}."
    return None


class MerchantStore(TimestampedModel):
    """One outlet, cloud kitchen or parcel pickup point of a merchant parent.

    A FOOD store becomes LIVE only through the go-live gate (a trigger):
    a VERIFIED unexpired FSSAI licence in ``merchant_documents``, a VERIFIED
    default bank account (the store's or its parent's) and an ACTIVE contract
    covering today. Any LIVE store has a service zone (a CHECK); the zones its
    service areas and ad campaigns target lie in that zone's city."""

    code = models.CharField(max_length=16, unique=True, help_text="Public store id, e.g. MS00042.")
    parent = models.ForeignKey(
        "merchants.MerchantParent", on_delete=models.PROTECT, related_name="stores"
    )
    gst_registration = models.ForeignKey(
        "merchants.MerchantTaxRegistration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stores",
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_stores",
        help_text="The service zone the store is served and priced in; required once LIVE.",
    )
    status = EnumField(StoreStatus, default=StoreStatus.DRAFT)
    service_types = EnumArrayField(ServiceType, default=list)
    store_kind = models.CharField(max_length=20, choices=STORE_KINDS, default="RESTAURANT")
    name = models.CharField(max_length=200)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100)
    gst_state = models.ForeignKey(
        "orders.IndianState",
        on_delete=models.PROTECT,
        db_default=ASSIGNED_BY_DATABASE,
        db_index=False,
        related_name="+",
        verbose_name="state (GST code)",
        help_text="Resolved by the database from the state name (place of supply).",
    )
    pin_code = models.CharField("PIN code", max_length=6, validators=[validate_pin_code])
    latitude = LatitudeField()
    longitude = LongitudeField()
    contact_mobile = models.CharField(
        max_length=16, blank=True, null=True, validators=[validate_mobile]
    )
    contact_email = CIEmailField(blank=True, null=True)
    # The number and tier as declared; whether a licence is valid comes from
    # the VERIFIED FSSAI_LICENCE document, which carries the expiry.
    fssai_number = models.CharField(
        "FSSAI number", max_length=14, null=True, blank=True, validators=[validate_fssai]
    )
    fssai_licence_type = EnumField(FssaiLicenceType, null=True, blank=True)
    avg_prep_time_minutes = models.PositiveSmallIntegerField(default=20)
    minimum_order_value = MoneyField(default=0)
    packaging_charge = MoneyField(default=0)
    delivery_mode = models.CharField(max_length=16, choices=DELIVERY_MODES, default="PLATFORM")
    is_pure_veg = models.BooleanField(default=False)
    is_accepting_orders = models.BooleanField(
        default=False, help_text="The merchant's online/offline toggle while LIVE."
    )
    went_live_at = models.DateTimeField(null=True, blank=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("merchants", "merchant_stores")
        verbose_name = "merchant store"
        constraints = [
            models.CheckConstraint(
                condition=Q(store_kind__in=values(STORE_KINDS)),
                name="merchant_stores_store_kind",
            ),
            models.CheckConstraint(
                condition=Q(delivery_mode__in=values(DELIVERY_MODES)),
                name="merchant_stores_delivery_mode",
            ),
            models.CheckConstraint(
                condition=~Q(service_types=[]),
                name="merchant_stores_service_types_not_empty",
                violation_error_message="A store offers at least one service.",
            ),
            models.CheckConstraint(
                condition=Q(pin_code__regex=PIN_CODE),
                name="merchant_stores_pin_code_format",
                violation_error_message="PIN code must be 6 digits, not starting with 0.",
            ),
            models.CheckConstraint(
                condition=Q(fssai_number__regex=FSSAI),
                name="merchant_stores_fssai_format",
                violation_error_message="The FSSAI number has 14 digits.",
            ),
            models.CheckConstraint(
                condition=Q(contact_mobile__regex=E164_INDIA),
                name="merchant_stores_mobile_e164",
                violation_error_message="Mobile must be an Indian E.164 number (+91XXXXXXXXXX).",
            ),
            models.CheckConstraint(
                condition=~Q(status=StoreStatus.LIVE) | Q(zone__isnull=False),
                name="merchant_stores_live_has_zone",
                violation_error_message="A LIVE store needs its service zone.",
            ),
            models.CheckConstraint(
                condition=Q(avg_prep_time_minutes__gte=1, avg_prep_time_minutes__lte=180),
                name="merchant_stores_prep_time_range",
                violation_error_message="Average preparation time is 1 to 180 minutes.",
            ),
            # One FSSAI licence number identifies one premises.
            models.UniqueConstraint(
                fields=["fssai_number"],
                condition=Q(fssai_number__isnull=False),
                name="merchant_stores_fssai_number_unique",
                violation_error_message="Another store already has this FSSAI number.",
            ),
        ]
        indexes = [
            Index(fields=["status", "city"], name="merchant_stores_status_city"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)

    @property
    def is_food(self):
        return ServiceType.FOOD in (self.service_types or [])

    def clean(self):
        super().clean()
        # The database refuses these anyway (merchant_stores_go_live_gate,
        # merchant_stores_zone_in_store_city); asking it first lets a form say
        # what is wrong instead of failing.
        errors = {}
        if self.status == StoreStatus.LIVE and self.is_food and not self._was_live_food():
            missing = self.go_live_missing()
            if missing:
                errors["status"] = f"A FOOD store cannot go LIVE without {'; '.join(missing)}."
        stranded = self.zone_targets_outside_city()
        if stranded:
            errors["zone"] = (
                "Its service areas or ad campaigns target zones outside this zone's city: "
                f"{', '.join(str(zone) for zone in stranded)}."
            )
        if errors:
            raise ValidationError(errors)

    def go_live_missing(self):
        """What the go-live gate still needs for this store (the database's answer)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT merchants.merchant_store_go_live_missing(%s, %s)",
                [self.pk, self.parent_id],
            )
            return cursor.fetchone()[0]

    def zone_targets_outside_city(self):
        """Zones this store's service areas and ad campaigns target that lie
        outside the city of its (possibly new, unsaved) zone."""
        if self.pk is None:
            return []
        zones = self._meta.get_field("zone").related_model._default_manager
        targeted = zones.filter(
            Q(merchant_service_areas__store=self.pk) | Q(merchant_ad_campaigns__store=self.pk)
        )
        if self.zone_id is not None:
            targeted = targeted.exclude(city_id=self.zone.city_id)
        return list(targeted.distinct().order_by("pk"))

    def _was_live_food(self):
        if self.pk is None:
            return False
        stored = type(self)._default_manager.filter(
            pk=self.pk, status=StoreStatus.LIVE, service_types__contains=[ServiceType.FOOD]
        )
        return stored.exists()


class MerchantStoreLink(TimestampedModel):
    """A relationship from one store to another: a virtual brand cooked in the
    same kitchen, a franchisee outlet, stores of one owner group."""

    store = models.ForeignKey(MerchantStore, on_delete=models.CASCADE, related_name="links")
    related_store = models.ForeignKey(
        MerchantStore, on_delete=models.CASCADE, related_name="linked_from"
    )
    link_kind = models.CharField(max_length=20, choices=STORE_LINK_KINDS)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_links")
        verbose_name = "merchant store link"
        constraints = [
            models.CheckConstraint(
                condition=Q(link_kind__in=values(STORE_LINK_KINDS)),
                name="merchant_store_links_link_kind",
            ),
            models.CheckConstraint(
                condition=~Q(store=F("related_store")),
                name="merchant_store_links_not_self",
                violation_error_message="A store cannot be linked to itself.",
            ),
            models.UniqueConstraint(
                fields=["store", "related_store", "link_kind"],
                name="merchant_store_links_unique",
            ),
        ]

    def __str__(self):
        return f"{self.store_id} → {self.related_store_id} ({self.get_link_kind_display()})"


class MerchantUserStoreAccess(TimestampedModel):
    """A merchant user's right to operate one store, optionally with a role
    for that store that differs from their role at the parent."""

    merchant_user = models.ForeignKey(
        "merchants.MerchantUser", on_delete=models.CASCADE, related_name="store_access"
    )
    store = models.ForeignKey(MerchantStore, on_delete=models.CASCADE, related_name="user_access")
    role_override = EnumField(MerchantUserRole, null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_user_store_access")
        verbose_name = "merchant user store access"
        verbose_name_plural = "merchant user store access"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant_user", "store"], name="merchant_user_store_access_unique"
            ),
        ]

    def __str__(self):
        return f"User {self.merchant_user_id} @ store {self.store_id}"


class MerchantStoreServiceArea(TimestampedModel):
    """A store's delivery area (a radius, a GeoJSON polygon or a whole service
    zone of the store's city), possibly only for a time band, or an override
    marking it unserviceable then."""

    store = models.ForeignKey(MerchantStore, on_delete=models.CASCADE, related_name="service_areas")
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_service_areas",
        help_text="A whole zone as the area; it must lie in the city of the store's zone.",
    )
    name = models.CharField(max_length=100, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    polygon_geojson = models.JSONField(null=True, blank=True)
    band_starts_at = models.TimeField(null=True, blank=True)
    band_ends_at = models.TimeField(null=True, blank=True)
    is_serviceable = models.BooleanField(default=True)
    minimum_order_value = MoneyField(null=True, blank=True)
    delivery_fee_override = MoneyField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_service_areas")
        verbose_name = "merchant store service area"
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_m__isnull=False)
                | Q(polygon_geojson__isnull=False)
                | Q(zone__isnull=False),
                name="merchant_store_service_areas_has_shape",
                violation_error_message="Give a radius, a polygon or a zone.",
            ),
            models.CheckConstraint(
                condition=Q(radius_m__gt=0, radius_m__lte=50_000),
                name="merchant_store_service_areas_radius_range",
                violation_error_message="The radius is 1 m to 50 km.",
            ),
            models.CheckConstraint(
                condition=Q(band_starts_at__isnull=True, band_ends_at__isnull=True)
                | Q(band_starts_at__isnull=False, band_ends_at__isnull=False),
                name="merchant_store_service_areas_band_pair",
                violation_error_message="A time band has both a start and an end.",
            ),
        ]

    def __str__(self):
        if self.name:
            return self.name
        if self.radius_m:
            return f"{self.radius_m} m"
        return "Polygon" if self.polygon_geojson is not None else f"Zone {self.zone_id}"

    def clean(self):
        super().clean()
        # Also refused at commit (merchant_store_service_areas_zone_in_store_city).
        if self.store_id and self.zone_id:
            error = zone_outside_store_city(self.store, self.zone)
            if error:
                raise ValidationError({"zone": error})


class MerchantStoreMedia(TimestampedModel):
    """One photo of a store (logo, cover, storefront, ambience, menu page),
    with its moderation state."""

    store = models.ForeignKey(MerchantStore, on_delete=models.CASCADE, related_name="media")
    media_kind = models.CharField(max_length=16, choices=MEDIA_KINDS)
    url = models.URLField(max_length=500)
    caption = models.CharField(max_length=200, blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    moderation_status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderated_merchant_media",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_media")
        verbose_name = "merchant store media"
        verbose_name_plural = "merchant store media"
        constraints = [
            models.CheckConstraint(
                condition=Q(media_kind__in=values(MEDIA_KINDS)),
                name="merchant_store_media_media_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_media_kind_display()} #{self.pk}"


class MerchantCuisine(TimestampedModel):
    """One cuisine of the master list (North Indian, South Indian, Biryani,
    Chinese, Desserts...)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64, unique=True)
    description = models.CharField(max_length=200, blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("merchants", "merchant_cuisines")
        verbose_name = "merchant cuisine"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"),
                name="merchant_cuisines_code_format",
                violation_error_message="Codes are UPPER_SNAKE_CASE.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class MerchantStoreCuisine(TimestampedModel):
    """A cuisine a store serves; one of them may be its primary cuisine."""

    store = models.ForeignKey(MerchantStore, on_delete=models.CASCADE, related_name="cuisines")
    cuisine = models.ForeignKey(
        MerchantCuisine, on_delete=models.PROTECT, related_name="store_cuisines"
    )
    is_primary = models.BooleanField(default=False)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_cuisines")
        verbose_name = "merchant store cuisine"
        constraints = [
            models.UniqueConstraint(
                fields=["store", "cuisine"], name="merchant_store_cuisines_unique"
            ),
            models.UniqueConstraint(
                fields=["store"],
                condition=Q(is_primary=True),
                name="merchant_store_cuisines_one_primary",
                violation_error_message="A store has one primary cuisine.",
            ),
        ]

    def __str__(self):
        return f"Store {self.store_id}: cuisine {self.cuisine_id}"
