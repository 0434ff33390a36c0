from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from merchants.models import (
    MerchantDevice,
    MerchantPosIntegration,
    MerchantStoreAvailabilityLog,
    MerchantStoreClosure,
    MerchantStoreDailyMetric,
    MerchantStoreHours,
)


@admin.register(MerchantStoreHours)
class MerchantStoreHoursAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "weekday", "opens_at", "closes_at")
    ordering = ("-id",)


@admin.register(MerchantStoreClosure)
class MerchantStoreClosureAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "reason_code", "is_planned", "starts_at", "ends_at")
    list_filter = ("reason_code", "is_planned")
    ordering = ("-id",)


@admin.register(MerchantStoreAvailabilityLog)
class MerchantStoreAvailabilityLogAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = (
        "id",
        "store",
        "from_status",
        "to_status",
        "is_accepting_orders",
        "reason_code",
        "actor_type",
        "created_at",
    )
    list_filter = ("reason_code", "to_status", "actor_type")
    ordering = ("-id",)


@admin.register(MerchantDevice)
class MerchantDeviceAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("device_identifier", "store", "platform", "device_kind", "app_version")
    search_fields = ("device_identifier",)
    ordering = ("-id",)
    # The push token is an address for notifications; no need to show it.
    exclude = ("push_token",)


@admin.register(MerchantPosIntegration)
class MerchantPosIntegrationAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("id", "store", "provider", "external_store_id", "api_client", "status")
    list_filter = ("provider", "status")
    search_fields = ("external_store_id",)
    ordering = ("-id",)
    autocomplete_fields = ("api_client",)


@admin.register(MerchantStoreDailyMetric)
class MerchantStoreDailyMetricAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = (
        "store",
        "metric_date",
        "orders_received",
        "orders_rejected",
        "gmv",
        "rating_average",
        "availability_percent",
    )
    ordering = ("-id",)
