"""Rider money: payout accounts, per-order earnings, the wallet ledger,
payouts, COD cash deposits and onboarding payments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gatimitra.db.fields import EnumField, HashField, MoneyField
from gatimitra.db.models import ASSIGNED_BY_DATABASE, LedgerEntryModel, TimestampedModel
from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import IFSC, validate_ifsc
from gatimitra.enums import (
    LedgerEntryDirection,
    PaymentMethod,
    PaymentStatus,
    PayoutAccountType,
    PayoutStatus,
    ServiceType,
    VerificationStatus,
)
from riders.choices import (
    CASH_DEPOSIT_METHODS,
    CREDIT_TXN_TYPES,
    DEBIT_TXN_TYPES,
    LEDGER_SOURCE_TYPES,
    ONBOARDING_PAYMENT_PURPOSES,
    PAYOUT_KINDS,
    PAYOUT_MODES,
    UPI_VPA,
    TdsSection,
    WalletTxnType,
    choices,
)
from riders.models.riders import Rider
from riders.tax import TDS_RATES

Q = models.Q
F = models.F


class RiderBankAccount(TimestampedModel):
    """One payout destination of a rider: a bank account (IFSC + number,
    kept masked and hashed) or a UPI VPA, with its penny-drop result and the
    payout provider's contact and fund-account ids."""

    rider = models.ForeignKey(Rider, on_delete=models.CASCADE, related_name="bank_accounts")
    account_type = EnumField(PayoutAccountType)
    verification_status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    account_holder_name = models.CharField(max_length=150)
    bank_name = models.CharField(max_length=100, blank=True)
    ifsc = models.CharField(max_length=11, null=True, blank=True, validators=[validate_ifsc])
    account_number_masked = models.CharField(max_length=20, blank=True)
    account_number_hash = HashField(null=True, blank=True)
    upi_vpa = models.CharField(max_length=100, null=True, blank=True)
    penny_drop_reference = models.CharField(max_length=64, blank=True)
    name_match_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    provider_contact_id = models.CharField(max_length=64, null=True, blank=True)
    provider_fund_account_id = models.CharField(max_length=64, null=True, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("riders", "rider_bank_accounts")
        indexes = [
            # The admin searches accounts by VPA (exact).
            models.Index(fields=["upi_vpa"], name="rider_bank_accounts_upi_vpa"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_fund_account_id"],
                name="rider_bank_accounts_provider_fund_account_id_uniq",
            ),
            # CATALOG section 8, item 13.
            models.UniqueConstraint(
                fields=["rider"],
                condition=Q(is_default=True),
                name="rider_bank_accounts_one_default",
                violation_error_message="The rider already has a default payout account.",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(is_active=True),
                name="rider_bank_accounts_default_is_active",
            ),
            models.CheckConstraint(
                condition=Q(
                    account_type=PayoutAccountType.BANK_ACCOUNT,
                    ifsc__isnull=False,
                    account_number_hash__isnull=False,
                    upi_vpa__isnull=True,
                )
                | Q(
                    account_type=PayoutAccountType.UPI_VPA,
                    upi_vpa__isnull=False,
                    ifsc__isnull=True,
                    account_number_hash__isnull=True,
                ),
                name="rider_bank_accounts_shape",
                violation_error_message="A bank account has IFSC and number; a UPI account a VPA.",
            ),
            models.CheckConstraint(
                condition=Q(ifsc__regex=IFSC), name="rider_bank_accounts_ifsc_format"
            ),
            models.CheckConstraint(
                condition=Q(upi_vpa__regex=UPI_VPA), name="rider_bank_accounts_vpa_format"
            ),
            models.CheckConstraint(
                condition=Q(account_number_masked__regex=r"^X*[0-9]{0,4}$"),
                name="rider_bank_accounts_number_masked",
                violation_error_message="Store the account number masked: only the last 4 digits.",
            ),
            models.CheckConstraint(
                condition=Q(name_match_score__gte=0, name_match_score__lte=100),
                name="rider_bank_accounts_name_match_range",
            ),
            models.CheckConstraint(
                condition=~Q(verification_status=VerificationStatus.VERIFIED)
                | Q(verified_at__isnull=False),
                name="rider_bank_accounts_verified_has_time",
            ),
        ]

    def __str__(self):
        if self.account_type == PayoutAccountType.UPI_VPA:
            return self.upi_vpa or ""
        return f"{self.ifsc} {self.account_number_masked}"

    def set_account_number(self, number=None):
        """Keep a bank account number only masked and as a keyed hash."""
        if number:
            self.account_number_masked = mask(number)
            self.account_number_hash = keyed_hash(number)


class RiderPayout(TimestampedModel):
    """One transfer of a rider's balance to their account through the payout
    provider (weekly or instant; IMPS/NEFT/RTGS/UPI), with fee, UTR and the
    idempotency key sent to the provider."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="payouts")
    bank_account = models.ForeignKey(
        RiderBankAccount, on_delete=models.PROTECT, related_name="payouts"
    )
    idempotency_key = models.CharField(max_length=64)
    status = EnumField(PayoutStatus, default=PayoutStatus.SCHEDULED)
    kind = models.CharField(max_length=8, choices=choices(PAYOUT_KINDS), default="WEEKLY")
    mode = models.CharField(max_length=8, choices=choices(PAYOUT_MODES), default="IMPS")
    amount = MoneyField()
    fee = MoneyField(default=0)
    net_amount = models.GeneratedField(
        expression=F("amount") - F("fee"),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
    )
    provider_payout_id = models.CharField(max_length=64, null=True, blank=True)
    utr = models.CharField(max_length=32, null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    scheduled_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    # TDS withheld on the earnings this payout settles (riders.tax); the
    # wallet_ledger TDS entry of the payout debits it.
    tds_section = EnumField(TdsSection, max_length=8, null=True, blank=True)
    tds_rate_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    tds_base_amount = MoneyField(
        null=True, blank=True, help_text="The payments TDS is computed on (gross earnings)."
    )
    tds_amount = MoneyField(default=0)

    class Meta:
        db_table = schema_table("riders", "rider_payouts")
        indexes = [
            # The admin searches payouts by UTR (exact).
            models.Index(fields=["utr"], name="rider_payouts_utr"),
            # The console's "payouts due" (gatimitra/console/payouts.py): the
            # few payouts not yet paid and their amounts, index-only, however
            # long the paid history grows.
            models.Index(
                fields=["status"],
                include=["amount"],
                condition=models.Q(
                    status__in=[PayoutStatus.SCHEDULED, PayoutStatus.ON_HOLD, PayoutStatus.FAILED]
                ),
                name="rider_payouts_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_payout_id"], name="rider_payouts_provider_payout_id_uniq"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="rider_payouts_idempotency_key_uniq",
                violation_error_message="A payout with this idempotency key already exists.",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="rider_payouts_amount_positive"),
            models.CheckConstraint(
                condition=Q(fee__lte=F("amount")),
                name="rider_payouts_fee_within_amount",
                violation_error_message="The fee cannot exceed the payout.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PAYOUT_KINDS), name="rider_payouts_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=PAYOUT_MODES), name="rider_payouts_mode_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.PROCESSED)
                | Q(utr__isnull=False, processed_at__isnull=False),
                name="rider_payouts_processed_has_utr",
                violation_error_message="A processed payout has its UTR and processed_at.",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="rider_payouts_period_valid",
            ),
            # Income-tax Act 1961 s.194C (1%; 20% without PAN, s.206AA) for
            # delivery, s.194-O (0.1%; 5% without PAN, s.206AA(1A)) for rides.
            models.CheckConstraint(
                condition=Q(
                    tds_section__isnull=True,
                    tds_rate_percent__isnull=True,
                    tds_base_amount__isnull=True,
                    tds_amount=0,
                )
                | (
                    # IS NOT NULL spelled out: a NULL would make the CHECK pass.
                    Q(tds_section__isnull=False, tds_rate_percent__isnull=False)
                    & (
                        Q(
                            tds_section=TdsSection.S194C,
                            tds_rate_percent__in=TDS_RATES[TdsSection.S194C],
                        )
                        | Q(
                            tds_section=TdsSection.S194O,
                            tds_rate_percent__in=TDS_RATES[TdsSection.S194O],
                        )
                    )
                ),
                name="rider_payouts_tds_section_rate",
                violation_error_message="TDS is 1% (20% without PAN) under s.194C or 0.1% "
                "(5% without PAN) under s.194-O.",
            ),
            models.CheckConstraint(
                condition=Q(tds_section__isnull=True)
                | Q(
                    tds_base_amount__isnull=False,
                    tds_rate_percent__isnull=False,
                    tds_amount__gte=F("tds_base_amount") * F("tds_rate_percent") / 100 - 1,
                    tds_amount__lte=F("tds_base_amount") * F("tds_rate_percent") / 100 + 1,
                ),
                name="rider_payouts_tds_amount",
                violation_error_message="TDS is the rate applied to its base (to the rupee).",
            ),
        ]

    def __str__(self):
        return f"Payout {self.pk} {self.amount} ({self.get_status_display()})"


class RiderCashDeposit(TimestampedModel):
    """One remittance of collected COD cash: at a hub with a slip photo, by
    UPI to the company VPA, or offset against earnings; verified by ops."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="cash_deposits")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_rider_cash_deposits",
    )
    method = models.CharField(max_length=16, choices=choices(CASH_DEPOSIT_METHODS))
    status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    amount = MoneyField()
    hub_name = models.CharField(max_length=100, blank=True)
    slip_photo_key = models.CharField(max_length=255, blank=True)
    upi_reference = models.CharField(max_length=64, null=True, blank=True, help_text="UPI RRN.")
    rejection_reason = models.TextField(blank=True)
    deposited_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_cash_deposits")
        constraints = [
            models.UniqueConstraint(
                fields=["upi_reference"], name="rider_cash_deposits_upi_reference_uniq"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="rider_cash_deposits_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(method__in=CASH_DEPOSIT_METHODS),
                name="rider_cash_deposits_method_valid",
            ),
            models.CheckConstraint(
                condition=~Q(method="UPI") | Q(upi_reference__isnull=False),
                name="rider_cash_deposits_upi_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(method="HUB_CASH") | ~Q(slip_photo_key=""),
                name="rider_cash_deposits_hub_has_slip",
            ),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.VERIFIED) | Q(verified_at__isnull=False),
                name="rider_cash_deposits_verified_has_time",
            ),
        ]

    def __str__(self):
        return f"Deposit {self.pk} {self.amount} ({self.get_method_display()})"


