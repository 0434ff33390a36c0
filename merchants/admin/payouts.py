from django.contrib import admin

from access_mgmt.admin.mixins import CityScopedAdminMixin
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline
from merchants.admin.forms import MerchantBankAccountForm
from merchants.models import (
    MerchantBankAccount,
    MerchantCommissionPlan,
    MerchantContract,
    MerchantInvoice,
    MerchantPayoutAdjustment,
    MerchantPayoutDispute,
    MerchantStorePayout,
)


@admin.register(MerchantBankAccount)
class MerchantBankAccountAdmin(GatimitraModelAdmin):
    form = MerchantBankAccountForm
    list_display = (
        "id",
        "account_holder_name",
        "account_type",
        "account_number_masked",
        "ifsc",
        "upi_vpa",
        "verification_status",
        "is_default",
    )
    list_filter = ("account_type", "verification_status", "is_default")
    search_fields = ("account_holder_name", "=ifsc", "=upi_vpa", "=fund_account_id")
    ordering = ("-id",)
    readonly_fields = ("account_number_masked",)
    fieldsets = (
        (None, {"fields": ("parent", "store", "account_type", "account_holder_name")}),
        (
            "Account",
            {"fields": ("number", "account_number_masked", "ifsc", "bank_name", "upi_vpa")},
        ),
        (
            "Verification",
            {
                "fields": (
                    "verification_status",
                    "penny_drop_reference",
                    "penny_drop_name_matched",
                    "verified_at",
                    "fund_account_id",
                )
            },
        ),
        ("Use", {"fields": ("is_default", "is_active")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )


@admin.register(MerchantCommissionPlan)
class MerchantCommissionPlanAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "service_type", "commission_percent", "settlement_cycle")
    search_fields = ("code", "name")
    ordering = ("code",)


@admin.register(MerchantContract)
class MerchantContractAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = ("contract_number", "store", "plan", "status", "valid_from", "valid_to")
    list_filter = ("status", "settlement_cycle")
    search_fields = ("contract_number", "esign_reference")
    ordering = ("-id",)
    autocomplete_fields = ("plan",)


class MerchantPayoutAdjustmentInline(GatimitraTabularInline):
    model = MerchantPayoutAdjustment
    fields = (
        "adjustment_type",
        "direction",
        "amount",
        "order",
        "reason",
        "reference",
        "created_by",
    )


@admin.register(MerchantStorePayout)
class MerchantStorePayoutAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "store__zone__city"

    list_display = (
        "id",
        "store",
        "cycle_start",
        "cycle_end",
        "gross_amount",
        "adjustments_amount",
        "net_amount",
        "status",
        "utr",
    )
    list_filter = ("status",)
    search_fields = ("=idempotency_key", "=utr", "=provider_payout_id")
    ordering = ("-id",)
    readonly_fields = ("adjustments_amount", "net_amount")
    fieldsets = (
        (None, {"fields": ("store", "bank_account", "contract", "status")}),
        ("Cycle", {"fields": ("cycle_start", "cycle_end", "scheduled_for")}),
        (
            "Amounts",
            {
                "fields": (
                    "gross_amount",
                    "commission_amount",
                    "gst_on_commission",
                    "tcs_amount",
                    "tds_amount",
                    "refunds_recovered",
                    "adjustments_amount",
                    "net_amount",
                )
            },
        ),
        (
            "Transfer",
            {
                "fields": (
                    "idempotency_key",
                    "provider_payout_id",
                    "utr",
                    "processed_at",
                    "failure_reason",
                )
            },
        ),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (MerchantPayoutAdjustmentInline,)


@admin.register(MerchantPayoutAdjustment)
class MerchantPayoutAdjustmentAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "payout__store__zone__city"

    list_display = ("id", "payout", "order", "adjustment_type", "direction", "amount", "created_at")
    list_filter = ("adjustment_type", "direction")
    search_fields = ("=reference",)
    ordering = ("-id",)
    autocomplete_fields = ("order",)


@admin.register(MerchantPayoutDispute)
class MerchantPayoutDisputeAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
    city_scope_field = "payout__store__zone__city"

    list_display = (
        "id",
        "payout",
        "order",
        "status",
        "disputed_amount",
        "accepted_amount",
        "raised_by",
    )
    ordering = ("-id",)
    autocomplete_fields = ("order",)


@admin.register(MerchantInvoice)
class MerchantInvoiceAdmin(GatimitraModelAdmin):
    list_display = (
        "invoice_number",
        "parent",
        "invoice_type",
        "invoice_date",
        "taxable_value",
        "total_amount",
    )
    search_fields = ("=invoice_number", "=irn")
    ordering = ("-id",)
    autocomplete_fields = ("parent",)
