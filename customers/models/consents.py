"""Privacy and messaging: DPDP consents and data-principal requests, the
customer's notification opt-outs, and the notifications sent."""

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from customers.choices import (
    CONSENT_CHANNELS,
    DATA_REQUEST_OUTCOMES,
    LANGUAGES,
    NOTIFICATION_CATEGORIES,
    ConsentPurpose,
    ConsentStatus,
    DataRequestType,
    GuardianRelationship,
    GuardianVerification,
    NotificationProvider,
    NotificationStatus,
    TicketStatus,
    one_of,
)
from gatimitra.db.fields import EnumField
from gatimitra.db.models import ASSIGNED_BY_DATABASE, AppendOnlyModel, TimestampedModel
from gatimitra.db.partitions import MONTH, Partitioning
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, validate_mobile
from gatimitra.enums import NotificationChannel

#: The consent a promotional send on each channel needs (the database checks
#: it, see ``customers.sql.PROMOTIONAL_CONSENT``).
PROMOTIONAL_CONSENT_FOR_CHANNEL = {
    NotificationChannel.SMS: ConsentPurpose.MARKETING_SMS,
    NotificationChannel.WHATSAPP: ConsentPurpose.MARKETING_WHATSAPP,
    NotificationChannel.EMAIL: ConsentPurpose.MARKETING_EMAIL,
    NotificationChannel.PUSH: ConsentPurpose.PUSH_PROMOTIONS,
}


class CustomerConsentQuerySet(models.QuerySet):
    def current(self):
        """The latest row per (customer, purpose): the consent in force."""
        return self.order_by("customer_id", "purpose", "-id").distinct("customer_id", "purpose")

    def is_granted(self, customer, purpose):
        latest = self.filter(customer=customer, purpose=purpose).order_by("-id").first()
        return latest is not None and latest.status == ConsentStatus.GRANTED


