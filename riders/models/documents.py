"""KYC and compliance: vehicles, documents, external checks, insurance cover
and training."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Upper
from django.utils import timezone

from gatimitra.db.fields import EnumField, HashField, MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import VEHICLE_REGISTRATION
from gatimitra.enums import ServiceType, VehicleType, VerificationStatus
from riders.choices import (
    AADHAAR_MASKED,
    AADHAAR_NUMBER_LIKE,
    FUEL_TYPES,
    INSURANCE_COVER_TYPES,
    MASKED_NUMBER,
    TRAINING_KINDS,
    UNREGISTERED_VEHICLE_TYPES,
    VEHICLE_DOCUMENT_TYPES,
    VEHICLE_OWNERSHIPS,
    KycCheckType,
    KycVendor,
    RiderDocumentType,
    TrainingModule,
    choices,
)
from riders.models.riders import Rider

Q = models.Q


def no_aadhaar_number(*columns):
    """A CHECK condition: no full Aadhaar number in any of these text columns."""
    condition = Q()
    for column in columns:
        condition &= ~Q(**{f"{column}__regex": AADHAAR_NUMBER_LIKE})
    return condition


class RiderVehicle(TimestampedModel):
    """One vehicle a rider delivers or drives with: registration, type,
    make/model, fuel and ownership, and the expiry of its papers."""

    rider = models.ForeignKey(Rider, on_delete=models.CASCADE, related_name="vehicles")
    registration_number = models.CharField(
        max_length=12,
        null=True,
        blank=True,
        help_text="VAHAN format without spaces, e.g. KA01AB1234. Empty for bicycles.",
    )
    vehicle_type = EnumField(VehicleType)
    make = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=50, blank=True)
    colour = models.CharField(max_length=30, blank=True)
    manufacture_year = models.PositiveSmallIntegerField(null=True, blank=True)
    registered_on = models.DateField(
        null=True,
        blank=True,
        help_text="Date of initial registration (RC): a RIDE vehicle is activated only "
        "within 8 years of it (MVAG 2025).",
    )
    fuel_type = models.CharField(max_length=16, choices=choices(FUEL_TYPES))
    ownership = models.CharField(
        max_length=16, choices=choices(VEHICLE_OWNERSHIPS), default="OWNED"
    )
    rc_valid_until = models.DateField(null=True, blank=True)
    insurance_valid_until = models.DateField(null=True, blank=True)
    puc_valid_until = models.DateField(null=True, blank=True)
    permit_valid_until = models.DateField(null=True, blank=True)
    fitness_valid_until = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("riders", "rider_vehicles")
        indexes = [
            # The admin's search is UPPER(registration_number::text) LIKE '%...%'.
            GinIndex(
                OpClass(
                    Upper(Cast("registration_number", models.TextField())), name="gin_trgm_ops"
                ),
                name="rider_vehicles_reg_no_trgm",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=Q(is_active=True),
                name="rider_vehicles_active_registration_uniq",
                violation_error_message="An active vehicle with this registration already exists.",
            ),
            models.CheckConstraint(
                condition=Q(registration_number__regex=VEHICLE_REGISTRATION),
                name="rider_vehicles_registration_format",
                violation_error_message="Registration looks like KA01AB1234 (no spaces).",
            ),
            models.CheckConstraint(
                condition=Q(registration_number__isnull=False)
                | Q(vehicle_type__in=UNREGISTERED_VEHICLE_TYPES),
                name="rider_vehicles_registration_required",
                violation_error_message="Only bicycles and low-speed e-scooters go unregistered.",
            ),
            models.CheckConstraint(
                condition=Q(fuel_type__in=FUEL_TYPES),
                name="rider_vehicles_fuel_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(ownership__in=VEHICLE_OWNERSHIPS),
                name="rider_vehicles_ownership_valid",
            ),
            models.CheckConstraint(
                condition=Q(manufacture_year__gte=1980, manufacture_year__lte=2100),
                name="rider_vehicles_manufacture_year_range",
            ),
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True)
                | Q(manufacture_year__isnull=True)
                | Q(registered_on__year__gte=models.F("manufacture_year")),
                name="rider_vehicles_registered_after_manufacture",
                violation_error_message="A vehicle is registered after it is made.",
            ),
        ]

    def __str__(self):
        return self.registration_number or f"{self.get_vehicle_type_display()} #{self.pk}"


class RiderDocument(TimestampedModel):
    """One KYC or compliance document a rider submitted (Aadhaar, PAN,
    licence, vehicle papers, certificates, selfie). The number is kept only
    masked plus a keyed hash; for Aadhaar, only the last four digits and the
    DigiLocker/OKYC reference."""

    rider = models.ForeignKey(Rider, on_delete=models.CASCADE, related_name="documents")
    vehicle = models.ForeignKey(
        RiderVehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The vehicle an RC, insurance, PUC, permit or fitness certificate is for.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_rider_documents",
    )
    document_type = EnumField(RiderDocumentType)
    verification_status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    number_masked = models.CharField(max_length=32, blank=True)
    # keyed_hash(number); for Aadhaar, keyed_hash(reference) (see docs/schema/riders.md).
    number_hash = HashField(null=True, blank=True)
    kyc_reference = models.CharField(
        max_length=120,
        null=True,
        blank=True,
        help_text="DigiLocker URI or Aadhaar OKYC reference id (never the Aadhaar number).",
    )
    file_key = models.CharField(max_length=255, blank=True, help_text="Object-storage key.")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_documents")
        constraints = [
            # CATALOG section 8, item 10: a verified document backs one rider.
            models.UniqueConstraint(
                fields=["document_type", "number_hash"],
                condition=Q(verification_status=VerificationStatus.VERIFIED),
                name="rider_documents_verified_number_uniq",
                violation_error_message="This document is already verified for another rider.",
            ),
            models.CheckConstraint(
                condition=Q(number_masked__regex=MASKED_NUMBER),
                name="rider_documents_number_masked",
                violation_error_message="Store the number masked: only the last 4 characters.",
            ),
            # Item 12: Aadhaar is the last 4 digits plus a DigiLocker/OKYC
            # reference, and never a scan (a scan shows the full number).
            models.CheckConstraint(
                condition=~Q(document_type=RiderDocumentType.AADHAAR)
                | Q(
                    number_masked__regex=AADHAAR_MASKED,
                    kyc_reference__isnull=False,
                    file_key="",
                ),
                name="rider_documents_aadhaar_masked_reference",
                violation_error_message=(
                    "Aadhaar is stored as XXXXXXXX + last 4 digits and a DigiLocker/OKYC "
                    "reference, without a scan."
                ),
            ),
            models.CheckConstraint(
                condition=no_aadhaar_number("kyc_reference", "file_key", "rejection_reason"),
                name="rider_documents_no_aadhaar_number",
                violation_error_message="A full Aadhaar number may not be stored.",
            ),
            models.CheckConstraint(
                condition=Q(document_type__in=VEHICLE_DOCUMENT_TYPES, vehicle__isnull=False)
                | (~Q(document_type__in=VEHICLE_DOCUMENT_TYPES) & Q(vehicle__isnull=True)),
                name="rider_documents_vehicle_for_vehicle_papers",
                violation_error_message="Vehicle papers name their vehicle; other documents don't.",
            ),
            models.CheckConstraint(
                condition=~Q(
                    verification_status__in=[
                        VerificationStatus.VERIFIED,
                        VerificationStatus.REJECTED,
                    ]
                )
                | Q(reviewed_at__isnull=False),
                name="rider_documents_decision_has_time",
                violation_error_message="A verified or rejected document has reviewed_at.",
            ),
            # Without a hash a verified document would escape the rule above.
            models.CheckConstraint(
                condition=~Q(verification_status=VerificationStatus.VERIFIED)
                | Q(number_hash__isnull=False)
                | Q(document_type=RiderDocumentType.SELFIE),
                name="rider_documents_verified_has_number",
                violation_error_message="A verified document (other than a selfie) has its number.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="rider_documents_expiry_after_issue",
            ),
        ]
        indexes = [
            # The admin searches documents by the KYC reference (exact).
            models.Index(fields=["kyc_reference"], name="rider_documents_kyc_reference"),
            # Fraud checks across every status (the unique index covers VERIFIED only).
            models.Index(fields=["number_hash"], name="rider_documents_number_hash"),
        ]

    def __str__(self):
        return f"{self.get_document_type_display()} {self.number_masked}".strip()

    def set_number(self, number=None):
        """Keep ``number`` only as its masked form and keyed hash.

        An Aadhaar number is never hashed either: only its last four digits
        are kept, and ``number_hash`` identifies the person by the keyed hash
        of the DigiLocker/OKYC reference (``kyc_reference``) instead, so for
        Aadhaar this also (re)computes the hash when no number is given.
        """
        if number:
            self.number_masked = mask(number)
        if self.document_type == RiderDocumentType.AADHAAR:
            self.number_hash = keyed_hash(self.kyc_reference) if self.kyc_reference else None
        elif number:
            self.number_hash = keyed_hash(number)


class RiderKycVerification(TimestampedModel):
    """One external verification run for a rider: DigiLocker/Aadhaar OKYC,
    PAN, DL (Sarathi), RC (VAHAN), face match, liveness, penny drop, police or
    medical check, with the vendor's request id, result and score."""

    rider = models.ForeignKey(Rider, on_delete=models.CASCADE, related_name="kyc_verifications")
    document = models.ForeignKey(
        RiderDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kyc_verifications",
    )
    check_type = EnumField(KycCheckType)
    status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    vendor = EnumField(KycVendor, max_length=40)
    vendor_request_id = models.CharField(max_length=100, null=True, blank=True)
    score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Match score, 0-100."
    )
    result_code = models.CharField(max_length=40, blank=True)
    failure_reason = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_kyc_verifications")
        indexes = [
            # The admin searches by request id alone; the unique key leads with the vendor.
            models.Index(fields=["vendor_request_id"], name="rider_kyc_vendor_request_id"),
        ]
        constraints = [
            # Vendor callbacks are retried: one row per vendor request.
            models.UniqueConstraint(
                fields=["vendor", "vendor_request_id"],
                name="rider_kyc_verifications_vendor_request_uniq",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="rider_kyc_verifications_score_range",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__gte=models.F("requested_at")),
                name="rider_kyc_verifications_completed_after_requested",
            ),
            models.CheckConstraint(
                condition=no_aadhaar_number("vendor_request_id", "result_code", "failure_reason"),
                name="rider_kyc_verifications_no_aadhaar_number",
                violation_error_message="A full Aadhaar number may not be stored.",
            ),
        ]

    def __str__(self):
        return f"{self.get_check_type_display()}: {self.get_status_display()}"


