from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerCoupon,
    CustomerCouponAssignment,
    CustomerReferral,
    CustomerReward,
    CustomerSegment,
    CustomerSegmentMember,
)
from gatimitra.admin import GatimitraModelAdmin


@admin.register(CustomerSegment)
class CustomerSegmentAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "refresh_cadence", "member_count", "last_refreshed_at")
    list_filter = ("refresh_cadence", "is_active")
    search_fields = ("code", "name")
    ordering = ("-id",)
    autocomplete_fields = ("created_by",)


@admin.register(CustomerSegmentMember)
class CustomerSegmentMemberAdmin(GatimitraModelAdmin):
    list_display = ("segment", "customer", "created_at")
    list_filter = ("segment",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("segment", "customer")


@admin.register(CustomerCoupon)
class CustomerCouponAdmin(GatimitraModelAdmin):
    list_display = ("code", "title", "offer_type", "status", "valid_from", "valid_to")
    search_fields = ("code", "title")
    ordering = ("-id",)
    autocomplete_fields = ("segment", "created_by")


@admin.register(CustomerCouponAssignment)
class CustomerCouponAssignmentAdmin(GatimitraModelAdmin):
    list_display = ("coupon", "customer", "source", "uses_remaining", "expires_at")
    list_filter = ("source",)
    search_fields = ("=coupon__code", *CUSTOMER_SEARCH)
    ordering = ("-id",)
    autocomplete_fields = ("coupon", "customer", "assigned_by")


@admin.register(CustomerReferral)
class CustomerReferralAdmin(GatimitraModelAdmin):
    list_display = (
        "referrer",
        "referee",
        "code_used",
        "status",
        "qualifying_order",
        "signed_up_at",
        "rewarded_at",
    )
    search_fields = (
        "referrer__mobile",
        "referee__mobile",
        "referrer__referral_code",
        "=invitee_mobile",
    )
    ordering = ("-id",)
    autocomplete_fields = ("referrer", "referee", "qualifying_order")


@admin.register(CustomerReward)
class CustomerRewardAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "reward_type",
        "state",
        "order",
        "cash_value",
        "points",
        "expires_at",
    )
    list_filter = ("reward_type", "state", "source_type")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order", "coupon")
