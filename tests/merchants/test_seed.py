"""The merchants seed loads into a fresh database, and loading it again
changes nothing.

Its stores, service areas and ad campaigns name zones of the orders
reference seed, so the two load together, in file-name order as
``manage.py start`` loads them: the merchants rows come first and their
zones after, which the deferred foreign keys and zone checks allow."""

import pytest
from django.apps import apps
from django.core.management import call_command

from merchants.choices import StoreStatus
from merchants.factories import MerchantStoreFactory
from merchants.models import MerchantAdCampaign, MerchantMenuItem, MerchantStore

pytestmark = pytest.mark.django_db

SEEDS = ("002_merchants_seed", "005_orders_reference")


def _load():
    call_command("loaddata", *SEEDS, verbosity=0)


def _snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("merchants").get_models()
    }


def test_loading_twice_changes_nothing(run_deferred_checks):
    _load()
    run_deferred_checks()
    first = _snapshot()
    _load()
    run_deferred_checks()
    assert _snapshot() == first
    assert len(first["merchants.MerchantStore"]) == 5
    assert len(first["merchants.MerchantMenuItem"]) > 20


def test_seed_covers_services_cuisines_and_menus():
    _load()
    services = {s for store in MerchantStore.objects.all() for s in store.service_types}
    assert services >= {"FOOD", "PARCEL"}
    dosa = MerchantMenuItem.objects.get(name="Masala Dosa")
    assert dosa.store.cuisines.get(is_primary=True).cuisine.code == "SOUTH_INDIAN"
    assert dosa.addon_group_links.get().addon_group.addons.count() == 3
    biryani = MerchantMenuItem.objects.get(name="Chicken Dum Biryani")
    assert biryani.variants.count() == 2
    assert biryani.category.menu.store.code == "MS00001"


def test_every_store_is_in_a_bengaluru_zone_and_targets_zones_there(run_deferred_checks):
    _load()
    run_deferred_checks()
    stores = MerchantStore.objects.select_related("zone__city")
    assert {store.code: store.zone.code for store in stores} == {
        "MS00001": "INDIRANAGAR",
        "MS00002": "KORAMANGALA",
        "MS00003": "KORAMANGALA",
        "MS00004": "HSR_LAYOUT",
        "MS00005": "WHITEFIELD",
    }
    assert {store.zone.city.code for store in stores} == {"BLR"}
    spice_route = stores.get(code="MS00001")
    assert spice_route.service_areas.get(zone__isnull=False).zone.code == "MG_ROAD"
    campaign = MerchantAdCampaign.objects.get()
    assert (campaign.store.code, campaign.zone.code) == ("MS00001", "INDIRANAGAR")


def test_live_food_stores_in_the_seed_pass_the_gate_again():
    _load()
    live_food = MerchantStore.objects.filter(
        status=StoreStatus.LIVE, service_types__contains=["FOOD"]
    )
    assert live_food.count() == 2
    for store in live_food:
        store.status = StoreStatus.PAUSED
        store.save()
        store.status = StoreStatus.LIVE
        store.save()  # refused if the seed's licence, account, contract or zone were missing
    assert live_food.count() == 2


def test_new_rows_after_the_seed_get_fresh_ids():
    _load()
    store = MerchantStoreFactory()
    assert store.pk > 5
    assert store.zone.code == "INDIRANAGAR"
    assert store.zone.pk == 2  # the factory reuses the seed's zone
