"""Each database-enforced rule of the riders domain, tried with a violating
write: PostgreSQL refuses it (IntegrityError) with a message that names the
constraint or the table.

The ledger chain, the onboarding order and the rules on the cross-schema
references have their own modules (test_wallet_ledger.py, test_onboarding.py,
test_cross_schema.py).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from gatimitra.db.secrets import keyed_hash
from gatimitra.enums import PayoutAccountType, PayoutStatus, VehicleType, VerificationStatus
from riders.choices import DutyStatus, OnboardingStage, RiderDocumentType, RiderStatus
from riders.factories import (
    ActiveRiderFactory,
    DutyLogFactory,
    LocationLogFactory,
    RiderBankAccountFactory,
    RiderCashDepositFactory,
    RiderDocumentFactory,
    RiderFactory,
    RiderIncentiveSchemeFactory,
    RiderInsurancePolicyFactory,
    RiderKycVerificationFactory,
    RiderLiveStatusFactory,
    RiderPayoutFactory,
    RiderPenaltyFactory,
    RiderShiftBookingFactory,
    RiderShiftFactory,
    RiderSosAlertFactory,
    RiderStatusHistoryFactory,
    RiderVehicleFactory,
    WalletLedgerFactory,
)
from riders.models import RiderDocument, RiderStatusHistory

pytestmark = pytest.mark.django_db

FULL_AADHAAR = "234567890123"


# Every riders enum (CATALOG section 7, items 22-29) is checked by PostgreSQL.

ENUM_COLUMNS = [
    (RiderFactory, "onboarding_stage", "riders_onboarding_stage_check"),
    (RiderFactory, "status", "riders_status_check"),
    (RiderDocumentFactory, "document_type", "rider_documents"),
    (RiderKycVerificationFactory, "check_type", "rider_kyc_verifications_check_type_check"),
    (RiderLiveStatusFactory, "duty_status", "rider_live_status"),
    (DutyLogFactory, "status", "duty_logs_status_check"),
    (RiderShiftBookingFactory, "status", "rider_shift_bookings_status_check"),
    (WalletLedgerFactory, "txn_type", "wallet_ledger"),
    (RiderIncentiveSchemeFactory, "incentive_type", "rider_incentive_schemes"),
]


@pytest.mark.parametrize(
    ("factory", "column", "name"),
    ENUM_COLUMNS,
    ids=[f"{c[0].__name__}.{c[1]}" for c in ENUM_COLUMNS],
)
def test_enum_columns_refuse_unknown_values(refused, factory, column, name):
    with refused(name, error=IntegrityError):
        factory(**{column: "NOT_A_VALUE"})


def test_enabled_services_refuse_unknown_service(refused):
    with refused("riders_enabled_services_check", error=IntegrityError):
        RiderFactory(enabled_services=["FOOD", "GROCERY"])


# Item 10: unique E.164 mobile.


def test_rider_mobile_is_unique(refused):
    RiderFactory(mobile="+919845012345")
    with refused("riders_mobile_uniq", error=IntegrityError):
        RiderFactory(mobile="+919845012345")


@pytest.mark.parametrize(
    "mobile", ["9845012345", "+91 9845012345", "+915845012345", "+14155550100"]
)
def test_rider_mobile_is_indian_e164(refused, mobile):
    with refused("riders_mobile_e164", error=IntegrityError):
        RiderFactory(mobile=mobile)


def test_active_status_needs_finished_onboarding(refused):
    with refused("riders_active_status_needs_active_stage", error=IntegrityError):
        RiderFactory(onboarding_stage=OnboardingStage.APPROVAL, status=RiderStatus.ACTIVE)


def test_cached_rating_stays_in_range(refused):
    with refused("riders_rating_range", error=IntegrityError):
        RiderFactory(rating=Decimal("5.10"))


# Item 10: a verified document backs at most one rider.


def test_verified_document_backs_one_rider(refused):
    RiderDocumentFactory(number="ABCDE1234F", verified=True)
    with refused("rider_documents_verified_number_uniq", error=IntegrityError):
        RiderDocumentFactory(number="ABCDE1234F", verified=True)


def test_verified_aadhaar_reference_backs_one_rider(refused):
    first = RiderDocumentFactory(aadhaar=True, verified=True)
    with refused("rider_documents_verified_number_uniq", error=IntegrityError):
        RiderDocumentFactory(aadhaar=True, verified=True, kyc_reference=first.kyc_reference)


def test_verified_document_has_its_number_hash(refused):
    """Otherwise a verified document would escape the one-rider rule."""
    with refused("rider_documents_verified_has_number", error=IntegrityError):
        RiderDocumentFactory(verified=True, number_hash=None)
    assert RiderDocumentFactory(document_type="SELFIE", verified=True, number_hash=None).pk


def test_unverified_duplicates_may_wait_for_review():
    """Two riders may submit the same number; only one can be verified."""
    verified = RiderDocumentFactory(number="ABCDE1234F", verified=True)
    pending = RiderDocumentFactory(number="ABCDE1234F")
    assert verified.number_hash == pending.number_hash


# Item 12: the full Aadhaar number is never stored.


def test_aadhaar_keeps_only_the_last_four_digits(refused):
    with refused("rider_documents_aadhaar_masked_reference", error=IntegrityError):
        RiderDocumentFactory(aadhaar=True, number_masked="XXXX56789012")


def test_aadhaar_needs_a_digilocker_or_okyc_reference(refused):
    with refused("rider_documents_aadhaar_masked_reference", error=IntegrityError):
        RiderDocumentFactory(aadhaar=True, kyc_reference=None)


def test_aadhaar_scan_is_not_kept(refused):
    with refused("rider_documents_aadhaar_masked_reference", error=IntegrityError):
        RiderDocumentFactory(aadhaar=True, file_key="riders/aadhaar-front.jpg")


@pytest.mark.parametrize(
    ("column", "value", "name"),
    [
        ("number_masked", FULL_AADHAAR, "rider_documents_number_masked"),
        ("number_hash", FULL_AADHAAR, "rider_documents_number_hash_check"),
        ("kyc_reference", FULL_AADHAAR, "rider_documents_no_aadhaar_number"),
        ("kyc_reference", "uid 2345 6789 0123", "rider_documents_no_aadhaar_number"),
        ("file_key", f"kyc/{FULL_AADHAAR}.pdf", "rider_documents_no_aadhaar_number"),
        ("rejection_reason", f"Mismatch on {FULL_AADHAAR}", "rider_documents_no_aadhaar_number"),
    ],
)
def test_no_document_column_holds_a_full_aadhaar_number(refused, column, value, name):
    """Whatever the document type, no column of rider_documents takes twelve
    plain digits."""
    with refused(name, error=IntegrityError):
        RiderDocumentFactory(**{column: value})


@pytest.mark.parametrize("column", ["vendor_request_id", "result_code", "failure_reason"])
def test_kyc_checks_do_not_keep_aadhaar_numbers(refused, column):
    with refused("rider_kyc_verifications_no_aadhaar_number", error=IntegrityError):
        RiderKycVerificationFactory(**{column: f"aadhaar {FULL_AADHAAR}"})


def test_every_hash_column_takes_only_a_digest():
    """Document and account numbers live in ``*_hash`` columns, each CHECKed
    to 64 hex digits (HashField), so none can take a plain number."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname,
                   bool_or(pg_get_constraintdef(k.oid) LIKE '%%^[0-9a-f]{64}$%%')
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'riders'
            LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND a.attnum = ANY (k.conkey)
            WHERE a.attname LIKE '%%\\_hash' AND c.relkind = 'r'
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        )
        columns = cursor.fetchall()
    assert columns == [
        ("rider_bank_accounts", "account_number_hash", True),
        ("rider_documents", "number_hash", True),
    ]


