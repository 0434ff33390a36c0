from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline, ReadOnlyTabularInline
from riders.admin.documents import RiderDocumentInline, RiderVehicleInline
from riders.admin.earnings import RiderBankAccountInline
from riders.models import Rider, RiderDevice, RiderStatusHistory

#: Per-rider lists too long to inline, linked from the rider's page instead.
RIDER_RECORDS = (
    ("riders_walletledger", "Wallet ledger"),
    ("riders_riderpayout", "Payouts"),
    ("riders_riderorderearning", "Earnings"),
    ("riders_dutylog", "Duty logs"),
    ("riders_locationlog", "Location logs"),
    ("riders_riderkycverification", "KYC checks"),
    ("riders_riderpenalty", "Penalties"),
)


class RiderDeviceInline(GatimitraTabularInline):
    model = RiderDevice
    # push_token is left out: an address for notifications, not for display.
    fields = (
        "device_id",
        "platform",
        "app_version",
        "device_model",
        "is_rooted",
        "is_mock_location",
        "is_emulator",
        "is_active",
        "last_seen_at",
    )


class RiderStatusHistoryInline(ReadOnlyTabularInline):
    model = RiderStatusHistory
    fields = (
        "created_at",
        "from_stage",
        "to_stage",
        "from_status",
        "to_status",
        "actor",
        "approval",
        "reason",
    )
    readonly_fields = fields
    ordering = ("-id",)
    show_change_link = False


@admin.register(Rider)
class RiderAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "city"

    list_display = (
        "full_name",
        "mobile",
        "onboarding_stage",
        "status",
        "city",
        "home_zone",
        "rating",
        "created_at",
    )
    list_filter = ("onboarding_stage", "status", "city")
    search_fields = ("full_name", "=mobile")
    ordering = ("-id",)
    autocomplete_fields = ("city", "home_zone")
    readonly_fields = ("rating", "acceptance_rate", "activated_at", "records")
    fieldsets = (
        (None, {"fields": ("full_name", "mobile", "date_of_birth", "referral_code")}),
        ("Work area", {"fields": ("city", "home_zone")}),
        (
            "Onboarding",
            {"fields": ("onboarding_stage", "status", "enabled_services", "activated_at")},
        ),
        ("Performance", {"fields": ("rating", "acceptance_rate")}),
        ("Records", {"fields": ("records",)}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (
        RiderDocumentInline,
        RiderVehicleInline,
        RiderBankAccountInline,
        RiderDeviceInline,
        RiderStatusHistoryInline,
    )

    @admin.display(description="Records")
    def records(self, rider):
        if rider.pk is None:
            return "-"
        return format_html_join(
            " · ",
            '<a href="{}?rider__id__exact={}">{}</a>',
            (
                (reverse(f"admin:{name}_changelist"), rider.pk, label)
                for name, label in RIDER_RECORDS
            ),
        )

    def save_model(self, request, obj, form, change):
        # A stage or status change is recorded with the staff user as actor,
        # in the admin's transaction: that is what lets the database accept an
        # onboarding rollback (see riders/sqlfrozen/m0003_add_riders_rules.py).
        if change and {"onboarding_stage", "status"} & set(form.changed_data):
            obj.record_change(
                from_stage=form.initial["onboarding_stage"],
                from_status=form.initial["status"],
                actor=request.user,
                reason="Changed in the admin",
            )
        super().save_model(request, obj, form, change)


@admin.register(RiderStatusHistory)
class RiderStatusHistoryAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "from_stage",
        "to_stage",
        "from_status",
        "to_status",
        "actor",
        "approval",
        "created_at",
    )
    list_filter = ("to_stage", "to_status")
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)


@admin.register(RiderDevice)
class RiderDeviceAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "device_id",
        "rider",
        "platform",
        "app_version",
        "is_rooted",
        "is_mock_location",
        "is_emulator",
        "last_seen_at",
    )
    search_fields = ("=device_id", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
    exclude = ("push_token",)
