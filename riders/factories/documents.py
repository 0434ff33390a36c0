import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.enums import ServiceType, VehicleType, VerificationStatus
from riders.choices import KycCheckType, RiderDocumentType
from riders.factories.riders import RiderFactory
from riders.models import (
    RiderDocument,
    RiderInsurancePolicy,
    RiderKycVerification,
    RiderTraining,
    RiderVehicle,
)


def registration_number(n):
    """``KA01AA0000``, ``KA01AA0001``... unique for the first 6.7 million."""
    series, serial = divmod(n, 10_000)
    return f"KA01{chr(65 + series // 26 % 26)}{chr(65 + series % 26)}{serial:04d}"


def _today():
    return timezone.localdate()


class RiderVehicleFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    registration_number = factory.Sequence(registration_number)
    vehicle_type = VehicleType.MOTORCYCLE
    make = "Hero"
    model = "Splendor Plus"
    colour = "Black"
    # Registered two years ago: well within the 8 years a RIDE vehicle may
    # be activated in (MVAG 2025).
    registered_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=730))
    manufacture_year = factory.LazyAttribute(
        lambda o: o.registered_on.year if o.registered_on else 2021
    )
    fuel_type = "PETROL"
    rc_valid_until = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=3650))
    insurance_valid_until = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=300))
    puc_valid_until = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=150))

    class Meta:
        model = RiderVehicle


def typed_number(document, n):
    """The number a rider would type for this document (never saved as is)."""
    if document.number:
        return document.number
    if document.document_type == RiderDocumentType.AADHAAR:
        return f"9{n:011d}"
    if document.document_type == RiderDocumentType.PAN:
        return f"ABCDE{n % 10_000:04d}{chr(65 + n // 10_000 % 26)}"
    if document.document_type == RiderDocumentType.DRIVING_LICENCE:
        return f"KA01{2015 + n % 10}{n:07d}"
    registration = getattr(getattr(document, "vehicle", None), "registration_number", None)
    if registration:
        # The RC number is the registration; other papers carry their own.
        if document.document_type == RiderDocumentType.VEHICLE_RC:
            return registration
        return f"{registration}-{document.document_type}"
    return f"DOC{n:09d}"


def number_hash(document, n):
    if document.document_type == RiderDocumentType.AADHAAR:
        return keyed_hash(document.kyc_reference) if document.kyc_reference else None
    return keyed_hash(typed_number(document, n))


class RiderDocumentFactory(DjangoModelFactory):
    """A PAN card by default. Traits: ``aadhaar``, ``driving_licence``,
    ``vehicle_rc`` (with its vehicle), ``verified``. ``number`` is the
    document number as typed; only its masked form and keyed hash are saved
    (for Aadhaar, the last four digits and the hash of the reference)."""

    rider = factory.SubFactory(RiderFactory)
    document_type = RiderDocumentType.PAN
    verification_status = VerificationStatus.PENDING
    number_masked = factory.LazyAttributeSequence(lambda o, n: mask(typed_number(o, n)))
    number_hash = factory.LazyAttributeSequence(number_hash)
    file_key = factory.Sequence(lambda n: f"riders/documents/{n}.jpg")

    class Params:
        number = None
        aadhaar = factory.Trait(
            document_type=RiderDocumentType.AADHAAR,
            kyc_reference=factory.Sequence(lambda n: f"in.gov.uidai-ADHAR-R{n:08d}"),
            file_key="",
        )
        driving_licence = factory.Trait(
            document_type=RiderDocumentType.DRIVING_LICENCE,
            issued_on=datetime.date(2019, 4, 1),
            expires_on=datetime.date(2039, 3, 31),
        )
        vehicle_rc = factory.Trait(
            document_type=RiderDocumentType.VEHICLE_RC,
            vehicle=factory.SubFactory(RiderVehicleFactory, rider=factory.SelfAttribute("..rider")),
        )
        verified = factory.Trait(
            verification_status=VerificationStatus.VERIFIED,
            reviewed_by=factory.SubFactory("access_mgmt.factories.SystemUserFactory"),
            reviewed_at=factory.LazyFunction(timezone.now),
        )

    class Meta:
        model = RiderDocument


class RiderKycVerificationFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    document = factory.SubFactory(RiderDocumentFactory, rider=factory.SelfAttribute("..rider"))
    check_type = KycCheckType.PAN_VERIFY
    status = VerificationStatus.VERIFIED
    vendor = "NSDL"
    vendor_request_id = factory.Sequence(lambda n: f"pan-req-{n:010d}")
    score = Decimal("98.50")
    result_code = "MATCH"
    requested_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyAttribute(lambda o: o.requested_at + datetime.timedelta(seconds=4))

    class Meta:
        model = RiderKycVerification


class RiderInsurancePolicyFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    cover_type = "ACCIDENT"
    insurer = "ICICI Lombard"
    policy_number = factory.Sequence(lambda n: f"GPA/2025/{n:08d}")
    sum_insured = Decimal("500000.00")
    premium = Decimal("118.00")
    valid_from = factory.LazyFunction(_today)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + datetime.timedelta(days=365))

    class Meta:
        model = RiderInsurancePolicy


class RiderTrainingFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    module_code = "FOOD_HYGIENE_101"
    service_type = ServiceType.FOOD
    title = "Food hygiene and safe handling"
    score = Decimal("86.00")
    passed = True
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    completed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderTraining
