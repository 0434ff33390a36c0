"""Indian rules on riders (issue 26 part B), each tried with a violating
write: the vehicle-age rule for rides (MVAG 2025), consent before Aadhaar
offline e-KYC and DigiLocker (DPDP Act 2023 s.6), TDS on payouts (Income-tax
Act 1961 s.194C / s.194-O), welfare-fee accruals, e-Shram UAN, and the
vocabularies of once free-text columns."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.choices import ConsentStatus
from gatimitra.enums import ServiceType, VehicleType
from orders.factories import ServiceCityFactory
from riders import tax
from riders.choices import (
    KycCheckType,
    KycVendor,
    RiderConsentPurpose,
    TdsSection,
    TrainingModule,
    WalletTxnType,
)
from riders.factories import (
    RiderFactory,
    RiderKycVerificationFactory,
    RiderOrderEarningFactory,
    RiderPayoutFactory,
    RiderTrainingFactory,
    RiderVehicleFactory,
    WalletLedgerFactory,
)
from riders.models import (
    Rider,
    RiderConsent,
    RiderKycVerification,
    RiderPayout,
    RiderTraining,
    RiderVehicle,
    RiderWelfareFeeAccrual,
    WelfareFeeRate,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused(*constraints):
    """The block is refused (check, unique or exclusion violation) by one of
    ``constraints``."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
    diag = caught.value.__cause__.diag
    assert diag.constraint_name in constraints, str(caught.value)
    assert diag.sqlstate in ("23514", "23505", "23P01"), diag.sqlstate


def _years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def _driver():
    return RiderFactory(enabled_services=[ServiceType.RIDE])


# Vehicle age (MVAG 2025) ----------------------------------------------------------------


def test_a_ride_vehicle_older_than_8_years_is_not_activated():
    driver = _driver()
    with refused("rider_vehicles_ride_age_8_years") as caught:
        RiderVehicleFactory(
            rider=driver, vehicle_type=VehicleType.CAR_SEDAN, registered_on=_years_ago(8)
        )
    assert "more than 8 years" in str(caught.value)
    vehicle = RiderVehicleFactory(
        rider=driver, vehicle_type=VehicleType.CAR_SEDAN, registered_on=_years_ago(7, 300)
    )
    assert vehicle.is_active


def test_a_ride_vehicle_needs_its_registration_date():
    with refused("rider_vehicles_ride_age_8_years"):
        RiderVehicleFactory(
            rider=_driver(), vehicle_type=VehicleType.AUTO_RICKSHAW, registered_on=None
        )


def test_reactivating_an_old_ride_vehicle_is_refused():
    driver = _driver()
    vehicle = RiderVehicleFactory(
        rider=driver,
        vehicle_type=VehicleType.AUTO_RICKSHAW,
        registered_on=_years_ago(9),
        is_active=False,
    )
    with refused("rider_vehicles_ride_age_8_years"):
        RiderVehicle.objects.filter(pk=vehicle.pk).update(is_active=True)


def test_a_rider_gaining_ride_is_refused_with_an_old_active_vehicle():
    rider = RiderFactory(enabled_services=[ServiceType.FOOD])
    old = RiderVehicleFactory(
        rider=rider, vehicle_type=VehicleType.MOTORCYCLE, registered_on=_years_ago(9)
    )
    riders = Rider.objects.filter(pk=rider.pk)
    with refused("riders_ride_vehicles_within_8_years") as caught:
        riders.update(enabled_services=[ServiceType.FOOD, ServiceType.RIDE])
    assert f"rider id {rider.pk} cannot enable RIDE: active vehicle id {old.pk}" in str(
        caught.value
    )
    assert rider.full_name not in str(caught.value)
    unrecorded = RiderVehicleFactory(
        rider=RiderFactory(enabled_services=[ServiceType.PARCEL]),
        vehicle_type=VehicleType.CAR_SEDAN,
        registered_on=None,
    )
    with refused("riders_ride_vehicles_within_8_years"):
        Rider.objects.filter(pk=unrecorded.rider_id).update(enabled_services=[ServiceType.RIDE])
    # Once the old vehicle is off the road, RIDE is enabled; a bicycle does not count.
    RiderVehicle.objects.filter(pk=old.pk).update(is_active=False)
    RiderVehicleFactory(rider=rider, vehicle_type=VehicleType.BICYCLE, registered_on=None)
    RiderVehicleFactory(
        rider=rider, vehicle_type=VehicleType.MOTORCYCLE, registered_on=_years_ago(7)
    )
    riders.update(enabled_services=[ServiceType.FOOD, ServiceType.RIDE])
    assert ServiceType.RIDE in riders.get().enabled_services


def test_delivery_vehicles_are_not_held_to_the_ride_rule():
    rider = RiderFactory(enabled_services=[ServiceType.FOOD])
    vehicle = RiderVehicleFactory(rider=rider, registered_on=_years_ago(12))
    assert vehicle.is_active


