"""CATALOG section 8, item 9: ``onboarding_stage`` only moves forward; an
admin rollback must come with a ``rider_status_history`` row written, by an
actor, in the same transaction (see riders/sqlfrozen/m0003_add_riders_rules.py
for how the trigger tells)."""

import pytest
from django.db import IntegrityError, transaction

from access_mgmt.factories import SystemUserFactory
from riders.choices import OnboardingStage, RiderStatus
from riders.factories import RIDER_FACTORY_BY_STAGE, RiderFactory
from riders.models import Rider, RiderStatusHistory

STAGES = list(OnboardingStage)
REFUSAL = "onboarding_stage of rider"


def stage_of(rider):
    return Rider.objects.values_list("onboarding_stage", flat=True).get(pk=rider.pk)


def write_history(rider, to_stage, actor):
    return RiderStatusHistory.objects.create(
        rider=rider, from_stage=stage_of(rider), to_stage=to_stage, actor=actor, reason="test"
    )


def set_stage(rider, stage):
    rider.onboarding_stage = stage
    rider.save()


@pytest.mark.django_db
class TestForwardOnly:
    def test_every_step_forward_is_accepted(self):
        rider = RiderFactory()
        for stage in STAGES[1:]:
            rider.move_to_stage(stage)
            assert stage_of(rider) == stage
        assert rider.status_history.count() == len(STAGES) - 1

    def test_skipping_a_stage_is_refused(self, refused):
        """KYC, payment and approval come in order (riders/transitions.py)."""
        rider = RiderFactory()
        with refused("riders.riders", "onboarding_stage MOBILE_VERIFIED to APPROVAL"):
            set_stage(rider, OnboardingStage.APPROVAL)
        assert stage_of(rider) == OnboardingStage.MOBILE_VERIFIED

    @pytest.mark.parametrize("stage", STAGES[1:], ids=str)
    def test_a_backward_move_alone_is_refused(self, refused, stage):
        rider = RIDER_FACTORY_BY_STAGE[stage](status=RiderStatus.ONBOARDING)
        with refused(REFUSAL, "riders.riders", error=IntegrityError):
            set_stage(rider, STAGES[STAGES.index(stage) - 1])

    def test_a_backward_move_through_queryset_update_is_refused(self, refused):
        rider = RiderFactory(onboarding_stage=OnboardingStage.PAYMENT)
        with refused(REFUSAL, error=IntegrityError):
            Rider.objects.filter(pk=rider.pk).update(onboarding_stage=OnboardingStage.KYC)

    def test_saving_the_same_stage_again_is_no_move(self):
        rider = RiderFactory(onboarding_stage=OnboardingStage.ACTIVE, status=RiderStatus.ACTIVE)
        rider.full_name = "Renamed Rider"
        rider.save()
        assert stage_of(rider) == OnboardingStage.ACTIVE


