"""Getting merchants paid: settlement accounts, commission plans and
contracts, payouts with their adjustments and disputes, platform invoices."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, Value

from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField, HashField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import ASSIGNED_BY_DATABASE, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import IFSC, UPI_VPA, validate_ifsc
from gatimitra.enums import (
    DisputeStatus,
    InvoiceType,
    LedgerEntryDirection,
    PayoutAccountType,
    PayoutStatus,
    ServiceType,
    VerificationStatus,
)
from merchants.choices import SettlementCycle
from merchants.db import DateRange, Index

CONTRACT_STATUSES = [
    ("DRAFT", "Draft"),
    ("SENT_FOR_SIGNATURE", "Sent for e-signature"),
    ("ACTIVE", "Active"),
    ("EXPIRED", "Expired"),
    ("TERMINATED", "Terminated"),
]
ADJUSTMENT_TYPES = [
    ("PENALTY", "Penalty"),
    ("CLAIM_CREDIT", "Claim credit"),
    ("ADS_DEDUCTION", "Ads deduction"),
    ("REFUND_RECOVERY", "Refund recovery"),
    ("CANCELLATION_COMPENSATION", "Cancellation compensation"),
    ("TAX_CORRECTION", "Tax correction"),
    ("OTHER", "Other"),
]

validate_upi_vpa = RegexValidator(UPI_VPA, "Enter a UPI id like name@bank.")

#: Payouts still open to adjustments (money has not left yet).
ADJUSTABLE_PAYOUT_STATUSES = [PayoutStatus.SCHEDULED, PayoutStatus.ON_HOLD]
#: Payouts that no longer claim their cycle (a retry may take it).
CLOSED_PAYOUT_STATUSES = [PayoutStatus.FAILED, PayoutStatus.REVERSED, PayoutStatus.CANCELLED]


class MerchantBankAccount(TimestampedModel):
    """A settlement account (bank account + IFSC, or UPI VPA) of a parent or
    of one store, with its penny-drop result and the payout provider's fund
    account id. At most one default account per owner."""

    parent = models.ForeignKey(
        "merchants.MerchantParent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_accounts",
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_accounts",
    )
    account_type = EnumField(PayoutAccountType, default=PayoutAccountType.BANK_ACCOUNT)
    verification_status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    account_holder_name = models.CharField(max_length=200)
    account_number_masked = models.CharField(max_length=32, blank=True)
    account_number_hash = HashField(null=True, blank=True, editable=False)
    ifsc = models.CharField(
        "IFSC", max_length=11, blank=True, null=True, validators=[validate_ifsc]
    )
    bank_name = models.CharField(max_length=100, blank=True)
    upi_vpa = models.CharField(
        "UPI VPA", max_length=320, blank=True, null=True, validators=[validate_upi_vpa]
    )
    penny_drop_reference = models.CharField(max_length=100, blank=True)
    penny_drop_name_matched = models.BooleanField(null=True, blank=True)
    fund_account_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_bank_accounts")
        verbose_name = "merchant bank account"
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False, store__isnull=True)
                | Q(parent__isnull=True, store__isnull=False),
                name="merchant_bank_accounts_one_owner",
                violation_error_message="An account belongs to either a parent or a store.",
            ),
            models.CheckConstraint(
                condition=Q(ifsc__regex=IFSC),
                name="merchant_bank_accounts_ifsc_format",
                violation_error_message="IFSC must look like HDFC0001234.",
            ),
            models.CheckConstraint(
                condition=Q(upi_vpa__regex=UPI_VPA),
                name="merchant_bank_accounts_upi_vpa_format",
                violation_error_message="Enter a UPI id like name@bank.",
            ),
            models.CheckConstraint(
                condition=Q(
                    account_type=PayoutAccountType.BANK_ACCOUNT,
                    account_number_hash__isnull=False,
                    ifsc__isnull=False,
                    upi_vpa__isnull=True,
                )
                | Q(
                    account_type=PayoutAccountType.UPI_VPA,
                    upi_vpa__isnull=False,
                    account_number_hash__isnull=True,
                    ifsc__isnull=True,
                ),
                name="merchant_bank_accounts_shape",
                violation_error_message="A bank account has a number and IFSC; a UPI account "
                "has a VPA only.",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status=VerificationStatus.VERIFIED)
                | Q(verified_at__isnull=False),
                name="merchant_bank_accounts_verified_at",
                violation_error_message="A VERIFIED account needs verified_at.",
            ),
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(is_default=True, parent__isnull=False),
                name="merchant_bank_accounts_one_default_per_parent",
                violation_error_message="This parent already has a default account.",
            ),
            models.UniqueConstraint(
                fields=["store"],
                condition=Q(is_default=True, store__isnull=False),
                name="merchant_bank_accounts_one_default_per_store",
                violation_error_message="This store already has a default account.",
            ),
        ]

    def __str__(self):
        if self.account_type == PayoutAccountType.UPI_VPA:
            return self.upi_vpa or ""
        return f"{self.bank_name or self.ifsc} {self.account_number_masked}".strip()


class MerchantCommissionPlan(TimestampedModel):
    """A commission rate card: percentage for one service, optional slabs,
    a fixed fee per order and payment-gateway fee pass-through."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    service_type = EnumField(ServiceType, default=ServiceType.FOOD)
    settlement_cycle = EnumField(SettlementCycle, default=SettlementCycle.WEEKLY)
    commission_percent = models.DecimalField(max_digits=5, decimal_places=2)
    fixed_fee_per_order = MoneyField(default=0)
    # [{"min_monthly_gmv": "0", "percent": "22.00"}, ...]; the highest
    # threshold below a store's GMV applies.
    slabs = models.JSONField(default=list, blank=True)
    passes_through_gateway_fee = models.BooleanField(default=True)
    gateway_fee_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("merchants", "merchant_commission_plans")
        verbose_name = "merchant commission plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0, commission_percent__lte=100),
                name="merchant_commission_plans_commission_range",
                violation_error_message="Commission is 0 to 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(gateway_fee_percent__gte=0, gateway_fee_percent__lte=10),
                name="merchant_commission_plans_gateway_fee_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")) | Q(valid_to__isnull=True),
                name="merchant_commission_plans_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class MerchantContract(TimestampedModel):
    """The signed agreement of one store on a commission plan, effective from
    ``valid_from`` to ``valid_to`` (both inclusive; open-ended if null). A
    store has at most one ACTIVE contract on any day."""

    contract_number = models.CharField(max_length=32, unique=True)
    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.PROTECT, related_name="contracts"
    )
    plan = models.ForeignKey(
        MerchantCommissionPlan, on_delete=models.PROTECT, related_name="contracts"
    )
    status = models.CharField(max_length=20, choices=CONTRACT_STATUSES, default="DRAFT")
    settlement_cycle = EnumField(SettlementCycle, default=SettlementCycle.WEEKLY)
    commission_percent_override = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    esign_reference = models.CharField(max_length=100, blank=True)
    signed_by_name = models.CharField(max_length=150, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_contracts")
        verbose_name = "merchant contract"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=values(CONTRACT_STATUSES)),
                name="merchant_contracts_status",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")) | Q(valid_to__isnull=True),
                name="merchant_contracts_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=Q(
                    commission_percent_override__gte=0, commission_percent_override__lte=100
                ),
                name="merchant_contracts_commission_range",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["ACTIVE", "EXPIRED", "TERMINATED"])
                | Q(signed_at__isnull=False),
                name="merchant_contracts_signed",
                violation_error_message="An ACTIVE (or past) contract needs signed_at.",
            ),
            ExclusionConstraint(
                name="merchant_contracts_no_overlapping_active",
                expressions=[
                    ("store", RangeOperators.EQUAL),
                    (
                        DateRange("valid_from", "valid_to", Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(status="ACTIVE"),
                violation_error_message="This store already has an ACTIVE contract for "
                "these dates.",
            ),
        ]

    def __str__(self):
        return self.contract_number


class MerchantStorePayout(TimestampedModel):
    """The payout of one store for one settlement cycle: gross, deductions,
    signed adjustments and net, sent to a VERIFIED account under a unique
    idempotency key.

    ``net_amount = gross - commission - GST on commission - TCS - TDS -
    refunds recovered + adjustments`` is a CHECK; ``adjustments_amount`` is
    the signed sum of the payout's ``merchant_payout_adjustments`` rows,
    maintained by the database."""

    store = models.ForeignKey(
        "merchants.MerchantStore", on_delete=models.PROTECT, related_name="payouts"
    )
    bank_account = models.ForeignKey(
        MerchantBankAccount, on_delete=models.PROTECT, related_name="payouts"
    )
    contract = models.ForeignKey(
        MerchantContract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payouts",
    )
    status = EnumField(PayoutStatus, default=PayoutStatus.SCHEDULED)
    cycle_start = models.DateField()
    cycle_end = models.DateField()
    gross_amount = MoneyField()
    commission_amount = MoneyField(default=0)
    gst_on_commission = MoneyField("GST on commission", default=0)
    tcs_amount = MoneyField("TCS (CGST s.52)", default=0)
    tds_amount = MoneyField("TDS (s.194-O)", default=0)
    refunds_recovered = MoneyField(default=0)
    adjustments_amount = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        editable=False,
        help_text="Signed sum of the adjustments (credits minus debits).",
    )
    net_amount = MoneyField(editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True)
    provider_payout_id = models.CharField(max_length=64, blank=True)
    utr = models.CharField("UTR", max_length=32, null=True, blank=True, unique=True)
    scheduled_for = models.DateField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_store_payouts")
        verbose_name = "merchant store payout"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    net_amount=F("gross_amount")
                    - F("commission_amount")
                    - F("gst_on_commission")
                    - F("tcs_amount")
                    - F("tds_amount")
                    - F("refunds_recovered")
                    + F("adjustments_amount")
                ),
                name="merchant_store_payouts_net_formula",
                violation_error_message="net = gross - commission - GST on commission - TCS "
                "- TDS - refunds recovered + adjustments.",
            ),
            models.CheckConstraint(
                condition=Q(cycle_start__lte=F("cycle_end")),
                name="merchant_store_payouts_cycle_window",
                violation_error_message="cycle_start must not be after cycle_end.",
            ),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.PROCESSED)
                | Q(utr__isnull=False, processed_at__isnull=False),
                name="merchant_store_payouts_processed_has_utr",
                violation_error_message="A PROCESSED payout has its UTR and processed_at.",
            ),
            # A cycle is paid once; a failed or cancelled payout frees it for a retry.
            models.UniqueConstraint(
                fields=["store", "cycle_start", "cycle_end"],
                condition=~Q(status__in=CLOSED_PAYOUT_STATUSES),
                name="merchant_store_payouts_one_per_cycle",
                violation_error_message="This store already has a payout for this cycle.",
            ),
        ]
        indexes = [
            # The admin searches payouts by the provider's id (exact).
            Index(fields=["provider_payout_id"], name="merchant_store_payouts_provider_payout"),
            Index(fields=["status", "scheduled_for"], name="merchant_store_payouts_due"),
            Index(fields=["store", "-cycle_end"], name="merchant_store_payouts_store_cycle"),
        ]

    def __str__(self):
        return f"Payout #{self.pk} {self.cycle_start}..{self.cycle_end}"

    def clean(self):
        super().clean()
        # Forms leave net_amount out (it is derived): keep it in step.
        if self.gross_amount is not None:
            self.net_amount = self.compute_net_amount()

    def save(self, *args, **kwargs):
        if self.net_amount is None:
            self.net_amount = self.compute_net_amount()
        super().save(*args, **kwargs)

    def compute_net_amount(self):
        return (
            self.gross_amount
            - self.commission_amount
            - self.gst_on_commission
            - self.tcs_amount
            - self.tds_amount
            - self.refunds_recovered
            + self.adjustments_amount
        )


