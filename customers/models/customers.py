"""The customer profile and what hangs directly off it: addresses, saved
parcel contacts, app installs and preferences."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Upper
from django.utils import timezone

from customers.choices import (
    ACCESSIBILITY_NEEDS,
    ADDRESS_LABELS,
    LANGUAGES,
    SAVED_CONTACT_ROLES,
    SIGNUP_SOURCES,
    CustomerStatus,
    one_of,
    values,
)
from gatimitra.db.fields import (
    CIEmailField,
    EnumField,
    HashField,
    LatitudeField,
    LongitudeField,
    MoneyField,
)
from gatimitra.db.models import ASSIGNED_BY_DATABASE, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, PIN_CODE, validate_mobile, validate_pin_code
from gatimitra.enums import DevicePlatform, FoodType, PaymentMethod, VehicleType

#: Public referral codes: what ``customers.referral_code_for(id)`` produces
#: (8 characters), or a vanity code set by marketing.
REFERRAL_CODE = r"^[A-Z0-9]{6,12}$"


def trigram_index(table, column, name=None):
    """A trigram index on ``UPPER(column::text)``: the expression the admin's
    ``icontains`` search compares, so searching a big table uses the index.
    (Django caps index names at 30 characters, hence ``name``.)"""
    return GinIndex(
        OpClass(Upper(Cast(column, models.TextField())), name="gin_trgm_ops"),
        name=name or f"{table}_{column}_trgm",
    )


class Customer(TimestampedModel):
    """A person who orders food, sends parcels or books rides, known by an
    Indian mobile number. Never hard-deleted once referenced: erasure
    anonymises the row (CATALOG section 8, item 18)."""

    mobile = models.CharField(
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mobile],
        help_text="E.164 (+91XXXXXXXXXX). Empty only once the profile is anonymised.",
    )
    full_name = models.CharField(max_length=150, blank=True)
    email = CIEmailField(unique=True, null=True, blank=True)
    referral_code = models.CharField(
        max_length=12,
        unique=True,
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="Assigned by the database from the id unless given.",
    )
    status = EnumField(CustomerStatus, default=CustomerStatus.ACTIVE)
    preferred_language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    signup_source = models.CharField(max_length=16, choices=SIGNUP_SOURCES, default="ANDROID_APP")
    date_of_birth = models.DateField(null=True, blank=True)
    cod_enabled = models.BooleanField(
        default=True, help_text="Cash on delivery allowed (switched off by risk actions)."
    )
    mobile_verified_at = models.DateTimeField(null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    deletion_requested_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(mobile__regex=E164_INDIA),
                name="customers_mobile_e164",
                violation_error_message="Mobile must be an Indian E.164 number (+91XXXXXXXXXX).",
            ),
            models.CheckConstraint(
                condition=Q(mobile__isnull=False) | Q(status=CustomerStatus.ANONYMISED),
                name="customers_mobile_required",
                violation_error_message="Only an anonymised customer may have no mobile.",
            ),
            models.CheckConstraint(condition=~Q(email=""), name="customers_email_not_blank"),
            models.CheckConstraint(
                condition=Q(referral_code__regex=REFERRAL_CODE),
                name="customers_referral_code_format",
            ),
            one_of("customers", "preferred_language", LANGUAGES),
            one_of("customers", "signup_source", SIGNUP_SOURCES),
            models.CheckConstraint(
                condition=~Q(status=CustomerStatus.DELETION_REQUESTED)
                | Q(deletion_requested_at__isnull=False),
                name="customers_deletion_requested_at",
                violation_error_message="A deletion request needs deletion_requested_at.",
            ),
            models.CheckConstraint(
                # Anonymised means the personal data is gone, not merely flagged.
                condition=~Q(status=CustomerStatus.ANONYMISED)
                | Q(
                    anonymised_at__isnull=False,
                    mobile__isnull=True,
                    email__isnull=True,
                    full_name="",
                    date_of_birth__isnull=True,
                ),
                name="customers_anonymised_without_pii",
                violation_error_message="An anonymised customer keeps no personal data.",
            ),
        ]
        indexes = [
            trigram_index("customers", "mobile"),
            trigram_index("customers", "full_name"),
            trigram_index("customers", "email"),
            trigram_index("customers", "referral_code"),
        ]

    def __str__(self):
        return self.full_name or self.mobile or f"customer {self.pk}"

    def anonymise(self):
        """Erase the personal data, keep the row (orders and invoices still
        reference it: GST law keeps them for 72 months)."""
        self.mobile = None
        self.email = None
        self.full_name = ""
        self.date_of_birth = None
        self.status = CustomerStatus.ANONYMISED
        self.anonymised_at = timezone.now()
        self.save()


class CustomerAddress(TimestampedModel):
    """A saved delivery or pickup address of one customer, with its map pin
    and the service zone it falls in. Archived rather than deleted, so past
    orders keep pointing at it."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="addresses", db_index=False
    )
    label = models.CharField(max_length=16, choices=ADDRESS_LABELS, default="HOME")
    label_name = models.CharField(max_length=50, blank=True, help_text='e.g. "Amma\'s place"')
    recipient_name = models.CharField(max_length=150, blank=True)
    recipient_mobile = models.CharField(
        max_length=16, null=True, blank=True, validators=[validate_mobile]
    )
    house_number = models.CharField("flat / house no.", max_length=100)
    building_name = models.CharField(max_length=150, blank=True)
    floor = models.CharField(max_length=20, blank=True)
    street = models.CharField(max_length=200, blank=True)
    landmark = models.CharField(max_length=150, blank=True)
    locality = models.CharField(max_length=150)
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
    pincode = models.CharField(max_length=6, validators=[validate_pin_code])
    latitude = LatitudeField()
    longitude = LongitudeField()
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_addresses",
        help_text="The service zone the pin falls in (set by geocoding; empty outside every zone).",
    )
    delivery_instructions = models.CharField(max_length=300, blank=True)
    is_default = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_addresses")
        verbose_name_plural = "customer addresses"
        constraints = [
            one_of("customer_addresses", "label", ADDRESS_LABELS),
            models.CheckConstraint(
                condition=Q(pincode__regex=PIN_CODE),
                name="customer_addresses_pincode_format",
                violation_error_message="Enter a 6-digit PIN code.",
            ),
            models.CheckConstraint(
                condition=Q(recipient_mobile__regex=E164_INDIA),
                name="customer_addresses_recipient_mobile_e164",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True),
                name="customer_addresses_one_default_per_customer",
                violation_error_message="This customer already has a default address.",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(archived_at__isnull=True),
                name="customer_addresses_default_not_archived",
                violation_error_message="An archived address cannot be the default.",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="customer_addresses_by_customer"),
        ]

    def __str__(self):
        name = self.label_name or self.get_label_display()
        return f"{name}: {self.house_number}, {self.locality}, {self.city} {self.pincode}"


