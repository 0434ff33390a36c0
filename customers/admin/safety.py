from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerBlockedRider,
    CustomerEmergencyContact,
    CustomerMaskedCall,
    CustomerRiskFlag,
    CustomerSosAlert,
    CustomerTripShare,
)
from gatimitra.admin import GatimitraModelAdmin


@admin.register(CustomerEmergencyContact)
class CustomerEmergencyContactAdmin(GatimitraModelAdmin):
    list_display = ("name", "mobile", "relationship", "customer", "auto_share_rides")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerTripShare)
class CustomerTripShareAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "order",
        "contact",
        "shared_via",
        "expires_at",
        "revoked_at",
        "view_count",
    )
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order")
    # Links are created by the app, which alone knows the token; only its
    # hash is stored, and not shown.
    exclude = ("share_token_hash",)

    def has_add_permission(self, request):
        return False


@admin.register(CustomerSosAlert)
class CustomerSosAlertAdmin(GatimitraModelAdmin):
    list_display = (
        "id",
        "customer",
        "order",
        "status",
        "triggered_via",
        "handled_by",
        "created_at",
    )
    list_filter = ("status", "triggered_via", "police_notified")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order", "handled_by")


@admin.register(CustomerMaskedCall)
class CustomerMaskedCallAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "order",
        "counterparty_type",
        "rider",
        "provider",
        "call_status",
        "started_at",
        "duration_seconds",
    )
    list_filter = ("counterparty_type", "provider", "call_status")
    search_fields = ("=provider_call_id", *CUSTOMER_SEARCH)
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order", "rider")


@admin.register(CustomerBlockedRider)
class CustomerBlockedRiderAdmin(GatimitraModelAdmin):
    list_display = ("customer", "rider", "reason", "blocked_until", "created_at")
    list_filter = ("reason",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "rider", "created_by")


@admin.register(CustomerRiskFlag)
class CustomerRiskFlagAdmin(GatimitraModelAdmin):
    list_display = ("customer", "flag_type", "severity", "action_taken", "is_active", "created_at")
    list_filter = ("flag_type", "severity", "source", "action_taken", "is_active")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "flagged_by", "resolved_by")
