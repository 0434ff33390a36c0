"""A parent's suspension pauses its trading stores, its termination delists
them all (issue 21), and a store does not go live under such a parent."""

import pytest
from django.db import IntegrityError, transaction

from merchants.choices import MerchantStatus, StoreStatus
from merchants.factories import MerchantStoreFactory
from merchants.models import MerchantParent, MerchantStore

pytestmark = pytest.mark.django_db


def _status(store):
    return MerchantStore.objects.values_list("status", flat=True).get(pk=store.pk)


def _set_parent(parent, status):
    MerchantParent.objects.filter(pk=parent.pk).update(status=status)


def test_suspension_pauses_and_termination_delists_the_stores(live_store):
    parent = live_store.parent
    _set_parent(parent, MerchantStatus.ACTIVE)
    draft = MerchantStoreFactory(parent=parent)
    _set_parent(parent, MerchantStatus.SUSPENDED)
    assert (_status(live_store), _status(draft)) == (StoreStatus.PAUSED, StoreStatus.DRAFT)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        MerchantStore.objects.filter(pk=live_store.pk).update(status=StoreStatus.LIVE)
    assert caught.value.__cause__.diag.constraint_name == "merchant_stores_parent_trades"
    assert "its parent" in str(caught.value) and "SUSPENDED" in str(caught.value)
    _set_parent(parent, MerchantStatus.TERMINATED)
    assert (_status(live_store), _status(draft)) == (StoreStatus.DELISTED, StoreStatus.DELISTED)


def test_reinstated_parent_stores_may_go_live_again(live_store):
    parent = live_store.parent
    _set_parent(parent, MerchantStatus.ACTIVE)
    _set_parent(parent, MerchantStatus.SUSPENDED)
    _set_parent(parent, MerchantStatus.ACTIVE)
    MerchantStore.objects.filter(pk=live_store.pk).update(status=StoreStatus.LIVE)
    assert _status(live_store) == StoreStatus.LIVE
