from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin
from orders.models import OrderDeliveryProof, OrderDispatchOffer, OrderRiderAssignment


@admin.register(OrderDispatchOffer)
class OrderDispatchOfferAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = (
        "id",
        "order",
        "rider",
        "rank",
        "status",
        "distance_to_pickup_m",
        "payout_shown",
        "sent_at",
    )
    ordering = ("-id",)
    autocomplete_fields = ("rider",)


@admin.register(OrderRiderAssignment)
class OrderRiderAssignmentAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    """A rider the database refuses (eligibility, capacity) is reported as a
    form error on ``rider`` (``OrderRiderAssignment.clean``)."""

    city_scope_field = "order__city"

    list_display = (
        "id",
        "order",
        "rider",
        "vehicle",
        "status",
        "batch_ref",
        "assigned_at",
        "accepted_at",
        "ended_at",
    )
    ordering = ("-id",)
    autocomplete_fields = ("rider", "vehicle")


@admin.register(OrderDeliveryProof)
class OrderDeliveryProofAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "order__city"

    list_display = ("id", "order", "stop", "rider", "kind", "otp_verified", "captured_at")
    list_filter = ("kind", "otp_verified")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