@pytest.mark.django_db
class TestAdminRollback:
    def test_rollback_with_history_by_an_admin_is_accepted(self, system_user):
        rider = RiderFactory(onboarding_stage=OnboardingStage.APPROVAL)
        rider.move_to_stage(OnboardingStage.KYC, actor=system_user, reason="PAN photo unreadable")
        assert stage_of(rider) == OnboardingStage.KYC
        history = rider.status_history.get()
        assert (history.from_stage, history.to_stage) == ("APPROVAL", "KYC")
        assert history.actor == system_user

    def test_rollback_from_active_also_changes_the_status(self, system_user):
        rider = RIDER_FACTORY_BY_STAGE[OnboardingStage.ACTIVE]()
        rider.move_to_stage(
            OnboardingStage.KYC,
            status=RiderStatus.ONBOARDING,
            actor=system_user,
            reason="Licence expired; fresh KYC needed",
        )
        rider.refresh_from_db()
        assert (rider.onboarding_stage, rider.status) == ("KYC", "ONBOARDING")

    def test_history_and_update_in_nested_savepoints_are_accepted(self, system_user):
        """Django's nested atomic blocks are savepoints (subtransactions), each
        with its own xid: still the same transaction."""
        rider = RiderFactory(onboarding_stage=OnboardingStage.PAYMENT)
        with transaction.atomic():
            with transaction.atomic():
                write_history(rider, OnboardingStage.MOBILE_VERIFIED, system_user)
            with transaction.atomic():
                set_stage(rider, OnboardingStage.MOBILE_VERIFIED)
        assert stage_of(rider) == OnboardingStage.MOBILE_VERIFIED

    def test_rollback_without_an_actor_is_refused(self, refused):
        rider = RiderFactory(onboarding_stage=OnboardingStage.PAYMENT)
        write_history(rider, OnboardingStage.KYC, actor=None)
        with refused(REFUSAL, error=IntegrityError):
            set_stage(rider, OnboardingStage.KYC)

    def test_rollback_to_another_stage_than_recorded_is_refused(self, refused, system_user):
        rider = RiderFactory(onboarding_stage=OnboardingStage.APPROVAL)
        write_history(rider, OnboardingStage.PAYMENT, system_user)
        with refused(REFUSAL, error=IntegrityError):
            set_stage(rider, OnboardingStage.KYC)

    def test_history_of_another_rider_does_not_count(self, refused, system_user):
        rider = RiderFactory(onboarding_stage=OnboardingStage.APPROVAL)
        other = RiderFactory(onboarding_stage=OnboardingStage.APPROVAL)
        write_history(other, OnboardingStage.KYC, system_user)
        with refused(REFUSAL, error=IntegrityError):
            set_stage(rider, OnboardingStage.KYC)

    def test_history_rolled_back_with_its_savepoint_does_not_count(self, refused, system_user):
        rider = RiderFactory(onboarding_stage=OnboardingStage.APPROVAL)
        with pytest.raises(RuntimeError), transaction.atomic():
            write_history(rider, OnboardingStage.KYC, system_user)
            raise RuntimeError("abandon the savepoint")
        with refused(REFUSAL, error=IntegrityError):
            set_stage(rider, OnboardingStage.KYC)


@pytest.mark.django_db(transaction=True)
def test_history_from_an_earlier_transaction_does_not_count(refused):
    """A history row committed earlier cannot license a later rollback: each
    rollback writes its own."""
    actor = SystemUserFactory()
    rider = RiderFactory(onboarding_stage=OnboardingStage.APPROVAL)
    with transaction.atomic():
        write_history(rider, OnboardingStage.KYC, actor)
        set_stage(rider, OnboardingStage.KYC)
    rider.move_to_stage(OnboardingStage.PAYMENT)  # forward again (recorded)
    with refused(REFUSAL, error=IntegrityError):
        set_stage(rider, OnboardingStage.KYC)
    assert stage_of(rider) == OnboardingStage.PAYMENT
    # ...and with a fresh history row in its own transaction it goes through.
    rider.move_to_stage(OnboardingStage.KYC, actor=actor, reason="second rollback")
    assert stage_of(rider) == OnboardingStage.KYC


@pytest.mark.django_db
class TestStepsAreRecorded:
    """Issue 21: each onboarding step and the activation are recorded in
    rider_status_history in the same transaction."""

    def test_a_step_without_its_history_row_is_refused(self, refused):
        rider = RiderFactory()
        with refused("riders.riders", "no rider_status_history row for the step"):
            set_stage(rider, OnboardingStage.KYC)

    def test_activation_goes_through_every_stage_in_order(self):
        rider = RiderFactory()
        for stage in STAGES[1:-1]:
            rider.move_to_stage(stage)
        rider.move_to_stage(OnboardingStage.ACTIVE, status=RiderStatus.ACTIVE)
        steps = list(
            rider.status_history.order_by("id").values_list("from_stage", "to_stage", "to_status")
        )
        assert steps == [
            ("MOBILE_VERIFIED", "KYC", None),
            ("KYC", "PAYMENT", None),
            ("PAYMENT", "APPROVAL", None),
            ("APPROVAL", "ACTIVE", "ACTIVE"),
        ]

    def test_activation_without_history_is_refused(self, refused):
        rider = RIDER_FACTORY_BY_STAGE[OnboardingStage.APPROVAL](status=RiderStatus.ONBOARDING)
        with transaction.atomic():
            RiderStatusHistory.objects.create(
                rider=rider, from_stage="APPROVAL", to_stage="ACTIVE", reason="test"
            )
            with refused("riders.riders", "activated with no rider_status_history row"):
                Rider.objects.filter(pk=rider.pk).update(
                    onboarding_stage=OnboardingStage.ACTIVE, status=RiderStatus.ACTIVE
                )