class CustomerConsent(AppendOnlyModel):
    """One consent decision of a customer for one purpose under the DPDP Act:
    the notice they saw, and whether they granted or withdrew it. Every
    change is a new row; the latest row per purpose is the one in force."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="consents", db_index=False
    )
    purpose = EnumField(ConsentPurpose)
    status = EnumField(ConsentStatus)
    notice_version = models.CharField(max_length=32)
    notice_language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    channel = models.CharField(max_length=16, choices=CONSENT_CHANNELS, default="APP")
    consent_manager_ref = models.CharField(
        max_length=100, blank=True, help_text="Artefact id at a registered consent manager."
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_customer_consents",
        help_text="The agent who recorded it, when not given in the app.",
    )

    objects = CustomerConsentQuerySet.as_manager()

    class Meta:
        db_table = schema_table("customers", "customer_consents")
        constraints = [
            one_of("customer_consents", "notice_language", LANGUAGES),
            one_of("customer_consents", "channel", CONSENT_CHANNELS),
            models.CheckConstraint(
                condition=~Q(status=ConsentStatus.GRANTED) | Q(granted_at__isnull=False),
                name="customer_consents_granted_at",
                violation_error_message="A granted consent needs granted_at.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConsentStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="customer_consents_withdrawn_at",
                violation_error_message="A withdrawn consent needs withdrawn_at.",
            ),
            models.CheckConstraint(
                condition=~Q(channel="CONSENT_MANAGER") | ~Q(consent_manager_ref=""),
                name="customer_consents_manager_ref",
                violation_error_message="Consent through a consent manager needs its reference.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(granted_at__isnull=True)
                | Q(expires_at__gt=F("granted_at")),
                name="customer_consents_expiry_after_grant",
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer", "purpose", "-id"], name="customer_consents_latest_idx"
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.get_status_display()}"


class CustomerDataRequest(TimestampedModel):
    """A data-principal request under the DPDP Act (access, correction,
    erasure, grievance, nomination), with its SLA and outcome."""

    request_number = models.CharField(
        max_length=16,
        unique=True,
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="DPR + id, assigned by the database.",
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="data_requests"
    )
    request_type = EnumField(DataRequestType)
    status = EnumField(TicketStatus, default=TicketStatus.OPEN)
    details = models.TextField(blank=True)
    sla_due_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_customer_data_requests",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=DATA_REQUEST_OUTCOMES, null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    nominee_name = models.CharField(max_length=150, blank=True)
    nominee_mobile = models.CharField(
        max_length=16, null=True, blank=True, validators=[validate_mobile]
    )

    class Meta:
        db_table = schema_table("customers", "customer_data_requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(request_number__regex=r"^DPR[0-9]{8,}$"),
                name="customer_data_requests_request_number_format",
            ),
            one_of("customer_data_requests", "outcome", DATA_REQUEST_OUTCOMES),
            models.CheckConstraint(
                condition=Q(sla_due_at__gt=F("created_at")),
                name="customer_data_requests_sla_after_creation",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
                | Q(resolved_at__isnull=False, outcome__isnull=False),
                name="customer_data_requests_resolution",
                violation_error_message="A resolved request needs resolved_at and an outcome.",
            ),
            models.CheckConstraint(
                condition=Q(request_type=DataRequestType.NOMINATION)
                | Q(nominee_name="", nominee_mobile__isnull=True),
                name="customer_data_requests_nominee_only_for_nomination",
            ),
            models.CheckConstraint(
                condition=Q(nominee_mobile__regex=E164_INDIA),
                name="customer_data_requests_nominee_mobile_e164",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sla_due_at"], name="customer_data_requests_queue"),
        ]

    def __str__(self):
        number = self.request_number if self.pk else "new request"
        return f"{number} {self.get_request_type_display()}"


class CustomerNotificationPreference(TimestampedModel):
    """A customer's explicit opt-in or opt-out for one channel and category
    of messages. Sparse: no row means the platform default."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        db_index=False,
    )
    channel = EnumField(NotificationChannel)
    category = models.CharField(max_length=20, choices=NOTIFICATION_CATEGORIES)
    is_opted_in = models.BooleanField()

    class Meta:
        db_table = schema_table("customers", "customer_notification_preferences")
        constraints = [
            one_of("customer_notification_preferences", "category", NOTIFICATION_CATEGORIES),
            models.UniqueConstraint(
                fields=["customer", "channel", "category"],
                name="customer_notification_preferences_uniq",
            ),
            models.CheckConstraint(
                # Security messages (OTP, login alerts) cannot be switched off.
                condition=~Q(category="ACCOUNT_SECURITY") | Q(is_opted_in=True),
                name="customer_notification_preferences_security_stays_on",
                violation_error_message="Account and security messages cannot be turned off.",
            ),
        ]

    def __str__(self):
        state = "on" if self.is_opted_in else "off"
        return f"{self.get_channel_display()} {self.get_category_display()}: {state}"