class RiderOrderEarning(TimestampedModel):
    """What a rider earned for one assignment of an order, by component
    (base, distance, wait, surge/rain, return leg, tip), and the pay-rule
    version used. One per assignment; the assignment is the rider's and is
    of the order (trigger ``rider_order_earnings_matches_assignment``)."""

    rider = models.ForeignKey(
        Rider,
        on_delete=models.PROTECT,
        related_name="order_earnings",
        db_index=False,  # rider_order_earnings_rider_at leads with rider_id
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="rider_earnings"
    )
    assignment = models.ForeignKey(
        "orders.OrderRiderAssignment",
        on_delete=models.PROTECT,
        related_name="rider_earnings",
        db_index=False,  # rider_order_earnings_assignment_uniq
    )
    service_type = EnumField(ServiceType)
    base_pay = MoneyField(default=0)
    distance_pay = MoneyField(default=0)
    wait_pay = MoneyField(default=0)
    surge_pay = MoneyField(default=0, help_text="Surge, rain and peak-hour pay.")
    return_pay = MoneyField(default=0, help_text="Return leg (RTO, long-distance).")
    tip = MoneyField(default=0)
    total = models.GeneratedField(
        expression=F("base_pay")
        + F("distance_pay")
        + F("wait_pay")
        + F("surge_pay")
        + F("return_pay")
        + F("tip"),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
    )
    distance_m = models.PositiveIntegerField(default=0)
    wait_minutes = models.PositiveSmallIntegerField(default=0)
    pay_rule_version = models.CharField(max_length=32)
    earned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = schema_table("riders", "rider_order_earnings")
        constraints = [
            # Earning writes are idempotent: one per assignment.
            models.UniqueConstraint(
                fields=["assignment"],
                name="rider_order_earnings_assignment_uniq",
                violation_error_message="This assignment already has its earning.",
            ),
        ]
        indexes = [
            models.Index(fields=["rider", "earned_at"], name="rider_order_earnings_rider_at"),
        ]

    def __str__(self):
        return f"Earning {self.pk} for rider {self.rider_id}"

    def clean(self):
        super().clean()
        # What rider_order_earnings_matches_assignment refuses, said in the form.
        if not self.assignment_id:
            return
        assignment = self.assignment
        if self.order_id and assignment.order_id != self.order_id:
            raise ValidationError({"assignment": "The assignment is not of this order."})
        owner = getattr(assignment, "rider_id", None)
        if owner is not None and self.rider_id and owner != self.rider_id:
            raise ValidationError({"assignment": "The assignment is another rider's."})