class MerchantPayoutAdjustment(TimestampedModel):
    """One credit or debit applied to a payout (penalty, claim credit, ads
    deduction, refund recovery). Writing one moves the payout's
    ``adjustments_amount`` and ``net_amount``; only SCHEDULED or ON_HOLD
    payouts can be adjusted."""

    payout = models.ForeignKey(
        MerchantStorePayout, on_delete=models.PROTECT, related_name="adjustments"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_payout_adjustments",
        help_text="The order a penalty, claim credit or refund recovery is about.",
    )
    adjustment_type = models.CharField(max_length=32, choices=ADJUSTMENT_TYPES)
    direction = EnumField(LedgerEntryDirection)
    amount = MoneyField()
    reason = models.CharField(max_length=200)
    reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_merchant_payout_adjustments",
    )

    class Meta:
        db_table = schema_table("merchants", "merchant_payout_adjustments")
        indexes = [
            # The admin searches adjustments by their reference (exact).
            Index(fields=["reference"], name="merchant_payout_adjustments_reference"),
        ]
        verbose_name = "merchant payout adjustment"
        constraints = [
            models.CheckConstraint(
                condition=Q(adjustment_type__in=values(ADJUSTMENT_TYPES)),
                name="merchant_payout_adjustments_type",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="merchant_payout_adjustments_amount_positive",
                violation_error_message="An adjustment moves a positive amount; "
                "the direction gives its sign.",
            ),
        ]

    def __str__(self):
        sign = "+" if self.direction == LedgerEntryDirection.CREDIT else "-"
        return f"{sign}{self.amount} {self.get_adjustment_type_display()}"

    def clean(self):
        super().clean()
        # Also refused by merchant_payout_adjustments_apply; said here for forms.
        if self.payout_id and self.payout.status not in ADJUSTABLE_PAYOUT_STATUSES:
            raise ValidationError(
                f"Payout {self.payout_id} is {self.payout.status}; only SCHEDULED or ON_HOLD "
                "payouts can be adjusted. Adjust the next cycle's payout instead."
            )

    @property
    def signed_amount(self):
        return self.amount if self.direction == LedgerEntryDirection.CREDIT else -self.amount


