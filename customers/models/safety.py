"""Trust and safety: emergency contacts, live trip sharing, SOS alerts,
number-masked calls, riders a customer must not be matched with, and fraud
or abuse flags."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from customers.choices import (
    CALL_PROVIDERS,
    CALL_STATUSES,
    EMERGENCY_CONTACT_RELATIONSHIPS,
    RIDER_BLOCK_REASONS,
    RISK_ACTIONS,
    RISK_FLAG_SOURCES,
    RISK_FLAG_TYPES,
    RISK_SEVERITIES,
    SOS_TRIGGERS,
    one_of,
)
from gatimitra.db.fields import EnumField, HashField, LatitudeField, LongitudeField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, validate_mobile
from gatimitra.enums import ActorType, NotificationChannel, SosStatus

#: A trip-share link lives at most this long.
TRIP_SHARE_MAX_LIFETIME = timedelta(hours=24)
OPEN_SOS_STATUSES = [SosStatus.RAISED, SosStatus.ACKNOWLEDGED, SosStatus.ESCALATED]


class CustomerEmergencyContact(TimestampedModel):
    """A trusted person a customer wants told about their rides (trip
    sharing, SOS)."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="emergency_contacts",
        db_index=False,
    )
    name = models.CharField(max_length=150)
    mobile = models.CharField(max_length=16, validators=[validate_mobile])
    relationship = models.CharField(
        max_length=10, choices=EMERGENCY_CONTACT_RELATIONSHIPS, default="OTHER"
    )
    auto_share_rides = models.BooleanField(
        default=False, help_text="Share every ride with this contact automatically."
    )

    class Meta:
        db_table = schema_table("customers", "customer_emergency_contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(mobile__regex=E164_INDIA),
                name="customer_emergency_contacts_mobile_e164",
            ),
            one_of("customer_emergency_contacts", "relationship", EMERGENCY_CONTACT_RELATIONSHIPS),
            models.UniqueConstraint(
                fields=["customer", "mobile"], name="customer_emergency_contacts_uniq"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.mobile})"


class CustomerTripShare(TimestampedModel):
    """A live tracking link for one of the customer's rides or parcels,
    shared with a contact. Only the hash of the link's token is stored; the
    link expires within 24 hours."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="trip_shares"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="customer_trip_shares",
        help_text="The customer's ride or parcel tracked (checked by the database).",
    )
    contact = models.ForeignKey(
        CustomerEmergencyContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trip_shares",
        help_text="One of the same customer's contacts (checked by the database).",
    )
    share_token_hash = HashField(unique=True)
    shared_via = EnumField(NotificationChannel)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_trip_shares")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at"))
                & Q(expires_at__lte=F("created_at") + TRIP_SHARE_MAX_LIFETIME),
                name="customer_trip_shares_expiry_window",
                violation_error_message="A trip-share link expires within 24 hours.",
            ),
        ]

    def __str__(self):
        return f"trip share {self.pk} of {self.customer_id}"


class CustomerSosAlert(TimestampedModel):
    """An SOS raised by a customer during one of their rides or deliveries
    (or between orders): where they were, whom it notified, and how ops
    handled it."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="sos_alerts"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_sos_alerts",
        help_text="The customer's ride or delivery under way (checked by the database).",
    )
    status = EnumField(SosStatus, default=SosStatus.RAISED)
    triggered_via = models.CharField(max_length=14, choices=SOS_TRIGGERS, default="APP_BUTTON")
    latitude = LatitudeField()
    longitude = LongitudeField()
    location_accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    notified_contacts = models.JSONField(
        default=list, blank=True, help_text="Who was told, as they were at the time."
    )
    police_notified = models.BooleanField(default=False, help_text="Forwarded to 112 (ERSS).")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_customer_sos_alerts",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_notes = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_sos_alerts")
        verbose_name = "customer SOS alert"
        constraints = [
            one_of("customer_sos_alerts", "triggered_via", SOS_TRIGGERS),
            models.CheckConstraint(
                condition=Q(status=SosStatus.RAISED)
                | Q(acknowledged_at__isnull=False, handled_by__isnull=False),
                name="customer_sos_alerts_acknowledged",
                violation_error_message="A handled SOS names its handler and acknowledged_at.",
            ),
            models.CheckConstraint(
                condition=~Q(status=SosStatus.ESCALATED) | Q(escalated_at__isnull=False),
                name="customer_sos_alerts_escalated_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[SosStatus.RESOLVED, SosStatus.FALSE_ALARM])
                | Q(resolved_at__isnull=False),
                name="customer_sos_alerts_resolved_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=OPEN_SOS_STATUSES),
                name="customer_sos_alerts_open_idx",
            ),
        ]

    def __str__(self):
        return f"SOS {self.pk} ({self.status})"


