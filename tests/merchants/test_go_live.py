"""The go-live gate seen from the onboarding side, and the daily FSSAI pause."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gatimitra.enums import ActorType, ServiceType, VerificationStatus
from merchants.choices import MerchantDocumentType, StoreStatus
from merchants.factories import (
    LiveMerchantStoreFactory,
    MerchantBankAccountFactory,
    MerchantContractFactory,
    MerchantDocumentFactory,
    MerchantStoreFactory,
)
from merchants.management.commands.pause_expired_fssai_stores import pause_expired_fssai_stores
from merchants.models import MerchantDocument, MerchantStore, MerchantStoreAvailabilityLog

pytestmark = pytest.mark.django_db


def _expire_licence(store, days_ago=1):
    today = timezone.localdate()
    MerchantDocument.objects.filter(
        store=store, document_type=MerchantDocumentType.FSSAI_LICENCE
    ).update(
        issued_on=today - datetime.timedelta(days=400),
        expires_on=today - datetime.timedelta(days=days_ago),
    )


def test_live_store_factory_builds_what_the_gate_needs(live_store):
    assert live_store.status == StoreStatus.LIVE
    licence = live_store.documents.get(document_type=MerchantDocumentType.FSSAI_LICENCE)
    assert licence.status == VerificationStatus.VERIFIED
    assert licence.expires_on > timezone.localdate()
    assert live_store.bank_accounts.get(is_default=True).verification_status == "VERIFIED"
    assert live_store.contracts.get().status == "ACTIVE"
    live_store.refresh_from_db()
    assert live_store.status == StoreStatus.LIVE


def test_parents_default_account_satisfies_the_gate(store_under_review):
    MerchantDocumentFactory(fssai=True, verified=True, store=store_under_review)
    MerchantBankAccountFactory(
        parent=store_under_review.parent,
        is_default=True,
        verification_status=VerificationStatus.VERIFIED,
    )
    MerchantContractFactory(store=store_under_review)
    store_under_review.status = StoreStatus.LIVE
    store_under_review.save()
    store_under_review.refresh_from_db()
    assert store_under_review.status == StoreStatus.LIVE


def test_licence_valid_until_today_still_counts(store_under_review):
    MerchantDocumentFactory(
        fssai=True, verified=True, store=store_under_review, expires_on=timezone.localdate()
    )
    MerchantBankAccountFactory(
        parent=None,
        store=store_under_review,
        is_default=True,
        verification_status=VerificationStatus.VERIFIED,
    )
    MerchantContractFactory(store=store_under_review)
    MerchantStore.objects.filter(pk=store_under_review.pk).update(status=StoreStatus.LIVE)
    assert MerchantStore.objects.get(pk=store_under_review.pk).status == StoreStatus.LIVE


def test_parcel_point_goes_live_without_food_paperwork():
    store = MerchantStoreFactory(
        service_types=[ServiceType.PARCEL], store_kind="PARCEL_POINT", fssai_number=None
    )
    for status in (StoreStatus.UNDER_REVIEW, StoreStatus.LIVE):
        store.status = status
        store.save()
    store.refresh_from_db()
    assert store.status == StoreStatus.LIVE


def test_live_store_can_still_be_edited_after_its_licence_lapses(live_store):
    _expire_licence(live_store)
    live_store.name = "Renamed kitchen"
    live_store.save()
    assert MerchantStore.objects.get(pk=live_store.pk).name == "Renamed kitchen"


def test_pause_expired_fssai_stores_pauses_only_lapsed_food_stores():
    valid = LiveMerchantStoreFactory()
    lapsed = LiveMerchantStoreFactory()
    parcel = MerchantStoreFactory(
        service_types=[ServiceType.PARCEL], status=StoreStatus.LIVE, fssai_number=None
    )
    _expire_licence(lapsed)

    out = StringIO()
    call_command("pause_expired_fssai_stores", stdout=out)

    assert "Paused 1 store" in out.getvalue()
    statuses = dict(MerchantStore.objects.values_list("pk", "status"))
    assert statuses == {
        valid.pk: StoreStatus.LIVE,
        lapsed.pk: StoreStatus.PAUSED,
        parcel.pk: StoreStatus.LIVE,
    }
    assert not MerchantStore.objects.get(pk=lapsed.pk).is_accepting_orders
    log = MerchantStoreAvailabilityLog.objects.get()
    assert (log.store_id, log.from_status, log.to_status) == (
        lapsed.pk,
        StoreStatus.LIVE,
        StoreStatus.PAUSED,
    )
    assert (log.reason_code, log.actor_type, log.is_accepting_orders) == (
        "FSSAI_EXPIRED",
        ActorType.SYSTEM,
        False,
    )
    licence = MerchantDocument.objects.get(store=lapsed, document_type="FSSAI_LICENCE")
    assert licence.status == VerificationStatus.EXPIRED


def test_pause_is_idempotent():
    lapsed = LiveMerchantStoreFactory()
    _expire_licence(lapsed)
    assert pause_expired_fssai_stores() == 1
    assert pause_expired_fssai_stores() == 0
    assert MerchantStoreAvailabilityLog.objects.filter(store=lapsed).count() == 1


def test_paused_store_returns_live_only_with_a_renewed_licence(refused):
    store = LiveMerchantStoreFactory()
    _expire_licence(store)
    pause_expired_fssai_stores()
    store.refresh_from_db()

    store.status = StoreStatus.LIVE
    with refused("cannot go LIVE", "FSSAI licence"):
        store.save()

    MerchantDocumentFactory(fssai=True, verified=True, store=store)
    store.save()
    store.refresh_from_db()
    assert store.status == StoreStatus.LIVE


def test_form_validation_explains_the_gate(store_under_review):
    MerchantContractFactory(store=store_under_review)
    store_under_review.status = StoreStatus.LIVE
    with pytest.raises(ValidationError) as info:
        store_under_review.full_clean()
    message = " ".join(info.value.message_dict["status"])
    assert "FSSAI licence" in message
    assert "bank account" in message
    assert "contract" not in message


def test_admin_refuses_go_live_with_a_message(client, superuser, store_under_review):
    client.force_login(superuser)
    url = reverse("admin:merchants_merchantstore_change", args=[store_under_review.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"created_at", "updated_at", "went_live_at"}
    }
    data.update(
        {
            "status": StoreStatus.LIVE,
            "service_types": ",".join(store_under_review.service_types),
            "parent": store_under_review.parent_id,
            "pin_code": store_under_review.pin_code,
        }
    )
    for prefix in ("hours", "cuisines", "menus"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, not a server error
    assert "cannot go LIVE without" in response.content.decode()
    store_under_review.refresh_from_db()
    assert store_under_review.status == StoreStatus.UNDER_REVIEW
