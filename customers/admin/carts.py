from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH, CustomersModelAdmin
from customers.models import (
    CustomerCart,
    CustomerCartItem,
    CustomerFavourite,
    CustomerSearchHistory,
)
from gatimitra.admin import GatimitraTabularInline


class CustomerCartItemInline(GatimitraTabularInline):
    model = CustomerCartItem
    fields = ("item_name", "variant_name", "quantity", "unit_price", "addons_total", "line_total")
    readonly_fields = ("line_total",)


@admin.register(CustomerCart)
class CustomerCartAdmin(CustomersModelAdmin):
    list_display = ("customer", "service_type", "status", "item_total", "expires_at")
    list_filter = ("service_type", "status")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "coupon")
    inlines = (CustomerCartItemInline,)


@admin.register(CustomerCartItem)
class CustomerCartItemAdmin(CustomersModelAdmin):
    list_display = ("cart", "item_name", "quantity", "unit_price", "line_total")
    search_fields = ("cart__customer__mobile",)
    ordering = ("-id",)
    list_select_related = ("cart__customer",)


@admin.register(CustomerFavourite)
class CustomerFavouriteAdmin(CustomersModelAdmin):
    list_display = ("customer", "target_type", "created_at")
    list_filter = ("target_type",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerSearchHistory)
class CustomerSearchHistoryAdmin(CustomersModelAdmin):
    list_display = ("customer", "query", "service_type", "result_count", "created_at")
    list_filter = ("service_type",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)
