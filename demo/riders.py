"""Riders: onboarding, KYC documents, vehicles, bank accounts, devices,
insurance, training, shifts, duty sessions and live status (``riders``).

An ACTIVE rider gets everything dispatch checks (orders/dispatch.py):
verified, unexpired documents for their services and vehicle, an active
vehicle of an allowed type, a live-status row. Their wallet ledger, earnings,
payouts and GPS pings come with the orders.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from customers.choices import ConsentStatus
from demo import vocab
from demo.access import Staff
from demo.context import Demo
from demo.geo import Places
from demo.rng import money, spread
from gatimitra.enums import (
    DevicePlatform,
    LedgerEntryDirection,
    PaymentMethod,
    PaymentStatus,
    PayoutAccountType,
    ServiceType,
    VehicleType,
    VerificationStatus,
)
from orders.dispatch import required_documents
from riders.choices import (
    UNREGISTERED_VEHICLE_TYPES,
    DutyStatus,
    IncentiveType,
    KycCheckType,
    KycVendor,
    OnboardingStage,
    RiderConsentPurpose,
    RiderDocumentType,
    RiderStatus,
    ShiftBookingStatus,
    WalletTxnType,
)
from riders.models import (
    DutyLog,
    Rider,
    RiderBankAccount,
    RiderConsent,
    RiderDevice,
    RiderDocument,
    RiderIncentiveScheme,
    RiderInsurancePolicy,
    RiderKycVerification,
    RiderLiveStatus,
    RiderOnboardingPayment,
    RiderShift,
    RiderShiftBooking,
    RiderStatusHistory,
    RiderTraining,
    RiderVehicle,
    WalletLedger,
    WelfareFeeRate,
)
from riders.services import wallet_idempotency_key

STAGES = (
    OnboardingStage.MOBILE_VERIFIED,
    OnboardingStage.KYC,
    OnboardingStage.PAYMENT,
    OnboardingStage.APPROVAL,
    OnboardingStage.ACTIVE,
)
DELIVERY_VEHICLES = {
    VehicleType.MOTORCYCLE: 62,
    VehicleType.EV_SCOOTER: 28,
    VehicleType.BICYCLE: 10,
}
RIDE_VEHICLES = {
    VehicleType.AUTO_RICKSHAW: 45,
    VehicleType.MOTORCYCLE: 20,
    VehicleType.CAR_HATCHBACK: 15,
    VehicleType.CAR_SEDAN: 15,
    VehicleType.CAR_SUV: 5,
}


@dataclass
class DemoRider:
    id: int
    name: str
    city: object
    zone: object
    status: str
    services: tuple
    vehicle_id: int | None = None
    vehicle_type: str | None = None
    bank_account_id: int | None = None
    upi: bool = False
    online: bool = False
    # The running wallet: seq_no and balance of the last ledger entry.
    seq: int = 0
    balance: Decimal = Decimal("0.00")
    cash: Decimal = Decimal("0.00")
    week_orders: int = 0
    week_earned: Decimal = Decimal("0.00")
    busy_until: object = None
    holds_active: bool = False
    extra: dict = field(default_factory=dict)


SERIES = "ABCDEFGHJKLMNPRSTUVWXYZ"


def _registration(rng, city, n, taken):
    """A registration number no other vehicle has: the series letters and
    number come from vehicle ``n`` through a bijection, the RTO at random."""
    while True:
        k = spread(n, len(SERIES) ** 2 * 9000, salt=3)
        series = SERIES[k // 9000 // len(SERIES)] + SERIES[k // 9000 % len(SERIES)]
        number = f"{rng.pick(city.vocab['rto'])}{series}{1000 + k % 9000}"
        if number not in taken:
            taken.add(number)
            return number
        n += 1_000_000


@dataclass(frozen=True)
class RiderRoster:
    """What the riders step gives the steps after it."""

    riders: list[DemoRider]
    active: list[DemoRider]
    #: state code -> the welfare fee rate row on riders' payouts there
    welfare_rates: dict
    #: (city id, week end) -> the weekly order-target scheme row
    incentive_schemes: dict


def build(demo: Demo, places: Places, staff: Staff) -> RiderRoster:
    rng = demo.rng("riders")
    plan = demo.plan
    reviewers = [u["id"] for u in staff.by_role["KYC_REVIEWER"]] or staff.ids
    today = demo.now.date()
    history_start = demo.now - timedelta(days=plan.days)
    # Documents stay valid for a year or more after --as-of (and so after today).
    valid_until = max(today, date.today()) + timedelta(days=400)

    riders, rows = [], []
    first_id = demo.ids(Rider, plan.riders)
    city_weights = [c.weight for c in places.cities]
    for n in range(plan.riders):
        city = rng.choices(places.cities, city_weights)[0]
        rides = ServiceType.RIDE in city.services and rng.chance(0.28)
        if rides:
            policies = {v for (cid, v) in places.fare_policies if cid == city.id}
            options = {v: w for v, w in RIDE_VEHICLES.items() if v in policies}
            vehicle_type = (
                rng.choices(list(options), list(options.values()))[0]
                if options
                else VehicleType.MOTORCYCLE
            )
            services: tuple[ServiceType, ...] = (
                (ServiceType.RIDE,)
                if vehicle_type != VehicleType.MOTORCYCLE
                else (ServiceType.RIDE, ServiceType.FOOD)
            )
        else:
            vehicle_type = rng.choices(list(DELIVERY_VEHICLES), list(DELIVERY_VEHICLES.values()))[0]
            services = tuple(
                s for s in (ServiceType.FOOD, ServiceType.PARCEL) if s in city.services
            )
        zones = [z for z in city.zones if set(services) & set(z.services)] or city.zones
        zone = rng.pick(zones)
        roll = rng.random()
        if roll < 0.86:
            status, stage = RiderStatus.ACTIVE, OnboardingStage.ACTIVE
        elif roll < 0.93:
            status, stage = RiderStatus.ONBOARDING, rng.pick(STAGES[:4])
        else:
            status, stage = (
                rng.pick((RiderStatus.INACTIVE, RiderStatus.SUSPENDED, RiderStatus.OFFBOARDED)),
                OnboardingStage.ACTIVE,
            )
        first, surname, female = demo.person(rng, city, female=rng.chance(0.08))
        joined = history_start - timedelta(days=20 + rng.randrange(500))
        if stage != OnboardingStage.ACTIVE:
            joined = demo.now - timedelta(days=rng.randrange(1, 30))
        rider = DemoRider(first_id + n, f"{first} {surname}", city, zone, status, services)
        rider.extra.update(stage=stage, joined=joined, female=female)
        rider.vehicle_type = vehicle_type
        riders.append(rider)
        rows.append(
            {
                "id": rider.id,
                "mobile": demo.mobile("rider"),
                "referral_code": f"GMR{rider.id:07d}",
                "onboarding_stage": stage,
                "status": status,
                "enabled_services": list(services),
                "full_name": rider.name,
                "date_of_birth": date(
                    1975 + rng.randrange(30), rng.randrange(1, 13), rng.randrange(1, 29)
                ),
                "rating": Decimal(str(round(rng.uniform(4.1, 4.95), 2)))
                if stage == OnboardingStage.ACTIVE
                else None,
                "acceptance_rate": Decimal(str(round(rng.uniform(72, 99), 2)))
                if stage == OnboardingStage.ACTIVE
                else None,
                "activated_at": joined + timedelta(days=4)
                if stage == OnboardingStage.ACTIVE
                else None,
                "eshram_uan": f"1{rider.id:011d}" if rng.chance(0.4) else None,
                "city_id": city.id,
                "home_zone_id": zone.id,
                "created_at": joined,
            }
        )
    demo.copy(Rider, rows)
    active = [r for r in riders if r.status == RiderStatus.ACTIVE]

    welfare_rates = _welfare_fee_rates(demo, history_start)
    _vehicles_and_documents(demo, rng, riders, reviewers, valid_until)
    _money_and_devices(demo, rng, riders, reviewers)
    _history(demo, rng, riders, reviewers, staff)
    _live_and_shifts(demo, rng, active, places.zones)
    return RiderRoster(
        riders=riders,
        active=active,
        welfare_rates=welfare_rates,
        incentive_schemes=_incentive_schemes(demo, places.cities),
    )


CONSENTED_PURPOSES = (
    RiderConsentPurpose.AADHAAR_OKYC,
    RiderConsentPurpose.DIGILOCKER,
    RiderConsentPurpose.BACKGROUND_VERIFICATION,
    RiderConsentPurpose.LOCATION_TRACKING,
)


def _welfare_fee_rates(demo, history_start):
    """Karnataka's welfare fee on gig workers' payouts (state code 29). The
    rate is the demo's own, not a notified one: the Act leaves it to the
    State's notification (riders.tax)."""
    rows = [
        {
            "state_code": "29",
            "city_id": None,
            "rate_percent": Decimal("1.00"),
            "law": "Karnataka Platform-based Gig Workers (Social Security and Welfare) "
            "Act 2025 (demo rate)",
            "valid_from": history_start - timedelta(days=730),
            "valid_to": None,
            "created_at": history_start - timedelta(days=730),
        }
    ]
    demo.insert(WelfareFeeRate, rows)
    return {row["state_code"]: row for row in rows}


