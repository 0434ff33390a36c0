from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from orders.models import (
    CancellationReason,
    InvoiceSeriesCounter,
    OrderCancellation,
    OrderInvoice,
    OrderSettlement,
)


@admin.register(CancellationReason)
class CancellationReasonAdmin(GatimitraModelAdmin):
    list_display = (
        "code",
        "service_type",
        "actor",
        "title",
        "fee_percent",
        "fee_flat",
        "is_active",
    )
    search_fields = ("code", "title")
    ordering = ("code",)


@admin.register(OrderCancellation)
class OrderCancellationAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "reason", "actor", "status_at_cancel", "fee", "cancelled_at")
    ordering = ("-id",)
    autocomplete_fields = ("reason",)


@admin.register(OrderInvoice)
class OrderInvoiceAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "series", "invoice_number", "order", "invoice_type", "issuer", "total")
    list_filter = ("invoice_type", "issuer")
    ordering = ("-id",)
    autocomplete_fields = ("gst_registration",)


@admin.register(OrderSettlement)
class OrderSettlementAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = (
        "id",
        "order",
        "status",
        "collected_amount",
        "merchant_receivable",
        "rider_earning",
        "platform_commission",
        "payout",
        "earning",
        "settled_at",
    )
    ordering = ("-id",)
    autocomplete_fields = ("payout", "earning")


@admin.register(InvoiceSeriesCounter)
class InvoiceSeriesCounterAdmin(GatimitraModelAdmin):
    """The numbering triggers write the counters; staff only look."""

    list_display = ("document_table", "issuer", "series", "financial_year", "last_serial")
    list_filter = ("document_table", "financial_year")
    ordering = ("document_table", "issuer", "series", "-financial_year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