class CustomerSavedContact(TimestampedModel):
    """A person a customer sends parcels to or has them picked up from,
    saved for reuse (name, phone and optionally one of the customer's addresses)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="saved_contacts", db_index=False
    )
    address = models.ForeignKey(
        CustomerAddress,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_contacts",
        help_text="One of the same customer's addresses (checked by the database).",
    )
    role = models.CharField(max_length=8, choices=SAVED_CONTACT_ROLES, default="RECEIVER")
    name = models.CharField(max_length=150)
    mobile = models.CharField(max_length=16, validators=[validate_mobile])
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_saved_contacts")
        constraints = [
            one_of("customer_saved_contacts", "role", SAVED_CONTACT_ROLES),
            models.CheckConstraint(
                condition=Q(mobile__regex=E164_INDIA), name="customer_saved_contacts_mobile_e164"
            ),
            models.UniqueConstraint(
                fields=["customer", "mobile"],
                name="customer_saved_contacts_customer_mobile_uniq",
                violation_error_message="This contact is already saved.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.mobile})"


class CustomerDevice(TimestampedModel):
    """One installation of the customer app (or a web session's browser) on
    a device, with its push token and versions."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="devices", db_index=False
    )
    platform = EnumField(DevicePlatform)
    installation_id = models.CharField(max_length=128, help_text="Generated by the app.")
    # FCM/APNs registration tokens are kept readable: sending a push needs
    # them, and they are useless without GatiMitra's server credentials. The
    # admin never shows them.
    push_token = models.TextField(blank=True)
    fingerprint_hash = HashField(
        null=True,
        blank=True,
        help_text="Keyed hash of the device fingerprint (multi-account detection).",
    )
    device_model = models.CharField(max_length=100, blank=True)
    os_version = models.CharField(max_length=32, blank=True)
    app_version = models.CharField(max_length=32)
    last_seen_at = models.DateTimeField(default=timezone.now)
    logged_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_devices")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    platform__in=[DevicePlatform.ANDROID, DevicePlatform.IOS, DevicePlatform.WEB]
                ),
                name="customer_devices_platform_customer_app",
                violation_error_message="Customers use the Android, iOS or web app.",
            ),
            models.UniqueConstraint(
                fields=["customer", "installation_id"],
                name="customer_devices_customer_installation_uniq",
            ),
        ]
        indexes = [
            models.Index(
                fields=["fingerprint_hash"],
                condition=Q(fingerprint_hash__isnull=False),
                name="customer_devices_fingerprint",
            ),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.device_model or self.installation_id}"


class CustomerPreference(TimestampedModel):
    """A customer's standing choices: diet, how they like to pay, ride
    comfort and accessibility needs. One row per customer (keyed by it).

    The default *saved instrument* is ``customer_payment_methods.is_default``
    (one per customer, a partial unique index); this row only holds the
    preferred payment *type*, which may be one no instrument represents
    (cash, the platform wallet)."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="preferences"
    )
    dietary_preference = EnumField(FoodType, null=True, blank=True)
    preferred_payment_method = EnumField(PaymentMethod, null=True, blank=True)
    default_tip_amount = MoneyField(null=True, blank=True)
    ride_vehicle_type = EnumField(VehicleType, null=True, blank=True)
    ride_ac_preferred = models.BooleanField(default=True)
    ride_quiet_preferred = models.BooleanField(default=False)
    accessibility_needs = ArrayField(
        models.CharField(max_length=16, choices=ACCESSIBILITY_NEEDS), default=list, blank=True
    )
    cutlery_opt_out = models.BooleanField(default=False)
    contactless_delivery = models.BooleanField(default=False)

    class Meta:
        db_table = schema_table("customers", "customer_preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(accessibility_needs__contained_by=values(ACCESSIBILITY_NEEDS)),
                name="customer_preferences_accessibility_needs_valid",
            ),
        ]

    def __str__(self):
        return f"preferences of {self.customer}"