class MerchantPayoutDispute(TimestampedModel):
    """A merchant's dispute against a payout deduction or refund debit, with
    evidence and the platform's outcome."""

    payout = models.ForeignKey(
        MerchantStorePayout, on_delete=models.PROTECT, related_name="disputes"
    )
    adjustment = models.ForeignKey(
        MerchantPayoutAdjustment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes",
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merchant_payout_disputes",
        help_text="The order whose deduction or refund debit is disputed.",
    )
    raised_by = models.ForeignKey(
        "merchants.MerchantUser", on_delete=models.PROTECT, related_name="payout_disputes"
    )
    status = EnumField(DisputeStatus, default=DisputeStatus.OPEN)
    disputed_amount = MoneyField()
    accepted_amount = MoneyField(null=True, blank=True)
    reason = models.TextField()
    evidence_urls = models.JSONField(default=list, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_merchant_payout_disputes",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_payout_disputes")
        verbose_name = "merchant payout dispute"
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_amount__lte=F("disputed_amount")),
                name="merchant_payout_disputes_accepted_within",
                violation_error_message="The accepted amount cannot exceed the disputed amount.",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        DisputeStatus.ACCEPTED,
                        DisputeStatus.PARTIALLY_ACCEPTED,
                        DisputeStatus.REJECTED,
                        DisputeStatus.CLOSED,
                    ]
                )
                | Q(resolved_at__isnull=False),
                name="merchant_payout_disputes_resolved_at",
                violation_error_message="A decided dispute needs resolved_at.",
            ),
        ]

    def __str__(self):
        return f"Dispute #{self.pk} ({self.get_status_display()})"


