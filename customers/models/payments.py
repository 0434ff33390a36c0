"""How customers pay: saved (tokenised) instruments, and business profiles
whose members book on a company's account."""

from django.db import models
from django.db.models import F, Q

from customers.choices import (
    BUSINESS_MEMBER_ROLES,
    BUSINESS_PROFILE_STATUSES,
    CARD_NETWORKS,
    PAYMENT_GATEWAYS,
    PAYMENT_METHOD_STATUSES,
    one_of,
)
from gatimitra.db.expressions import GstinIsValid
from gatimitra.db.fields import CIEmailField, EnumArrayField, EnumField, HashField, MoneyField
from gatimitra.db.models import ASSIGNED_BY_DATABASE, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import (
    GSTIN,
    PAN,
    PIN_CODE,
    validate_gstin,
    validate_pan,
    validate_pin_code,
)
from gatimitra.enums import GstRegistrationType, PaymentMethod, ServiceType

CARD_METHODS = [PaymentMethod.CREDIT_CARD, PaymentMethod.DEBIT_CARD]
#: Instruments a gateway can tokenise; cash and the platform wallet are not saved.
SAVEABLE_METHODS = [
    PaymentMethod.UPI,
    PaymentMethod.CREDIT_CARD,
    PaymentMethod.DEBIT_CARD,
    PaymentMethod.NETBANKING,
    PaymentMethod.THIRD_PARTY_WALLET,
    PaymentMethod.PAY_LATER,
]
#: Twelve or more digits in a row (spaces or dashes allowed between them):
#: what a card number looks like. No stored text may contain one.
CARD_NUMBER_LIKE = r"[0-9]([ -]?[0-9]){11}"


