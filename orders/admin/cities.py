from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from orders.models import (
    DeliveryFeeRule,
    IndianState,
    RideFarePolicy,
    ServiceCity,
    ServiceZone,
    SurgePricingRule,
)


@admin.register(IndianState)
class IndianStateAdmin(GatimitraModelAdmin):
    """Reference rows from the GST state code list: migrations write them."""

    list_display = ("code", "name", "is_union_territory")
    search_fields = ("code", "name")
    ordering = ("code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceCity)
class ServiceCityAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "state_name", "state_code", "launch_status", "launched_on")
    list_filter = ("launch_status",)
    search_fields = ("code", "name", "state_name")
    ordering = ("code",)


@admin.register(ServiceZone)
class ServiceZoneAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "city"

    list_display = ("code", "name", "city", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    ordering = ("city", "code")
    autocomplete_fields = ("city",)


@admin.register(RideFarePolicy)
class RideFarePolicyAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "city"

    list_display = (
        "id",
        "city",
        "vehicle_type",
        "version",
        "base_fare",
        "per_km_rate",
        "minimum_fare",
        "valid_from",
        "valid_to",
        "active",
    )
    ordering = ("-id",)
    autocomplete_fields = ("city",)


@admin.register(DeliveryFeeRule)
class DeliveryFeeRuleAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "zone__city"

    list_display = (
        "id",
        "zone",
        "service_type",
        "min_distance_m",
        "max_distance_m",
        "base_fee",
        "per_km_fee",
        "valid_from",
        "active",
    )
    ordering = ("-id",)
    autocomplete_fields = ("zone",)


@admin.register(SurgePricingRule)
class SurgePricingRuleAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "zone__city"

    list_display = (
        "id",
        "zone",
        "service_type",
        "trigger",
        "multiplier",
        "max_multiplier",
        "valid_from",
        "valid_to",
        "active",
    )
    list_filter = ("service_type", "trigger", "active")
    ordering = ("-id",)
    autocomplete_fields = ("zone",)
