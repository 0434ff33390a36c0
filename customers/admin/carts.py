from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerCart,
    CustomerCartItem,
    CustomerFavourite,
    CustomerSearchHistory,
)
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline


class CustomerCartItemInline(GatimitraTabularInline):
    model = CustomerCartItem
    fields = (
        "menu_item",
        "variant",
        "item_name",
        "variant_name",
        "quantity",
        "unit_price",
        "addons_total",
        "line_total",
    )
    autocomplete_fields = ("menu_item",)
    raw_id_fields = ("variant",)
    readonly_fields = ("line_total",)


@admin.register(CustomerCart)
class CustomerCartAdmin(GatimitraModelAdmin):
    list_display = ("customer", "service_type", "store", "status", "item_total", "expires_at")
    list_filter = ("service_type", "status")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "store", "coupon")
    inlines = (CustomerCartItemInline,)


@admin.register(CustomerCartItem)
class CustomerCartItemAdmin(GatimitraModelAdmin):
    list_display = ("cart", "menu_item", "item_name", "quantity", "unit_price", "line_total")
    search_fields = ("cart__customer__mobile",)
    ordering = ("-id",)
    list_select_related = ("cart__customer", "menu_item")
    autocomplete_fields = ("menu_item",)


@admin.register(CustomerFavourite)
class CustomerFavouriteAdmin(GatimitraModelAdmin):
    list_display = ("customer", "target_type", "store", "menu_item", "created_at")
    list_filter = ("target_type",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "store", "menu_item")


@admin.register(CustomerSearchHistory)
class CustomerSearchHistoryAdmin(GatimitraModelAdmin):
    list_display = ("customer", "query", "service_type", "zone", "result_count", "created_at")
    list_filter = ("service_type",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "zone")