class RiderInsurancePolicy(TimestampedModel):
    """One group-cover enrolment of a rider (accident; health and term life
    for ride drivers): insurer, policy or certificate number, sum insured and
    validity."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="insurance_policies")
    cover_type = models.CharField(max_length=16, choices=choices(INSURANCE_COVER_TYPES))
    insurer = models.CharField(max_length=100)
    policy_number = models.CharField(max_length=64)
    sum_insured = MoneyField()
    premium = MoneyField(default=0)
    valid_from = models.DateField()
    valid_to = models.DateField()
    certificate_key = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_insurance_policies")
        indexes = [
            # The admin searches by policy number alone; the unique key leads with the insurer.
            models.Index(fields=["policy_number"], name="rider_ins_policies_number"),
        ]
        verbose_name_plural = "rider insurance policies"
        constraints = [
            models.UniqueConstraint(
                fields=["insurer", "policy_number"], name="rider_insurance_policies_policy_uniq"
            ),
            models.CheckConstraint(
                condition=Q(cover_type__in=INSURANCE_COVER_TYPES),
                name="rider_insurance_policies_cover_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=models.F("valid_to")),
                name="rider_insurance_policies_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=Q(sum_insured__gt=0), name="rider_insurance_policies_sum_insured_positive"
            ),
            # One cover of a kind at a time: overlapping enrolments double-bill the premium.
            ExclusionConstraint(
                name="rider_insurance_policies_no_overlap",
                expressions=[
                    ("rider", RangeOperators.EQUAL),
                    ("cover_type", RangeOperators.EQUAL),
                    (
                        models.Func(
                            "valid_from",
                            "valid_to",
                            function="daterange",
                            output_field=DateRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                violation_error_message="The rider already has this cover for that period.",
            ),
        ]

    def __str__(self):
        return f"{self.get_cover_type_display()} {self.insurer} {self.policy_number}"


class RiderTraining(TimestampedModel):
    """One induction or refresher module a rider took (food hygiene, parcel
    handling, road and passenger safety), with quiz score and certificate."""

    rider = models.ForeignKey(Rider, on_delete=models.CASCADE, related_name="trainings")
    module_code = EnumField(TrainingModule, max_length=40)
    service_type = EnumField(ServiceType, null=True, blank=True, help_text="Empty: every service.")
    kind = models.CharField(max_length=16, choices=choices(TRAINING_KINDS), default="INDUCTION")
    title = models.CharField(max_length=150)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    certificate_key = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_trainings")
        indexes = [
            # The admin searches trainings by module code (exact).
            models.Index(fields=["module_code"], name="rider_trainings_module_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TRAINING_KINDS), name="rider_trainings_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="rider_trainings_score_range"
            ),
            models.CheckConstraint(
                condition=Q(completed_at__gte=models.F("started_at")),
                name="rider_trainings_completed_after_started",
            ),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(completed_at__isnull=False),
                name="rider_trainings_passed_needs_completion",
            ),
        ]

    def __str__(self):
        return f"{self.module_code}: {self.title}"
