"""The riders tables' references into other schemas (orders cities, zones,
orders and assignments; access_mgmt approvals) and the rules that need them:
each violating write is refused by PostgreSQL with a message naming the
table or constraint.

Foreign keys are DEFERRABLE INITIALLY DEFERRED: a test sees a deferred
refusal by running the checks a commit would (``connection.check_constraints``)
inside ``refused``'s savepoint.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from access_mgmt.factories import ApprovalRequestFactory, SystemUserFactory
from gatimitra.enums import OrderStatus, ServiceType
from orders.factories import OrderFactory, ServiceCityFactory, ServiceZoneFactory
from orders.models import OrderRiderAssignment
from riders.choices import OnboardingStage, WalletTxnType
from riders.factories import (
    ActiveRiderFactory,
    KycRiderFactory,
    RiderFactory,
    RiderIncentiveSchemeFactory,
    RiderLiveStatusFactory,
    RiderOrderEarningFactory,
    RiderPenaltyFactory,
    RiderShiftFactory,
    RiderSosAlertFactory,
    RiderStatusHistoryFactory,
    WalletLedgerFactory,
)
from riders.factories.earnings import finished_assignment

pytestmark = pytest.mark.django_db


def commit_checks():
    """The deferred checks (foreign keys) a commit would run, now."""
    connection.check_constraints()


# Every reference is ON DELETE RESTRICT (issue 7) ------------------------------------


def cross_schema_keys():
    """(table, constraint, on delete, deferrable) of every foreign key from
    the riders schema into another schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT con.conrelid::regclass::text, con.conname, con.confdeltype, con.condeferred
            FROM pg_constraint con
            JOIN pg_class target ON target.oid = con.confrelid
            WHERE con.contype = 'f'
              AND con.connamespace = 'riders'::regnamespace
              AND target.relnamespace <> 'riders'::regnamespace
            """
        )
        return cursor.fetchall()


def test_cross_schema_keys_are_on_delete_restrict_and_deferred():
    keys = cross_schema_keys()
    tables = {table for table, *_ in keys}
    assert {
        "riders.riders",
        "riders.rider_status_history",
        "riders.rider_shifts",
        "riders.rider_live_status",
        "riders.rider_order_earnings",
        "riders.wallet_ledger",
        "riders.rider_incentive_schemes",
        "riders.rider_penalties",
        "riders.rider_sos_alerts",
    } <= tables
    assert [key for key in keys if key[2] != "r" or not key[3]] == []


def test_location_logs_keep_order_id_soft():
    """No constraint on location_logs (partition-ready, CATALOG "(soft)")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND (conrelid = 'riders.location_logs'::regclass "
            "OR confrelid = 'riders.location_logs'::regclass)"
        )
        assert cursor.fetchone()[0] == 0


#: (table, a row of it, the reference) whose target only that row references.
REFERENCED = [
    ("riders", lambda: KycRiderFactory(), "home_zone"),
    ("rider_shifts", lambda: RiderShiftFactory(), "zone"),
    ("rider_live_status", lambda: RiderLiveStatusFactory(), "zone"),
    ("rider_order_earnings", lambda: RiderOrderEarningFactory(), "assignment"),
    (
        "rider_status_history",
        lambda: RiderStatusHistoryFactory(approval=ApprovalRequestFactory()),
        "approval",
    ),
]


@pytest.mark.parametrize(
    ("table", "make", "field"),
    REFERENCED,
    ids=[f"{table}.{field}" for table, _make, field in REFERENCED],
)
def test_a_referenced_row_cannot_be_deleted(refused, table, make, field):
    referenced = getattr(make(), field)
    quoted = connection.ops.quote_name(referenced._meta.db_table)
    with refused(f'on table "{table}"', error=IntegrityError), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted} WHERE id = %s", [referenced.pk])


# A zone lies in its city -----------------------------------------------------------


@pytest.fixture
def two_cities():
    """A zone of one city, and another city."""
    return ServiceZoneFactory(), ServiceCityFactory()


def test_home_zone_needs_the_home_city(refused, two_cities):
    zone, _other = two_cities
    with refused("riders_home_zone_has_city", error=IntegrityError):
        RiderFactory(home_zone=zone, city=None)


def test_home_zone_lies_in_the_home_city(refused, two_cities):
    zone, other = two_cities
    assert RiderFactory(home_zone=zone, city=zone.city).pk
    with refused("riders_home_zone_in_city_fk", error=IntegrityError):
        RiderFactory(home_zone=zone, city=other)
        commit_checks()


