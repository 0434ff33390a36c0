"""Compliance: GST registrations, KYC documents and their external checks."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from gatimitra.db.constraints import values
from gatimitra.db.expressions import GstinIsValid
from gatimitra.db.fields import EnumField, HashField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import GSTIN, validate_gstin
from gatimitra.enums import GstRegistrationType, VerificationStatus
from merchants.choices import MerchantDocumentType
from merchants.db import Index

#: Kinds of external check (CHECK text: vendors add new ones).
VERIFICATION_CHECK_TYPES = [
    ("GSTIN_STATUS", "GSTIN status (GST portal)"),
    ("FSSAI_FOSCOS", "FSSAI validity (FoSCoS)"),
    ("PAN_NAME_MATCH", "PAN-name match"),
    ("BANK_PENNY_DROP", "Bank penny drop"),
]


class MerchantTaxRegistration(TimestampedModel):
    """One GST registration of a merchant parent in one state (GSTIN, legal
    name, regular or composition), with its TCS (CGST s.52) and TDS
    (Income-tax s.194-O) applicability."""

    parent = models.ForeignKey(
        "merchants.MerchantParent", on_delete=models.PROTECT, related_name="tax_registrations"
    )
    registration_type = EnumField(GstRegistrationType, default=GstRegistrationType.REGULAR)
    status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    gstin = models.CharField(
        "GSTIN", max_length=15, unique=True, null=True, blank=True, validators=[validate_gstin]
    )
    state_code = models.CharField(
        max_length=2, help_text="GST state code (place of supply), the GSTIN's first two digits."
    )
    legal_name = models.CharField(max_length=200)
    trade_name = models.CharField(max_length=200, blank=True)
    einvoice_applicable = models.BooleanField(
        "e-invoicing applies",
        default=False,
        help_text="Aggregate turnover above Rs 5 crore in a financial year since 2017-18 "
        "(CBIC Notification 10/2023-CT): its B2B invoices need an IRN.",
    )
    tcs_applicable = models.BooleanField(default=True)
    tds_194o_applicable = models.BooleanField("TDS u/s 194-O applicable", default=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Cancellation date, if any.")

    class Meta:
        db_table = schema_table("merchants", "merchant_tax_registrations")
        verbose_name = "merchant tax registration"
        constraints = [
            models.CheckConstraint(
                condition=Q(gstin__regex=GSTIN),
                name="merchant_tax_registrations_gstin_format",
                violation_error_message="GSTIN must be 15 characters: state code, PAN, 3 more.",
            ),
            models.CheckConstraint(
                condition=Q(GstinIsValid("gstin")),
                name="merchant_tax_registrations_gstin_valid",
                violation_error_message="This GSTIN's check character is wrong.",
            ),
            models.CheckConstraint(
                condition=Q(state_code__regex=r"^[0-9]{2}$"),
                name="merchant_tax_registrations_state_code_format",
            ),
            models.CheckConstraint(
                condition=Q(gstin__isnull=True) | Q(gstin__startswith=F("state_code")),
                name="merchant_tax_registrations_gstin_state",
                violation_error_message="The GSTIN must start with the state code.",
            ),
            # Only an UNREGISTERED declaration has no GSTIN.
            models.CheckConstraint(
                condition=Q(registration_type=GstRegistrationType.UNREGISTERED, gstin__isnull=True)
                | (~Q(registration_type=GstRegistrationType.UNREGISTERED) & Q(gstin__isnull=False)),
                name="merchant_tax_registrations_gstin_when_registered",
                violation_error_message="A REGULAR or COMPOSITION registration needs a GSTIN "
                "(and an UNREGISTERED one has none).",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")) | Q(valid_to__isnull=True),
                name="merchant_tax_registrations_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
        ]

    def __str__(self):
        return self.gstin or f"Unregistered ({self.state_code})"


class MerchantDocument(TimestampedModel):
    """One compliance document of a parent (PAN, incorporation) or of a store
    (FSSAI licence, shop & establishment): number masked plus keyed hash,
    validity and review. A VERIFIED, unexpired FSSAI_LICENCE row is the
    source of truth for a FOOD store's licence (the go-live gate reads it)."""

    parent = models.ForeignKey(
        "merchants.MerchantParent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    document_type = EnumField(MerchantDocumentType)
    status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    number_masked = models.CharField(max_length=32, blank=True)
    number_hash = HashField(null=True, blank=True, editable=False)
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    file_url = models.URLField(max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_merchant_documents",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_documents")
        verbose_name = "merchant document"
        constraints = [
            # Owned by exactly one of parent or store, so a store's document
            # can never name another merchant's parent.
            models.CheckConstraint(
                condition=Q(parent__isnull=False, store__isnull=True)
                | Q(parent__isnull=True, store__isnull=False),
                name="merchant_documents_one_owner",
                violation_error_message="A document belongs to either a parent or a store.",
            ),
            # An FSSAI licence covers one premises and always has an expiry.
            models.CheckConstraint(
                condition=~Q(document_type=MerchantDocumentType.FSSAI_LICENCE)
                | Q(store__isnull=False, expires_on__isnull=False),
                name="merchant_documents_fssai_store_expiry",
                violation_error_message="An FSSAI licence belongs to a store and has an expiry "
                "date.",
            ),
            models.CheckConstraint(
                condition=Q(issued_on__lt=F("expires_on"))
                | Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True),
                name="merchant_documents_valid_window",
                violation_error_message="issued_on must be before expires_on.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[VerificationStatus.VERIFIED, VerificationStatus.REJECTED])
                | Q(reviewed_at__isnull=False),
                name="merchant_documents_reviewed_when_decided",
                violation_error_message="A verified or rejected document needs reviewed_at.",
            ),
        ]
        indexes = [
            Index(
                fields=["store", "document_type", "expires_on"],
                name="merchant_documents_store_type",
            ),
            Index(fields=["number_hash"], name="merchant_documents_number_hash"),
        ]

    def __str__(self):
        return f"{self.get_document_type_display()} {self.number_masked}".strip()


class MerchantVerificationCheck(TimestampedModel):
    """One external verification run: GSTIN status, FSSAI validity on
    FoSCoS, PAN-name match or bank penny drop, with the vendor's reference
    and raw answer."""

    document = models.ForeignKey(
        MerchantDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verification_checks",
    )
    bank_account = models.ForeignKey(
        "merchants.MerchantBankAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verification_checks",
    )
    check_type = models.CharField(max_length=32, choices=VERIFICATION_CHECK_TYPES)
    status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    vendor = models.CharField(max_length=50)
    vendor_reference = models.CharField(max_length=100, blank=True)
    name_match_score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="0 to 100."
    )
    raw_result = models.JSONField(default=dict, blank=True)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_verification_checks")
        verbose_name = "merchant verification check"
        constraints = [
            models.CheckConstraint(
                condition=Q(check_type__in=values(VERIFICATION_CHECK_TYPES)),
                name="merchant_verification_checks_check_type",
            ),
            models.CheckConstraint(
                condition=Q(document__isnull=False, bank_account__isnull=True)
                | Q(document__isnull=True, bank_account__isnull=False),
                name="merchant_verification_checks_one_subject",
                violation_error_message="A check is about either a document or a bank account.",
            ),
            models.CheckConstraint(
                condition=Q(name_match_score__gte=0, name_match_score__lte=100),
                name="merchant_verification_checks_score_range",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__gte=F("requested_at")) | Q(completed_at__isnull=True),
                name="merchant_verification_checks_completed_after",
            ),
        ]

    def __str__(self):
        return f"{self.get_check_type_display()} ({self.get_status_display()})"
