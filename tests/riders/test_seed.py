"""``fixtures/001_riders_seed.json``: riders at every onboarding stage, with
vehicles and documents; loads into a fresh database and a second load
changes nothing."""

import pytest
from django.core.management import call_command

from gatimitra.enums import VerificationStatus
from riders.choices import OnboardingStage, RiderDocumentType
from riders.factories import RiderFactory
from riders.models import Rider, RiderDocument, RiderVehicle

SEED = "001_riders_seed"
SEEDED = (Rider, RiderVehicle, RiderDocument)

pytestmark = pytest.mark.django_db


def snapshot():
    return {model: list(model.objects.order_by("pk").values()) for model in SEEDED}


def test_seed_loads_and_a_second_load_changes_nothing():
    call_command("loaddata", SEED, verbosity=0)
    first = snapshot()
    call_command("loaddata", SEED, verbosity=0)
    assert snapshot() == first
    assert all(first[model] for model in SEEDED)


def test_seed_has_riders_at_every_stage_with_vehicles_and_documents():
    call_command("loaddata", SEED, verbosity=0)
    for stage in OnboardingStage:
        riders = Rider.objects.filter(onboarding_stage=stage)
        assert riders.exists(), stage
        assert RiderVehicle.objects.filter(rider__in=riders).exists(), stage
        assert RiderDocument.objects.filter(rider__in=riders).exists(), stage


def test_seeded_active_riders_have_verified_identity():
    call_command("loaddata", SEED, verbosity=0)
    for rider in Rider.objects.filter(onboarding_stage=OnboardingStage.ACTIVE):
        verified = set(
            rider.documents.filter(verification_status=VerificationStatus.VERIFIED).values_list(
                "document_type", flat=True
            )
        )
        assert {RiderDocumentType.AADHAAR, RiderDocumentType.PAN} <= verified, rider


def test_new_rows_after_the_seed_get_fresh_ids():
    """loaddata moved the id sequences past the seed's explicit pks."""
    call_command("loaddata", SEED, verbosity=0)
    seeded = set(Rider.objects.values_list("pk", flat=True))
    assert RiderFactory().pk not in seeded
