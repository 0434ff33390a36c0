from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerConsent,
    CustomerDataRequest,
    CustomerGuardianConsent,
    CustomerNotification,
    CustomerNotificationPreference,
)
from gatimitra.admin import GatimitraModelAdmin


@admin.register(CustomerConsent)
class CustomerConsentAdmin(GatimitraModelAdmin):
    list_display = ("customer", "purpose", "status", "notice_version", "channel", "created_at")
    list_filter = ("purpose", "status", "channel")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)


@admin.register(CustomerGuardianConsent)
class CustomerGuardianConsentAdmin(GatimitraModelAdmin):
    list_display = ("customer", "status", "relationship", "verification", "created_at")
    list_filter = ("status", "verification")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    raw_id_fields = ("customer", "guardian_customer")


@admin.register(CustomerDataRequest)
class CustomerDataRequestAdmin(GatimitraModelAdmin):
    list_display = (
        "request_number",
        "customer",
        "request_type",
        "status",
        "sla_due_at",
        "handled_by",
    )
    search_fields = ("request_number", *CUSTOMER_SEARCH)
    ordering = ("-id",)
    autocomplete_fields = ("customer", "handled_by")
    readonly_fields = ("request_number",)


@admin.register(CustomerNotificationPreference)
class CustomerNotificationPreferenceAdmin(GatimitraModelAdmin):
    list_display = ("customer", "channel", "category", "is_opted_in", "updated_at")
    list_filter = ("channel", "category", "is_opted_in")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer",)


@admin.register(CustomerNotification)
class CustomerNotificationAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "channel",
        "category",
        "template_code",
        "order",
        "status",
        "sent_at",
    )
    list_filter = ("channel", "category", "status")
    search_fields = ("=provider_message_id", *CUSTOMER_SEARCH)
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order")
