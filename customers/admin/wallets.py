from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerLoyalty,
    CustomerLoyaltyTier,
    CustomerLoyaltyTransaction,
    CustomerWallet,
    CustomerWalletTransaction,
)
from gatimitra.admin import GatimitraModelAdmin

# Balances move only through the ledgers: the ledger admins are read-only
# (append-only models), and the balance columns are not editable.


@admin.register(CustomerWallet)
class CustomerWalletAdmin(GatimitraModelAdmin):
    list_display = ("customer", "balance", "status", "updated_at")
    list_filter = ("status",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "frozen_by")
    readonly_fields = ("balance",)


@admin.register(CustomerWalletTransaction)
class CustomerWalletTransactionAdmin(GatimitraModelAdmin):
    list_display = (
        "wallet",
        "seq_no",
        "direction",
        "txn_type",
        "amount",
        "balance_after",
        "order",
        "refund",
        "source_type",
        "source_id",
        "created_at",
    )
    list_filter = ("direction", "txn_type", "source_type")
    search_fields = ("=idempotency_key", "=source_id", "wallet__customer__mobile")
    ordering = ("-id",)
    list_select_related = ("wallet__customer", "order", "refund")


@admin.register(CustomerLoyaltyTier)
class CustomerLoyaltyTierAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "rank", "min_lifetime_points", "earn_multiplier", "is_active")
    search_fields = ("code", "name")
    ordering = ("rank",)


@admin.register(CustomerLoyalty)
class CustomerLoyaltyAdmin(GatimitraModelAdmin):
    list_display = ("customer", "tier", "points_balance", "lifetime_points", "tier_valid_until")
    list_filter = ("tier",)
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "tier")
    readonly_fields = ("points_balance", "lifetime_points")


@admin.register(CustomerLoyaltyTransaction)
class CustomerLoyaltyTransactionAdmin(GatimitraModelAdmin):
    list_display = (
        "loyalty",
        "seq_no",
        "direction",
        "txn_type",
        "amount",
        "balance_after",
        "order",
        "source_type",
        "source_id",
        "created_at",
    )
    list_filter = ("direction", "txn_type", "source_type")
    search_fields = ("=idempotency_key", "=source_id", "loyalty__customer__mobile")
    ordering = ("-id",)
    list_select_related = ("loyalty__customer", "order")
