from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerSubscription,
    CustomerSubscriptionPayment,
    CustomerSubscriptionPlan,
)
from gatimitra.admin import GatimitraModelAdmin


@admin.register(CustomerSubscriptionPlan)
class CustomerSubscriptionPlanAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "price", "duration_days", "free_delivery", "is_active")
    search_fields = ("code", "name")
    ordering = ("-id",)


@admin.register(CustomerSubscription)
class CustomerSubscriptionAdmin(GatimitraModelAdmin):
    list_display = ("customer", "plan", "status", "starts_at", "ends_at", "auto_renew")
    list_filter = ("status", "plan", "auto_renew")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "plan")


@admin.register(CustomerSubscriptionPayment)
class CustomerSubscriptionPaymentAdmin(GatimitraModelAdmin):
    list_display = (
        "subscription",
        "amount",
        "payment_method",
        "status",
        "gateway_payment_id",
        "paid_at",
    )
    search_fields = ("=gateway_payment_id", "subscription__customer__mobile")
    ordering = ("-id",)
    list_select_related = ("subscription__plan", "subscription__customer")