def test_set_number_keeps_aadhaar_masked_and_hashes_the_reference(rider):
    document = RiderDocument(
        rider=rider,
        document_type=RiderDocumentType.AADHAAR,
        kyc_reference="in.gov.uidai-ADHAR-R00000042",
    )
    document.set_number("2345 6789 0123")
    document.save()
    document.refresh_from_db()
    assert document.number_masked == "XXXXXXXX0123"
    assert document.number_hash == keyed_hash("in.gov.uidai-ADHAR-R00000042")
    assert FULL_AADHAAR not in str(RiderDocument.objects.filter(pk=document.pk).values().get())


def test_vehicle_papers_name_their_vehicle(refused):
    with refused("rider_documents_vehicle_for_vehicle_papers", error=IntegrityError):
        RiderDocumentFactory(document_type=RiderDocumentType.VEHICLE_INSURANCE)


def test_document_cannot_point_at_another_riders_vehicle(refused):
    someone_elses = RiderVehicleFactory()
    with refused("rider_documents", error=IntegrityError):
        RiderDocumentFactory(document_type=RiderDocumentType.VEHICLE_RC, vehicle=someone_elses)


def test_document_cannot_be_moved_to_another_riders_vehicle(refused):
    document = RiderDocumentFactory(vehicle_rc=True)
    document.vehicle = RiderVehicleFactory()
    with refused("rider_documents", error=IntegrityError):
        document.save()