def _vehicles_and_documents(demo, rng, riders, reviewers, valid_until):
    vehicles, documents, checks = [], [], []
    taken = set(
        RiderVehicle.objects.exclude(registration_number=None).values_list(
            "registration_number", flat=True
        )
    )
    for n, rider in enumerate(riders):
        stage = rider.extra["stage"]
        joined = rider.extra["joined"]
        make, model, fuel = rng.pick(vocab.VEHICLES[rider.vehicle_type])
        registered = rider.vehicle_type not in UNREGISTERED_VEHICLE_TYPES
        commercial = ServiceType.RIDE in rider.services
        vehicle = {
            "rider_id": rider.id,
            "vehicle_type": rider.vehicle_type,
            "make": make,
            "model": model,
            "colour": rng.pick(vocab.COLOURS),
            # MVAG 2025: a RIDE vehicle is at most 8 years from registration
            # when activated (here, when the rider joined).
            "manufacture_year": rng.randrange(max(2014, joined.year - 6), 2025)
            if commercial
            else rng.randrange(2014, 2025),
            "fuel_type": fuel,
            "ownership": rng.choices(("OWNED", "FAMILY", "RENTED", "FLEET"), (70, 15, 10, 5))[0],
            "registration_number": _registration(rng, rider.city, n, taken) if registered else None,
            "rc_valid_until": valid_until + timedelta(days=3000) if registered else None,
            "insurance_valid_until": valid_until + timedelta(days=rng.randrange(0, 300))
            if registered
            else None,
            "puc_valid_until": valid_until if registered and fuel != "ELECTRIC" else None,
            "permit_valid_until": valid_until + timedelta(days=700)
            if commercial and registered
            else None,
            "is_active": rider.status != RiderStatus.OFFBOARDED,
            "created_at": joined,
        }
        vehicle["registered_on"] = (
            min(
                date(vehicle["manufacture_year"], rng.randrange(1, 13), rng.randrange(1, 29)),
                joined.date(),
            )
            if registered
            else None
        )
        vehicles.append(vehicle)
    demo.insert(RiderVehicle, vehicles)
    for rider, vehicle in zip(riders, vehicles, strict=True):
        rider.vehicle_id = vehicle["id"]
        stage = rider.extra["stage"]
        joined = rider.extra["joined"]
        done = STAGES.index(stage) >= STAGES.index(OnboardingStage.PAYMENT)
        needed = {
            RiderDocumentType.AADHAAR: False,
            RiderDocumentType.PAN: False,
            RiderDocumentType.SELFIE: False,
        }
        for service in rider.services:
            for doc_type, of_vehicle in required_documents(service, rider.vehicle_type):
                needed[doc_type] = of_vehicle
        if ServiceType.RIDE in rider.services:
            needed.setdefault(RiderDocumentType.MEDICAL_CERTIFICATE, False)
        for doc_type, of_vehicle in needed.items():
            status = (
                VerificationStatus.VERIFIED
                if done
                else rng.pick((VerificationStatus.PENDING, VerificationStatus.IN_REVIEW))
            )
            if (
                stage == OnboardingStage.KYC
                and doc_type == RiderDocumentType.PAN
                and rng.chance(0.3)
            ):
                status = VerificationStatus.RESUBMIT_REQUIRED
            number = {
                RiderDocumentType.AADHAAR: rng.digits(12),
                RiderDocumentType.PAN: f"{rng.letters(5)}{rng.digits(4)}{rng.letters(1)}",
                RiderDocumentType.DRIVING_LICENCE: (
                    f"{rider.city.vocab['rto'][0][:2]}{rng.digits(13)}"
                ),
            }.get(doc_type, rng.digits(12))
            if of_vehicle and vehicle["registration_number"]:
                number = f"{doc_type[:3]}-{vehicle['registration_number']}"
            expiring = doc_type in (
                RiderDocumentType.DRIVING_LICENCE,
                RiderDocumentType.VEHICLE_INSURANCE,
                RiderDocumentType.PERMIT,
                RiderDocumentType.POLICE_VERIFICATION,
                RiderDocumentType.MEDICAL_CERTIFICATE,
                RiderDocumentType.FITNESS_CERTIFICATE,
                RiderDocumentType.PUC,
            )
            doc = {
                "rider_id": rider.id,
                "vehicle_id": vehicle["id"] if of_vehicle else None,
                "document_type": doc_type,
                "verification_status": status,
                "number_masked": (
                    "" if doc_type == RiderDocumentType.SELFIE else demo.masked(number)
                ),
                "number_hash": (
                    None
                    if doc_type == RiderDocumentType.SELFIE
                    else demo.hash(f"{doc_type}-{number}")
                ),
                "kyc_reference": (
                    f"in.gov.uidai-ADHAR-D{rider.id:08d}"
                    if doc_type == RiderDocumentType.AADHAAR
                    else None
                ),
                "file_key": (
                    ""
                    if doc_type == RiderDocumentType.AADHAAR
                    else f"demo/riders/{rider.id}/{doc_type.lower()}.jpg"
                ),
                "issued_on": (joined - timedelta(days=700)).date() if expiring else None,
                "expires_on": valid_until + timedelta(days=rng.randrange(0, 900))
                if expiring
                else None,
                "reviewed_by_id": rng.pick(reviewers)
                if status == VerificationStatus.VERIFIED
                else None,
                "reviewed_at": joined + timedelta(days=2)
                if status == VerificationStatus.VERIFIED
                else None,
                "rejection_reason": "Photo is blurred; upload again"
                if status == VerificationStatus.RESUBMIT_REQUIRED
                else "",
                "created_at": joined,
            }
            documents.append(doc)
    demo.insert(RiderDocument, documents)
    # DPDP Act 2023 s.6: the consents the checks below run under, given in
    # the app at sign-up against the notice version of the time.
    consents = [
        {
            "rider_id": rider.id,
            "purpose": purpose,
            "status": ConsentStatus.GRANTED,
            "notice_version": "2025.1",
            "notice_language": "en",
            "channel": "APP",
            "granted_at": rider.extra["joined"],
            "created_at": rider.extra["joined"],
        }
        for rider in riders
        for purpose in CONSENTED_PURPOSES
    ]
    demo.insert(RiderConsent, consents)
    vendors = {
        RiderDocumentType.AADHAAR: (KycCheckType.AADHAAR_OKYC, KycVendor.DIGILOCKER),
        RiderDocumentType.PAN: (KycCheckType.PAN_VERIFY, KycVendor.SIGNZY),
        RiderDocumentType.DRIVING_LICENCE: (KycCheckType.DL_VERIFY, KycVendor.SIGNZY),
        RiderDocumentType.VEHICLE_RC: (KycCheckType.RC_VERIFY, KycVendor.SIGNZY),
        RiderDocumentType.SELFIE: (KycCheckType.FACE_MATCH, KycVendor.HYPERVERGE),
    }
    for doc in documents:
        if doc["document_type"] not in vendors or doc["verification_status"] not in (
            VerificationStatus.VERIFIED,
            VerificationStatus.IN_REVIEW,
        ):
            continue
        check, vendor = vendors[doc["document_type"]]
        verified = doc["verification_status"] == VerificationStatus.VERIFIED
        checks.append(
            {
                "rider_id": doc["rider_id"],
                "document_id": doc["id"],
                "check_type": check,
                "status": doc["verification_status"],
                "vendor": vendor,
                "vendor_request_id": f"{vendor[:3].upper()}-D{doc['id']:09d}",
                "score": Decimal("97.40") if verified else None,
                "result_code": "MATCH" if verified else "",
                "requested_at": doc["created_at"],
                "completed_at": doc["created_at"] + timedelta(minutes=3) if verified else None,
            }
        )
    demo.insert(RiderKycVerification, checks)


