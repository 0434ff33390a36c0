from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from riders.models import RiderIncentiveProgress, RiderIncentiveScheme, RiderPenalty


@admin.register(RiderIncentiveScheme)
class RiderIncentiveSchemeAdmin(GatimitraModelAdmin):
    list_display = (
        "code",
        "name",
        "incentive_type",
        "service_type",
        "city",
        "zone",
        "valid_from",
        "valid_to",
        "reward_amount",
        "is_active",
    )
    search_fields = ("code", "name")
    ordering = ("-id",)
    autocomplete_fields = ("city", "zone")


@admin.register(RiderIncentiveProgress)
class RiderIncentiveProgressAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "scheme",
        "rider",
        "orders_completed",
        "login_minutes",
        "target_met",
        "amount_earned",
    )
    search_fields = ("=rider__mobile", "=scheme__code")
    ordering = ("-id",)
    autocomplete_fields = ("scheme", "rider")


@admin.register(RiderPenalty)
class RiderPenaltyAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "order",
        "reason_code",
        "amount",
        "imposed_at",
        "dispute_status",
        "decided_by",
    )
    list_filter = ("reason_code", "dispute_status")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)
    autocomplete_fields = ("rider", "order")