def test_a_home_zone_cannot_move_to_another_city(refused, two_cities):
    zone, other = two_cities
    RiderFactory(home_zone=zone, city=zone.city)
    with refused("riders_home_zone_in_city_fk", error=IntegrityError):
        zone.city = other
        zone.save(update_fields=["city"])
        commit_checks()


def test_scheme_zone_needs_the_city(refused, two_cities):
    zone, _other = two_cities
    with refused("rider_incentive_schemes_zone_has_city", error=IntegrityError):
        RiderIncentiveSchemeFactory(zone=zone, city=None)


def test_scheme_zone_lies_in_the_city(refused, two_cities):
    zone, other = two_cities
    assert RiderIncentiveSchemeFactory(in_zone=True).zone_id
    assert RiderIncentiveSchemeFactory(city=None).pk  # every city
    with refused("rider_incentive_schemes_zone_in_city_fk", error=IntegrityError):
        RiderIncentiveSchemeFactory(zone=zone, city=other)
        commit_checks()


def test_forms_explain_a_zone_outside_the_city(two_cities):
    zone, other = two_cities
    rider = RiderFactory.build(home_zone=zone, city=other)
    with pytest.raises(ValidationError) as caught:
        rider.full_clean(validate_unique=False)
    assert "home_zone" in caught.value.message_dict
    scheme = RiderIncentiveSchemeFactory.build(zone=zone, city=other)
    with pytest.raises(ValidationError) as caught:
        scheme.full_clean(validate_unique=False)
    assert "zone" in caught.value.message_dict


# Shifts: one slot per zone, start and service -------------------------------------


def test_one_shift_per_zone_start_and_service(refused):
    shift = RiderShiftFactory()
    # Another service, or another zone, at the same start is a different slot.
    assert RiderShiftFactory(zone=shift.zone, service_type=ServiceType.PARCEL).pk
    assert RiderShiftFactory(starts_at=shift.starts_at).pk
    with refused("rider_shifts_zone_slot_uniq", error=IntegrityError):
        RiderShiftFactory(zone=shift.zone, starts_at=shift.starts_at)


def test_a_shift_has_a_zone(refused):
    with refused("zone_id", error=IntegrityError):
        RiderShiftFactory(zone=None)


# Earnings: one per assignment, of its order, rider and service ---------------------


def test_one_earning_per_assignment(refused):
    earning = RiderOrderEarningFactory()
    with refused("rider_order_earnings_assignment_uniq", error=IntegrityError):
        RiderOrderEarningFactory(rider=earning.rider, assignment=earning.assignment)


def test_earning_has_an_order_and_an_assignment(refused):
    with refused("order_id", error=IntegrityError):
        RiderOrderEarningFactory(order=None)
    with refused("assignment_id", error=IntegrityError):
        RiderOrderEarningFactory(assignment=None, order=OrderFactory())


def test_earning_is_for_the_assignments_order(refused):
    rider = ActiveRiderFactory()
    assignment = finished_assignment(rider)
    other_order = OrderFactory(status=OrderStatus.DELIVERED)
    with refused("rider_order_earnings", error=IntegrityError) as caught:
        RiderOrderEarningFactory(rider=rider, assignment=assignment, order=other_order)
    assert f"assignment {assignment.pk} is of order {assignment.order_id}" in str(caught.value)
    # Its own order's earning is accepted (a completed assignment is paid).
    RiderOrderEarningFactory(rider=rider, assignment=assignment, order=assignment.order)


def test_earning_is_for_the_orders_service(refused):
    earning = RiderOrderEarningFactory(service_type=ServiceType.FOOD)
    with refused("rider_order_earnings", error=IntegrityError) as caught:
        earning.service_type = ServiceType.RIDE
        earning.save(update_fields=["service_type"])
    assert "service_type RIDE differs" in str(caught.value)


def give_rider(assignment, rider):
    """``finished_assignment`` already named ``rider`` as the assignment's rider."""
    assert OrderRiderAssignment.objects.get(pk=assignment.pk).rider_id == rider.pk


def test_earning_is_paid_to_the_assignments_rider(refused):
    owner, someone_else = ActiveRiderFactory(), ActiveRiderFactory()
    assignment = finished_assignment(owner)
    give_rider(assignment, owner)
    with refused("rider_order_earnings", error=IntegrityError) as caught:
        RiderOrderEarningFactory(rider=someone_else, assignment=assignment)
    assert f"assignment {assignment.pk} is rider {owner.pk}'s" in str(caught.value)
    assert RiderOrderEarningFactory(rider=owner, assignment=assignment).pk