class WalletLedger(LedgerEntryModel):
    """One movement of a rider's wallet (earning, incentive, tip, penalty,
    COD collected/deposited, payout, reversal...): append-only, chained per
    rider by ``seq_no`` and ``balance_after``, and idempotent on both its
    source and its idempotency key."""

    rider = models.ForeignKey(
        Rider,
        on_delete=models.PROTECT,
        related_name="wallet_entries",
        db_index=False,  # wallet_ledger_rider_seq_uniq leads with rider_id
    )
    earning = models.ForeignKey(
        RiderOrderEarning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_entries",
    )
    payout = models.ForeignKey(
        RiderPayout, on_delete=models.PROTECT, null=True, blank=True, related_name="wallet_entries"
    )
    deposit = models.ForeignKey(
        RiderCashDeposit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet_entries",
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_wallet_entries",
        db_index=False,  # wallet_ledger_order_idx, partial
        help_text="The order of an ORDER-sourced entry (tip, COD collected...).",
    )
    txn_type = EnumField(WalletTxnType)
    amount = MoneyField()
    balance_after = models.DecimalField(
        max_digits=14, decimal_places=2, db_default=ASSIGNED_BY_DATABASE, editable=False
    )
    source_type = models.CharField(max_length=24, choices=choices(LEDGER_SOURCE_TYPES))
    source_id = models.BigIntegerField(help_text="Id of the row in source_type's table.")
    idempotency_key = models.CharField(max_length=64)
    description = models.CharField(max_length=255, blank=True)

    chain_owner_field = "rider"

    class Meta:
        db_table = schema_table("riders", "wallet_ledger")
        verbose_name = "wallet ledger entry"
        verbose_name_plural = "wallet ledger"
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                name="wallet_ledger_idempotency_key_uniq",
                violation_error_message="A ledger entry with this idempotency key already exists.",
            ),
            models.UniqueConstraint(
                fields=["rider", "seq_no"], name="wallet_ledger_rider_seq_uniq"
            ),
            # CATALOG section 8, item 3: one entry per source event and type.
            models.UniqueConstraint(
                fields=["source_type", "source_id", "txn_type"],
                name="wallet_ledger_source_uniq",
                violation_error_message="This source event is already in the ledger.",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="wallet_ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(source_type__in=LEDGER_SOURCE_TYPES),
                name="wallet_ledger_source_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(txn_type__in=CREDIT_TXN_TYPES, direction=LedgerEntryDirection.CREDIT)
                | Q(txn_type__in=DEBIT_TXN_TYPES, direction=LedgerEntryDirection.DEBIT)
                | Q(txn_type=WalletTxnType.ADJUSTMENT),
                name="wallet_ledger_direction_matches_type",
                violation_error_message="This transaction type moves money the other way.",
            ),
            # The typed links agree with the polymorphic source.
            models.CheckConstraint(
                condition=Q(earning__isnull=True)
                | Q(source_type="EARNING", source_id=F("earning_id")),
                name="wallet_ledger_earning_is_source",
            ),
            models.CheckConstraint(
                condition=Q(payout__isnull=True)
                | Q(source_type="PAYOUT", source_id=F("payout_id")),
                name="wallet_ledger_payout_is_source",
            ),
            models.CheckConstraint(
                condition=Q(deposit__isnull=True)
                | Q(source_type="CASH_DEPOSIT", source_id=F("deposit_id")),
                name="wallet_ledger_deposit_is_source",
            ),
            # TDS is withheld from a payout: its entry names the payout.
            models.CheckConstraint(
                condition=~Q(txn_type=WalletTxnType.TDS) | Q(payout__isnull=False),
                name="wallet_ledger_tds_names_its_payout",
                violation_error_message="A TDS entry is the tax withheld on a payout.",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=True) | Q(source_type="ORDER", source_id=F("order_id")),
                name="wallet_ledger_order_is_source",
                violation_error_message="order is set only on ORDER-sourced entries, as source_id.",
            ),
        ]
        indexes = [
            # Most entries have no order (earnings go through earning_id).
            models.Index(
                fields=["order"], condition=Q(order__isnull=False), name="wallet_ledger_order_idx"
            ),
        ]

    def __str__(self):
        return f"Rider {self.rider_id} #{self.seq_no} {self.get_txn_type_display()} {self.amount}"


