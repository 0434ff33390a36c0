from django.contrib import admin

from customers.models import (
    Customer,
    CustomerAddress,
    CustomerConsent,
    CustomerDevice,
    CustomerPreference,
    CustomerSavedContact,
)
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline, ReadOnlyTabularInline

#: Child lists search by the owner's mobile: it has a trigram index, so the
#: search starts from a few customers (GatimitraModelAdmin.get_search_results)
#: instead of scanning the child table.
CUSTOMER_SEARCH = ("customer__mobile",)


class CustomerAddressInline(GatimitraTabularInline):
    model = CustomerAddress
    fields = (
        "label",
        "house_number",
        "building_name",
        "locality",
        "city",
        "state",
        "pincode",
        "latitude",
        "longitude",
        "zone",
        "is_default",
        "archived_at",
    )
    autocomplete_fields = ("zone",)


class CustomerDeviceInline(GatimitraTabularInline):
    """Installs are registered by the app; staff can only sign one out."""

    model = CustomerDevice
    fields = ("platform", "device_model", "app_version", "last_seen_at", "logged_out_at")
    readonly_fields = ("platform", "device_model", "app_version", "last_seen_at")

    def has_add_permission(self, request, obj=None):
        return False


class CustomerConsentInline(ReadOnlyTabularInline):
    model = CustomerConsent
    fields = ("purpose", "status", "notice_version", "channel", "granted_at", "withdrawn_at")
    ordering = ("-id",)


@admin.register(Customer)
class CustomerAdmin(GatimitraModelAdmin):
    list_display = ("mobile", "full_name", "email", "status", "referral_code", "created_at")
    list_filter = ("status", "signup_source", "preferred_language", "cod_enabled")
    search_fields = ("mobile", "full_name", "email", "referral_code")
    ordering = ("-id",)
    readonly_fields = ("referral_code",)
    fieldsets = (
        (None, {"fields": ("mobile", "full_name", "email", "date_of_birth", "referral_code")}),
        (
            "Account",
            {"fields": ("status", "preferred_language", "signup_source", "cod_enabled")},
        ),
        (
            "Activity",
            {
                "fields": (
                    "mobile_verified_at",
                    "email_verified_at",
                    "last_active_at",
                    "deletion_requested_at",
                    "anonymised_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (CustomerAddressInline, CustomerDeviceInline, CustomerConsentInline)


@admin.register(CustomerAddress)
class CustomerAddressAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "label",
        "house_number",
        "locality",
        "city",
        "pincode",
        "zone",
        "is_default",
    )
    list_filter = ("label", "is_default")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "zone")


@admin.register(CustomerSavedContact)
class CustomerSavedContactAdmin(GatimitraModelAdmin):
    list_display = ("name", "mobile", "role", "customer", "last_used_at")
    list_filter = ("role",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerDevice)
class CustomerDeviceAdmin(GatimitraModelAdmin):
    list_display = ("customer", "platform", "device_model", "app_version", "last_seen_at")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)
    # The push token and the fingerprint hash are never shown.
    exclude = ("push_token", "fingerprint_hash")

    def has_add_permission(self, request):
        return False


@admin.register(CustomerPreference)
class CustomerPreferenceAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "dietary_preference",
        "preferred_payment_method",
        "ride_vehicle_type",
    )
    search_fields = CUSTOMER_SEARCH
    ordering = ("-pk",)
    autocomplete_fields = ("customer",)