def _money_and_devices(demo, rng, riders, reviewers):
    accounts, devices, policies, trainings, payments, ledger = [], [], [], [], [], []
    for rider in riders:
        joined = rider.extra["joined"]
        active = rider.extra["stage"] == OnboardingStage.ACTIVE
        bank, ifsc = rng.pick(vocab.BANKS)
        upi = rng.chance(0.35)
        first = rider.name.split()[0].lower()
        account = {
            "rider_id": rider.id,
            "account_type": PayoutAccountType.UPI_VPA if upi else PayoutAccountType.BANK_ACCOUNT,
            "verification_status": VerificationStatus.VERIFIED
            if active
            else VerificationStatus.PENDING,
            "account_holder_name": rider.name,
            "bank_name": bank,
            "account_number_masked": "" if upi else "XXXXXX" + rng.digits(4),
            "account_number_hash": None if upi else demo.hash(f"rider-acct-{rider.id}"),
            "ifsc": None if upi else f"{ifsc}0{rng.digits(6)}",
            "upi_vpa": f"{first}{rider.id}@{rng.pick(vocab.UPI_HANDLES)}" if upi else None,
            "penny_drop_reference": f"PD-R{rider.id:08d}" if active else "",
            "name_match_score": Decimal("94.00") if active else None,
            "verified_at": joined + timedelta(days=3) if active else None,
            "provider_contact_id": f"cont_{rng.hexdigits(14)}" if active else None,
            "provider_fund_account_id": f"fa_{rng.hexdigits(14)}" if active else None,
            "is_default": True,
            "is_active": True,
            "created_at": joined,
        }
        accounts.append(account)
        rider.upi = upi
        model, os_version = rng.pick(vocab.PHONES)
        devices.append(
            {
                "rider_id": rider.id,
                "device_id": f"and-{rng.hexdigits(16)}",
                "platform": (
                    DevicePlatform.IOS if model.startswith("iPhone") else DevicePlatform.ANDROID
                ),
                "app_version": rng.pick(vocab.APP_VERSIONS),
                "os_version": os_version,
                "device_model": model,
                "push_token": f"fcm:{rng.hexdigits(40)}",
                "is_rooted": False,
                "is_mock_location": False,
                "is_emulator": False,
                "is_active": True,
                "last_seen_at": demo.now - timedelta(minutes=rng.randrange(1, 3000)),
                "created_at": joined,
            }
        )
        if active:
            start = (demo.now - timedelta(days=rng.randrange(30, 300))).date()
            policies.append(
                {
                    "rider_id": rider.id,
                    "cover_type": "ACCIDENT",
                    "insurer": "Acko General Insurance",
                    "policy_number": f"ACKO-GM-{rider.id:09d}",
                    "sum_insured": Decimal("1000000.00"),
                    "premium": Decimal("0.00"),
                    "valid_from": start,
                    "valid_to": start + timedelta(days=365),
                    "certificate_key": f"demo/riders/{rider.id}/insurance.pdf",
                }
            )
            for service in rider.services:
                started = joined + timedelta(days=1)
                trainings.append(
                    {
                        "rider_id": rider.id,
                        "module_code": f"{service}_INDUCTION_V3",
                        "service_type": service,
                        "kind": "INDUCTION",
                        "title": f"{service.title()} partner induction",
                        "score": Decimal("86.00"),
                        "passed": True,
                        "started_at": started,
                        "completed_at": started + timedelta(minutes=45),
                        "certificate_key": f"demo/riders/{rider.id}/{service.lower()}.pdf",
                    }
                )
        if STAGES.index(rider.extra["stage"]) >= STAGES.index(OnboardingStage.APPROVAL):
            paid = joined + timedelta(days=2)
            kit = rng.chance(0.3)
            payments.append(
                {
                    "rider_id": rider.id,
                    "purpose": "KIT_DEPOSIT" if kit else "JOINING_FEE",
                    "payment_method": PaymentMethod.PLATFORM_WALLET if kit else PaymentMethod.UPI,
                    "status": PaymentStatus.CAPTURED,
                    "amount": Decimal("499.00") if kit else Decimal("199.00"),
                    "deduct_from_earnings": kit,
                    "gateway_order_id": None if kit else f"order_R{rider.id:010d}",
                    "gateway_payment_id": None if kit else f"pay_R{rider.id:010d}",
                    "paid_at": paid,
                    "created_at": paid,
                    "_rider": rider,
                }
            )
    demo.insert(RiderBankAccount, accounts)
    for rider, account in zip(riders, accounts, strict=True):
        rider.bank_account_id = account["id"]
    demo.insert(RiderDevice, devices)
    demo.insert(RiderInsurancePolicy, policies)
    demo.insert(RiderTraining, trainings)
    # A kit deposit is taken from the first earnings: the wallet's first entry.
    first_payment = demo.ids(RiderOnboardingPayment, len(payments))
    for offset, payment in enumerate(payments):
        payment["id"] = first_payment + offset
        if payment["deduct_from_earnings"]:
            ledger.append(
                wallet_entry(
                    payment.pop("_rider"),
                    LedgerEntryDirection.DEBIT,
                    WalletTxnType.ONBOARDING_FEE,
                    payment["amount"],
                    "ONBOARDING_PAYMENT",
                    payment["id"],
                    "Kit deposit",
                    payment["paid_at"],
                )
            )
            payment["_ledger"] = ledger[-1]
        else:
            payment.pop("_rider")
    demo.insert(WalletLedger, ledger)
    for payment in payments:
        if "_ledger" in payment:
            payment["ledger_entry_id"] = payment.pop("_ledger")["id"]
    demo.copy(RiderOnboardingPayment, payments)