class CustomerMaskedCall(TimestampedModel):
    """A number-masked call about one of a customer's orders, between the
    customer and their rider, driver or store (or support), through a
    virtual number, with duration and recording reference."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="masked_calls"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="customer_masked_calls",
        help_text="The customer's order the call is about (checked by the database).",
    )
    counterparty_type = EnumField(ActorType)
    rider = models.ForeignKey(
        "riders.Rider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_masked_calls",
        help_text="The rider or driver called (RIDER calls only).",
    )
    initiated_by_type = EnumField(ActorType)
    provider = models.CharField(max_length=12, choices=CALL_PROVIDERS)
    provider_call_id = models.CharField(max_length=64)
    virtual_number = models.CharField(max_length=16)
    call_status = models.CharField(max_length=10, choices=CALL_STATUSES, default="INITIATED")
    started_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(default=0)
    recording_ref = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_masked_calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    counterparty_type__in=[
                        ActorType.RIDER,
                        ActorType.MERCHANT_USER,
                        ActorType.SYSTEM_USER,
                    ]
                ),
                name="customer_masked_calls_counterparty_type",
            ),
            models.CheckConstraint(
                condition=Q(initiated_by_type=ActorType.CUSTOMER)
                | Q(initiated_by_type=F("counterparty_type")),
                name="customer_masked_calls_initiator",
                violation_error_message="The customer or the counterparty places the call.",
            ),
            models.CheckConstraint(
                condition=Q(counterparty_type=ActorType.RIDER, rider__isnull=False)
                | (~Q(counterparty_type=ActorType.RIDER) & Q(rider__isnull=True)),
                name="customer_masked_calls_rider_iff_rider_call",
                violation_error_message="A call with a rider names the rider; others name none.",
            ),
            one_of("customer_masked_calls", "provider", CALL_PROVIDERS),
            one_of("customer_masked_calls", "call_status", CALL_STATUSES),
            models.CheckConstraint(
                condition=Q(virtual_number__regex=r"^\+91[0-9]{10}$"),
                name="customer_masked_calls_virtual_number_format",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="customer_masked_calls_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["provider_call_id", "provider"],
                name="customer_masked_calls_provider_call_uniq",
            ),
        ]

    def __str__(self):
        return f"call {self.provider_call_id} ({self.call_status})"


class CustomerBlockedRider(TimestampedModel):
    """A rider or driver this customer must not be matched with again,
    after a low rating, complaint or safety incident; once per customer and
    rider. Dispatch eligibility (CATALOG section 8, item 5) reads it."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="blocked_riders",
        db_index=False,  # the (customer, rider) unique index leads with it
    )
    rider = models.ForeignKey(
        "riders.Rider",
        on_delete=models.PROTECT,
        related_name="customer_blocks",
        help_text="The rider who must not be matched with this customer.",
    )
    reason = models.CharField(max_length=16, choices=RIDER_BLOCK_REASONS)
    rating = models.ForeignKey(
        "customers.CustomerRating",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_blocks",
        help_text="One of the same customer's ratings (checked by the database).",
    )
    ticket = models.ForeignKey(
        "customers.CustomerTicket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_blocks",
        help_text="One of the same customer's tickets (checked by the database).",
    )
    blocked_until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    notes = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_customer_rider_blocks",
    )

    class Meta:
        db_table = schema_table("customers", "customer_blocked_riders")
        constraints = [
            one_of("customer_blocked_riders", "reason", RIDER_BLOCK_REASONS),
            models.CheckConstraint(
                condition=~Q(reason="LOW_RATING") | Q(rating__isnull=False),
                name="customer_blocked_riders_low_rating_has_rating",
            ),
            models.UniqueConstraint(
                fields=["customer", "rider"],
                name="customer_blocked_riders_customer_rider_uniq",
                violation_error_message="This customer has already blocked this rider.",
            ),
        ]

    def __str__(self):
        return f"rider block {self.pk} for {self.customer_id} ({self.reason})"


class CustomerRiskFlag(TimestampedModel):
    """A fraud or abuse flag on a customer (refund or promo abuse, COD
    refusals, many accounts on one device...) and the action taken. At most
    one active flag of each type per customer."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="risk_flags", db_index=False
    )
    flag_type = models.CharField(max_length=20, choices=RISK_FLAG_TYPES)
    severity = models.CharField(max_length=8, choices=RISK_SEVERITIES, default="MEDIUM")
    source = models.CharField(max_length=12, choices=RISK_FLAG_SOURCES)
    action_taken = models.CharField(max_length=20, choices=RISK_ACTIONS, default="NONE")
    evidence = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flagged_customer_risks",
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolved_customer_risks",
    )
    resolution_notes = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_risk_flags")
        constraints = [
            one_of("customer_risk_flags", "flag_type", RISK_FLAG_TYPES),
            one_of("customer_risk_flags", "severity", RISK_SEVERITIES),
            one_of("customer_risk_flags", "source", RISK_FLAG_SOURCES),
            one_of("customer_risk_flags", "action_taken", RISK_ACTIONS),
            models.CheckConstraint(
                condition=~Q(source="AGENT") | Q(flagged_by__isnull=False),
                name="customer_risk_flags_agent_named",
                violation_error_message="A flag raised by an agent names the agent.",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(resolved_at__isnull=False),
                name="customer_risk_flags_inactive_is_resolved",
            ),
            models.UniqueConstraint(
                fields=["customer", "flag_type"],
                condition=Q(is_active=True),
                name="customer_risk_flags_one_active_per_type",
                violation_error_message="This customer already has an active flag of this type.",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-id"], name="customer_risk_flags_customer"),
        ]

    def __str__(self):
        return f"{self.get_flag_type_display()} ({self.severity})"
