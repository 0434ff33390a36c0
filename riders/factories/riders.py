import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import DevicePlatform, ServiceType
from riders.choices import OnboardingStage, RiderStatus
from riders.models import Rider, RiderDevice, RiderStatusHistory

DOCUMENTS = "riders.factories.documents"
EARNINGS = "riders.factories.earnings"
#: orders' factories by dotted path (imported when used: orders' factories
#: import the riders ones, so a module-level import would be circular).
ORDERS = "orders.factories"


class RiderFactory(DjangoModelFactory):
    """A rider who has just verified their mobile number (the first stage).
    The stage subclasses below add what each later stage implies."""

    mobile = factory.Sequence(lambda n: f"+9170{n:08d}")
    referral_code = factory.Sequence(lambda n: f"GMR{n:06d}")
    onboarding_stage = OnboardingStage.MOBILE_VERIFIED
    status = RiderStatus.ONBOARDING
    enabled_services = factory.LazyFunction(lambda: [ServiceType.FOOD])
    full_name = factory.Faker("name", locale="en_IN")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=55)

    class Params:
        #: A home city and a zone of it, chosen after mobile verification.
        located = factory.Trait(
            home_zone=factory.SubFactory(f"{ORDERS}.ServiceZoneFactory"),
            city=factory.SelfAttribute("home_zone.city"),
        )

    class Meta:
        model = Rider
        skip_postgeneration_save = True


class MobileVerifiedRiderFactory(RiderFactory):
    pass


class KycRiderFactory(RiderFactory):
    """In KYC (home city and zone chosen): Aadhaar submitted through
    DigiLocker, not yet verified."""

    onboarding_stage = OnboardingStage.KYC
    located = True
    aadhaar = factory.RelatedFactory(
        f"{DOCUMENTS}.RiderDocumentFactory", factory_related_name="rider", aadhaar=True
    )


class PaymentRiderFactory(RiderFactory):
    """KYC done (Aadhaar, PAN and licence verified; a vehicle with its RC):
    the joining fee or kit deposit is due."""

    onboarding_stage = OnboardingStage.PAYMENT
    located = True
    aadhaar = factory.RelatedFactory(
        f"{DOCUMENTS}.RiderDocumentFactory",
        factory_related_name="rider",
        aadhaar=True,
        verified=True,
    )
    pan = factory.RelatedFactory(
        f"{DOCUMENTS}.RiderDocumentFactory", factory_related_name="rider", verified=True
    )
    licence = factory.RelatedFactory(
        f"{DOCUMENTS}.RiderDocumentFactory",
        factory_related_name="rider",
        driving_licence=True,
        verified=True,
    )
    vehicle_rc = factory.RelatedFactory(
        f"{DOCUMENTS}.RiderDocumentFactory",
        factory_related_name="rider",
        vehicle_rc=True,
        verified=True,
    )


class ApprovalRiderFactory(PaymentRiderFactory):
    """Paid the joining fee; waiting for an ops approval."""

    onboarding_stage = OnboardingStage.APPROVAL
    joining_fee = factory.RelatedFactory(
        f"{EARNINGS}.RiderOnboardingPaymentFactory", factory_related_name="rider"
    )


class ActiveRiderFactory(ApprovalRiderFactory):
    """Approved and on the road: ACTIVE stage and status, with a verified
    default payout account."""

    onboarding_stage = OnboardingStage.ACTIVE
    status = RiderStatus.ACTIVE
    enabled_services = factory.LazyFunction(lambda: [ServiceType.FOOD, ServiceType.PARCEL])
    rating = Decimal("4.72")
    acceptance_rate = Decimal("91.50")
    activated_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    payout_account = factory.RelatedFactory(
        f"{EARNINGS}.RiderBankAccountFactory",
        factory_related_name="rider",
        verified=True,
        is_default=True,
    )


#: The rider factory for each onboarding stage.
RIDER_FACTORY_BY_STAGE = {
    OnboardingStage.MOBILE_VERIFIED: MobileVerifiedRiderFactory,
    OnboardingStage.KYC: KycRiderFactory,
    OnboardingStage.PAYMENT: PaymentRiderFactory,
    OnboardingStage.APPROVAL: ApprovalRiderFactory,
    OnboardingStage.ACTIVE: ActiveRiderFactory,
}


class RiderStatusHistoryFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    actor = factory.SubFactory("access_mgmt.factories.SystemUserFactory")
    from_stage = OnboardingStage.MOBILE_VERIFIED
    to_stage = OnboardingStage.KYC
    reason = "Mobile verified; KYC started."

    class Meta:
        model = RiderStatusHistory


class RiderDeviceFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    device_id = factory.Sequence(lambda n: f"android-{n:012x}")
    platform = DevicePlatform.ANDROID
    app_version = "4.12.0"
    os_version = "14"
    device_model = factory.Iterator(["Redmi Note 13", "Galaxy M34", "realme narzo 70", "Moto g54"])
    push_token = factory.Sequence(lambda n: f"fcm:{n:020d}")
    last_seen_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderDevice
