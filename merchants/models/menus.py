"""A store's menu: versions, categories, items, variants, add-ons, tags,
merchant-requested changes and the stock toggle log."""

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Upper

from gatimitra.db.constraints import values
from gatimitra.db.expressions import GstRateIsCurrent
from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ActorType, ApprovalStatus, FoodType, current_gst_rates
from merchants.choices import ItemAvailability
from merchants.db import GinIndex, Index

MENU_KINDS = [
    ("DELIVERY", "Delivery"),
    ("BREAKFAST", "Breakfast"),
    ("LATE_NIGHT", "Late night"),
    ("FESTIVE", "Festive"),
    ("CATERING", "Catering"),
]
ITEM_TAGS = [
    ("BESTSELLER", "Bestseller"),
    ("CHEFS_SPECIAL", "Chef's special"),
    ("MUST_TRY", "Must try"),
    ("NEW", "New"),
    ("SPICE_MILD", "Mild"),
    ("SPICE_MEDIUM", "Medium spicy"),
    ("SPICE_HOT", "Very spicy"),
    ("JAIN", "Jain (no onion, garlic or root vegetables)"),
    ("CONTAINS_NUTS", "Contains nuts"),
    ("CONTAINS_DAIRY", "Contains dairy"),
    ("CONTAINS_GLUTEN", "Contains gluten"),
    ("CONTAINS_SHELLFISH", "Contains shellfish"),
    ("GLUTEN_FREE", "Gluten free"),
    ("HALAL", "Halal"),
]
MENU_CHANGE_KINDS = [
    ("ADD_ITEM", "Add item"),
    ("EDIT_ITEM", "Edit item"),
    ("PRICE_CHANGE", "Price change"),
    ("REMOVE_ITEM", "Remove item"),
    ("CATEGORY_CHANGE", "Category change"),
    ("ADDON_CHANGE", "Add-on change"),
    ("BULK_UPLOAD", "Bulk upload"),
]


