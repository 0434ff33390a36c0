"""Dispatch eligibility and rider capacity (CATALOG section 8, items 4 and 5):
the trigger on ``order_rider_assignments`` refuses an assignment becoming
active for a rider who may not hold the order, naming the rule and the
rider. The rules are ``orders/dispatch.py``."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from access_mgmt.factories import SystemSettingFactory
from customers.factories import CustomerBlockedRiderFactory
from gatimitra.enums import OrderStatus, PaymentMethod, ServiceType, VehicleType
from orders import dispatch
from orders.choices import AssignmentStatus
from orders.factories import (
    DispatchableRiderFactory,
    FoodOrderFactory,
    OrderRiderAssignmentFactory,
    ParcelOrderFactory,
    RideOrderFactory,
    ServiceCityFactory,
    ServiceZoneFactory,
)
from orders.factories.orders import OrderRideDetailsFactory
from orders.models import OrderRiderAssignment
from riders import services as rider_services
from riders.choices import DutyStatus, RiderDocumentType, RiderStatus, WalletTxnType
from riders.factories import RiderVehicleFactory, WalletLedgerFactory
from riders.models import RiderLiveStatus

pytestmark = pytest.mark.django_db

#: Settings written by tests are in effect since yesterday.
SINCE = timezone.now() - timedelta(days=1)

ORDER_FACTORIES = {
    ServiceType.FOOD: FoodOrderFactory,
    ServiceType.PARCEL: ParcelOrderFactory,
    ServiceType.RIDE: RideOrderFactory,
}


def personal_data_of(rider):
    """What identifies the rider as a person: never in a refusal."""
    rider.refresh_from_db()
    registrations = rider.vehicles.exclude(registration_number=None)
    return [
        value
        for value in [
            rider.full_name,
            rider.mobile,
            *registrations.values_list("registration_number", flat=True),
        ]
        if value
    ]


@contextmanager
def refused(rule, rider):
    """The block raises IntegrityError for ``rule`` (the error's constraint)
    and the message names the table and the rider by id, without the
    rider's name, mobile or vehicle registrations. Rolled back in a savepoint."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
    constraint = caught.value.__cause__.diag.constraint_name
    message = str(caught.value)
    assert constraint == rule, message
    assert "orders.order_rider_assignments" in message, message
    assert f"rider id {rider.pk} cannot hold order " in message, message
    for personal in personal_data_of(rider):
        assert personal not in message, (rule, message)


def waiting(service=ServiceType.FOOD, **kwargs):
    """An order of ``service`` searching for a rider."""
    return ORDER_FACTORIES[service](status=OrderStatus.SEARCHING_RIDER, **kwargs)


def assign(order, rider, **kwargs):
    return OrderRiderAssignmentFactory(order=order, rider=rider, **kwargs)


def set_live(rider, **fields):
    RiderLiveStatus.objects.filter(rider=rider).update(**fields)


# The maps in the database ---------------------------------------------------------


def test_the_database_functions_hold_the_dispatch_maps():
    with connection.cursor() as cursor:
        for service in ServiceType:
            cursor.execute("SELECT orders.dispatch_allowed_vehicles(%s)", [service])
            assert sorted(cursor.fetchone()[0]) == sorted(
                dispatch.ALLOWED_VEHICLE_TYPES[service]
            ), service
            for vehicle in VehicleType:
                cursor.execute(
                    "SELECT document_type, of_the_vehicle "
                    "FROM orders.dispatch_required_documents(%s, %s) ORDER BY 1",
                    [service, vehicle],
                )
                expected = (
                    dispatch.required_documents(service, vehicle)
                    if vehicle in dispatch.ALLOWED_VEHICLE_TYPES[service]
                    else []
                )
                assert cursor.fetchall() == expected, (service, vehicle)


# Who may hold an order ----------------------------------------------------------------


@pytest.mark.parametrize("service", list(ServiceType))
def test_a_dispatchable_rider_is_accepted(service):
    order = waiting(service)
    assignment = assign(order, DispatchableRiderFactory(service_type=service))
    assert assignment.dispatch_refusal() is None
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.accepted_at = timezone.now()
    assignment.save()


@pytest.mark.parametrize("status", [RiderStatus.SUSPENDED, RiderStatus.BLOCKED])
def test_the_rider_must_be_active(status):
    rider = DispatchableRiderFactory(status=status)
    with refused("order_rider_assignments_rider_active", rider):
        assign(waiting(), rider)


def test_the_order_service_must_be_enabled_for_the_rider():
    rider = DispatchableRiderFactory(service_type=ServiceType.FOOD)
    with refused("order_rider_assignments_service_enabled", rider) as caught:
        assign(waiting(ServiceType.RIDE), rider)
    assert "RIDE is not among the rider's enabled services" in str(caught.value)


@pytest.mark.parametrize("duty", [DutyStatus.OFFLINE, DutyStatus.ON_BREAK])
def test_the_rider_must_be_on_duty(duty):
    rider = DispatchableRiderFactory(live_status__duty_status=duty)
    with refused("order_rider_assignments_rider_on_duty", rider):
        assign(waiting(), rider)


def test_a_rider_without_live_status_is_offline():
    rider = DispatchableRiderFactory(live_status=False)
    with refused("order_rider_assignments_rider_on_duty", rider) as caught:
        assign(waiting(), rider)
    assert "the rider is OFFLINE" in str(caught.value)


def test_a_rider_on_an_order_can_batch_food_but_not_take_a_ride():
    food_rider = DispatchableRiderFactory(
        live_status__duty_status=DutyStatus.ON_ORDER, live_status__active_order_count=1
    )
    assign(waiting(), food_rider)
    driver = DispatchableRiderFactory(service_type=ServiceType.RIDE)
    set_live(driver, duty_status=DutyStatus.ON_ORDER, active_order_count=1)
    with refused("order_rider_assignments_rider_on_duty", driver):
        assign(waiting(ServiceType.RIDE), driver)


def test_accepting_a_held_assignment_passes_while_on_order():
    driver = DispatchableRiderFactory(service_type=ServiceType.RIDE)
    assignment = assign(waiting(ServiceType.RIDE), driver)
    set_live(driver, duty_status=DutyStatus.ON_ORDER, active_order_count=1)
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.accepted_at = timezone.now()
    assignment.save()


def test_the_vehicle_must_be_allowed_for_the_service():
    rider = DispatchableRiderFactory(vehicle_type=VehicleType.CAR_SEDAN)
    with refused("order_rider_assignments_vehicle_allowed", rider) as caught:
        assign(waiting(), rider)
    assert "(CAR_SEDAN) cannot take a FOOD order, which needs an active BICYCLE or" in str(
        caught.value
    )
    # Without a vehicle named, any of the rider's active vehicles may serve.
    with refused("order_rider_assignments_vehicle_allowed", rider) as caught:
        assign(waiting(), rider, vehicle=None)
    assert "no active vehicle a FOOD order allows" in str(caught.value)


def test_a_ride_needs_the_vehicle_type_booked():
    driver = DispatchableRiderFactory(
        service_type=ServiceType.RIDE, vehicle_type=VehicleType.CAR_SEDAN
    )
    order = waiting(ServiceType.RIDE)  # an auto was booked
    with refused("order_rider_assignments_vehicle_allowed", driver) as caught:
        assign(order, driver)
    assert "AUTO_RICKSHAW" in str(caught.value)


def test_a_bike_taxi_driver_takes_a_motorcycle_ride():
    order = waiting(ServiceType.RIDE, with_detail=False)
    OrderRideDetailsFactory(order=order, vehicle_type=VehicleType.MOTORCYCLE)
    driver = DispatchableRiderFactory(
        service_type=ServiceType.RIDE, vehicle_type=VehicleType.MOTORCYCLE
    )
    assign(order, driver)
    assert driver.documents.filter(document_type=RiderDocumentType.PERMIT).exists()


def test_the_named_vehicle_must_be_the_riders_and_active():
    rider = DispatchableRiderFactory()
    others = RiderVehicleFactory()
    with refused("order_rider_assignments_vehicle_of_rider", rider) as caught:
        assign(waiting(), rider, vehicle=others)
    assert f"vehicle id {others.pk} is not one of the rider's" in str(caught.value)
    assert others.registration_number not in str(caught.value)
    inactive = RiderVehicleFactory(rider=rider, is_active=False)
    with refused("order_rider_assignments_vehicle_allowed", rider) as caught:
        assign(waiting(), rider, vehicle=inactive)
    assert f"vehicle id {inactive.pk} (" in str(caught.value)
    assert "inactive" in str(caught.value)


@pytest.mark.parametrize(
    "document_type",
    [RiderDocumentType.PAN, RiderDocumentType.AADHAAR, RiderDocumentType.VEHICLE_RC],
)
def test_mandatory_documents_must_be_verified(document_type):
    rider = DispatchableRiderFactory()
    rider.documents.filter(document_type=document_type).update(
        verification_status="RESUBMIT_REQUIRED"
    )
    with refused("order_rider_assignments_documents_valid", rider) as caught:
        assign(waiting(), rider)
    assert f"no VERIFIED, unexpired {document_type}" in str(caught.value)


def test_mandatory_documents_must_be_unexpired():
    rider = DispatchableRiderFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    rider.documents.filter(document_type=RiderDocumentType.DRIVING_LICENCE).update(
        expires_on=yesterday
    )
    with refused("order_rider_assignments_documents_valid", rider) as caught:
        assign(waiting(), rider)
    assert "DRIVING_LICENCE" in str(caught.value)


@pytest.mark.parametrize(
    "document_type",
    [
        RiderDocumentType.PERMIT,
        RiderDocumentType.VEHICLE_INSURANCE,
        RiderDocumentType.POLICE_VERIFICATION,
    ],
)
def test_a_driver_needs_the_ride_papers(document_type):
    driver = DispatchableRiderFactory(service_type=ServiceType.RIDE)
    driver.documents.filter(document_type=document_type).delete()
    with refused("order_rider_assignments_documents_valid", driver) as caught:
        assign(waiting(ServiceType.RIDE), driver)
    assert document_type in str(caught.value)


def test_vehicle_papers_must_be_of_the_vehicle_used():
    driver = DispatchableRiderFactory(service_type=ServiceType.RIDE)
    spare = RiderVehicleFactory(rider=driver, vehicle_type=VehicleType.AUTO_RICKSHAW)
    with refused("order_rider_assignments_documents_valid", driver) as caught:
        assign(waiting(ServiceType.RIDE), driver, vehicle=spare)
    assert "PERMIT, VEHICLE_INSURANCE, VEHICLE_RC" in str(caught.value)


def test_a_cyclist_needs_no_licence():
    rider = DispatchableRiderFactory(vehicle_type=VehicleType.BICYCLE)
    rider.documents.filter(document_type=RiderDocumentType.DRIVING_LICENCE).delete()
    assign(waiting(), rider)


@pytest.fixture
def blocked_riders_name_the_rider(db):
    def block(customer, rider, **fields):
        return CustomerBlockedRiderFactory(customer=customer, rider=rider, **fields)

    return block


def test_a_rider_the_customer_blocked_is_refused(blocked_riders_name_the_rider):
    rider, order = DispatchableRiderFactory(), waiting()
    blocked_riders_name_the_rider(order.customer, rider)
    with refused("order_rider_assignments_rider_not_blocked", rider) as caught:
        assign(order, rider)
    assert f"customer id {order.customer_id} has blocked this rider" in str(caught.value)
    assign(waiting(), rider)  # another customer's order


def test_a_lapsed_block_does_not_count(blocked_riders_name_the_rider):
    rider, order = DispatchableRiderFactory(), waiting()
    blocked_riders_name_the_rider(
        order.customer, rider, blocked_until=timezone.now() - timedelta(days=1)
    )
    assign(order, rider)


def hold_cash(rider, **order_fields):
    """The rider delivers a CASH order and collects its total: cash_in_hand
    follows the wallet ledger (the database keeps it). Returns the cash."""
    order = waiting(payment_method=PaymentMethod.CASH, **order_fields)
    assignment = assign(order, rider)
    assignment.status, assignment.accepted_at = AssignmentStatus.ACCEPTED, timezone.now()
    assignment.save()
    WalletLedgerFactory(
        rider=rider,
        txn_type=WalletTxnType.COD_COLLECTED,
        order=order,
        amount=order.total,
        source_type="ORDER",
        source_id=order.pk,
    )
    assignment.status, assignment.ended_at = AssignmentStatus.COMPLETED, timezone.now()
    assignment.save()
    rider_services.earn(assignment)  # a completed assignment is paid
    return RiderLiveStatus.objects.get(rider=rider).cash_in_hand


def deposit(rider, amount):
    WalletLedgerFactory(rider=rider, for_deposit=True, deposit__amount=amount)


def test_cash_in_hand_must_be_below_the_cod_cap_for_a_cash_order():
    rider = DispatchableRiderFactory()
    cash = hold_cash(rider)
    assert cash > 0
    SystemSettingFactory(key=dispatch.COD_CAP_SETTING, value=float(cash), effective_from=SINCE)
    with refused("order_rider_assignments_cod_cap", rider) as caught:
        assign(waiting(payment_method=PaymentMethod.CASH), rider)
    assert "cap of" in str(caught.value)
    assign(waiting(payment_method=PaymentMethod.UPI), rider)  # prepaid: no cash to collect
    deposit(rider, Decimal("0.01"))
    OrderRiderAssignment.objects.filter(rider=rider, status=AssignmentStatus.ASSIGNED).update(
        status=AssignmentStatus.UNASSIGNED, ended_at=timezone.now()
    )
    assign(waiting(payment_method=PaymentMethod.CASH), rider)


def test_cash_in_hand_cannot_be_typed_to_get_under_the_cap():
    rider = DispatchableRiderFactory()
    hold_cash(rider)
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        set_live(rider, cash_in_hand=Decimal("0.00"))
    assert caught.value.__cause__.diag.constraint_name == "rider_live_status_cash_from_ledger"
    assert "follows the wallet ledger" in str(caught.value)


def test_without_a_cod_cap_setting_cash_is_not_limited():
    rider = DispatchableRiderFactory()
    hold_cash(rider)
    assign(waiting(payment_method=PaymentMethod.CASH), rider)


# Capacity --------------------------------------------------------------------------


def test_a_ride_driver_holds_one_active_assignment():
    driver = DispatchableRiderFactory(service_type=ServiceType.RIDE)
    first = assign(waiting(ServiceType.RIDE), driver)
    with refused("order_rider_assignments_rider_capacity", driver) as caught:
        assign(waiting(ServiceType.RIDE), driver)
    assert "a RIDE driver holds at most 1" in str(caught.value)
    first.status, first.ended_at = AssignmentStatus.UNASSIGNED, timezone.now()
    first.save()
    assign(waiting(ServiceType.RIDE), driver)


def test_a_rider_on_a_ride_takes_nothing_else_and_vice_versa():
    rider = DispatchableRiderFactory(
        service_type=ServiceType.RIDE,
        vehicle_type=VehicleType.MOTORCYCLE,
        enabled_services=[ServiceType.FOOD, ServiceType.RIDE],
    )
    ride = waiting(ServiceType.RIDE, with_detail=False)
    OrderRideDetailsFactory(order=ride, vehicle_type=VehicleType.MOTORCYCLE)
    food = assign(waiting(), rider)
    with refused("order_rider_assignments_rider_capacity", rider):
        assign(ride, rider)
    food.status, food.ended_at = AssignmentStatus.UNASSIGNED, timezone.now()
    food.save()
    assign(ride, rider)
    with refused("order_rider_assignments_rider_capacity", rider) as caught:
        assign(waiting(), rider)
    assert "a RIDE among them" in str(caught.value)


def test_without_a_batch_setting_a_rider_carries_one_order():
    rider = DispatchableRiderFactory()
    assign(waiting(), rider)
    with refused("order_rider_assignments_rider_capacity", rider) as caught:
        assign(waiting(ServiceType.PARCEL), rider)
    assert "a PARCEL batch holds at most 1" in str(caught.value)


def test_the_batch_size_comes_from_system_settings():
    SystemSettingFactory(key=dispatch.MAX_BATCH_SIZE_SETTING, value=2, effective_from=SINCE)
    rider = DispatchableRiderFactory()
    assign(waiting(), rider)
    assign(waiting(ServiceType.PARCEL), rider)
    with refused("order_rider_assignments_rider_capacity", rider) as caught:
        assign(waiting(), rider)
    assert "a FOOD batch holds at most 2 (setting dispatch.max_batch_size)" in str(caught.value)


def test_a_setting_out_of_effect_is_ignored():
    SystemSettingFactory(
        key=dispatch.MAX_BATCH_SIZE_SETTING,
        value=3,
        effective_from=timezone.now() + timedelta(days=1),
    )
    rider = DispatchableRiderFactory()
    assign(waiting(), rider)
    with refused("order_rider_assignments_rider_capacity", rider):
        assign(waiting(), rider)


@pytest.fixture
def settings_per_city(db):
    """Returns ``setting(key, value, city)``: a setting version in effect
    since ``SINCE``, for ``city`` or (None) the whole platform."""
    versions = iter(range(1, 100))

    def setting(key, value, city=None):
        fields = {"key": key, "value": value, "version": next(versions), "effective_from": SINCE}
        return SystemSettingFactory(city=city, **fields)

    return setting


def test_a_city_setting_overrides_the_platform_one(settings_per_city):
    busy = ServiceZoneFactory(city=ServiceCityFactory())
    settings_per_city(dispatch.MAX_BATCH_SIZE_SETTING, 1)
    settings_per_city(dispatch.MAX_BATCH_SIZE_SETTING, 2, city=busy.city)

    in_busy_city = DispatchableRiderFactory(home_zone=busy)
    assign(waiting(zone=busy), in_busy_city)
    assign(waiting(zone=busy), in_busy_city)

    elsewhere = DispatchableRiderFactory()
    assign(waiting(), elsewhere)
    with refused("order_rider_assignments_rider_capacity", elsewhere):
        assign(waiting(), elsewhere)


def test_a_city_cod_cap_applies_to_its_orders(settings_per_city):
    strict = ServiceZoneFactory(city=ServiceCityFactory())
    rider = DispatchableRiderFactory(home_zone=strict)
    cash = hold_cash(rider, zone=strict)
    settings_per_city(dispatch.COD_CAP_SETTING, float(cash), city=strict.city)
    with refused("order_rider_assignments_cod_cap", rider):
        assign(waiting(zone=strict, payment_method=PaymentMethod.CASH), rider)
    elsewhere = DispatchableRiderFactory()
    hold_cash(elsewhere)
    assign(waiting(payment_method=PaymentMethod.CASH), elsewhere)  # no cap in that city


def test_the_rider_must_exist_when_the_assignment_is_written():
    # FKs are deferred: without this, a rider inserted later in the same
    # transaction would escape every check.
    order = waiting()
    refusal = pytest.raises(IntegrityError, match="rider id 987654321 does not exist")
    with refusal as caught, transaction.atomic():
        OrderRiderAssignment.objects.create(order=order, rider_id=987654321)
    assert caught.value.__cause__.diag.constraint_name == "order_rider_assignments_rider_exists"


def test_the_order_must_exist_when_the_assignment_is_written():
    rider = DispatchableRiderFactory()
    refusal = pytest.raises(IntegrityError, match="order id 987654321 does not exist")
    with refusal as caught, transaction.atomic():
        OrderRiderAssignment.objects.create(order_id=987654321, rider=rider)
    assert caught.value.__cause__.diag.constraint_name == "order_rider_assignments_order_exists"
    assert rider.full_name not in str(caught.value)


# History, forms, locking --------------------------------------------------------------


def test_past_assignments_are_not_judged_against_todays_rider():
    rider = DispatchableRiderFactory(status=RiderStatus.SUSPENDED)
    then = timezone.now() - timedelta(hours=2)
    past = assign(
        waiting(),
        rider,
        status=AssignmentStatus.COMPLETED,
        assigned_at=then,
        accepted_at=then,
        ended_at=then + timedelta(minutes=40),
    )
    rider_services.earn(past)
    with refused("order_rider_assignments_rider_active", rider):
        past.status, past.ended_at = AssignmentStatus.ASSIGNED, None
        past.save()


def test_a_past_assignment_still_names_a_vehicle_of_its_rider():
    rider = DispatchableRiderFactory()
    refusal = pytest.raises(IntegrityError, match="is not one of rider")
    with refusal as caught, transaction.atomic():
        assign(
            waiting(),
            rider,
            vehicle=RiderVehicleFactory(),
            status=AssignmentStatus.REJECTED,
            ended_at=timezone.now(),
        )
    constraint = caught.value.__cause__.diag.constraint_name
    assert constraint == "order_rider_assignments_vehicle_of_rider"


def test_full_clean_reports_the_refusal_on_the_rider():
    rider = DispatchableRiderFactory(live_status__duty_status=DutyStatus.OFFLINE)
    assignment = OrderRiderAssignment(order=waiting(), rider=rider)
    with pytest.raises(ValidationError) as caught:
        assignment.full_clean()
    assert "the rider is OFFLINE" in str(caught.value.message_dict["rider"])


@pytest.mark.django_db(transaction=True)
def test_taking_an_order_locks_the_rider_row():
    """Capacity is counted under the rider's row lock, so two concurrent
    assignments of one rider are serialised: while one is uncommitted,
    another transaction cannot lock the rider."""
    rider = DispatchableRiderFactory()
    order = waiting()
    settings = connection.settings_dict
    with transaction.atomic():
        assign(order, rider)
        other = psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        )
        try:
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    'SELECT 1 FROM "riders"."riders" WHERE id = %s FOR NO KEY UPDATE NOWAIT',
                    [rider.pk],
                )
        finally:
            other.close()


