"""How an order ends: cancelled (with a reason from the reason master), or
invoiced (GST documents) and settled (the split of its money between
merchant, rider, platform and taxes)."""

from django.conf import settings
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.db.models.functions import Coalesce
from django.utils import timezone

from gatimitra.db.constraints import one_of, values
from gatimitra.db.expressions import GstinIsValid
from gatimitra.db.fields import EnumArrayField, EnumField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import ASSIGNED_BY_DATABASE, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import GSTIN
from gatimitra.enums import InvoiceType, OrderStatus, ServiceType
from orders import charges, transitions
from orders.choices import CancellationActor, SettlementStatus

#: Who bears the cost of a cancellation (CHECK text).
COST_BEARERS = [
    ("CUSTOMER", "Customer"),
    ("MERCHANT", "Merchant"),
    ("RIDER", "Rider"),
    ("PLATFORM", "GatiMitra"),
    ("EXTERNAL_PROVIDER", "External provider"),
]
#: ``order_invoices.issuer`` (CHECK text).
INVOICE_ISSUERS = [
    ("PLATFORM_ECO", "GatiMitra as e-commerce operator (CGST s.9(5))"),
    ("PLATFORM_SERVICE", "GatiMitra for its own fees"),
    ("MERCHANT", "Merchant"),
    ("EXTERNAL_PROVIDER", "External provider"),
]
#: Invoice types that amend an earlier invoice.
NOTE_TYPES = [InvoiceType.CREDIT_NOTE, InvoiceType.DEBIT_NOTE]

_SYSTEM_USER = settings.AUTH_USER_MODEL


class CancellationReason(TimestampedModel):
    """One reason code of the cancellation master for a service and actor
    (changed mind, store closed, no rider found, RTO...), with the fee rule
    that applies when an order is cancelled for it."""

    code = models.CharField(max_length=40, unique=True)
    service_type = EnumField(ServiceType)
    actor = EnumField(CancellationActor)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    fee_statuses = EnumArrayField(
        OrderStatus,
        default=list,
        blank=True,
        help_text="Cancelling in one of these statuses charges the fee.",
    )
    fee_flat = MoneyField(default=charges.ZERO)
    fee_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    fee_cap = MoneyField(null=True, blank=True)
    cost_borne_by = models.CharField(max_length=20, choices=COST_BEARERS, default="PLATFORM")
    is_active = models.BooleanField(default=True)
    display_order = models.PositiveSmallIntegerField(default=100)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("orders", "cancellation_reasons")
        constraints = [
            CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]{2,39}$"),
                name="cancellation_reasons_code_format",
            ),
            CheckConstraint(
                condition=Q(fee_percent__gte=0, fee_percent__lte=100),
                name="cancellation_reasons_fee_percent_range",
            ),
            one_of("cancellation_reasons", "cost_borne_by", values(COST_BEARERS)),
        ]

    def __str__(self):
        return f"{self.code} ({self.service_type}, {self.actor})"

    def natural_key(self):
        return (self.code,)