# Item 10: vehicle registration unique among active vehicles.


def test_registration_is_unique_among_active_vehicles(refused):
    RiderVehicleFactory(registration_number="KA05MK4321")
    with refused("rider_vehicles_active_registration_uniq", error=IntegrityError):
        RiderVehicleFactory(registration_number="KA05MK4321")


def test_a_sold_vehicle_can_be_registered_by_its_next_rider():
    RiderVehicleFactory(registration_number="KA05MK4321", is_active=False)
    assert RiderVehicleFactory(registration_number="KA05MK4321").is_active


def test_registration_format(refused):
    with refused("rider_vehicles_registration_format", error=IntegrityError):
        RiderVehicleFactory(registration_number="KA05 MK4321")


def test_motor_vehicles_are_registered(refused):
    with refused("rider_vehicles_registration_required", error=IntegrityError):
        RiderVehicleFactory(registration_number=None, vehicle_type=VehicleType.MOTORCYCLE)
    assert RiderVehicleFactory(registration_number=None, vehicle_type=VehicleType.BICYCLE).pk


# Item 13: one default payout account per rider.


def test_one_default_payout_account(refused, rider):
    RiderBankAccountFactory(rider=rider, is_default=True)
    with refused("rider_bank_accounts_one_default", error=IntegrityError):
        RiderBankAccountFactory(rider=rider, upi=True, is_default=True)
    assert RiderBankAccountFactory(rider=rider, upi=True, is_default=False).pk


def test_bank_account_shape(refused):
    with refused("rider_bank_accounts_shape", error=IntegrityError):
        RiderBankAccountFactory(account_type=PayoutAccountType.UPI_VPA)  # a VPA-less UPI account


def test_bank_account_ifsc_format(refused):
    with refused("rider_bank_accounts_ifsc_format", error=IntegrityError):
        RiderBankAccountFactory(ifsc="SBIN1234567")


# Item 3: payout idempotency key unique.


def test_payout_idempotency_key_is_unique(refused):
    RiderPayoutFactory(idempotency_key="payout-2025-w23-rider-7")
    with refused("rider_payouts_idempotency_key_uniq", error=IntegrityError):
        RiderPayoutFactory(idempotency_key="payout-2025-w23-rider-7")


def test_payout_fee_within_amount(refused):
    with refused("rider_payouts_fee_within_amount", error=IntegrityError):
        RiderPayoutFactory(amount=Decimal("10.00"), fee=Decimal("12.00"))


def test_payout_goes_to_the_riders_own_account(refused):
    with refused("rider_payouts", error=IntegrityError):
        RiderPayoutFactory(bank_account=RiderBankAccountFactory(verified=True))


def test_payout_is_processed_only_to_a_verified_account(refused, rider):
    unverified = RiderBankAccountFactory(rider=rider)
    payout = RiderPayoutFactory(rider=rider, bank_account=unverified)
    payout.status = PayoutStatus.PROCESSING
    with refused("rider_payouts", error=IntegrityError):
        payout.save()


def test_upi_payouts_go_to_upi_accounts(refused, rider):
    account = RiderBankAccountFactory(rider=rider, verified=True)
    with refused("rider_payouts", error=IntegrityError):
        RiderPayoutFactory(rider=rider, bank_account=account, mode="UPI")


# Item 1: rider_status_history is append-only.


def test_status_history_refuses_update_and_delete(refused):
    row = RiderStatusHistoryFactory()
    with refused("rider_status_history is append-only", error=IntegrityError):
        RiderStatusHistory.objects.filter(pk=row.pk).update(reason="rewritten")
    with refused("rider_status_history is append-only", error=IntegrityError):
        RiderStatusHistory.objects.filter(pk=row.pk).delete()


def test_status_history_records_a_change(refused):
    with refused("rider_status_history_changes_something", error=IntegrityError):
        RiderStatusHistoryFactory(to_stage=None, to_status=None)


# Other rules of the domain.


def test_one_open_duty_session_per_rider(refused, rider):
    DutyLogFactory(rider=rider, ended_at=None)
    with refused("duty_logs_one_open_session", error=IntegrityError):
        DutyLogFactory(rider=rider, ended_at=None)