class CustomerNotification(TimestampedModel):
    """One message sent (or suppressed) to a customer by push, SMS,
    WhatsApp, email, voice or in-app, with its provider delivery state and
    the customer's order an order update is about. A promotional send needs
    the latest consent for its channel to be GRANTED (checked by the
    database).

    Partitioned by month of ``created_at`` (UTC), detached after 13 months
    (docs/partitions.md). A provider's message id is recorded once: a unique
    index would have to include ``created_at``, so the trigger
    ``customer_notifications_provider_message_uniq`` refuses a second row
    with the same ``(provider, provider_message_id)`` in any partition."""

    partitioning = Partitioning(key="created_at", interval=MONTH, retention="13 months")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    channel = EnumField(NotificationChannel)
    category = models.CharField(max_length=20, choices=NOTIFICATION_CATEGORIES)
    status = EnumField(NotificationStatus, default=NotificationStatus.QUEUED)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_notifications",
        db_index=False,  # indexed where set (customer_notifications_order)
        help_text="The customer's order an order update is about (checked by the database).",
    )
    template_code = models.CharField(max_length=64)
    dlt_template_id = models.CharField(
        "DLT template id",
        max_length=25,
        null=True,
        blank=True,
        help_text="TRAI DLT registration of the SMS template (SMS only, required there).",
    )
    provider = EnumField(NotificationProvider, null=True, blank=True)
    provider_message_id = models.CharField(max_length=128, null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_notifications")
        constraints = [
            one_of("customer_notifications", "category", NOTIFICATION_CATEGORIES),
            models.CheckConstraint(
                condition=Q(dlt_template_id__regex=r"^[0-9]{10,25}$"),
                name="customer_notifications_dlt_template_id_format",
            ),
            models.CheckConstraint(
                condition=Q(channel=NotificationChannel.SMS, dlt_template_id__isnull=False)
                | (~Q(channel=NotificationChannel.SMS) & Q(dlt_template_id__isnull=True)),
                name="customer_notifications_dlt_for_sms",
                violation_error_message="SMS (only) carries a DLT template id.",
            ),
            # The provider-message trigger matches (provider, message id).
            models.CheckConstraint(
                condition=Q(provider_message_id__isnull=True) | Q(provider__isnull=False),
                name="customer_notifications_message_has_provider",
                violation_error_message="A provider message id names its provider.",
            ),
            models.CheckConstraint(
                condition=~Q(category="PROMOTIONAL", channel=NotificationChannel.VOICE),
                name="customer_notifications_no_promotional_calls",
                violation_error_message="Promotional voice calls are not sent.",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        NotificationStatus.SENT,
                        NotificationStatus.DELIVERED,
                        NotificationStatus.READ,
                    ]
                )
                | Q(sent_at__isnull=False),
                name="customer_notifications_sent_at",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="customer_notifications_recent"),
            models.Index(
                fields=["order"],
                condition=Q(order__isnull=False),
                name="customer_notifications_order",
            ),
            BrinIndex(fields=["created_at"], name="customer_notifications_brin"),
            # What the provider-message trigger looks a message id up by.
            models.Index(
                fields=["provider_message_id", "provider"],
                condition=Q(provider_message_id__isnull=False),
                name="customer_notifications_pmsg",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.template_code} ({self.status})"

    def validate_constraints(self, exclude=None):
        """Report a provider message id already recorded, as the unique
        constraint it replaces did (the database trigger has the last word)."""
        super().validate_constraints(exclude=exclude)
        if not self.provider_message_id or {"provider", "provider_message_id"} & set(exclude or ()):
            return
        clash = type(self)._default_manager.filter(
            provider=self.provider, provider_message_id=self.provider_message_id
        )
        if self.pk is not None:
            clash = clash.exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "provider_message_id": f"{self.provider or 'The provider'} message "
                    f"{self.provider_message_id} is already recorded."
                }
            )


class CustomerGuardianConsent(AppendOnlyModel):
    """The verifiable consent of a parent or lawful guardian for a customer
    under 18 (DPDP Act 2023 s.9(1); the guardian verified as an identifiable
    adult under DPDP Rules 2025 r.10). Every decision is a new row; the
    latest is in force. While a customer's date of birth makes them a child,
    their profile stays ACTIVE or SUSPENDED only under a GRANTED row (checked
    by the database at commit). No guardian name is kept: the guardian is the
    adult customer who consented, or the DigiLocker token that verified them."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="guardian_consents",
        db_index=False,
    )
    status = EnumField(ConsentStatus)
    relationship = EnumField(GuardianRelationship)
    verification = EnumField(GuardianVerification)
    guardian_customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards_consented",
        help_text="The adult customer who consented (EXISTING_ADULT_USER).",
    )
    verification_reference = models.CharField(
        max_length=100, blank=True, help_text="The DigiLocker token's reference (no identity)."
    )
    notice_version = models.CharField(max_length=32)
    granted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_guardian_consents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ConsentStatus.GRANTED) | Q(granted_at__isnull=False),
                name="customer_guardian_consents_granted_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConsentStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="customer_guardian_consents_withdrawn_at",
            ),
            models.CheckConstraint(
                condition=Q(
                    verification=GuardianVerification.EXISTING_ADULT_USER,
                    guardian_customer__isnull=False,
                )
                | Q(
                    verification=GuardianVerification.DIGILOCKER_TOKEN,
                    guardian_customer__isnull=True,
                )
                & ~Q(verification_reference=""),
                name="customer_guardian_consents_verified",
                violation_error_message="A guardian is verified as an adult customer or by a "
                "DigiLocker token (DPDP Rules 2025 r.10).",
            ),
            models.CheckConstraint(
                condition=~Q(guardian_customer=F("customer")),
                name="customer_guardian_consents_not_self",
                violation_error_message="A child cannot be their own guardian.",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="customer_guardian_latest_idx"),
        ]

    def __str__(self):
        return f"Guardian consent for customer {self.customer_id}: {self.status}"
