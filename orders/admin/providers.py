from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from orders.models import (
    ExternalDeliveryProvider,
    ExternalProviderCallback,
    ExternalProviderRateCard,
    OrderExternalDelivery,
)


class ExternalProviderRateCardInline(GatimitraTabularInline):
    model = ExternalProviderRateCard
    fields = ("zone", "vehicle_type", "min_distance_m", "max_distance_m", "base_price", "active")


@admin.register(ExternalDeliveryProvider)
class ExternalDeliveryProviderAdmin(GatimitraModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "status",
        "api_client",
        "priority",
        "sla_delivery_minutes",
    )
    search_fields = ("code", "name")
    ordering = ("code",)
    autocomplete_fields = ("api_client",)
    inlines = [ExternalProviderRateCardInline]


@admin.register(ExternalProviderRateCard)
class ExternalProviderRateCardAdmin(GatimitraModelAdmin):
    list_display = (
        "id",
        "provider",
        "zone",
        "vehicle_type",
        "base_price",
        "per_km_price",
        "active",
    )
    ordering = ("-id",)
    autocomplete_fields = ("provider", "zone")


@admin.register(OrderExternalDelivery)
class OrderExternalDeliveryAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "provider", "provider_task_id", "status", "quoted_cost")
    ordering = ("-id",)
    autocomplete_fields = ("provider",)


@admin.register(ExternalProviderCallback)
class ExternalProviderCallbackAdmin(GatimitraModelAdmin):
    list_display = ("id", "provider", "provider_event_id", "event_status", "signature_valid")
    ordering = ("-id",)
