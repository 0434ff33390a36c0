from django.contrib import admin

from gatimitra.admin import GatimitraModelAdmin
from merchants.admin.forms import MerchantDocumentForm
from merchants.models import MerchantDocument, MerchantTaxRegistration, MerchantVerificationCheck


@admin.register(MerchantTaxRegistration)
class MerchantTaxRegistrationAdmin(GatimitraModelAdmin):
    list_display = ("gstin", "legal_name", "state_code", "registration_type", "status", "parent")
    search_fields = ("gstin", "legal_name", "trade_name")
    ordering = ("-id",)
    autocomplete_fields = ("parent",)


@admin.register(MerchantDocument)
class MerchantDocumentAdmin(GatimitraModelAdmin):
    form = MerchantDocumentForm
    list_display = (
        "id",
        "document_type",
        "number_masked",
        "status",
        "parent",
        "store",
        "expires_on",
    )
    list_filter = ("document_type", "status")
    ordering = ("-id",)
    readonly_fields = ("number_masked",)
    fieldsets = (
        (None, {"fields": ("parent", "store", "document_type", "status")}),
        ("Number", {"fields": ("number", "number_masked")}),
        ("Validity", {"fields": ("issued_on", "expires_on", "file_url")}),
        ("Review", {"fields": ("reviewed_by", "reviewed_at", "rejection_reason")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(MerchantVerificationCheck)
class MerchantVerificationCheckAdmin(GatimitraModelAdmin):
    list_display = ("id", "check_type", "status", "vendor", "vendor_reference", "requested_at")
    list_filter = ("check_type", "status")
    search_fields = ("vendor_reference",)
    ordering = ("-id",)
