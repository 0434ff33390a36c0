"""The orders seeds load into a fresh database together with the other
domains' seeds (one ``loaddata`` call, as ``manage.py start`` does), satisfy
every rule, and loading them again changes nothing (loaddata rewrites
existing rows with identical values, which the status, totals and dispatch
triggers must not treat as a change)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from access_mgmt.models import SystemSetting
from gatimitra.enums import ServiceType
from gatimitra.testing import domain_models
from merchants.choices import StoreStatus
from orders.choices import AssignmentStatus
from orders.models import (
    CancellationReason,
    Order,
    OrderDispatchOffer,
    OrderRiderAssignment,
    OrderTimeline,
    RideFarePolicy,
    ServiceCity,
    ServiceZone,
)
from riders.choices import OnboardingStage
from riders.models import RiderLiveStatus

AUDIT_LOGS = [model for model in apps.get_app_config("audit").get_models() if not model._meta.proxy]

pytestmark = pytest.mark.django_db

#: Every seed, in file-name order, as ``manage.py start`` loads them.
ALL_SEEDS = [str(path) for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))]
REFERENCE = "005_orders_reference"
#: What the orders seeds write, and what they read: the orders tables, the
#: dispatch read model of the seeded riders on the road, and the dispatch
#: settings (seeded by access_mgmt's 007_access_settings, their owner).
SEEDED_MODELS = [
    *(model for model in domain_models() if model._meta.app_label == "orders"),
    RiderLiveStatus,
    SystemSetting,
]


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in SEEDED_MODELS
    }


@pytest.fixture
def seeded(run_deferred_checks):
    call_command("loaddata", *ALL_SEEDS, verbosity=0)
    run_deferred_checks()


def test_seeds_load_and_reloading_changes_nothing(seeded, run_deferred_checks):
    first = snapshot()

    audit_entries = {model: model.objects.count() for model in AUDIT_LOGS}

    call_command("loaddata", *ALL_SEEDS, verbosity=0)
    run_deferred_checks()

    assert snapshot() == first
    # Not even a flip-flop of a row two seeds disagree on: no change was made.
    assert {model: model.objects.count() for model in AUDIT_LOGS} == audit_entries


def test_reference_seed_holds_cities_zones_reasons_and_pricing():
    call_command("loaddata", REFERENCE, verbosity=0)
    assert ServiceCity.objects.filter(launch_status="LIVE").count() >= 4
    assert ServiceZone.objects.values("city").distinct().count() == ServiceCity.objects.count()
    assert set(CancellationReason.objects.values_list("service_type", flat=True)) == {
        "FOOD",
        "PARCEL",
        "RIDE",
    }
    # Versioned fares: expired versions and their successors, no overlap; the
    # version in force follows the Motor Vehicle Aggregator Guidelines 2025
    # (base fare over at least 3 km from 1 July 2025).
    autos = RideFarePolicy.objects.filter(city__code="BLR", vehicle_type="AUTO_RICKSHAW")
    assert autos.count() == 3
    assert autos.get(valid_to__isnull=True).base_distance_m >= 3000


def test_demo_seed_has_every_service_in_several_states(seeded):
    states = {}
    for service, status in Order.objects.values_list("service_type", "status"):
        states.setdefault(service, set()).add(status)
    assert {service: len(found) >= 2 for service, found in states.items()} == {
        "FOOD": True,
        "PARCEL": True,
        "RIDE": True,
    }
    # The status trigger wrote one timeline row per order, on the first load only.
    assert OrderTimeline.objects.count() == Order.objects.count()
    for order in Order.objects.prefetch_related("charges"):
        assert order.total == sum(charge.signed_amount for charge in order.charges.all())


def test_demo_orders_link_the_other_domains_seeds(seeded):
    orders = Order.objects.select_related("merchant_store", "food_details", "drop_address")
    for order in orders:
        assert order.customer_id is not None
        if order.drop_address is not None:
            assert order.drop_address.customer_id == order.customer_id
        if order.service_type == ServiceType.FOOD:
            store = order.merchant_store
            assert store.status == StoreStatus.LIVE and ServiceType.FOOD in store.service_types
            assert order.food_details.store == store
            assert order.stops.get(stop_type="PICKUP").store == store
            for item in order.items.select_related("menu_item"):
                assert item.menu_item.store == store
    riders = [offer.rider for offer in OrderDispatchOffer.objects.select_related("rider")]
    riders += [a.rider for a in OrderRiderAssignment.objects.select_related("rider")]
    assert {rider.onboarding_stage for rider in riders} == {OnboardingStage.ACTIVE}
    # The rider on the road passed dispatch (eligibility and capacity) on load.
    active = OrderRiderAssignment.objects.get(status=AssignmentStatus.ACCEPTED)
    assert active.dispatch_refusal() is None
    assert active.vehicle.rider == active.rider