class RiderOnboardingPayment(TimestampedModel):
    """One PAYMENT-stage charge: a joining fee or kit deposit (bag,
    T-shirt), paid by UPI or deducted from first earnings (then linked to the
    ledger debit)."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="onboarding_payments")
    ledger_entry = models.OneToOneField(
        WalletLedger,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="onboarding_payment",
    )
    purpose = models.CharField(max_length=16, choices=choices(ONBOARDING_PAYMENT_PURPOSES))
    payment_method = EnumField(PaymentMethod)
    status = EnumField(PaymentStatus, default=PaymentStatus.CREATED)
    amount = MoneyField()
    deduct_from_earnings = models.BooleanField(default=False)
    gateway_order_id = models.CharField(max_length=64, null=True, blank=True)
    gateway_payment_id = models.CharField(max_length=64, null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_onboarding_payments")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway_payment_id"],
                name="rider_onboarding_payments_gateway_payment_id_uniq",
            ),
            models.UniqueConstraint(
                fields=["gateway_order_id"], name="rider_onboarding_payments_gateway_order_id_uniq"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=ONBOARDING_PAYMENT_PURPOSES),
                name="rider_onboarding_payments_purpose_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="rider_onboarding_payments_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(deduct_from_earnings=False)
                | Q(payment_method=PaymentMethod.PLATFORM_WALLET),
                name="rider_onboarding_payments_deduction_from_wallet",
                violation_error_message="A deduction from earnings is paid from the wallet.",
            ),
            models.CheckConstraint(
                condition=Q(ledger_entry__isnull=True) | Q(deduct_from_earnings=True),
                name="rider_onboarding_payments_ledger_only_for_deduction",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.CAPTURED) | Q(paid_at__isnull=False),
                name="rider_onboarding_payments_captured_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.amount} ({self.get_status_display()})"