def test_registration_comes_after_manufacture():
    with refused("rider_vehicles_registered_after_manufacture"):
        RiderVehicleFactory(manufacture_year=2024, registered_on=datetime.date(2023, 1, 5))


# Consent (DPDP Act 2023 s.6) ------------------------------------------------------------


def _consent(rider, purpose, status=ConsentStatus.GRANTED):
    now = timezone.now()
    return RiderConsent.objects.create(
        rider=rider,
        purpose=purpose,
        status=status,
        notice_version="2025.1",
        granted_at=now if status == ConsentStatus.GRANTED else None,
        withdrawn_at=now if status == ConsentStatus.WITHDRAWN else None,
    )


@pytest.mark.parametrize(
    ("check", "vendor"),
    [(KycCheckType.AADHAAR_OKYC, KycVendor.UIDAI), (KycCheckType.DIGILOCKER, KycVendor.DIGILOCKER)],
)
def test_aadhaar_and_digilocker_checks_need_the_riders_consent(check, vendor):
    rider = RiderFactory()
    with refused("rider_kyc_verifications_consented") as caught:
        RiderKycVerificationFactory(rider=rider, check_type=check, vendor=vendor)
    assert "latest consent: none" in str(caught.value)
    _consent(rider, check)
    kyc = RiderKycVerificationFactory(rider=rider, check_type=check, vendor=vendor)
    assert RiderKycVerification.objects.filter(pk=kyc.pk).exists()
    _consent(rider, check, ConsentStatus.WITHDRAWN)
    with refused("rider_kyc_verifications_consented") as caught:
        RiderKycVerificationFactory(rider=rider, check_type=check, vendor=vendor)
    assert "latest consent: WITHDRAWN" in str(caught.value)


def test_other_checks_need_no_recorded_consent():
    assert RiderKycVerificationFactory(check_type=KycCheckType.PAN_VERIFY).pk


def test_consents_are_append_only_and_latest_wins():
    rider = RiderFactory()
    granted = _consent(rider, RiderConsentPurpose.LOCATION_TRACKING)
    assert RiderConsent.objects.is_granted(rider, RiderConsentPurpose.LOCATION_TRACKING)
    with pytest.raises(Exception, match=r"append-only|rider_consents"), transaction.atomic():
        RiderConsent.objects.filter(pk=granted.pk).update(status=ConsentStatus.WITHDRAWN)
    _consent(rider, RiderConsentPurpose.LOCATION_TRACKING, ConsentStatus.WITHDRAWN)
    assert not RiderConsent.objects.is_granted(rider, RiderConsentPurpose.LOCATION_TRACKING)
    assert [c.status for c in RiderConsent.objects.filter(rider=rider).current()] == [
        ConsentStatus.WITHDRAWN
    ]


def test_a_granted_consent_says_when():
    with refused("rider_consents_granted_at"):
        RiderConsent.objects.create(
            rider=RiderFactory(),
            purpose=RiderConsentPurpose.AADHAAR_OKYC,
            status=ConsentStatus.GRANTED,
            notice_version="2025.1",
        )


# TDS -------------------------------------------------------------------------------------


def test_tds_rates_follow_the_section():
    payout = RiderPayoutFactory(
        tds_section=TdsSection.S194C,
        tds_rate_percent=Decimal("1.00"),
        tds_base_amount=Decimal("40000.00"),
        tds_amount=Decimal("400.00"),
    )
    rows = RiderPayout.objects.filter(pk=payout.pk)
    with refused("rider_payouts_tds_section_rate"):
        rows.update(tds_rate_percent=Decimal("0.10"), tds_amount=Decimal("40.00"))
    rows.update(tds_section=TdsSection.S194O, tds_rate_percent=Decimal("0.10"), tds_amount=40)
    with refused("rider_payouts_tds_section_rate"):
        rows.update(tds_rate_percent=Decimal("1.00"), tds_amount=Decimal("400.00"))
    # Without PAN (s.206AA): 20% under 194C, 5% under 194-O.
    rows.update(tds_rate_percent=Decimal("5.00"), tds_amount=Decimal("2000.00"))
    with refused("rider_payouts_tds_section_rate"):
        rows.update(tds_section=None, tds_amount=0)


def test_tds_amount_is_the_rate_on_its_base():
    payout = RiderPayoutFactory(
        tds_section=TdsSection.S194C,
        tds_rate_percent=Decimal("1.00"),
        tds_base_amount=Decimal("40000.00"),
        tds_amount=tax.tds_amount(Decimal("40000.00"), Decimal("1.00")),
    )
    with refused("rider_payouts_tds_amount"):
        RiderPayout.objects.filter(pk=payout.pk).update(tds_amount=Decimal("200.00"))


