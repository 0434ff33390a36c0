"""An order's money coming in: its bill lines, the discounts applied (the
merchant offer or customer coupon behind them), the payment attempts (with
the saved payment method used) and their gateway events, and refunds (with
their support ticket, wallet credit and maker-checker approval).

Database rules (``orders.sql``): the order's totals equal its charges
(checked at commit); non-failed refunds of a payment never exceed what it
captured; a refund belongs to the same order as its payment (composite FK);
gateway event ids and refund idempotency keys are unique; payment events are
append-only."""

from django.conf import settings
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint

from gatimitra.db.constraints import one_of, values
from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import LedgerEntryDirection, OfferType, PaymentMethod, PaymentStatus
from orders import charges
from orders.choices import (
    ChargeType,
    PaymentEventType,
    PaymentFailureCode,
    RefundReason,
    RefundStatus,
)

#: Who pays / receives a charge line (CHECK text).
CHARGE_PARTIES = [
    ("CUSTOMER", "Customer"),
    ("MERCHANT", "Merchant"),
    ("PLATFORM", "GatiMitra"),
    ("RIDER", "Rider"),
    ("GOVERNMENT", "Government (tax)"),
    ("EXTERNAL_PROVIDER", "External provider"),
]
#: ``order_payments.gateway`` (CHECK text).
PAYMENT_GATEWAYS = [
    ("RAZORPAY", "Razorpay"),
    ("PAYU", "PayU"),
    ("CASHFREE", "Cashfree"),
    ("PHONEPE", "PhonePe"),
    ("PAYTM", "Paytm"),
    ("PLATFORM_WALLET", "GatiMitra wallet"),
    ("CASH", "Cash on delivery"),
]
#: ``order_refunds.destination`` (CHECK text).
REFUND_DESTINATIONS = [
    ("SOURCE", "Original payment method"),
    ("PLATFORM_WALLET", "GatiMitra wallet"),
    ("BANK_ACCOUNT", "Bank account"),
    ("UPI", "UPI"),
]

_SYSTEM_USER = settings.AUTH_USER_MODEL


def _sorted(values):
    return sorted(str(value) for value in values)


class OrderCharge(TimestampedModel):
    """One line of an order's bill (items, delivery fee or trip fare,
    packaging, platform fee, surge, waiting, toll, GST, tip, discount,
    round-off...), with who pays it and who receives it. The amount is never
    negative; ``direction`` says whether it adds to or reduces the total
    (``orders.charges``)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="charges")
    charge_type = EnumField(ChargeType)
    direction = EnumField(LedgerEntryDirection, default=LedgerEntryDirection.DEBIT)
    amount = MoneyField()
    description = models.CharField(max_length=200, blank=True)
    rate_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="e.g. the GST rate."
    )
    payer = models.CharField(max_length=20, choices=CHARGE_PARTIES, default="CUSTOMER")
    beneficiary = models.CharField(max_length=20, choices=CHARGE_PARTIES, default="PLATFORM")

    class Meta:
        db_table = schema_table("orders", "order_charges")
        constraints = [
            CheckConstraint(
                condition=Q(
                    charge_type__in=_sorted(charges.CREDIT_TYPES),
                    direction=LedgerEntryDirection.CREDIT,
                )
                | Q(charge_type__in=_sorted(charges.EITHER_WAY_TYPES))
                | Q(
                    charge_type__in=_sorted(charges.DEBIT_TYPES),
                    direction=LedgerEntryDirection.DEBIT,
                ),
                name="order_charges_direction_by_type",
                violation_error_message=(
                    "DISCOUNT lines are CREDIT, ROUND_OFF may be either, every other line is DEBIT."
                ),
            ),
            one_of("order_charges", "payer", values(CHARGE_PARTIES)),
            one_of("order_charges", "beneficiary", values(CHARGE_PARTIES)),
        ]

    def __str__(self):
        sign = "-" if self.direction == LedgerEntryDirection.CREDIT else "+"
        return f"{self.charge_type} {sign}{self.amount}"

    @property
    def signed_amount(self):
        return charges.signed(self.charge_type, self.direction, self.amount)


class OrderDiscount(TimestampedModel):
    """One offer or coupon applied to an order (the merchant offer or the
    customer coupon behind it): its amount and how it is funded between the
    merchant and the platform."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="discounts")
    merchant_offer = models.ForeignKey(
        "merchants.MerchantOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_discounts",
    )
    coupon = models.ForeignKey(
        "customers.CustomerCoupon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_discounts",
    )
    offer_type = EnumField(OfferType)
    code = models.CharField(max_length=40, blank=True, help_text="Coupon code as entered.")
    description = models.CharField(max_length=200, blank=True)
    amount = MoneyField()
    merchant_share = MoneyField(default=charges.ZERO)
    platform_share = MoneyField(default=charges.ZERO)

    class Meta:
        db_table = schema_table("orders", "order_discounts")
        constraints = [
            CheckConstraint(
                condition=Q(amount=F("merchant_share") + F("platform_share")),
                name="order_discounts_funding_adds_up",
                violation_error_message="Merchant and platform shares must add up to the amount.",
            ),
        ]

    def __str__(self):
        return f"{self.offer_type} {self.code or ''} -{self.amount}".replace("  ", " ")


