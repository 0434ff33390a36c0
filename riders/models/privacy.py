"""A rider as a data principal under the Digital Personal Data Protection
Act 2023: their consent per purpose, each decision a new row naming the
notice version they saw (as ``customers.customer_consents`` does for
customers)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from customers.choices import CONSENT_CHANNELS, LANGUAGES, ConsentStatus, one_of
from gatimitra.db.fields import EnumField
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.tables import schema_table
from riders.choices import RiderConsentPurpose
from riders.models.riders import Rider


class RiderConsentQuerySet(models.QuerySet):
    def current(self):
        """The latest row per (rider, purpose): the consent in force."""
        return self.order_by("rider_id", "purpose", "-id").distinct("rider_id", "purpose")

    def is_granted(self, rider, purpose):
        latest = self.filter(rider=rider, purpose=purpose).order_by("-id").first()
        return latest is not None and latest.status == ConsentStatus.GRANTED


class RiderConsent(AppendOnlyModel):
    """One consent decision of a rider for one purpose (DPDP Act 2023 s.6):
    the itemised notice they saw (version and language, DPDP s.5 and Rules
    2025 r.3), and whether they granted or withdrew it. Every change is a
    new row; the latest row per purpose is the one in force. Aadhaar offline
    e-KYC and DigiLocker checks run only under a GRANTED consent (checked by
    the database on ``rider_kyc_verifications``)."""

    rider = models.ForeignKey(
        Rider, on_delete=models.PROTECT, related_name="consents", db_index=False
    )
    purpose = EnumField(RiderConsentPurpose)
    status = EnumField(ConsentStatus)
    notice_version = models.CharField(max_length=32)
    notice_language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    channel = models.CharField(max_length=16, choices=CONSENT_CHANNELS, default="APP")
    consent_manager_ref = models.CharField(
        max_length=100, blank=True, help_text="Artefact id at a registered consent manager."
    )
    granted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_rider_consents",
        help_text="The agent who recorded it, when not given in the app.",
    )

    objects = RiderConsentQuerySet.as_manager()

    class Meta:
        db_table = schema_table("riders", "rider_consents")
        constraints = [
            one_of("rider_consents", "notice_language", LANGUAGES),
            one_of("rider_consents", "channel", CONSENT_CHANNELS),
            models.CheckConstraint(
                condition=~Q(status=ConsentStatus.GRANTED) | Q(granted_at__isnull=False),
                name="rider_consents_granted_at",
                violation_error_message="A granted consent needs granted_at.",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConsentStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="rider_consents_withdrawn_at",
                violation_error_message="A withdrawn consent needs withdrawn_at.",
            ),
            models.CheckConstraint(
                condition=~Q(channel="CONSENT_MANAGER") | ~Q(consent_manager_ref=""),
                name="rider_consents_manager_ref",
                violation_error_message="Consent through a consent manager needs its reference.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(granted_at__isnull=True)
                | Q(withdrawn_at__gte=F("granted_at")),
                name="rider_consents_withdrawn_after_grant",
            ),
        ]
        indexes = [
            models.Index(fields=["rider", "purpose", "-id"], name="rider_consents_latest_idx"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.get_status_display()}"