def test_a_tds_ledger_entry_names_its_payout():
    payout = RiderPayoutFactory()
    entry = WalletLedgerFactory(
        rider=payout.rider,
        txn_type=WalletTxnType.TDS,
        amount=Decimal("21.50"),
        source_type="PAYOUT",
        source_id=payout.pk,
        payout=payout,
    )
    assert entry.direction == "DEBIT"
    with refused("wallet_ledger_tds_names_its_payout"):
        WalletLedgerFactory(
            rider=payout.rider, txn_type=WalletTxnType.TDS, source_type="MANUAL", source_id=1
        )
    with refused("wallet_ledger_direction_matches_type"):
        WalletLedgerFactory(
            rider=payout.rider,
            txn_type=WalletTxnType.TDS,
            direction="CREDIT",
            source_type="PAYOUT",
            source_id=payout.pk,
            payout=payout,
            idempotency_key="tds-credit",
        )


# e-Shram ---------------------------------------------------------------------------------


def test_eshram_uan_is_twelve_digits_and_one_rider_s():
    rider = RiderFactory(eshram_uan="100000000042")
    with refused("riders_eshram_uan_format"):
        Rider.objects.filter(pk=rider.pk).update(eshram_uan="10000000004A")
    with refused("riders_eshram_uan_uniq"):
        RiderFactory(eshram_uan="100000000042")


# Welfare fee -----------------------------------------------------------------------------


def _rate(state_code, percent="1.00", **extra):
    return WelfareFeeRate.objects.create(
        state_code=state_code,
        rate_percent=Decimal(percent),
        law="Karnataka Platform-based Gig Workers (Social Security and Welfare) Act 2025",
        valid_from=timezone.now() - datetime.timedelta(days=365),
        **extra,
    )


def test_welfare_fee_rates_are_at_most_5_percent_and_do_not_overlap():
    with refused("welfare_fee_rates_rate_range"):
        _rate("29", "5.01")
    _rate("29", "5.00")
    with refused("welfare_fee_rates_no_overlap"):
        _rate("29", "1.00")


def test_a_welfare_fee_accrues_on_an_earning_at_the_states_rate():
    earning = RiderOrderEarningFactory()
    order_state = earning.order.city.state_code
    rate = _rate(order_state, "2.00")
    accrual = RiderWelfareFeeAccrual.objects.create(
        earning=earning,
        rider=earning.rider,
        rate=rate,
        base_amount=earning.total,
        rate_percent=rate.rate_percent,
        fee_amount=tax.welfare_fee(earning.total, rate.rate_percent),
        accrued_at=timezone.now(),
    )
    stored = RiderWelfareFeeAccrual.objects.get(pk=accrual.pk)
    assert stored.fee_amount == (earning.total * Decimal("0.02")).quantize(Decimal("0.01"))
    rows = RiderWelfareFeeAccrual.objects.filter(pk=accrual.pk)
    with refused("rider_welfare_fee_accruals_fee_is_rate"):
        rows.update(fee_amount=stored.fee_amount + Decimal("0.02"))
    with refused("rider_welfare_fee_accruals_of_its_earning"):
        rows.update(base_amount=earning.total + 1, fee_amount=(earning.total + 1) * 2 / 100)
    other_state = "07" if order_state != "07" else "29"
    elsewhere = _rate(other_state, "2.00")
    with refused("rider_welfare_fee_accruals_rate_applies"):
        rows.update(rate=elsewhere)


def test_a_citys_welfare_fee_rate_takes_precedence_over_its_states():
    earning = RiderOrderEarningFactory()
    city = earning.order.city
    state_rate = _rate(city.state_code, "1.00")
    city_rate = _rate(city.state_code, "2.00", city=city)
    now = timezone.now()
    assert WelfareFeeRate.objects.applying(city, now) == city_rate

    def accrue(rate):
        return RiderWelfareFeeAccrual.objects.create(
            earning=earning,
            rider=earning.rider,
            rate=rate,
            base_amount=earning.total,
            rate_percent=rate.rate_percent,
            fee_amount=tax.welfare_fee(earning.total, rate.rate_percent),
            accrued_at=now,
        )

    with refused("rider_welfare_fee_accruals_rate_applies") as caught:
        accrue(state_rate)
    assert f"city id {city.pk} has its own rate id {city_rate.pk}" in str(caught.value)
    assert accrue(city_rate).pk
    # Where the city has no rate of its own, the state's applies.
    other_city = ServiceCityFactory(state_code=city.state_code)
    assert WelfareFeeRate.objects.applying(other_city, now) == state_rate


# Vocabularies ----------------------------------------------------------------------------


def test_kyc_vendors_and_training_modules_are_vocabularies():
    kyc = RiderKycVerificationFactory(vendor=KycVendor.NSDL)
    with refused("rider_kyc_verifications_vendor_check"):
        RiderKycVerification.objects.filter(pk=kyc.pk).update(vendor="Some Vendor")
    training = RiderTrainingFactory(module_code=TrainingModule.ROAD_SAFETY)
    with refused("rider_trainings_module_code_check"):
        RiderTraining.objects.filter(pk=training.pk).update(module_code="FOOD-HYGIENE-101")
