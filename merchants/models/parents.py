"""The merchant as a legal entity: parents, their portal users and their
onboarding pipeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gatimitra.db.fields import CIEmailField, EnumField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import ASSIGNED_BY_DATABASE, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import (
    E164_INDIA,
    PAN,
    PIN_CODE,
    validate_mobile,
    validate_pan,
    validate_pin_code,
)
from merchants.choices import LeadSource, MerchantEntityType, MerchantStatus, MerchantUserRole


class MerchantParent(TimestampedModel):
    """A legal entity or brand that owns one or more stores (a restaurant
    chain, a single dhaba, a courier franchise)."""

    code = models.CharField(
        max_length=16, unique=True, help_text="Public merchant id, e.g. MP00042."
    )
    legal_name = models.CharField(max_length=200)
    brand_name = models.CharField(max_length=200)
    entity_type = EnumField(MerchantEntityType, default=MerchantEntityType.PROPRIETORSHIP)
    status = EnumField(MerchantStatus, default=MerchantStatus.LEAD)
    # A business PAN is printed on its GST certificate and invoices; it is not
    # a secret like an individual's Aadhaar, so it is kept in clear and checked.
    pan = models.CharField(
        "PAN", max_length=10, unique=True, null=True, blank=True, validators=[validate_pan]
    )
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100)
    gst_state = models.ForeignKey(
        "orders.IndianState",
        on_delete=models.PROTECT,
        db_default=ASSIGNED_BY_DATABASE,
        db_index=False,
        related_name="+",
        verbose_name="state (GST code)",
        help_text="Resolved by the database from the state name (place of supply).",
    )
    pin_code = models.CharField("PIN code", max_length=6, validators=[validate_pin_code])
    contact_email = CIEmailField(blank=True, null=True)
    contact_mobile = models.CharField(
        max_length=16, blank=True, null=True, validators=[validate_mobile]
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_merchant_parents",
    )

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("merchants", "merchant_parents")
        verbose_name = "merchant parent"
        constraints = [
            models.CheckConstraint(
                condition=Q(pan__regex=PAN),
                name="merchant_parents_pan_format",
                violation_error_message="PAN must look like ABCDE1234F.",
            ),
            models.CheckConstraint(
                condition=Q(pin_code__regex=PIN_CODE),
                name="merchant_parents_pin_code_format",
                violation_error_message="PIN code must be 6 digits, not starting with 0.",
            ),
            models.CheckConstraint(
                condition=Q(contact_mobile__regex=E164_INDIA),
                name="merchant_parents_mobile_e164",
                violation_error_message="Mobile must be an Indian E.164 number (+91XXXXXXXXXX).",
            ),
            # Only a lead may be recorded before its PAN is known.
            models.CheckConstraint(
                condition=Q(status=MerchantStatus.LEAD) | Q(pan__isnull=False),
                name="merchant_parents_pan_after_lead",
                violation_error_message="A merchant past the LEAD stage needs its PAN.",
            ),
        ]

    def __str__(self):
        return f"{self.brand_name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class MerchantUser(TimestampedModel):
    """A person who uses the merchant portal or app for a parent (owner,
    manager, staff, accountant). Their login lives in access_mgmt."""

    parent = models.ForeignKey(
        MerchantParent, on_delete=models.PROTECT, related_name="merchant_users"
    )
    role = EnumField(MerchantUserRole, default=MerchantUserRole.STAFF)
    full_name = models.CharField(max_length=150)
    mobile = models.CharField(max_length=16, unique=True, validators=[validate_mobile])
    email = CIEmailField(blank=True, null=True)
    is_active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_users")
        verbose_name = "merchant user"
        constraints = [
            models.CheckConstraint(
                condition=Q(mobile__regex=E164_INDIA),
                name="merchant_users_mobile_e164",
                violation_error_message="Mobile must be an Indian E.164 number (+91XXXXXXXXXX).",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class MerchantOnboardingApplication(TimestampedModel):
    """One pass of a merchant through the pipeline from sales lead to
    go-live: documents, quality check, menu digitisation, contract."""

    parent = models.ForeignKey(
        MerchantParent, on_delete=models.PROTECT, related_name="onboarding_applications"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_merchant_onboardings",
        help_text="The onboarding executive responsible.",
    )
    status = EnumField(MerchantStatus, default=MerchantStatus.LEAD)
    lead_source = EnumField(LeadSource, max_length=50, null=True, blank=True)
    documents_submitted_at = models.DateTimeField(null=True, blank=True)
    qc_completed_at = models.DateTimeField(null=True, blank=True)
    menu_digitised_at = models.DateTimeField(null=True, blank=True)
    contract_signed_at = models.DateTimeField(null=True, blank=True)
    target_go_live_on = models.DateField(null=True, blank=True)
    went_live_on = models.DateField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("merchants", "merchant_onboarding_applications")
        verbose_name = "merchant onboarding application"
        constraints = [
            # A parent is onboarded through one open application at a time.
            models.UniqueConstraint(
                fields=["parent"],
                condition=Q(status__in=[MerchantStatus.LEAD, MerchantStatus.ONBOARDING]),
                name="merchant_onboarding_applications_one_open",
                violation_error_message="This merchant already has an open application.",
            ),
        ]

    def __str__(self):
        return f"Onboarding #{self.pk} ({self.get_status_display()})"