class MerchantInvoice(TimestampedModel):
    """A tax invoice (or credit/debit note) GatiMitra issues to a merchant
    parent for commission, ads and service fees. Intra-state invoices carry
    CGST + SGST, inter-state ones IGST."""

    # CGST Rules 2017, Rule 46(b): consecutive, unique for a financial year;
    # assigned by the database per series and financial year
    # (orders.invoice_series_counters); a caller's other number is refused.
    series = models.CharField(max_length=10, default="GMC")
    invoice_number = models.CharField(
        max_length=32,
        unique=True,
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="Series, FY and serial, e.g. GMC2526/17: assigned by the database.",
    )
    financial_year = models.PositiveSmallIntegerField(
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="The year the Indian financial year (April-March) of invoice_date starts.",
    )
    serial = models.PositiveIntegerField(db_default=ASSIGNED_BY_DATABASE, editable=False)
    parent = models.ForeignKey(
        "merchants.MerchantParent", on_delete=models.PROTECT, related_name="invoices"
    )
    gst_registration = models.ForeignKey(
        "merchants.MerchantTaxRegistration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    payout = models.ForeignKey(
        MerchantStorePayout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    original_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
        help_text="The invoice a credit or debit note amends.",
    )
    invoice_type = EnumField(InvoiceType, default=InvoiceType.TAX_INVOICE)
    invoice_date = models.DateField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    sac_code = models.CharField("SAC", max_length=6, default="998599")
    taxable_value = MoneyField()
    cgst_amount = MoneyField("CGST", default=0)
    sgst_amount = MoneyField("SGST", default=0)
    igst_amount = MoneyField("IGST", default=0)
    total_amount = MoneyField()
    line_items = models.JSONField(default=list, blank=True)
    # E-invoicing (CGST Rules 2017, Rule 48(4); Notification 10/2023-CT):
    # GatiMitra's turnover puts every B2B invoice of its own through the IRP,
    # which returns the reference number, an acknowledgement and a signed QR code.
    irn = models.CharField("IRN", max_length=64, null=True, blank=True, unique=True)
    irn_ack_number = models.CharField("IRN acknowledgement number", max_length=20, blank=True)
    irn_ack_at = models.DateTimeField("IRN acknowledged at", null=True, blank=True)
    signed_qr_code = models.TextField("signed QR code", blank=True)
    pdf_url = models.URLField(max_length=500, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_invoices")
        verbose_name = "merchant invoice"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total_amount=F("taxable_value")
                    + F("cgst_amount")
                    + F("sgst_amount")
                    + F("igst_amount")
                ),
                name="merchant_invoices_total",
                violation_error_message="total = taxable value + CGST + SGST + IGST.",
            ),
            models.CheckConstraint(
                condition=Q(igst_amount=0) | Q(cgst_amount=0, sgst_amount=0),
                name="merchant_invoices_igst_or_cgst_sgst",
                violation_error_message="An invoice charges IGST or CGST + SGST, not both.",
            ),
            models.CheckConstraint(
                condition=Q(cgst_amount=F("sgst_amount")),
                name="merchant_invoices_cgst_equals_sgst",
                violation_error_message="CGST and SGST are equal halves.",
            ),
            models.CheckConstraint(
                condition=Q(sac_code__regex=r"^99[0-9]{4}$"),
                name="merchant_invoices_sac_format",
                violation_error_message="A SAC is 6 digits starting with 99.",
            ),
            models.CheckConstraint(
                condition=~Q(invoice_type__in=[InvoiceType.CREDIT_NOTE, InvoiceType.DEBIT_NOTE])
                | Q(original_invoice__isnull=False),
                name="merchant_invoices_note_has_original",
                violation_error_message="A credit or debit note names the invoice it amends.",
            ),
            models.UniqueConstraint(
                fields=["series", "financial_year", "serial"], name="merchant_invoices_serial_uniq"
            ),
            models.CheckConstraint(
                condition=Q(series__regex=r"^[A-Z]{1,4}$"),
                name="merchant_invoices_series_format",
                violation_error_message="A series is 1 to 4 capital letters.",
            ),
            models.CheckConstraint(
                condition=Q(irn__regex=r"^[0-9a-f]{64}$"),
                name="merchant_invoices_irn_format",
                violation_error_message="An IRN is 64 lowercase hex characters (SHA-256).",
            ),
            models.CheckConstraint(
                condition=Q(irn__isnull=True, irn_ack_at__isnull=True, signed_qr_code="")
                | (Q(irn__isnull=False, irn_ack_at__isnull=False) & ~Q(signed_qr_code="")),
                name="merchant_invoices_irn_with_ack_and_qr",
                violation_error_message="An IRN comes with its acknowledgement time and "
                "signed QR code.",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end"))
                | Q(period_start__isnull=True)
                | Q(period_end__isnull=True),
                name="merchant_invoices_period_window",
            ),
        ]
        indexes = [
            Index(fields=["parent", "-invoice_date"], name="merchant_invoices_parent_date"),
        ]

    def __str__(self):
        return self.invoice_number
