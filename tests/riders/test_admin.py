"""The riders admin beyond "every page renders" (tests/gatimitra): the
rider page's inlines, secrets kept out of pages, stage changes recorded
with the staff user (so a rollback goes through), write-only numbers."""

import pytest
from django.urls import reverse

from gatimitra.db.secrets import keyed_hash
from orders.factories import ServiceCityFactory, ServiceZoneFactory
from riders.choices import OnboardingStage, RiderStatus
from riders.factories import (
    ActiveRiderFactory,
    RiderDeviceFactory,
    RiderFactory,
    RiderOrderEarningFactory,
    WalletLedgerFactory,
)
from riders.models import RiderBankAccount, RiderDocument

pytestmark = pytest.mark.django_db

INLINES = ("documents", "vehicles", "bank_accounts", "devices", "status_history")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def change_url(rider):
    return reverse("admin:riders_rider_change", args=[rider.pk])


def rider_form(rider, **changes):
    """The rider change form as the browser posts it (empty inlines)."""
    data = {
        "full_name": rider.full_name,
        "mobile": rider.mobile,
        "date_of_birth": "",
        "referral_code": rider.referral_code or "",
        "onboarding_stage": rider.onboarding_stage,
        "status": rider.status,
        "enabled_services": ",".join(rider.enabled_services),
        "_save": "Save",
    }
    for prefix in INLINES:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | changes


def test_rider_page_shows_documents_vehicles_accounts_and_devices(admin_client):
    rider = ActiveRiderFactory()
    device = RiderDeviceFactory(rider=rider)
    WalletLedgerFactory(rider=rider)
    page = admin_client.get(change_url(rider)).content.decode()

    for prefix in INLINES:
        assert f'name="{prefix}-TOTAL_FORMS"' in page, prefix
    for document in rider.documents.all():
        assert document.number_masked in page
        assert document.number_hash not in page  # secrets never displayed
    account = rider.bank_accounts.get()
    assert account.account_number_masked in page
    assert account.account_number_hash not in page
    assert device.device_id in page
    assert device.push_token not in page
    # Long per-rider lists are links, not inlines.
    ledger = reverse("admin:riders_walletledger_changelist")
    assert f"{ledger}?rider__id__exact={rider.pk}" in page


def test_stage_change_in_the_admin_records_the_staff_user(admin_client, superuser):
    rider = RiderFactory(onboarding_stage=OnboardingStage.KYC)
    response = admin_client.post(
        change_url(rider), rider_form(rider, onboarding_stage=OnboardingStage.PAYMENT)
    )
    assert response.status_code == 302, response.content.decode()
    rider.refresh_from_db()
    assert rider.onboarding_stage == OnboardingStage.PAYMENT
    history = rider.status_history.get()
    assert (history.from_stage, history.to_stage, history.actor) == ("KYC", "PAYMENT", superuser)


def test_rollback_in_the_admin_goes_through_with_its_history(admin_client, superuser):
    rider = RiderFactory(onboarding_stage=OnboardingStage.ACTIVE, status=RiderStatus.ACTIVE)
    response = admin_client.post(
        change_url(rider),
        rider_form(rider, onboarding_stage=OnboardingStage.KYC, status=RiderStatus.ONBOARDING),
    )
    assert response.status_code == 302, response.content.decode()
    rider.refresh_from_db()
    assert (rider.onboarding_stage, rider.status) == ("KYC", "ONBOARDING")
    history = rider.status_history.get()
    assert (history.to_stage, history.to_status, history.actor) == ("KYC", "ONBOARDING", superuser)


def test_admin_form_reports_an_active_status_before_onboarding_ends(admin_client):
    rider = RiderFactory(onboarding_stage=OnboardingStage.ACTIVE, status=RiderStatus.ACTIVE)
    response = admin_client.post(
        change_url(rider), rider_form(rider, onboarding_stage=OnboardingStage.KYC)
    )
    assert response.status_code == 200
    assert "Only a rider whose onboarding is complete can be ACTIVE." in response.content.decode()
    assert not rider.status_history.exists()


