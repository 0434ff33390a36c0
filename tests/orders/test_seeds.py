"""The orders seeds load into a fresh database, satisfy every rule, and
loading them again changes nothing (loaddata rewrites existing rows with
identical values, which the status and totals triggers must not treat as a
change)."""

import pytest
from django.core.management import call_command

from gatimitra.testing import domain_models
from orders.models import (
    CancellationReason,
    Order,
    OrderTimeline,
    RideFarePolicy,
    ServiceCity,
    ServiceZone,
)

pytestmark = pytest.mark.django_db

SEEDS = ("005_orders_reference", "006_orders_demo")
ORDERS_MODELS = [model for model in domain_models() if model._meta.app_label == "orders"]


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in ORDERS_MODELS
    }


def test_seeds_load_and_reloading_changes_nothing(run_deferred_checks):
    call_command("loaddata", *SEEDS, verbosity=0)
    run_deferred_checks()
    first = snapshot()

    call_command("loaddata", *SEEDS, verbosity=0)
    run_deferred_checks()

    assert snapshot() == first


def test_reference_seed_holds_cities_zones_reasons_and_pricing():
    call_command("loaddata", SEEDS[0], verbosity=0)
    assert ServiceCity.objects.filter(launch_status="LIVE").count() >= 4
    assert ServiceZone.objects.values("city").distinct().count() == ServiceCity.objects.count()
    assert set(CancellationReason.objects.values_list("service_type", flat=True)) == {
        "FOOD",
        "PARCEL",
        "RIDE",
    }
    # Versioned fares: an expired version and its successor, no overlap.
    assert (
        RideFarePolicy.objects.filter(city__code="BLR", vehicle_type="AUTO_RICKSHAW").count() == 2
    )


def test_demo_seed_has_every_service_in_several_states():
    call_command("loaddata", *SEEDS, verbosity=0)
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
