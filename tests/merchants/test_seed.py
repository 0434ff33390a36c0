"""The merchants seed loads into a fresh database, and loading it again
changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from merchants.choices import StoreStatus
from merchants.factories import MerchantStoreFactory
from merchants.models import MerchantMenuItem, MerchantStore

pytestmark = pytest.mark.django_db

SEED = "002_merchants_seed"


def _snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("merchants").get_models()
    }


def test_loading_twice_changes_nothing():
    call_command("loaddata", SEED, verbosity=0)
    first = _snapshot()
    call_command("loaddata", SEED, verbosity=0)
    assert _snapshot() == first
    assert len(first["merchants.MerchantStore"]) == 5
    assert len(first["merchants.MerchantMenuItem"]) > 20


def test_seed_covers_services_cuisines_and_menus():
    call_command("loaddata", SEED, verbosity=0)
    services = {s for store in MerchantStore.objects.all() for s in store.service_types}
    assert services >= {"FOOD", "PARCEL"}
    dosa = MerchantMenuItem.objects.get(name="Masala Dosa")
    assert dosa.store.cuisines.get(is_primary=True).cuisine.code == "SOUTH_INDIAN"
    assert dosa.addon_group_links.get().addon_group.addons.count() == 3
    biryani = MerchantMenuItem.objects.get(name="Chicken Dum Biryani")
    assert biryani.variants.count() == 2
    assert biryani.category.menu.store.code == "MS00001"


def test_live_food_stores_in_the_seed_pass_the_gate_again():
    call_command("loaddata", SEED, verbosity=0)
    live_food = MerchantStore.objects.filter(
        status=StoreStatus.LIVE, service_types__contains=["FOOD"]
    )
    assert live_food.count() == 2
    for store in live_food:
        store.status = StoreStatus.PAUSED
        store.save()
        store.status = StoreStatus.LIVE
        store.save()  # refused if the seed's licence, account or contract were missing
    assert live_food.count() == 2


def test_new_rows_after_the_seed_get_fresh_ids():
    call_command("loaddata", SEED, verbosity=0)
    assert MerchantStoreFactory().pk > 5