# City ------------------------------------------------------------------------------


def _city_refusal(caught, table, constraint):
    error = caught.value.__cause__
    assert error.sqlstate == "23514"
    assert error.diag.constraint_name == constraint, str(caught.value)
    message = str(caught.value)
    assert f"orders.{table}" in message, message
    assert "dispatch stays within the order's city" in message, message
    return message


def test_a_rider_holds_only_orders_of_their_city():
    elsewhere = ServiceZoneFactory(city=ServiceCityFactory())
    rider = DispatchableRiderFactory(home_zone=elsewhere)
    order = waiting()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        assign(order, rider)
    message = _city_refusal(
        caught, "order_rider_assignments", "order_rider_assignments_rider_in_order_city"
    )
    assert f"rider id {rider.pk} works in {elsewhere.city.code}" in message
    assert f"order {order.order_number} is in {order.city.code}" in message
    assert rider.full_name not in message  # ids and city codes, no personal data
    assert not OrderRiderAssignment.objects.filter(order=order).exists()
    # The same rider takes an order of their own city.
    assign(waiting(zone=elsewhere), rider)


def test_reassigning_to_a_rider_of_another_city_is_refused():
    assignment = assign(waiting(), DispatchableRiderFactory())
    stranger = DispatchableRiderFactory(home_zone=ServiceZoneFactory(city=ServiceCityFactory()))
    assignment.rider = stranger
    assignment.vehicle = stranger.vehicles.first()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        assignment.save()
    _city_refusal(caught, "order_rider_assignments", "order_rider_assignments_rider_in_order_city")


def test_a_dispatch_offer_goes_to_riders_of_the_order_city():
    from orders.factories import OrderDispatchOfferFactory
    from orders.models import OrderDispatchOffer

    order = waiting()
    stranger = DispatchableRiderFactory(home_zone=ServiceZoneFactory(city=ServiceCityFactory()))
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        OrderDispatchOfferFactory(order=order, rider=stranger)
    message = _city_refusal(
        caught, "order_dispatch_offers", "order_dispatch_offers_rider_in_order_city"
    )
    assert f"rider id {stranger.pk}" in message
    assert not OrderDispatchOffer.objects.filter(order=order).exists()
    local = OrderDispatchOfferFactory(order=order)
    assert local.rider.city_id == order.city_id
    # An offer turned down is history: the rider moving city later does not
    # make it invalid, so only open offers are judged.
    local.status = "DECLINED"
    local.save()
    local.rider.city = stranger.city
    local.rider.home_zone = stranger.home_zone
    local.rider.save(update_fields=["city", "home_zone"])
    local.decline_reason = "Too far"
    local.save()
