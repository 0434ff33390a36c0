from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from riders.models import RiderConsent, RiderWelfareFeeAccrual, WelfareFeeRate


@admin.register(RiderConsent)
class RiderConsentAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("rider", "purpose", "status", "notice_version", "channel", "created_at")
    list_filter = ("purpose", "status", "channel")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)
    autocomplete_fields = ("rider", "recorded_by")


@admin.register(WelfareFeeRate)
class WelfareFeeRateAdmin(GatimitraModelAdmin):
    list_display = ("state_code", "city", "rate_percent", "valid_from", "valid_to", "law")
    list_filter = ("state_code",)
    ordering = ("-id",)


@admin.register(RiderWelfareFeeAccrual)
class RiderWelfareFeeAccrualAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("earning", "rider", "rate_percent", "base_amount", "fee_amount", "accrued_at")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)
    raw_id_fields = ("earning", "rider", "rate")
