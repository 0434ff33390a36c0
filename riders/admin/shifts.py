from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, ReadOnlyModelAdmin
from riders.models import (
    DutyLog,
    LocationLog,
    RiderLiveStatus,
    RiderShift,
    RiderShiftBooking,
    RiderSosAlert,
)


@admin.register(RiderShift)
class RiderShiftAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "zone__city"

    list_display = (
        "id",
        "zone",
        "service_type",
        "starts_at",
        "ends_at",
        "capacity",
        "min_guarantee",
        "is_published",
    )
    ordering = ("-starts_at",)
    autocomplete_fields = ("zone",)


@admin.register(RiderShiftBooking)
class RiderShiftBookingAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("id", "shift", "rider", "status", "checked_in_at", "checked_out_at")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)
    autocomplete_fields = ("rider",)


@admin.register(DutyLog)
class DutyLogAdmin(CityScopedAdminMixin, ReadOnlyModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("id", "rider", "status", "started_at", "ended_at", "login_minutes", "vehicle")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)


@admin.register(LocationLog)
class LocationLogAdmin(CityScopedAdminMixin, ReadOnlyModelAdmin):
    """Millions of rows: ordered by the primary key (newest first), filtered
    by a date range the BRIN index serves; no date_hierarchy (a DISTINCT over
    the whole table), no search (a scan) and filtered counts capped (the
    base paginator). A rider's pings are reached from the rider's page
    (``?rider__id__exact=``), listed off the (rider_id, recorded_at) index."""

    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "recorded_at",
        "latitude",
        "longitude",
        "accuracy_m",
        "speed_kmph",
        "battery_pct",
        "order_id",
        "order_status",
    )
    list_filter = (("recorded_at", admin.DateFieldListFilter), "order_status")
    ordering = ("-id",)

    def get_ordering(self, request):
        # One rider's pings: newest first straight off the (rider_id,
        # recorded_at) index, instead of sorting all of them by id.
        if "rider__id__exact" in request.GET:
            return ("-recorded_at",)
        return super().get_ordering(request)


@admin.register(RiderLiveStatus)
class RiderLiveStatusAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "rider",
        "zone",
        "duty_status",
        "vehicle_type",
        "active_order_count",
        "cash_in_hand",
        "location_updated_at",
    )
    search_fields = ("=rider__mobile",)
    ordering = ("-pk",)
    autocomplete_fields = ("rider", "zone")


@admin.register(RiderSosAlert)
class RiderSosAlertAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "order",
        "kind",
        "status",
        "raised_at",
        "handled_by",
        "resolved_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)
    autocomplete_fields = ("rider", "order")
