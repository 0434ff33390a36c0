from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from orders.admin.base import ReadOnlyInline
from orders.models import OrderCharge, OrderDiscount, OrderPayment, OrderPaymentEvent, OrderRefund


@admin.register(OrderCharge)
class OrderChargeAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "charge_type", "direction", "amount", "payer", "beneficiary")
    ordering = ("-id",)


@admin.register(OrderDiscount)
class OrderDiscountAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = (
        "id",
        "order",
        "offer_type",
        "code",
        "amount",
        "merchant_share",
        "platform_share",
    )
    ordering = ("-id",)
    autocomplete_fields = ("merchant_offer", "coupon")


class OrderPaymentEventInline(ReadOnlyInline):
    model = OrderPaymentEvent
    fields = ("created_at", "event_type", "gateway_event_id", "amount", "signature_verified")
    ordering = ("id",)


class OrderRefundInline(ReadOnlyInline):
    model = OrderRefund
    fk_name = "payment"
    fields = ("amount", "status", "destination", "reason_code", "processed_at")


@admin.register(OrderPayment)
class OrderPaymentAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "method", "gateway", "amount", "status", "captured_at")
    list_filter = ("method", "gateway", "status")
    search_fields = ("=idempotency_key", "=id")
    ordering = ("-id",)
    autocomplete_fields = ("payment_method",)
    inlines = [OrderPaymentEventInline, OrderRefundInline]


@admin.register(OrderPaymentEvent)
class OrderPaymentEventAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "payment__order__city"

    list_display = ("id", "payment", "event_type", "gateway_event_id", "amount", "created_at")
    search_fields = ("=gateway_event_id", "=id")
    ordering = ("-id",)


@admin.register(OrderRefund)
class OrderRefundAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "payment", "amount", "status", "destination", "processed_at")
    list_filter = ("status", "destination")
    search_fields = ("=idempotency_key", "=id")
    ordering = ("-id",)
    autocomplete_fields = ("approval", "ticket", "wallet_txn")