def test_earning_cannot_move_to_another_rider(refused):
    earning = RiderOrderEarningFactory()
    give_rider(earning.assignment, earning.rider)
    with refused("rider_order_earnings", error=IntegrityError):
        earning.rider = ActiveRiderFactory()
        earning.save(update_fields=["rider"])


def test_a_paid_assignment_keeps_its_rider_and_order(refused):
    """The other side of the earning's check: once the earning is written,
    the assignment cannot move to another rider or order."""
    earning = RiderOrderEarningFactory()
    give_rider(earning.assignment, earning.rider)
    assignments = OrderRiderAssignment.objects.filter(pk=earning.assignment_id)
    paid = f"assignment {earning.assignment_id} is paid by earning {earning.pk}"
    other = ActiveRiderFactory()
    with refused("orders.order_rider_assignments", error=IntegrityError) as caught:
        assignments.update(rider=other, vehicle=other.vehicles.get())
    assert f"{paid} to rider {earning.rider_id} for order {earning.order_id}" in str(caught.value)
    with refused("orders.order_rider_assignments", error=IntegrityError) as caught:
        assignments.update(order=OrderFactory(status=OrderStatus.DELIVERED))
    assert paid in str(caught.value)
    assert assignments.update(rider=earning.rider, order=earning.order) == 1  # no change: allowed


def test_earning_form_explains_a_foreign_assignment():
    earning = RiderOrderEarningFactory()
    earning.order = OrderFactory()
    with pytest.raises(ValidationError) as caught:
        earning.full_clean(validate_unique=False)
    assert "assignment" in caught.value.message_dict


# Wallet ledger: the order is the source of ORDER-sourced entries -------------------


def test_ledger_order_is_the_source(refused, rider):
    entry = WalletLedgerFactory(rider=rider, for_order=True)
    assert entry.source_id == entry.order_id
    order = OrderFactory(status=OrderStatus.DELIVERED)
    with refused("wallet_ledger_order_is_source", error=IntegrityError):
        WalletLedgerFactory(rider=rider, for_order=True, order=order, source_id=order.pk + 1)
    with refused("wallet_ledger_order_is_source", error=IntegrityError):
        WalletLedgerFactory(
            rider=rider,
            txn_type=WalletTxnType.INCENTIVE,
            source_type="INCENTIVE",
            source_id=order.pk,
            order=order,
        )


# Factories fill the links a real row has --------------------------------------------


def test_factories_fill_the_links_a_real_row_has():
    rider = ActiveRiderFactory()
    assert rider.home_zone.city_id == rider.city_id
    assert RiderFactory().city_id is None  # just signed up: no city chosen yet
    assert RiderLiveStatusFactory(rider=rider).zone_id == rider.home_zone_id
    earning = RiderOrderEarningFactory(rider=rider, service_type=ServiceType.RIDE)
    assert earning.assignment.order_id == earning.order_id
    assert earning.order.service_type == ServiceType.RIDE
    assert earning.order.status == OrderStatus.COMPLETED
    assert OrderRiderAssignment.objects.get(pk=earning.assignment_id).rider_id == rider.pk
    delivered = OrderFactory(status=OrderStatus.DELIVERED)
    for_order = RiderOrderEarningFactory(rider=rider, order=delivered)
    assert for_order.assignment.order_id == delivered.pk
    assignment = finished_assignment(rider)
    assert RiderOrderEarningFactory(rider=rider, assignment=assignment).order == assignment.order
    credit = WalletLedgerFactory(rider=rider, for_earning=True)
    assert credit.earning.rider_id == rider.pk
    assert credit.amount == credit.earning.total == Decimal("68.40")
    assert RiderPenaltyFactory().order.status == OrderStatus.DELIVERED
    assert RiderSosAlertFactory(on_order=True).order.status == OrderStatus.PICKED_UP
    commit_checks()


def test_move_to_stage_records_the_approval(rider):
    approval = ApprovalRequestFactory()
    rider.move_to_stage(OnboardingStage.KYC)
    rider.move_to_stage(
        OnboardingStage.MOBILE_VERIFIED,
        actor=SystemUserFactory(),
        approval=approval,
        reason="Documents were someone else's.",
    )
    assert rider.status_history.latest("id").approval == approval
