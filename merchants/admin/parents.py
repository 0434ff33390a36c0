from django.contrib import admin

from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from merchants.models import (
    MerchantOnboardingApplication,
    MerchantParent,
    MerchantTaxRegistration,
    MerchantUser,
)


class MerchantTaxRegistrationInline(GatimitraTabularInline):
    model = MerchantTaxRegistration
    fields = ("gstin", "state_code", "registration_type", "status", "valid_from", "valid_to")


@admin.register(MerchantParent)
class MerchantParentAdmin(GatimitraModelAdmin):
    list_display = ("code", "brand_name", "legal_name", "entity_type", "status", "city")
    list_filter = ("status", "entity_type")
    search_fields = ("code", "brand_name", "legal_name", "pan")
    ordering = ("-id",)
    fieldsets = (
        (None, {"fields": ("code", "brand_name", "legal_name", "entity_type", "status", "pan")}),
        (
            "Registered address",
            {"fields": ("address_line1", "address_line2", "city", "state", "pin_code")},
        ),
        ("Contact", {"fields": ("contact_email", "contact_mobile", "account_manager")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (MerchantTaxRegistrationInline,)


@admin.register(MerchantUser)
class MerchantUserAdmin(GatimitraModelAdmin):
    list_display = ("full_name", "mobile", "role", "parent", "is_active")
    search_fields = ("full_name", "mobile", "email")
    ordering = ("-id",)
    autocomplete_fields = ("parent",)


@admin.register(MerchantOnboardingApplication)
class MerchantOnboardingApplicationAdmin(GatimitraModelAdmin):
    list_display = ("id", "parent", "status", "owner", "target_go_live_on", "went_live_on")
    ordering = ("-id",)
    autocomplete_fields = ("parent",)