class OrderCancellation(TimestampedModel):
    """The cancellation of one order: who cancelled, the reason code, the
    status it was in, the fee charged and which party bears the cost."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="cancellation"
    )
    reason = models.ForeignKey(
        CancellationReason, on_delete=models.PROTECT, related_name="cancellations"
    )
    actor = EnumField(CancellationActor)
    actor_user = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_cancellations",
    )
    status_at_cancel = EnumField(OrderStatus)
    fee = MoneyField(default=charges.ZERO)
    cost_borne_by = models.CharField(max_length=20, choices=COST_BEARERS)
    note = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = schema_table("orders", "order_cancellations")
        constraints = [
            CheckConstraint(
                condition=~Q(status_at_cancel__in=sorted(transitions.TERMINAL_STATUSES)),
                name="order_cancellations_not_from_terminal",
                violation_error_message="A finished order cannot be cancelled.",
            ),
            one_of("order_cancellations", "cost_borne_by", values(COST_BEARERS)),
        ]

    def __str__(self):
        return f"cancellation of order {self.order_id} ({self.reason_id})"


class InvoiceSeriesCounter(TimestampedModel):
    """The last serial issued per issuer, series and Indian financial year,
    for ``orders.order_invoices`` and ``merchants.merchant_invoices``. Only
    the numbering triggers write it: each issue takes the counter row's lock
    (``INSERT ... ON CONFLICT DO UPDATE``) until its transaction ends, so two
    invoices of a series never get one number, and a rolled-back invoice
    gives its number back (CGST Rules 2017, Rule 46(b): consecutive,
    unique for a financial year)."""

    document_table = models.CharField(
        max_length=40, help_text="order_invoices or merchant_invoices."
    )
    issuer = models.CharField(
        max_length=20, help_text="The issuer's GSTIN (or its role when it has none)."
    )
    series = models.CharField(max_length=10)
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts (April in India)."
    )
    last_serial = models.PositiveIntegerField()

    class Meta:
        db_table = schema_table("orders", "invoice_series_counters")
        constraints = [
            UniqueConstraint(
                fields=["document_table", "issuer", "series", "financial_year"],
                name="invoice_series_counters_series_uniq",
            ),
            CheckConstraint(
                condition=Q(document_table__in=["order_invoices", "merchant_invoices"]),
                name="invoice_series_counters_document_table",
            ),
            CheckConstraint(
                condition=Q(last_serial__gte=1), name="invoice_series_counters_serial_positive"
            ),
        ]

    def __str__(self):
        return f"{self.issuer} {self.series} FY {self.financial_year}: {self.last_serial}"


class OrderInvoice(TimestampedModel):
    """One GST document for an order: a platform invoice where GatiMitra is
    the e-commerce operator under CGST s.9(5) (restaurant service, passenger
    transport), a merchant invoice (under the merchant's GST registration) or
    service invoice, or a credit/debit note, with series and number, HSN/SAC
    and the tax split."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="invoices")
    invoice_type = EnumField(InvoiceType)
    issuer = models.CharField(max_length=20, choices=INVOICE_ISSUERS)
    gst_registration = models.ForeignKey(
        "merchants.MerchantTaxRegistration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_invoices",
        help_text="The merchant GSTIN a MERCHANT-issued invoice is raised under.",
    )
    series = models.CharField(max_length=10)
    # CGST Rules 2017, Rule 46(b): "a consecutive serial number not exceeding
    # sixteen characters, in one or multiple series, ... unique for a financial
    # year". The database assigns it (orders.invoice_series_counters, under
    # the counter row's lock) and refuses a caller's number unless it is the one it assigns.
    invoice_number = models.CharField(
        max_length=16,
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="FY/serial, e.g. 2526/17: assigned by the database.",
    )
    financial_year = models.PositiveSmallIntegerField(
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="The year the Indian financial year (April-March) of issued_at starts.",
    )
    serial = models.PositiveIntegerField(
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="1, 2, 3... per issuer, series and financial year, without gaps.",
    )
    issued_at = models.DateTimeField(default=timezone.now)
    original_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    cancels_original = models.BooleanField(
        default=False,
        help_text="This credit note cancels its original invoice in full (the invoice is kept).",
    )
    supplier_gstin = models.CharField("supplier GSTIN", max_length=15, null=True, blank=True)
    recipient_gstin = models.CharField("recipient GSTIN", max_length=15, null=True, blank=True)
    place_of_supply = models.CharField(max_length=2, help_text="GST state code.")
    hsn_sac = models.CharField("HSN/SAC", max_length=8)
    taxable_value = MoneyField()
    cgst = MoneyField("CGST", default=charges.ZERO)
    sgst = MoneyField("SGST", default=charges.ZERO)
    igst = MoneyField("IGST", default=charges.ZERO)
    cess = MoneyField(default=charges.ZERO)
    total = MoneyField()
    document_url = models.URLField(blank=True)
    # E-invoicing (CGST Rules 2017, Rule 48(4); CBIC Notification 10/2023-CT:
    # aggregate turnover above Rs 5 crore): the IRP's reference number, its
    # acknowledgement and the signed QR code of a B2B invoice.
    irn = models.CharField(
        "IRN",
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="Invoice reference number.",
    )
    irn_ack_number = models.CharField("IRN acknowledgement number", max_length=20, blank=True)
    irn_ack_at = models.DateTimeField("IRN acknowledged at", null=True, blank=True)
    signed_qr_code = models.TextField("signed QR code", blank=True)

    class Meta:
        db_table = schema_table("orders", "order_invoices")
        constraints = [
            # Rule 46(b): unique per issuer (its GSTIN), series and financial year.
            UniqueConstraint(
                Coalesce("supplier_gstin", "issuer"),
                "series",
                "financial_year",
                "serial",
                name="order_invoices_serial_uniq",
            ),
            UniqueConstraint(
                Coalesce("supplier_gstin", "issuer"),
                "series",
                "financial_year",
                "invoice_number",
                name="order_invoices_number_key",
            ),
            # One cancellation per invoice.
            UniqueConstraint(
                fields=["original_invoice"],
                condition=Q(cancels_original=True),
                name="order_invoices_cancelled_once_uniq",
            ),
            CheckConstraint(
                condition=Q(cancels_original=False) | Q(invoice_type=InvoiceType.CREDIT_NOTE),
                name="order_invoices_cancelled_by_credit_note",
                violation_error_message="Only a credit note cancels an invoice.",
            ),
            CheckConstraint(
                condition=Q(irn__regex=r"^[0-9a-f]{64}$"),
                name="order_invoices_irn_format",
                violation_error_message="An IRN is 64 lowercase hex characters (SHA-256).",
            ),
            CheckConstraint(
                condition=Q(irn__isnull=True, irn_ack_at__isnull=True, signed_qr_code="")
                | (Q(irn__isnull=False, irn_ack_at__isnull=False) & ~Q(signed_qr_code="")),
                name="order_invoices_irn_with_ack_and_qr",
                violation_error_message="An IRN comes with its acknowledgement time and "
                "signed QR code.",
            ),
            CheckConstraint(
                condition=Q(GstinIsValid("supplier_gstin")),
                name="order_invoices_supplier_gstin_valid",
                violation_error_message="The supplier GSTIN's check character is wrong.",
            ),
            CheckConstraint(
                condition=Q(GstinIsValid("recipient_gstin")),
                name="order_invoices_recipient_gstin_valid",
                violation_error_message="The recipient GSTIN's check character is wrong.",
            ),
            one_of("order_invoices", "issuer", values(INVOICE_ISSUERS)),
            CheckConstraint(
                condition=Q(invoice_number__regex=r"^[A-Za-z0-9/-]{1,16}$"),
                name="order_invoices_number_format",
                violation_error_message="GST invoice numbers are up to 16 letters, digits, / or -.",
            ),
            # NULL passes a CHECK: both GSTINs are optional.
            CheckConstraint(
                condition=Q(supplier_gstin__regex=GSTIN),
                name="order_invoices_supplier_gstin_format",
                violation_error_message="Enter the supplier's 15-character GSTIN.",
            ),
            CheckConstraint(
                condition=Q(recipient_gstin__regex=GSTIN),
                name="order_invoices_recipient_gstin_format",
                violation_error_message="Enter the recipient's 15-character GSTIN.",
            ),
            CheckConstraint(
                condition=Q(place_of_supply__regex=r"^[0-9]{2}$"),
                name="order_invoices_place_of_supply_format",
            ),
            CheckConstraint(
                condition=Q(hsn_sac__regex=r"^[0-9]{4,8}$"),
                name="order_invoices_hsn_sac_format",
            ),
            CheckConstraint(
                condition=Q(
                    total=F("taxable_value") + F("cgst") + F("sgst") + F("igst") + F("cess")
                ),
                name="order_invoices_total_adds_up",
                violation_error_message="Total is taxable value + CGST + SGST + IGST + cess.",
            ),
            CheckConstraint(
                condition=Q(igst=0) | Q(cgst=0, sgst=0),
                name="order_invoices_igst_or_cgst_sgst",
                violation_error_message="An invoice charges IGST or CGST+SGST, not both.",
            ),
            CheckConstraint(
                condition=Q(cgst=F("sgst")),
                name="order_invoices_cgst_equals_sgst",
            ),
            CheckConstraint(
                condition=Q(invoice_type__in=NOTE_TYPES, original_invoice__isnull=False)
                | (~Q(invoice_type__in=NOTE_TYPES) & Q(original_invoice__isnull=True)),
                name="order_invoices_notes_amend_an_invoice",
                violation_error_message="Only credit/debit notes refer to an original invoice.",
            ),
            CheckConstraint(
                condition=~Q(issuer="MERCHANT") | Q(gst_registration__isnull=False),
                name="order_invoices_merchant_names_registration",
                violation_error_message="A merchant invoice names the merchant's GST registration.",
            ),
        ]

    def __str__(self):
        return f"{self.series}/{self.invoice_number}"

    @property
    def cancellation(self):
        """The credit note that cancelled this invoice, or None: an issued
        invoice is final (orders 0011), so it is never edited or deleted;
        its cancellation is the credit note that refers to it."""
        return self.notes.filter(cancels_original=True).first()


class OrderSettlement(TimestampedModel):
    """How one order's money splits: what the customer paid, the merchant's
    receivable (and the store payout it lands in), the rider's earning (and
    the earning row that pays it), platform commission and fees, GST and
    TCS/TDS, and its settlement status."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="settlement"
    )
    status = EnumField(SettlementStatus, default=SettlementStatus.PENDING)
    payout = models.ForeignKey(
        "merchants.MerchantStorePayout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_settlements",
        help_text="The store payout the merchant's share lands in (at most one).",
    )
    earning = models.OneToOneField(
        "riders.RiderOrderEarning",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_settlement",
        help_text="The rider's earning for the order.",
    )
    collected_amount = MoneyField(help_text="What the customer paid for the order.")
    merchant_receivable = MoneyField(default=charges.ZERO)
    rider_earning = MoneyField(default=charges.ZERO)
    platform_commission = MoneyField(default=charges.ZERO)
    platform_fees = MoneyField(default=charges.ZERO)
    gst_on_commission = MoneyField(default=charges.ZERO)
    gst_payable_by_platform = MoneyField(
        default=charges.ZERO, help_text="GST the platform pays as ECO under CGST s.9(5)."
    )
    tcs = MoneyField("TCS", default=charges.ZERO, help_text="TCS under CGST s.52.")
    tds = MoneyField("TDS", default=charges.ZERO, help_text="TDS under Income-tax s.194-O.")
    hold_reason = models.CharField(max_length=200, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_settlements")
        constraints = [
            CheckConstraint(
                condition=~Q(status=SettlementStatus.SETTLED) | Q(settled_at__isnull=False),
                name="order_settlements_settled_at_set",
                violation_error_message="A settled order records when it was settled.",
            ),
            CheckConstraint(
                condition=~Q(status=SettlementStatus.ON_HOLD) | ~Q(hold_reason=""),
                name="order_settlements_hold_explained",
                violation_error_message="A settlement on hold needs a reason.",
            ),
        ]

    def __str__(self):
        return f"settlement of order {self.order_id} ({self.status})"