def test_document_number_is_typed_once_and_kept_masked_and_hashed(admin_client, rider):
    response = admin_client.post(
        reverse("admin:riders_riderdocument_add"),
        {
            "rider": rider.pk,
            "document_type": "PAN",
            "number": "ABCPK1234Q",
            "verification_status": "PENDING",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()
    document = RiderDocument.objects.get(rider=rider)
    assert (document.number_masked, document.number_hash) == (
        "XXXXXX234Q",
        keyed_hash("ABCPK1234Q"),
    )
    page = admin_client.get(
        reverse("admin:riders_riderdocument_change", args=[document.pk])
    ).content.decode()
    assert "ABCPK1234Q" not in page
    assert document.number_hash not in page


def test_aadhaar_typed_in_the_admin_keeps_only_the_last_four_digits(admin_client, rider):
    response = admin_client.post(
        reverse("admin:riders_riderdocument_add"),
        {
            "rider": rider.pk,
            "document_type": "AADHAAR",
            "number": "2345 6789 0123",
            "kyc_reference": "in.gov.uidai-ADHAR-R00000099",
            "verification_status": "PENDING",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()
    document = RiderDocument.objects.get(rider=rider)
    assert document.number_masked == "XXXXXXXX0123"
    assert document.number_hash == keyed_hash("in.gov.uidai-ADHAR-R00000099")


def test_aadhaar_reference_alone_gives_the_hash(admin_client, rider):
    document = RiderDocument.objects.create(
        rider=rider, document_type="AADHAAR", number_masked="XXXXXXXX0123", kyc_reference="old"
    )
    response = admin_client.post(
        reverse("admin:riders_riderdocument_change", args=[document.pk]),
        {
            "rider": rider.pk,
            "document_type": "AADHAAR",
            "kyc_reference": "in.gov.uidai-ADHAR-R00000100",
            "verification_status": "VERIFIED",
            "reviewed_at_0": "2025-01-06",
            "reviewed_at_1": "10:00:00",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()
    document.refresh_from_db()
    assert document.number_masked == "XXXXXXXX0123"
    assert document.number_hash == keyed_hash("in.gov.uidai-ADHAR-R00000100")


def test_bank_account_number_is_kept_masked_and_hashed(admin_client, rider):
    response = admin_client.post(
        reverse("admin:riders_riderbankaccount_add"),
        {
            "rider": rider.pk,
            "account_type": "BANK_ACCOUNT",
            "account_holder_name": rider.full_name,
            "ifsc": "HDFC0001234",
            "number": "50100123456789",
            "verification_status": "PENDING",
            "is_active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()
    account = RiderBankAccount.objects.get(rider=rider)
    assert account.account_number_masked == "XXXXXXXXXX6789"
    assert account.account_number_hash == keyed_hash("50100123456789")


def test_ledger_history_and_logs_are_read_only(admin_client):
    entry = WalletLedgerFactory()
    for name in ("walletledger", "riderstatushistory", "locationlog", "dutylog"):
        assert admin_client.get(reverse(f"admin:riders_{name}_add")).status_code == 403, name
    page = admin_client.get(
        reverse("admin:riders_walletledger_change", args=[entry.pk])
    ).content.decode()
    assert 'name="_save"' not in page


def test_rider_home_city_and_zone_are_set_and_shown_in_the_admin(admin_client):
    rider = RiderFactory()
    zone = ServiceZoneFactory()
    response = admin_client.post(
        change_url(rider), rider_form(rider, city=zone.city_id, home_zone=zone.pk)
    )
    assert response.status_code == 302, response.content.decode()
    rider.refresh_from_db()
    assert (rider.city, rider.home_zone) == (zone.city, zone)
    listing = admin_client.get(reverse("admin:riders_rider_changelist")).content.decode()
    assert str(zone) in listing
    filtered = admin_client.get(
        reverse("admin:riders_rider_changelist"), {"city__id__exact": zone.city_id}
    )
    assert rider.mobile in filtered.content.decode()


def test_admin_form_reports_a_home_zone_outside_the_city(admin_client, rider):
    zone, other_city = ServiceZoneFactory(), ServiceCityFactory()
    response = admin_client.post(
        change_url(rider), rider_form(rider, city=other_city.pk, home_zone=zone.pk)
    )
    assert response.status_code == 200
    assert "The home zone is not in the home city." in response.content.decode()
    rider.refresh_from_db()
    assert rider.home_zone is None


def test_earning_page_links_its_order_and_assignment(admin_client):
    earning = RiderOrderEarningFactory()
    page = admin_client.get(
        reverse("admin:riders_riderorderearning_change", args=[earning.pk])
    ).content.decode()
    assert earning.order.order_number in page
    listing = admin_client.get(reverse("admin:riders_riderorderearning_changelist"))
    assert earning.order.order_number in listing.content.decode()