class CustomerPaymentMethod(TimestampedModel):
    """A payment instrument a customer saved: a network card token, a UPI
    VPA or AutoPay mandate, a net-banking or wallet link, all held as the
    gateway's token plus a masked form. No raw card number is ever stored
    (RBI card-on-file tokenisation); the database refuses text that looks
    like one."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="payment_methods",
        db_index=False,
    )
    method_type = EnumField(PaymentMethod)
    status = models.CharField(max_length=8, choices=PAYMENT_METHOD_STATUSES, default="ACTIVE")
    gateway = models.CharField(max_length=16, choices=PAYMENT_GATEWAYS)
    gateway_token_ref = models.CharField(
        max_length=128, help_text="The gateway's token id; charging needs GatiMitra's keys too."
    )
    fingerprint_hash = HashField(
        help_text="Keyed hash of the card fingerprint or VPA, to spot the same instrument twice."
    )
    masked_display = models.CharField(max_length=64, help_text='e.g. "XXXX XXXX XXXX 4242".')
    card_network = models.CharField(max_length=12, choices=CARD_NETWORKS, null=True, blank=True)
    card_last4 = models.CharField(max_length=4, null=True, blank=True)
    card_expiry_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_expiry_year = models.PositiveSmallIntegerField(null=True, blank=True)
    issuer_name = models.CharField(max_length=100, blank=True)
    upi_autopay_mandate_ref = models.CharField(
        "UPI AutoPay mandate", max_length=64, null=True, blank=True
    )
    mandate_max_amount = MoneyField(null=True, blank=True)
    nickname = models.CharField(max_length=50, blank=True)
    is_default = models.BooleanField(default=False)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_payment_methods")
        constraints = [
            models.CheckConstraint(
                condition=Q(method_type__in=SAVEABLE_METHODS),
                name="customer_payment_methods_saveable_type",
                violation_error_message="Cash and the platform wallet are not saved instruments.",
            ),
            one_of("customer_payment_methods", "status", PAYMENT_METHOD_STATUSES),
            one_of("customer_payment_methods", "gateway", PAYMENT_GATEWAYS),
            one_of("customer_payment_methods", "card_network", CARD_NETWORKS),
            models.CheckConstraint(
                condition=~Q(masked_display__regex=CARD_NUMBER_LIKE)
                & ~Q(gateway_token_ref__regex=CARD_NUMBER_LIKE)
                & ~Q(nickname__regex=CARD_NUMBER_LIKE),
                name="customer_payment_methods_no_card_number",
                violation_error_message="Store the token and a masked form, never a card number.",
            ),
            models.CheckConstraint(
                condition=Q(
                    # isnull=False first: a comparison with NULL would let the CHECK pass.
                    method_type__in=CARD_METHODS,
                    card_network__isnull=False,
                    card_last4__isnull=False,
                    card_expiry_month__isnull=False,
                    card_expiry_year__isnull=False,
                    card_last4__regex=r"^[0-9]{4}$",
                    card_expiry_month__range=(1, 12),
                    card_expiry_year__range=(2000, 2100),
                )
                | (
                    ~Q(method_type__in=CARD_METHODS)
                    & Q(
                        card_network__isnull=True,
                        card_last4__isnull=True,
                        card_expiry_month__isnull=True,
                        card_expiry_year__isnull=True,
                    )
                ),
                name="customer_payment_methods_card_details",
                violation_error_message="Cards (only) carry network, last 4 and expiry.",
            ),
            models.CheckConstraint(
                condition=Q(upi_autopay_mandate_ref__isnull=True)
                | Q(method_type=PaymentMethod.UPI),
                name="customer_payment_methods_mandate_is_upi",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(status="ACTIVE"),
                name="customer_payment_methods_default_is_active",
                violation_error_message="Only an active method can be the default.",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True),
                name="customer_payment_methods_one_default_per_customer",
                violation_error_message="This customer already has a default payment method.",
            ),
            models.UniqueConstraint(
                fields=["customer", "fingerprint_hash"],
                name="customer_payment_methods_customer_fingerprint_uniq",
                violation_error_message="This instrument is already saved.",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_type_display()} {self.masked_display}"


class CustomerBusinessProfile(TimestampedModel):
    """A business a customer set up for GST invoices and billed rides and
    parcels: legal name, GSTIN, billing address and credit limit."""

    owner_customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="owned_business_profiles"
    )
    legal_name = models.CharField(max_length=200)
    trade_name = models.CharField(max_length=200, blank=True)
    gst_registration_type = EnumField(GstRegistrationType, default=GstRegistrationType.REGULAR)
    gstin = models.CharField(
        "GSTIN", max_length=15, null=True, blank=True, validators=[validate_gstin]
    )
    pan = models.CharField("PAN", max_length=10, null=True, blank=True, validators=[validate_pan])
    status = models.CharField(
        max_length=24, choices=BUSINESS_PROFILE_STATUSES, default="PENDING_VERIFICATION"
    )
    billing_email = CIEmailField()
    billing_address_line = models.CharField(max_length=300)
    billing_city = models.CharField(max_length=100)
    billing_state = models.CharField(max_length=100)
    gst_state = models.ForeignKey(
        "orders.IndianState",
        on_delete=models.PROTECT,
        db_default=ASSIGNED_BY_DATABASE,
        db_index=False,
        related_name="+",
        verbose_name="state (GST code)",
        help_text="Resolved by the database from the state name (place of supply).",
    )
    billing_state_code = models.CharField(
        max_length=2, help_text="GST state code (place of supply), e.g. 29 for Karnataka."
    )
    billing_pincode = models.CharField(max_length=6, validators=[validate_pin_code])
    credit_limit = MoneyField(default=0)
    payment_terms_days = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_business_profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(gstin__regex=GSTIN), name="customer_business_profiles_gstin_format"
            ),
            models.CheckConstraint(
                condition=Q(GstinIsValid("gstin")),
                name="customer_business_profiles_gstin_valid",
                violation_error_message="This GSTIN's check character is wrong.",
            ),
            # The billing state's GST code is the place of supply; the name and
            # the code must name one state (the GSTIN then starts with it).
            models.CheckConstraint(
                condition=Q(gst_state=F("billing_state_code")),
                name="customer_business_profiles_state_code_of_state",
                violation_error_message="The billing state code is not the billing state's.",
            ),
            models.CheckConstraint(
                condition=Q(pan__regex=PAN), name="customer_business_profiles_pan_format"
            ),
            models.CheckConstraint(
                condition=Q(billing_pincode__regex=PIN_CODE),
                name="customer_business_profiles_pincode_format",
            ),
            models.CheckConstraint(
                condition=Q(billing_state_code__regex=r"^[0-9]{2}$"),
                name="customer_business_profiles_state_code_format",
            ),
            one_of("customer_business_profiles", "status", BUSINESS_PROFILE_STATUSES),
            models.CheckConstraint(
                condition=Q(
                    gst_registration_type=GstRegistrationType.UNREGISTERED, gstin__isnull=True
                )
                | (
                    ~Q(gst_registration_type=GstRegistrationType.UNREGISTERED)
                    & Q(gstin__isnull=False)
                ),
                name="customer_business_profiles_gstin_iff_registered",
                violation_error_message="GST-registered businesses (only) have a GSTIN.",
            ),
            models.CheckConstraint(
                # The GSTIN's first two digits are the state it is registered in.
                condition=Q(gstin__isnull=True) | Q(gstin__startswith=F("billing_state_code")),
                name="customer_business_profiles_gstin_state",
                violation_error_message="The GSTIN must start with the billing state code.",
            ),
            models.CheckConstraint(
                condition=Q(payment_terms_days__lte=90),
                name="customer_business_profiles_payment_terms",
            ),
            models.CheckConstraint(
                condition=~Q(status="ACTIVE") | Q(verified_at__isnull=False),
                name="customer_business_profiles_active_is_verified",
            ),
            models.UniqueConstraint(
                fields=["gstin"],
                condition=Q(gstin__isnull=False),
                name="customer_business_profiles_gstin_uniq",
                violation_error_message="A business profile with this GSTIN exists.",
            ),
        ]

    def __str__(self):
        return self.trade_name or self.legal_name


class CustomerBusinessMember(TimestampedModel):
    """A customer allowed to book on a business profile, with the services
    and spend limits the business set for them."""

    business_profile = models.ForeignKey(
        CustomerBusinessProfile, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="business_memberships"
    )
    role = models.CharField(max_length=8, choices=BUSINESS_MEMBER_ROLES, default="EMPLOYEE")
    allowed_services = EnumArrayField(ServiceType, default=list, blank=True)
    per_order_limit = MoneyField(null=True, blank=True)
    monthly_limit = MoneyField(null=True, blank=True)
    cost_centre = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("customers", "customer_business_members")
        constraints = [
            one_of("customer_business_members", "role", BUSINESS_MEMBER_ROLES),
            models.UniqueConstraint(
                fields=["business_profile", "customer"],
                name="customer_business_members_uniq",
                violation_error_message="This customer is already a member.",
            ),
            models.CheckConstraint(
                condition=Q(per_order_limit__isnull=True)
                | Q(monthly_limit__isnull=True)
                | Q(per_order_limit__lte=F("monthly_limit")),
                name="customer_business_members_limits",
                violation_error_message="The per-order limit cannot exceed the monthly limit.",
            ),
        ]

    def __str__(self):
        return f"{self.customer} at {self.business_profile}"
