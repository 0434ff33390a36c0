"""Shopping and discovery: live carts and their lines, favourites and
recent searches. Carts, lines and favourites point at the merchants domain's
stores, menu items and variants; searches at the orders domain's zones."""

from datetime import timedelta

from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from customers.choices import (
    CART_STATUSES,
    FAVOURITE_TARGET_TYPES,
    SEARCH_RESULT_TYPES,
    one_of,
)
from gatimitra.db.fields import EnumField, LatitudeField, LongitudeField, MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ServiceType

#: Recent searches are kept this long (CATALOG: 90-day TTL).
SEARCH_HISTORY_TTL = timedelta(days=90)


class CustomerCart(TimestampedModel):
    """A customer's cart for one service (FOOD from one store, a PARCEL or
    RIDE draft), with its pricing snapshot and expiry. At most one active
    cart per customer and service, as in the apps. A FOOD cart, and only a
    FOOD cart, names its store."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="carts"
    )
    service_type = EnumField(ServiceType)
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_carts",
        help_text="The store a FOOD cart orders from (FOOD carts only).",
    )
    status = models.CharField(max_length=12, choices=CART_STATUSES, default="ACTIVE")
    address = models.ForeignKey(
        "customers.CustomerAddress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carts",
        help_text="One of the same customer's addresses (checked by the database).",
    )
    coupon = models.ForeignKey(
        "customers.CustomerCoupon",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carts",
    )
    pricing_snapshot = models.JSONField(default=dict, blank=True)
    item_total = MoneyField(default=0)
    expires_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_carts")
        constraints = [
            one_of("customer_carts", "status", CART_STATUSES),
            models.UniqueConstraint(
                fields=["customer", "service_type"],
                condition=Q(status="ACTIVE"),
                name="customer_carts_one_active_per_service",
                violation_error_message="This customer has an active cart for this service.",
            ),
            models.CheckConstraint(
                condition=~Q(status="CHECKED_OUT") | Q(checked_out_at__isnull=False),
                name="customer_carts_checked_out_at",
            ),
            models.CheckConstraint(
                condition=Q(service_type=ServiceType.FOOD, store__isnull=False)
                | (~Q(service_type=ServiceType.FOOD) & Q(store__isnull=True)),
                name="customer_carts_store_iff_food",
                violation_error_message="A FOOD cart names its store; other carts name none.",
            ),
        ]

    def __str__(self):
        return f"{self.get_service_type_display()} cart of {self.customer} ({self.status})"


class CustomerCartItem(TimestampedModel):
    """One line of a FOOD cart: a menu item of the cart's store (and one of
    its variants), with a name snapshot, add-ons, quantity and prices. That
    the item is the cart's store's and the variant the item's is checked by
    the database; ``line_total`` is computed by it."""

    cart = models.ForeignKey(CustomerCart, on_delete=models.CASCADE, related_name="items")
    menu_item = models.ForeignKey(
        "merchants.MerchantMenuItem",
        on_delete=models.CASCADE,
        related_name="customer_cart_items",
        help_text="An item of the cart's store (checked by the database).",
    )
    variant = models.ForeignKey(
        "merchants.MerchantMenuItemVariant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="customer_cart_items",
        help_text="A variant of that item (checked by the database).",
    )
    item_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price = MoneyField()
    addons = models.JSONField(default=list, blank=True, help_text='[{"name": ..., "price": ...}]')
    addons_total = MoneyField(default=0, help_text="Per unit.")
    line_total = models.GeneratedField(
        expression=F("quantity") * (F("unit_price") + F("addons_total")),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
    )
    special_instructions = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_cart_items")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=99),
                name="customer_cart_items_quantity_range",
                violation_error_message="Quantity must be between 1 and 99.",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.item_name}"


class CustomerFavourite(TimestampedModel):
    """A store or menu item a customer marked as favourite: exactly one of
    ``store`` and ``menu_item``, the one ``target_type`` names, each at most
    once per customer."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="favourites"
    )
    target_type = models.CharField(max_length=10, choices=FAVOURITE_TARGET_TYPES)
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="customer_favourites",
    )
    menu_item = models.ForeignKey(
        "merchants.MerchantMenuItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="customer_favourites",
    )

    class Meta:
        db_table = schema_table("customers", "customer_favourites")
        constraints = [
            one_of("customer_favourites", "target_type", FAVOURITE_TARGET_TYPES),
            models.CheckConstraint(
                condition=Q(target_type="STORE", store__isnull=False, menu_item__isnull=True)
                | Q(target_type="MENU_ITEM", menu_item__isnull=False, store__isnull=True),
                name="customer_favourites_one_target",
                violation_error_message="A favourite names the store or the item its type says.",
            ),
            models.UniqueConstraint(
                fields=["customer", "store"],
                condition=Q(store__isnull=False),
                name="customer_favourites_store_uniq",
                violation_error_message="This store is already a favourite.",
            ),
            models.UniqueConstraint(
                fields=["customer", "menu_item"],
                condition=Q(menu_item__isnull=False),
                name="customer_favourites_menu_item_uniq",
                violation_error_message="This item is already a favourite.",
            ),
        ]

    def __str__(self):
        return f"{self.get_target_type_display()} favourite of {self.customer}"


class CustomerSearchHistoryQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(created_at__lt=(now or timezone.now()) - SEARCH_HISTORY_TTL)


class CustomerSearchHistory(TimestampedModel):
    """One search a customer ran (text, service, where) and the result they
    opened, for recents and personalisation. Kept 90 days."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="searches", db_index=False
    )
    service_type = EnumField(ServiceType, null=True, blank=True)
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_searches",
        # Zones are never deleted in practice (orders and addresses protect
        # them); an index over 10^8 rows would serve no query.
        db_index=False,
        help_text="The zone searched in (a search log outlives a redrawn zone).",
    )
    query = models.CharField(max_length=200)
    result_count = models.PositiveIntegerField(default=0)
    clicked_result_type = models.CharField(
        max_length=10, choices=SEARCH_RESULT_TYPES, null=True, blank=True
    )
    clicked_result_id = models.BigIntegerField(
        null=True, blank=True, help_text="Id of the opened result (soft reference)."
    )
    latitude = LatitudeField(null=True, blank=True)
    longitude = LongitudeField(null=True, blank=True)

    objects = CustomerSearchHistoryQuerySet.as_manager()

    class Meta:
        db_table = schema_table("customers", "customer_search_history")
        verbose_name_plural = "customer search history"
        constraints = [
            one_of("customer_search_history", "clicked_result_type", SEARCH_RESULT_TYPES),
            models.CheckConstraint(
                condition=~Q(query=""), name="customer_search_history_query_not_blank"
            ),
            models.CheckConstraint(
                condition=Q(clicked_result_type__isnull=True, clicked_result_id__isnull=True)
                | Q(clicked_result_type__isnull=False, clicked_result_id__isnull=False),
                name="customer_search_history_clicked_result",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="customer_search_history_point",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="customer_search_history_recent"),
            # The TTL purge deletes by age; BRIN fits an append-mostly log.
            BrinIndex(fields=["created_at"], name="customer_search_history_brin"),
        ]

    def __str__(self):
        return self.query