def wallet_entry(
    rider, direction, txn_type, amount, source_type, source_id, description, at, **links
):
    """The rider's next wallet ledger row, with the seq_no and balance the
    database's chain trigger will check."""
    rider.seq += 1
    rider.balance += amount if direction == LedgerEntryDirection.CREDIT else -amount
    return {
        "rider_id": rider.id,
        "seq_no": rider.seq,
        "balance_after": rider.balance,
        "direction": direction,
        "txn_type": txn_type,
        "amount": amount,
        "source_type": source_type,
        "source_id": source_id,
        "idempotency_key": wallet_idempotency_key(source_type, source_id, txn_type),
        "description": description,
        "created_at": at,
        **links,
    }


def _history(demo, rng, riders, reviewers, staff):
    rows = []
    for rider in riders:
        joined = rider.extra["joined"]
        stage = rider.extra["stage"]
        for index, to_stage in enumerate(STAGES[1 : STAGES.index(stage) + 1], start=1):
            rows.append(
                {
                    "rider_id": rider.id,
                    "from_stage": STAGES[index - 1],
                    "to_stage": to_stage,
                    "actor_id": rng.pick(reviewers)
                    if to_stage in (OnboardingStage.APPROVAL, OnboardingStage.ACTIVE)
                    else None,
                    "approval_id": rng.pick(staff.approvals["RIDER_ACTIVATION"])
                    if to_stage == OnboardingStage.ACTIVE
                    and staff.approvals.get("RIDER_ACTIVATION")
                    else None,
                    "from_status": RiderStatus.ONBOARDING
                    if to_stage == OnboardingStage.ACTIVE
                    else None,
                    "to_status": RiderStatus.ACTIVE if to_stage == OnboardingStage.ACTIVE else None,
                    "reason": "Documents verified"
                    if to_stage != OnboardingStage.PAYMENT
                    else "Fee paid",
                    "created_at": joined + timedelta(hours=12 * index),
                }
            )
        if rider.status in (RiderStatus.INACTIVE, RiderStatus.SUSPENDED, RiderStatus.OFFBOARDED):
            rows.append(
                {
                    "rider_id": rider.id,
                    "from_status": RiderStatus.ACTIVE,
                    "to_status": rider.status,
                    "actor_id": rng.pick(staff.ids),
                    "reason": {
                        RiderStatus.INACTIVE: "No logins for 30 days",
                        RiderStatus.SUSPENDED: "Repeated COD shortfall",
                        RiderStatus.OFFBOARDED: "Left the platform",
                    }[rider.status],
                    "expires_at": demo.now + timedelta(days=14)
                    if rider.status == RiderStatus.SUSPENDED
                    else None,
                    "created_at": demo.now - timedelta(days=rng.randrange(1, 20)),
                }
            )
    demo.insert(RiderStatusHistory, rows)