class OrderPayment(TimestampedModel):
    """One payment attempt for an order through a gateway (or cash): method
    (and the customer's saved card or VPA, if one was used), gateway order and
    payment ids, amount, status and the capture or failure time."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    method = EnumField(PaymentMethod)
    payment_method = models.ForeignKey(
        "customers.CustomerPaymentMethod",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_payments",
        help_text="The saved card or VPA used; cash and new methods have none.",
    )
    gateway = models.CharField(max_length=20, choices=PAYMENT_GATEWAYS)
    status = EnumField(PaymentStatus, default=PaymentStatus.CREATED)
    amount = MoneyField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    gateway_order_id = models.CharField(max_length=64, blank=True)
    gateway_payment_id = models.CharField(max_length=64, null=True, blank=True)
    authorized_at = models.DateTimeField(null=True, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure_code = EnumField(PaymentFailureCode, max_length=64, null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_payments")
        constraints = [
            UniqueConstraint(
                fields=["gateway", "gateway_payment_id"],
                name="order_payments_gateway_payment_key",
            ),
            # Target of order_refunds (payment_id, order_id).
            UniqueConstraint(fields=["id", "order"], name="order_payments_id_order_key"),
            CheckConstraint(condition=Q(amount__gt=0), name="order_payments_amount_positive"),
            one_of("order_payments", "gateway", values(PAYMENT_GATEWAYS)),
            CheckConstraint(
                condition=Q(method=PaymentMethod.CASH, gateway="CASH")
                | (~Q(method=PaymentMethod.CASH) & ~Q(gateway="CASH")),
                name="order_payments_cash_is_cash",
                violation_error_message="Cash payments (and only they) use the CASH gateway.",
            ),
            CheckConstraint(
                condition=~Q(status__in=_sorted(charges.CAPTURED_PAYMENT_STATUSES))
                | Q(captured_at__isnull=False),
                name="order_payments_captured_at_set",
                violation_error_message="A captured payment records when it was captured.",
            ),
            CheckConstraint(
                condition=~Q(status=PaymentStatus.FAILED) | Q(failed_at__isnull=False),
                name="order_payments_failed_at_set",
            ),
        ]

    def __str__(self):
        return f"{self.method} {self.amount} ({self.status})"

    @property
    def is_captured(self):
        return self.status in charges.CAPTURED_PAYMENT_STATUSES


class OrderPaymentEvent(AppendOnlyModel):
    """One gateway event or webhook for a payment (authorised, captured,
    failed, refund, chargeback), kept as received and never changed; the
    gateway's event id is unique, so a redelivered webhook is refused."""

    payment = models.ForeignKey(OrderPayment, on_delete=models.PROTECT, related_name="events")
    event_type = EnumField(PaymentEventType)
    gateway_event_id = models.CharField(max_length=100, unique=True)
    amount = MoneyField(null=True, blank=True)
    signature_verified = models.BooleanField(default=False)
    occurred_at = models.DateTimeField(null=True, blank=True, help_text="Gateway's event time.")
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_payment_events")

    def __str__(self):
        return f"{self.event_type} {self.gateway_event_id}"


class OrderRefund(TimestampedModel):
    """One full or partial refund of a payment to its source, the wallet or
    a bank account: reason (and the support ticket behind it), requester and
    approver (and the maker-checker approval of a large refund), the wallet
    credit of a wallet refund, gateway refund id and ARN, idempotency key."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(OrderPayment, on_delete=models.PROTECT, related_name="refunds")
    status = EnumField(RefundStatus, default=RefundStatus.REQUESTED)
    destination = models.CharField(max_length=20, choices=REFUND_DESTINATIONS, default="SOURCE")
    amount = MoneyField()
    reason_code = EnumField(RefundReason, max_length=40)
    reason = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    gateway_refund_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    arn = models.CharField("ARN", max_length=32, blank=True)
    requested_by = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_order_refunds",
    )
    approved_by = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_order_refunds",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval = models.ForeignKey(
        "access_mgmt.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_refunds",
        help_text="The maker-checker approval of a large refund.",
    )
    ticket = models.ForeignKey(
        "customers.CustomerTicket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_refunds",
    )
    wallet_txn = models.ForeignKey(
        "customers.CustomerWalletTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_refunds",
        help_text="The wallet credit of a PLATFORM_WALLET refund.",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_refunds")
        constraints = [
            CheckConstraint(condition=Q(amount__gt=0), name="order_refunds_amount_positive"),
            one_of("order_refunds", "destination", values(REFUND_DESTINATIONS)),
            CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(requested_by__isnull=True)
                | ~Q(approved_by=F("requested_by")),
                name="order_refunds_maker_checker",
                violation_error_message="A refund is approved by someone other than its requester.",
            ),
            CheckConstraint(
                condition=~Q(status=RefundStatus.SUCCEEDED) | Q(processed_at__isnull=False),
                name="order_refunds_processed_at_set",
            ),
            CheckConstraint(
                condition=~Q(destination="PLATFORM_WALLET", status=RefundStatus.SUCCEEDED)
                | Q(wallet_txn__isnull=False),
                name="order_refunds_wallet_refund_credited",
                violation_error_message="A successful wallet refund names its wallet credit.",
            ),
        ]

    def __str__(self):
        return f"refund {self.amount} of payment {self.payment_id} ({self.status})"
