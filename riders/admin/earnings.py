from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from riders.forms import RiderBankAccountForm
from riders.models import (
    RiderBankAccount,
    RiderCashDeposit,
    RiderOnboardingPayment,
    RiderOrderEarning,
    RiderPayout,
    WalletLedger,
)


class RiderBankAccountInline(GatimitraTabularInline):
    model = RiderBankAccount
    form = RiderBankAccountForm
    fields = (
        "account_type",
        "account_holder_name",
        "ifsc",
        "number",
        "account_number_masked",
        "upi_vpa",
        "verification_status",
        "verified_at",
        "is_default",
        "is_active",
    )
    readonly_fields = ("account_number_masked",)


@admin.register(RiderBankAccount)
class RiderBankAccountAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    form = RiderBankAccountForm
    list_display = (
        "id",
        "rider",
        "account_type",
        "ifsc",
        "account_number_masked",
        "upi_vpa",
        "verification_status",
        "is_default",
        "is_active",
    )
    search_fields = ("=rider__mobile", "=upi_vpa", "=provider_fund_account_id")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
    readonly_fields = ("account_number_masked",)
    fieldsets = (
        (None, {"fields": ("rider", "account_type", "account_holder_name", "bank_name")}),
        ("Bank account", {"fields": ("ifsc", "number", "account_number_masked")}),
        ("UPI", {"fields": ("upi_vpa",)}),
        (
            "Verification",
            {
                "fields": (
                    "verification_status",
                    "penny_drop_reference",
                    "name_match_score",
                    "verified_at",
                )
            },
        ),
        (
            "Payout provider",
            {"fields": ("provider_contact_id", "provider_fund_account_id")},
        ),
        ("Flags", {"fields": ("is_default", "is_active")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(RiderPayout)
class RiderPayoutAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "kind",
        "mode",
        "amount",
        "fee",
        "net_amount",
        "status",
        "utr",
        "scheduled_at",
    )
    list_filter = ("status", "kind", "mode")
    search_fields = ("=idempotency_key", "=utr", "=provider_payout_id", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
    readonly_fields = ("net_amount",)


@admin.register(RiderCashDeposit)
class RiderCashDepositAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("id", "rider", "method", "amount", "status", "deposited_at", "verified_by")
    list_filter = ("status", "method")
    search_fields = ("=upi_reference", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)


@admin.register(RiderOrderEarning)
class RiderOrderEarningAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "order",
        "assignment",
        "service_type",
        "total",
        "tip",
        "pay_rule_version",
        "earned_at",
    )
    search_fields = ("=rider__mobile",)
    ordering = ("-id",)
    autocomplete_fields = ("rider", "order")
    readonly_fields = ("total",)


@admin.register(WalletLedger)
class WalletLedgerAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = (
        "id",
        "rider",
        "seq_no",
        "txn_type",
        "direction",
        "amount",
        "balance_after",
        "order",
        "created_at",
    )
    list_filter = ("txn_type", "direction")
    search_fields = ("=idempotency_key", "=rider__mobile")
    ordering = ("-id",)


@admin.register(RiderOnboardingPayment)
class RiderOnboardingPaymentAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "rider__city"

    list_display = ("id", "rider", "purpose", "payment_method", "amount", "status", "paid_at")
    list_filter = ("status", "purpose", "payment_method")
    search_fields = ("=gateway_payment_id", "=gateway_order_id", "=rider__mobile")
    ordering = ("-id",)
    autocomplete_fields = ("rider",)