def test_duty_session_ends_after_it_starts(refused):
    now = timezone.now()
    with refused("duty_logs_ends_after_start", error=IntegrityError):
        DutyLogFactory(started_at=now, ended_at=now - datetime.timedelta(minutes=1))


def test_duty_log_login_minutes_are_computed():
    start = timezone.now() - datetime.timedelta(hours=3)
    log = DutyLogFactory(started_at=start, ended_at=start + datetime.timedelta(minutes=95))
    log.refresh_from_db()
    assert log.login_minutes == 95


def test_location_ping_ranges(refused):
    with refused("location_logs_latitude_check", error=IntegrityError):
        LocationLogFactory(latitude=Decimal("91.000000"))
    with refused("location_logs_bearing_range", error=IntegrityError):
        LocationLogFactory(bearing_deg=360)


def test_live_status_on_order_has_orders(refused):
    with refused("rider_live_status_on_order_has_orders", error=IntegrityError):
        RiderLiveStatusFactory(duty_status=DutyStatus.ON_ORDER, active_order_count=0)


def test_live_status_point_is_complete(refused):
    with refused("rider_live_status_point_complete", error=IntegrityError):
        RiderLiveStatusFactory(longitude=None)


def test_live_status_vehicle_is_the_riders(refused):
    with refused("rider_live_status", error=IntegrityError):
        RiderLiveStatusFactory(vehicle=RiderVehicleFactory())


def test_shift_booked_once_per_rider(refused, rider):
    shift = RiderShiftFactory()
    RiderShiftBookingFactory(shift=shift, rider=rider)
    with refused("rider_shift_bookings_one_live_per_shift", error=IntegrityError):
        RiderShiftBookingFactory(shift=shift, rider=rider)


def test_insurance_covers_do_not_overlap(refused, rider):
    start = datetime.date(2025, 4, 1)
    RiderInsurancePolicyFactory(
        rider=rider, valid_from=start, valid_to=start + datetime.timedelta(days=365)
    )
    with refused("rider_insurance_policies_no_overlap", error=IntegrityError):
        RiderInsurancePolicyFactory(
            rider=rider,
            valid_from=start + datetime.timedelta(days=200),
            valid_to=start + datetime.timedelta(days=565),
        )
    assert RiderInsurancePolicyFactory(rider=rider, cover_type="HEALTH", valid_from=start).pk


def test_incentive_scheme_window(refused):
    now = timezone.now()
    with refused("rider_incentive_schemes_valid_window", error=IntegrityError):
        RiderIncentiveSchemeFactory(valid_from=now, valid_to=now)


def test_penalty_disputed_only_within_its_window(refused):
    imposed = timezone.now()
    with refused("rider_penalties_disputed_in_window", error=IntegrityError):
        RiderPenaltyFactory(
            imposed_at=imposed,
            dispute_window_ends_at=imposed + datetime.timedelta(hours=72),
            dispute_status="OPEN",
            disputed_at=imposed + datetime.timedelta(hours=73),
        )


def test_penalty_decision_names_the_decider(refused):
    with refused("rider_penalties_decision_recorded", error=IntegrityError):
        RiderPenaltyFactory(disputed_and_rejected=True, decided_by=None)


def test_cash_deposit_by_upi_has_its_reference(refused):
    with refused("rider_cash_deposits_upi_has_reference", error=IntegrityError):
        RiderCashDepositFactory(method="UPI", upi_reference=None)


def test_sos_alert_closed_with_a_time(refused):
    with refused("rider_sos_alerts_closed_has_time", error=IntegrityError):
        RiderSosAlertFactory(status="RESOLVED", acknowledged_at=timezone.now())


def test_verified_document_records_its_review_time(refused):
    with refused("rider_documents_decision_has_time", error=IntegrityError):
        RiderDocumentFactory(verification_status=VerificationStatus.VERIFIED)


def test_active_rider_factory_builds_a_consistent_rider():
    rider = ActiveRiderFactory()
    assert rider.onboarding_stage == OnboardingStage.ACTIVE
    assert rider.status == RiderStatus.ACTIVE
    verified = set(
        rider.documents.filter(verification_status=VerificationStatus.VERIFIED).values_list(
            "document_type", flat=True
        )
    )
    assert {"AADHAAR", "PAN", "DRIVING_LICENCE", "VEHICLE_RC"} <= verified
    assert rider.bank_accounts.get(is_default=True).verification_status == "VERIFIED"
    assert rider.onboarding_payments.get().status == "CAPTURED"
