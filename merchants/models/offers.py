"""Promotions a merchant runs: offers, what they cover, sponsored listings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import CampaignStatus, OfferType
from merchants.db import Index
from merchants.models.stores import zone_outside_store_city

AD_PLACEMENTS = [
    ("SEARCH", "Search results"),
    ("HOME_CAROUSEL", "Home carousel"),
    ("CATEGORY_LISTING", "Category listing"),
    ("CUISINE_LISTING", "Cuisine listing"),
]


class MerchantOffer(TimestampedModel):
    """An offer of one store, or of a whole brand (parent): percent or flat
    off, BOGO, free item; minimum order, cap, validity window, usage limits
    and how the discount is funded between merchant and platform."""

    code = models.CharField(
        max_length=32, unique=True, help_text="Shown to customers, e.g. TRYNEW50."
    )
    parent = models.ForeignKey(
        "merchants.MerchantParent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
    )
    offer_type = EnumField(OfferType)
    status = EnumField(CampaignStatus, default=CampaignStatus.DRAFT)
    title = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    flat_discount = MoneyField(null=True, blank=True)
    max_discount = MoneyField(null=True, blank=True)
    min_order_value = MoneyField(default=0)
    merchant_share_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=100,
        help_text="Share of each discount the merchant funds; the platform funds the rest.",
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    usage_limit_total = models.PositiveIntegerField(null=True, blank=True)
    usage_limit_per_customer = models.PositiveSmallIntegerField(null=True, blank=True)
    times_used = models.PositiveIntegerField(default=0)
    new_customers_only = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_merchant_offers",
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_offers")
        verbose_name = "merchant offer"
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False, store__isnull=True)
                | Q(parent__isnull=True, store__isnull=False),
                name="merchant_offers_one_owner",
                violation_error_message="An offer belongs to either a brand (parent) or a store.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")),
                name="merchant_offers_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gt=0, discount_percent__lte=100),
                name="merchant_offers_percent_range",
                violation_error_message="A percentage is above 0 and at most 100.",
            ),
            models.CheckConstraint(
                condition=~Q(offer_type=OfferType.PERCENT_OFF) | Q(discount_percent__isnull=False),
                name="merchant_offers_percent_off_has_percent",
                violation_error_message="A PERCENT_OFF offer needs discount_percent.",
            ),
            models.CheckConstraint(
                condition=~Q(offer_type=OfferType.FLAT_OFF) | Q(flat_discount__gt=0),
                name="merchant_offers_flat_off_has_amount",
                violation_error_message="A FLAT_OFF offer needs a flat discount above zero.",
            ),
            models.CheckConstraint(
                condition=Q(merchant_share_percent__gte=0, merchant_share_percent__lte=100),
                name="merchant_offers_share_range",
            ),
            models.CheckConstraint(
                condition=Q(times_used__lte=F("usage_limit_total"))
                | Q(usage_limit_total__isnull=True),
                name="merchant_offers_usage_within_limit",
                violation_error_message="The offer has been used more times than its limit.",
            ),
        ]
        indexes = [
            Index(fields=["status", "valid_to"], name="merchant_offers_status_valid"),
        ]

    def __str__(self):
        return f"{self.code}: {self.title}"


class MerchantOfferItem(TimestampedModel):
    """A menu item or category an offer includes (or, with ``is_excluded``,
    leaves out)."""

    offer = models.ForeignKey(MerchantOffer, on_delete=models.CASCADE, related_name="items")
    menu_item = models.ForeignKey(
        "merchants.MerchantMenuItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offer_items",
    )
    category = models.ForeignKey(
        "merchants.MerchantMenuCategory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offer_items",
    )
    is_excluded = models.BooleanField(default=False)

    class Meta:
        db_table = schema_table("merchants", "merchant_offer_items")
        verbose_name = "merchant offer item"
        constraints = [
            models.CheckConstraint(
                condition=Q(menu_item__isnull=False, category__isnull=True)
                | Q(menu_item__isnull=True, category__isnull=False),
                name="merchant_offer_items_one_target",
                violation_error_message="Name either a menu item or a category.",
            ),
            models.UniqueConstraint(
                fields=["offer", "menu_item"],
                condition=Q(menu_item__isnull=False),
                name="merchant_offer_items_unique_item",
            ),
            models.UniqueConstraint(
                fields=["offer", "category"],
                condition=Q(category__isnull=False),
                name="merchant_offer_items_unique_category",
            ),
        ]

    def __str__(self):
        target = (
            f"item {self.menu_item_id}" if self.menu_item_id else f"category {self.category_id}"
        )
        return f"{'Excludes' if self.is_excluded else 'Includes'} {target}"


class MerchantAdCampaign(TimestampedModel):
    """A sponsored-listing campaign of a store: placement, target zone,
    budget, bid, dates and spend so far. A campaign without a zone targets
    every zone the store serves; a targeted zone lies in the city of the
    store's zone (checked at commit)."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.PROTECT, related_name="ad_campaigns"
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_ad_campaigns",
        help_text="The zone the listing is shown in; empty for every zone the store serves.",
    )
    name = models.CharField(max_length=100)
    status = EnumField(CampaignStatus, default=CampaignStatus.DRAFT)
    placement = models.CharField(max_length=20, choices=AD_PLACEMENTS, default="SEARCH")
    budget = MoneyField()
    daily_budget_cap = MoneyField(null=True, blank=True)
    bid_per_click = MoneyField()
    spend = MoneyField(default=0)
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_merchant_ad_campaigns",
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_ad_campaigns")
        verbose_name = "merchant ad campaign"
        constraints = [
            models.CheckConstraint(
                condition=Q(placement__in=values(AD_PLACEMENTS)),
                name="merchant_ad_campaigns_placement",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")),
                name="merchant_ad_campaigns_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=Q(spend__lte=F("budget")),
                name="merchant_ad_campaigns_spend_within_budget",
                violation_error_message="Spend cannot exceed the budget.",
            ),
            models.CheckConstraint(
                condition=Q(clicks__lte=F("impressions")),
                name="merchant_ad_campaigns_clicks_within_impressions",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # Also refused at commit (merchant_ad_campaigns_zone_in_store_city).
        if self.store_id and self.zone_id:
            error = zone_outside_store_city(self.store, self.zone)
            if error:
                raise ValidationError({"zone": error})