class MerchantMenu(TimestampedModel):
    """One menu of a store (delivery, breakfast, festive...), with the window
    in which it is active and the version last published."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="menus"
    )
    name = models.CharField(max_length=100)
    menu_kind = models.CharField(max_length=16, choices=MENU_KINDS, default="DELIVERY")
    is_active = models.BooleanField(default=True)
    active_from = models.DateTimeField(null=True, blank=True)
    active_to = models.DateTimeField(null=True, blank=True)
    daily_starts_at = models.TimeField(null=True, blank=True)
    daily_ends_at = models.TimeField(null=True, blank=True)
    published_version = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_merchant_menus",
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_menus")
        verbose_name = "merchant menu"
        constraints = [
            models.CheckConstraint(
                condition=Q(menu_kind__in=values(MENU_KINDS)), name="merchant_menus_menu_kind"
            ),
            models.CheckConstraint(
                condition=Q(active_from__lt=F("active_to"))
                | Q(active_from__isnull=True)
                | Q(active_to__isnull=True),
                name="merchant_menus_active_window",
                violation_error_message="active_from must be before active_to.",
            ),
            models.UniqueConstraint(fields=["store", "name"], name="merchant_menus_unique_name"),
        ]

    def __str__(self):
        return self.name


class MerchantMenuCategory(TimestampedModel):
    """A category or sub-category of a menu (Starters > Tandoori), with its
    display order and the hours it is available."""

    menu = models.ForeignKey(MerchantMenu, on_delete=models.CASCADE, related_name="categories")
    parent_category = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subcategories",
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    available_from = models.TimeField(null=True, blank=True)
    available_until = models.TimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_categories")
        indexes = [
            # The admin's search is UPPER(name::text) LIKE '%...%': trigram-indexed.
            GinIndex(
                OpClass(Upper(Cast("name", models.TextField())), name="gin_trgm_ops"),
                name="merchant_menu_categories_name_trgm",
            ),
        ]
        verbose_name = "merchant menu category"
        verbose_name_plural = "merchant menu categories"
        constraints = [
            models.UniqueConstraint(
                fields=["menu", "parent_category", "name"],
                nulls_distinct=False,
                name="merchant_menu_categories_unique_name",
                violation_error_message="This menu already has a category of that name here.",
            ),
            models.CheckConstraint(
                condition=Q(available_from__isnull=True, available_until__isnull=True)
                | Q(available_from__isnull=False, available_until__isnull=False),
                name="merchant_menu_categories_hours_pair",
            ),
        ]

    def __str__(self):
        return self.name


class MerchantMenuItem(TimestampedModel):
    """One dish or product on a store's menu (``menu_items``): base price,
    veg class, GST rate, HSN/SAC, packaging charge, stock state, image."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="menu_items"
    )
    category = models.ForeignKey(
        MerchantMenuCategory, on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    food_type = EnumField(FoodType, default=FoodType.VEG)
    availability = EnumField(ItemAvailability, default=ItemAvailability.IN_STOCK)
    base_price = MoneyField()
    packaging_charge = MoneyField(default=0)
    gst_rate = models.DecimalField("GST rate %", max_digits=4, decimal_places=2, default=5)
    hsn_code = models.CharField("HSN/SAC", max_length=8, blank=True)
    serves = models.PositiveSmallIntegerField(null=True, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    is_recommended = models.BooleanField(default=False)
    restock_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(
        max_length=64, null=True, blank=True, help_text="The item's id in the store's POS."
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_items")
        verbose_name = "merchant menu item"
        constraints = [
            models.CheckConstraint(
                condition=Q(base_price__gt=0),
                name="merchant_menu_items_price_positive",
                violation_error_message="The base price must be above zero.",
            ),
            # A menu lists what is sold from now on: a slab in force today
            # (gatimitra.enums.GST_SLAB_PERIODS; from 22 September 2025, 56th GST
            # Council, Notification 9/2025-CT(Rate): 0, 0.25, 3, 5, 18, 40 %).
            models.CheckConstraint(
                condition=Q(GstRateIsCurrent("gst_rate")),
                name="merchant_menu_items_gst_rate_slab",
                violation_error_message="The GST rate is one of the slabs in force: "
                + ", ".join(f"{rate:g}" for rate in sorted(current_gst_rates()))
                + " %.",
            ),
            models.CheckConstraint(
                condition=Q(hsn_code="") | Q(hsn_code__regex=r"^[0-9]{4,8}$"),
                name="merchant_menu_items_hsn_format",
                violation_error_message="HSN/SAC codes are 4 to 8 digits.",
            ),
            models.UniqueConstraint(
                fields=["store", "external_id"],
                condition=Q(external_id__isnull=False),
                name="merchant_menu_items_external_id",
            ),
        ]
        indexes = [
            Index(fields=["store", "availability"], name="merchant_menu_items_store_avail"),
            # The admin's search is UPPER(name) LIKE '%...%': trigram-indexed.
            GinIndex(
                OpClass(Upper("name"), name="gin_trgm_ops"),
                name="merchant_menu_items_name_trgm",
            ),
        ]

    def __str__(self):
        return self.name


class MerchantMenuItemVariant(TimestampedModel):
    """A size or portion of a menu item (Half/Full, Regular/Large) with its
    own price; at most one is the default."""

    menu_item = models.ForeignKey(
        MerchantMenuItem, on_delete=models.CASCADE, related_name="variants"
    )
    name = models.CharField(max_length=64)
    price = MoneyField()
    availability = EnumField(ItemAvailability, default=ItemAvailability.IN_STOCK)
    is_default = models.BooleanField(default=False)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_item_variants")
        verbose_name = "merchant menu item variant"
        constraints = [
            models.UniqueConstraint(
                fields=["menu_item", "name"], name="merchant_menu_item_variants_unique_name"
            ),
            models.UniqueConstraint(
                fields=["menu_item"],
                condition=Q(is_default=True),
                name="merchant_menu_item_variants_one_default",
                violation_error_message="An item has one default variant.",
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="merchant_menu_item_variants_price_positive",
            ),
        ]

    def __str__(self):
        return self.name


class MerchantMenuAddonGroup(TimestampedModel):
    """A customisation group of a store ("Choose your bread", "Extra
    toppings") with how many options a customer must and may pick."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.CASCADE, related_name="addon_groups"
    )
    name = models.CharField(max_length=100)
    min_selections = models.PositiveSmallIntegerField(default=0)
    max_selections = models.PositiveSmallIntegerField(default=1)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_addon_groups")
        indexes = [
            # The admin's search is UPPER(name::text) LIKE '%...%': trigram-indexed.
            GinIndex(
                OpClass(Upper(Cast("name", models.TextField())), name="gin_trgm_ops"),
                name="merchant_menu_addon_groups_name_trgm",
            ),
        ]
        verbose_name = "merchant menu add-on group"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_selections__gte=1, min_selections__lte=F("max_selections")),
                name="merchant_menu_addon_groups_selection_range",
                violation_error_message="Need 1 <= max selections and min <= max.",
            ),
            models.UniqueConstraint(
                fields=["store", "name"], name="merchant_menu_addon_groups_unique_name"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_required(self):
        return self.min_selections > 0


class MerchantMenuAddon(TimestampedModel):
    """One option of an add-on group (Butter naan, Extra cheese), with its
    price and veg class."""

    addon_group = models.ForeignKey(
        MerchantMenuAddonGroup, on_delete=models.CASCADE, related_name="addons"
    )
    name = models.CharField(max_length=100)
    price = MoneyField(default=0)
    food_type = EnumField(FoodType, default=FoodType.VEG)
    availability = EnumField(ItemAvailability, default=ItemAvailability.IN_STOCK)
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_addons")
        verbose_name = "merchant menu add-on"
        constraints = [
            models.UniqueConstraint(
                fields=["addon_group", "name"], name="merchant_menu_addons_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class MerchantMenuItemAddonGroup(TimestampedModel):
    """An add-on group offered with a menu item, in display order. Item and
    group belong to the same store (a trigger checks it)."""

    menu_item = models.ForeignKey(
        MerchantMenuItem, on_delete=models.CASCADE, related_name="addon_group_links"
    )
    addon_group = models.ForeignKey(
        MerchantMenuAddonGroup, on_delete=models.CASCADE, related_name="item_links"
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_item_addon_groups")
        verbose_name = "merchant menu item add-on group"
        constraints = [
            models.UniqueConstraint(
                fields=["menu_item", "addon_group"],
                name="merchant_menu_item_addon_groups_unique",
            ),
        ]

    def __str__(self):
        return f"Item {self.menu_item_id}: group {self.addon_group_id}"


class MerchantMenuItemTag(TimestampedModel):
    """One tag on a menu item: bestseller, chef's special, spice level,
    allergen, Jain."""

    menu_item = models.ForeignKey(MerchantMenuItem, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=24, choices=ITEM_TAGS)

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_item_tags")
        verbose_name = "merchant menu item tag"
        constraints = [
            models.CheckConstraint(
                condition=Q(tag__in=values(ITEM_TAGS)), name="merchant_menu_item_tags_tag"
            ),
            models.UniqueConstraint(
                fields=["menu_item", "tag"], name="merchant_menu_item_tags_unique"
            ),
        ]

    def __str__(self):
        return self.get_tag_display()


class MerchantMenuChangeRequest(TimestampedModel):
    """A menu or price edit submitted by a merchant, waiting for (or past)
    the platform's quality check, with the proposed diff and the decision."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.PROTECT, related_name="menu_change_requests"
    )
    merchant_user = models.ForeignKey(
        "merchants.MerchantUser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="menu_change_requests",
    )
    menu_item = models.ForeignKey(
        MerchantMenuItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The item changed, when the request is about one.",
    )
    change_kind = models.CharField(max_length=20, choices=MENU_CHANGE_KINDS)
    status = EnumField(ApprovalStatus, default=ApprovalStatus.PENDING)
    diff = models.JSONField(default=dict, help_text='{"field": {"from": ..., "to": ...}}')
    reason = models.CharField(max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_merchant_menu_changes",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    approval = models.ForeignKey(
        "access_mgmt.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_menu_change_requests",
        help_text="The maker-checker request that approves this change, when one is needed.",
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_menu_change_requests")
        verbose_name = "merchant menu change request"
        constraints = [
            models.CheckConstraint(
                condition=Q(change_kind__in=values(MENU_CHANGE_KINDS)),
                name="merchant_menu_change_requests_change_kind",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ApprovalStatus.APPROVED, ApprovalStatus.REJECTED])
                | Q(reviewed_at__isnull=False),
                name="merchant_menu_change_requests_reviewed_at",
                violation_error_message="An approved or rejected request needs reviewed_at.",
            ),
        ]
        indexes = [
            Index(fields=["status", "created_at"], name="merchant_menu_change_requests_queue"),
        ]

    def __str__(self):
        return f"{self.get_change_kind_display()} #{self.pk} ({self.get_status_display()})"


class MerchantItemStockEvent(AppendOnlyModel):
    """One in/out-of-stock toggle of a menu item, one of its variants, or an
    add-on, with the automatic restock time. Append-only."""

    menu_item = models.ForeignKey(
        MerchantMenuItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_events",
    )
    variant = models.ForeignKey(
        MerchantMenuItemVariant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_events",
    )
    addon = models.ForeignKey(
        MerchantMenuAddon,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_events",
    )
    availability = EnumField(ItemAvailability)
    restock_at = models.DateTimeField(null=True, blank=True)
    actor_type = EnumField(ActorType, default=ActorType.MERCHANT_USER)
    merchant_user = models.ForeignKey(
        "merchants.MerchantUser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="item_stock_events",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_item_stock_events",
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_item_stock_events")
        verbose_name = "merchant item stock event"
        constraints = [
            # An item (optionally one of its variants) or an add-on.
            models.CheckConstraint(
                condition=Q(menu_item__isnull=False, addon__isnull=True)
                | Q(menu_item__isnull=True, variant__isnull=True, addon__isnull=False),
                name="merchant_item_stock_events_one_subject",
                violation_error_message="A stock event is about an item (or its variant) "
                "or an add-on.",
            ),
            models.CheckConstraint(
                condition=~Q(actor_type=ActorType.MERCHANT_USER) | Q(merchant_user__isnull=False),
                name="merchant_item_stock_events_merchant_actor",
                violation_error_message="A MERCHANT_USER toggle names the merchant user.",
            ),
        ]
        indexes = [
            Index(fields=["menu_item", "-created_at"], name="merchant_item_stock_events_item"),
        ]

    def __str__(self):
        return f"{self.get_availability_display()} at {self.created_at:%Y-%m-%d %H:%M}"
