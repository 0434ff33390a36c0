from django.contrib import admin

from gatimitra.admin import GatimitraModelAdmin
from orders.admin.base import URL_FORMFIELDS
from orders.models import OrderDeliveryProof, OrderDispatchOffer, OrderRiderAssignment


@admin.register(OrderDispatchOffer)
class OrderDispatchOfferAdmin(GatimitraModelAdmin):
    list_display = (
        "id",
        "order",
        "rank",
        "status",
        "distance_to_pickup_m",
        "payout_shown",
        "sent_at",
    )
    ordering = ("-id",)


@admin.register(OrderRiderAssignment)
class OrderRiderAssignmentAdmin(GatimitraModelAdmin):
    """Rider and vehicle links arrive with the cross-schema FKs."""

    list_display = ("id", "order", "status", "batch_ref", "assigned_at", "accepted_at", "ended_at")
    ordering = ("-id",)


@admin.register(OrderDeliveryProof)
class OrderDeliveryProofAdmin(GatimitraModelAdmin):
    list_display = ("id", "order", "stop", "kind", "otp_verified", "captured_at")
    list_filter = ("kind", "otp_verified")
    ordering = ("-id",)
    formfield_overrides = URL_FORMFIELDS