def _live_and_shifts(demo, rng, active_riders, all_zones):
    """Live status now, duty sessions of the last days, shift slots."""
    live, duty = [], []
    days = min(demo.plan.days, 7)
    for rider in active_riders:
        rider.online = rng.chance(0.6 if demo.plan.small else 0.4)
        lat, lng = rng.near(rider.zone.latitude, 0.02), rng.near(rider.zone.longitude, 0.02)
        live.append(
            {
                "rider_id": rider.id,
                "vehicle_id": rider.vehicle_id,
                "vehicle_type": rider.vehicle_type,
                "duty_status": DutyStatus.ONLINE if rider.online else DutyStatus.OFFLINE,
                "latitude": lat,
                "longitude": lng,
                "location_updated_at": demo.now - timedelta(seconds=rng.randrange(5, 900)),
                "active_order_count": 0,
                "cash_in_hand": Decimal("0.00"),
                "zone_id": rider.zone.id,
            }
        )
        for day in range(days):
            if not rng.chance(0.8):
                continue
            start = (demo.now - timedelta(days=day)).replace(
                hour=rng.pick((7, 8, 10, 11, 17)), minute=rng.randrange(60), second=0, microsecond=0
            )
            end = start + timedelta(hours=rng.randrange(4, 10), minutes=rng.randrange(60))
            if end >= demo.now:
                continue
            duty.append(
                {
                    "rider_id": rider.id,
                    "vehicle_id": rider.vehicle_id,
                    "status": DutyStatus.ONLINE,
                    "started_at": start,
                    "ended_at": end,
                    "start_latitude": lat,
                    "start_longitude": lng,
                    "end_latitude": rng.near(rider.zone.latitude, 0.02),
                    "end_longitude": rng.near(rider.zone.longitude, 0.02),
                    "created_at": start,
                }
            )
    demo.copy(RiderLiveStatus, live)
    demo.insert(DutyLog, duty)

    shifts, bookings = [], []
    zones = [z for z in all_zones if ServiceType.FOOD in z.services][: demo.count(6, 60)]
    for zone in zones:
        for day in range(-3, 4):
            for hour in (12, 19):
                start = (demo.now + timedelta(days=day)).replace(
                    hour=hour, minute=0, second=0, microsecond=0
                )
                shifts.append(
                    {
                        "zone_id": zone.id,
                        "service_type": ServiceType.FOOD,
                        "starts_at": start,
                        "ends_at": start + timedelta(hours=3),
                        "capacity": 20,
                        "min_guarantee": Decimal("250.00"),
                        "is_published": True,
                        "created_at": start - timedelta(days=7),
                    }
                )
    demo.insert(RiderShift, shifts)
    by_city = {}
    for rider in active_riders:
        if ServiceType.FOOD in rider.services:
            by_city.setdefault(rider.city.id, []).append(rider)
    city_of = {zone.id: zone.city.id for zone in all_zones}
    for shift in shifts:
        local = by_city.get(city_of[shift["zone_id"]], [])
        for rider in rng.sample(local, min(3, len(local))):
            past = shift["ends_at"] < demo.now
            status = (
                rng.choices((ShiftBookingStatus.COMPLETED, ShiftBookingStatus.NO_SHOW), (9, 1))[0]
                if past
                else ShiftBookingStatus.BOOKED
            )
            bookings.append(
                {
                    "shift_id": shift["id"],
                    "rider_id": rider.id,
                    "status": status,
                    "checked_in_at": shift["starts_at"]
                    if status == ShiftBookingStatus.COMPLETED
                    else None,
                    "checked_out_at": shift["ends_at"]
                    if status == ShiftBookingStatus.COMPLETED
                    else None,
                    "created_at": shift["starts_at"] - timedelta(days=2),
                }
            )
    demo.insert(RiderShiftBooking, bookings)


def _incentive_schemes(demo, cities):
    """A weekly order target per city for every week of the history: met
    targets are paid into the wallets when the week closes (orders step);
    returns them by (city id, week end)."""
    schemes = []
    start = (demo.now - timedelta(days=demo.plan.days)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start -= timedelta(days=start.weekday())
    weeks = []
    while start < demo.now:
        weeks.append(start)
        start += timedelta(days=7)
    for city in cities:
        for week in weeks[-4:]:
            schemes.append(
                {
                    "code": f"{city.code}-{week:%G}W{week:%V}-ORDERS",
                    "incentive_type": IncentiveType.ORDER_TARGET,
                    "service_type": None,
                    "name": f"{city.name}: {25} orders this week",
                    "valid_from": week,
                    "valid_to": week + timedelta(days=7),
                    "target_orders": 25,
                    "reward_amount": money(300),
                    "max_reward_per_rider": money(300),
                    "slabs": [{"orders": 25, "reward": "300.00"}],
                    "is_active": True,
                    "city_id": city.id,
                    "created_at": week - timedelta(days=2),
                }
            )
    demo.insert(RiderIncentiveScheme, schemes)
    return {(s["city_id"], s["valid_to"]): s for s in schemes}
