"""The rider aggregate root, its onboarding/status history and app installs."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast, Upper

from gatimitra.db.fields import EnumArrayField, EnumField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, validate_mobile
from gatimitra.enums import DevicePlatform, ServiceType
from riders.choices import OnboardingStage, RiderStatus


class Rider(TimestampedModel):
    """A delivery partner (FOOD, PARCEL) or ride driver (RIDE): one person,
    identified by their mobile number, from sign-up through onboarding to
    active duty, with the city and zone they work in."""

    mobile = models.CharField(
        max_length=16,
        null=True,
        blank=True,
        validators=[validate_mobile],
        help_text="E.164 (+91XXXXXXXXXX). Empty only once the rider is anonymised.",
    )
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="riders",
        help_text="Home city; chosen after mobile verification.",
    )
    home_zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_riders",
        help_text="The zone the rider usually works from; a zone of the home city.",
    )
    referral_code = models.CharField(max_length=12, null=True, blank=True)
    onboarding_stage = EnumField(OnboardingStage, default=OnboardingStage.MOBILE_VERIFIED)
    status = EnumField(RiderStatus, default=RiderStatus.ONBOARDING)
    enabled_services = EnumArrayField(ServiceType, default=list, blank=True)
    full_name = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)
    # Cached from ratings and dispatch offers; the source rows live elsewhere.
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    acceptance_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent, 0-100."
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the personal data was erased (riders.services.erase_rider).",
    )
    eshram_uan = models.CharField(
        "e-Shram UAN",
        max_length=12,
        null=True,
        blank=True,
        help_text="Universal Account Number on the rider's e-Shram card (12 digits): "
        "welfare schemes for gig workers (Code on Social Security 2020 s.113).",
    )

    objects = NaturalKeyManager("mobile")

    class Meta:
        db_table = schema_table("riders", "riders")
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                name="riders_mobile_uniq",
                violation_error_message="A rider with this mobile number already exists.",
            ),
            models.UniqueConstraint(fields=["referral_code"], name="riders_referral_code_uniq"),
            models.UniqueConstraint(fields=["eshram_uan"], name="riders_eshram_uan_uniq"),
            models.CheckConstraint(
                condition=models.Q(mobile__isnull=False) | models.Q(anonymised_at__isnull=False),
                name="riders_mobile_required",
                violation_error_message="Only an anonymised rider may have no mobile.",
            ),
            # Erasure (DPDP Act 2023 s.12) removes the personal data, and only
            # from an offboarded rider: anonymised is not merely flagged.
            models.CheckConstraint(
                condition=models.Q(anonymised_at__isnull=True)
                | models.Q(
                    status=RiderStatus.OFFBOARDED,
                    mobile__isnull=True,
                    full_name="",
                    date_of_birth__isnull=True,
                    eshram_uan__isnull=True,
                ),
                name="riders_anonymised_without_pii",
                violation_error_message="An anonymised rider is offboarded and keeps no "
                "personal data.",
            ),
            models.CheckConstraint(
                condition=models.Q(eshram_uan__regex=r"^[0-9]{12}$"),
                name="riders_eshram_uan_format",
                violation_error_message="The e-Shram UAN is 12 digits.",
            ),
            models.CheckConstraint(
                condition=models.Q(mobile__regex=E164_INDIA),
                name="riders_mobile_e164",
                violation_error_message="Mobile must be an Indian E.164 number (+91XXXXXXXXXX).",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=0, rating__lte=5),
                name="riders_rating_range",
                violation_error_message="Rating is between 0 and 5.",
            ),
            models.CheckConstraint(
                condition=models.Q(acceptance_rate__gte=0, acceptance_rate__lte=100),
                name="riders_acceptance_rate_range",
                violation_error_message="Acceptance rate is a percentage (0-100).",
            ),
            # Dispatch needs both (CATALOG section 8, item 5); an ACTIVE
            # account that has not finished onboarding is a contradiction.
            models.CheckConstraint(
                condition=~models.Q(status=RiderStatus.ACTIVE)
                | models.Q(onboarding_stage=OnboardingStage.ACTIVE),
                name="riders_active_status_needs_active_stage",
                violation_error_message="Only a rider whose onboarding is complete can be ACTIVE.",
            ),
            # The zone lies in the city: this CHECK plus the composite foreign
            # key riders_home_zone_in_city_fk
            # (riders/sqlfrozen/m0005_enforce_cross_schema_rules.py).
            models.CheckConstraint(
                condition=models.Q(home_zone__isnull=True) | models.Q(city__isnull=False),
                name="riders_home_zone_has_city",
                violation_error_message="Choose the home city before the home zone.",
            ),
        ]
        indexes = [
            # The admin searches name and mobile with UPPER(col::text) LIKE/=;
            # a trigram index on exactly that expression serves both.
            GinIndex(
                OpClass(Upper(Cast("full_name", models.TextField())), name="gin_trgm_ops"),
                OpClass(Upper(Cast("mobile", models.TextField())), name="gin_trgm_ops"),
                name="riders_search_trgm",
            ),
        ]

    def __str__(self):
        if self.anonymised_at:
            return f"anonymised rider {self.pk}"
        return f"{self.full_name} ({self.mobile})"

    def natural_key(self):
        return (self.mobile,)

    def clean(self):
        super().clean()
        # What riders_home_zone_in_city_fk refuses at commit, said in the form.
        if self.home_zone_id and self.city_id and self.home_zone.city_id != self.city_id:
            raise ValidationError({"home_zone": "The home zone is not in the home city."})

    def record_change(self, *, from_stage, from_status, actor=None, approval=None, reason=""):
        """Write the ``rider_status_history`` row for a move from
        (``from_stage``, ``from_status``) to this instance's current, not yet
        saved, stage and status; nothing if neither changed.

        Call it inside the transaction that then saves the rider: the database
        accepts a backward stage move only after such a row, with an actor.
        """
        stage_moved = from_stage != self.onboarding_stage
        status_moved = from_status != self.status
        if not (stage_moved or status_moved):
            return None
        return RiderStatusHistory.objects.using(self._state.db).create(
            rider=self,
            from_stage=from_stage if stage_moved else None,
            to_stage=self.onboarding_stage if stage_moved else None,
            from_status=from_status if status_moved else None,
            to_status=self.status if status_moved else None,
            actor=actor,
            approval=approval,
            reason=reason,
        )

    def move_to_stage(self, stage, *, status=None, actor=None, approval=None, reason=""):
        """Move the onboarding stage (and optionally the status), recording it.

        Forward moves need no actor. A backward move is an admin rollback and
        needs ``actor``, or the database refuses it. ``approval`` is the
        maker-checker request behind the move, if the workflow needs one.
        """
        with transaction.atomic(using=self._state.db):
            current = (
                type(self)
                .objects.select_for_update()
                .values("onboarding_stage", "status")
                .get(pk=self.pk)
            )
            self.onboarding_stage = OnboardingStage(stage)
            if status:
                self.status = status
            self.record_change(
                from_stage=current["onboarding_stage"],
                from_status=current["status"],
                actor=actor,
                approval=approval,
                reason=reason,
            )
            self.save(update_fields=["onboarding_stage", "status", "updated_at"])
        return self


class RiderStatusHistory(AppendOnlyModel):
    """One change of a rider's onboarding stage and/or account status
    (approval, suspension, block, rollback), with who did it and why. Never
    changed once written; a backward stage move must be accompanied by one."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="status_history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_status_changes",
        help_text="The staff user who made the change; empty for system moves.",
    )
    approval = models.ForeignKey(
        "access_mgmt.ApprovalRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_status_changes",
        help_text="The maker-checker approval behind the change, when the workflow needs one.",
    )
    from_stage = EnumField(OnboardingStage, null=True, blank=True)
    to_stage = EnumField(OnboardingStage, null=True, blank=True)
    from_status = EnumField(RiderStatus, null=True, blank=True)
    to_status = EnumField(RiderStatus, null=True, blank=True)
    reason = models.TextField(blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When a suspension or block lapses."
    )

    class Meta:
        db_table = schema_table("riders", "rider_status_history")
        verbose_name_plural = "rider status history"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_stage__isnull=False) | models.Q(to_status__isnull=False),
                name="rider_status_history_changes_something",
                violation_error_message="A history row records a new stage or a new status.",
            ),
        ]

    def __str__(self):
        change = " / ".join(
            f"{old or '-'} -> {new}"
            for old, new in (
                (self.from_stage, self.to_stage),
                (self.from_status, self.to_status),
            )
            if new
        )
        return f"Rider {self.rider_id}: {change}"


class RiderDevice(TimestampedModel):
    """One install of the rider app on one device: push address, versions,
    integrity flags (rooted, mock location, emulator) and when it was last seen."""

    rider = models.ForeignKey(Rider, on_delete=models.CASCADE, related_name="devices")
    device_id = models.CharField(max_length=128, help_text="Stable per-install identifier.")
    platform = EnumField(DevicePlatform)
    app_version = models.CharField(max_length=32)
    os_version = models.CharField(max_length=32, blank=True)
    device_model = models.CharField(max_length=100, blank=True)
    # An FCM/APNs registration token is an address the server must send to,
    # not a credential, so it is kept as is (never shown in the admin).
    push_token = models.TextField(null=True, blank=True)
    is_rooted = models.BooleanField(default=False)
    is_mock_location = models.BooleanField(default=False)
    is_emulator = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_devices")
        constraints = [
            models.UniqueConstraint(
                fields=["rider", "device_id"], name="rider_devices_rider_device_uniq"
            ),
        ]
        indexes = [
            # Fraud checks: one handset shared by several rider accounts.
            models.Index(fields=["device_id"], name="rider_devices_device_id_idx"),
        ]

    def __str__(self):
        return f"{self.get_platform_display()} {self.device_model or self.device_id}"
