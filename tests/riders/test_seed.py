"""``fixtures/001_riders_seed.json``: riders at every onboarding stage, with
vehicles and documents, each in a home city and zone of
``005_orders_reference.json``; loads into a fresh database and a second load
changes nothing.

The riders point at cities and zones, so the seed loads together with the
orders reference seed (``manage.py start`` loads every seed in one call)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from gatimitra.enums import VerificationStatus
from riders.choices import OnboardingStage, RiderDocumentType
from riders.factories import RiderFactory
from riders.models import Rider, RiderDocument, RiderVehicle

SEEDS = ("001_riders_seed", "005_orders_reference")
SEEDED = (Rider, RiderVehicle, RiderDocument)

pytestmark = pytest.mark.django_db


def load(*seeds):
    call_command("loaddata", *(seeds or SEEDS), verbosity=0)
    connection.check_constraints()  # the deferred foreign keys, as a commit would


def snapshot():
    return {model: list(model.objects.order_by("pk").values()) for model in SEEDED}


def test_seed_loads_and_a_second_load_changes_nothing():
    load()
    first = snapshot()
    load()
    assert snapshot() == first
    assert all(first[model] for model in SEEDED)


def test_every_seed_loads_in_one_call_twice_as_start_does():
    seeds = [str(path) for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))]
    load(*seeds)
    first = snapshot()
    load(*seeds)
    assert snapshot() == first


def test_seed_has_riders_at_every_stage_with_vehicles_and_documents():
    load()
    for stage in OnboardingStage:
        riders = Rider.objects.filter(onboarding_stage=stage)
        assert riders.exists(), stage
        assert RiderVehicle.objects.filter(rider__in=riders).exists(), stage
        assert RiderDocument.objects.filter(rider__in=riders).exists(), stage


def test_seeded_riders_live_in_a_zone_of_their_city_that_serves_them():
    load()
    for rider in Rider.objects.select_related("city", "home_zone"):
        assert rider.home_zone.city_id == rider.city_id, rider
        assert rider.home_zone.is_active and rider.home_zone.kind != "NO_GO", rider
        assert set(rider.enabled_services) <= set(rider.home_zone.services_enabled), rider


def test_seeded_active_riders_have_verified_identity():
    load()
    for rider in Rider.objects.filter(onboarding_stage=OnboardingStage.ACTIVE):
        verified = set(
            rider.documents.filter(verification_status=VerificationStatus.VERIFIED).values_list(
                "document_type", flat=True
            )
        )
        assert {RiderDocumentType.AADHAAR, RiderDocumentType.PAN} <= verified, rider


def test_new_rows_after_the_seed_get_fresh_ids():
    """loaddata moved the id sequences past the seed's explicit pks."""
    load()
    seeded = set(Rider.objects.values_list("pk", flat=True))
    assert RiderFactory().pk not in seeded
