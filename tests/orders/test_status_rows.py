"""An order's status agrees with its rows (issue 21), checked at commit:
each write the issue found accepted is refused, and the same change with
its rows in the transaction passes."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gatimitra.enums import OrderStatus, ServiceType
from orders import services
from orders.choices import AssignmentStatus
from orders.factories import (
    FoodOrderFactory,
    OrderCancellationFactory,
    OrderDeliveryProofFactory,
    OrderRefundFactory,
    OrderRiderAssignmentFactory,
    RideOrderFactory,
)
from orders.models import OrderSettlement
from riders import services as rider_services
from tests.fixtures.orders import check_deferred_now

pytestmark = pytest.mark.django_db


@contextmanager
def refused(rule, *words):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
        check_deferred_now()
    assert caught.value.__cause__.diag.constraint_name == rule, str(caught.value)
    assert "orders.orders" in str(caught.value)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def _open_assignment(order):
    return order.rider_assignments.get(
        status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED]
    )


def test_assigned_needs_an_open_assignment():
    order = FoodOrderFactory(status=OrderStatus.SEARCHING_RIDER)
    with refused("orders_status_has_assignment", order.order_number):
        order.move_to(OrderStatus.ASSIGNED)
    with transaction.atomic():
        OrderRiderAssignmentFactory(order=order)
        order.move_to(OrderStatus.ASSIGNED)
        check_deferred_now()


def test_cancelling_needs_its_cancellation_the_assignment_closed_and_a_refund():
    order = FoodOrderFactory(status=OrderStatus.ASSIGNED)
    assert _open_assignment(order)
    with refused("orders_finished_assignment_closed", "still open"):
        OrderCancellationFactory(order=order, status_at_cancel=OrderStatus.ASSIGNED)
        order.move_to(OrderStatus.CANCELLED)
    order.refresh_from_db()
    with refused("orders_cancelled_has_cancellation"):
        order.rider_assignments.update(status=AssignmentStatus.CANCELLED, ended_at=timezone.now())
        order.move_to(OrderStatus.CANCELLED)
    order.refresh_from_db()
    payment = order.payments.get()
    with refused("orders_cancelled_paid_is_refunded", "with no refund"):
        order.rider_assignments.update(status=AssignmentStatus.CANCELLED, ended_at=timezone.now())
        OrderCancellationFactory(order=order, status_at_cancel=OrderStatus.ASSIGNED)
        order.move_to(OrderStatus.CANCELLED)
    order.refresh_from_db()
    with transaction.atomic():
        order.rider_assignments.update(status=AssignmentStatus.CANCELLED, ended_at=timezone.now())
        OrderCancellationFactory(order=order, status_at_cancel=OrderStatus.ASSIGNED)
        OrderRefundFactory(payment=payment, amount=payment.amount)
        order.move_to(OrderStatus.CANCELLED)
        check_deferred_now()


def test_delivering_needs_the_assignment_completed_and_a_proof():
    order = FoodOrderFactory(status=OrderStatus.REACHED_DROP)
    assignment = _open_assignment(order)
    with refused("orders_finished_assignment_closed"):
        order.move_to(OrderStatus.DELIVERED)
    with refused("orders_delivered_has_proof"):
        type(assignment).objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.COMPLETED, ended_at=timezone.now()
        )
        _paid_and_settled(order, assignment)
        order.move_to(OrderStatus.DELIVERED)
    with transaction.atomic():
        type(assignment).objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.COMPLETED, ended_at=timezone.now()
        )
        OrderDeliveryProofFactory(order=order)
        _paid_and_settled(order, assignment)
        order.move_to(OrderStatus.DELIVERED)
        check_deferred_now()


def _paid_and_settled(order, assignment):
    """What completing the assignment writes with it (orders.services._finish)."""
    assignment.refresh_from_db()
    earning = rider_services.earn(assignment)
    services.file_settlement(order, earning)
    return earning


@contextmanager
def refused_on_assignment(rule, *words):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
        check_deferred_now()
    error = caught.value.__cause__
    assert (error.sqlstate, error.diag.constraint_name) == ("23514", rule), str(caught.value)
    assert "orders.order_rider_assignments: assignment" in str(caught.value)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def test_a_completed_assignment_has_its_earning_and_a_delivered_order_its_settlement():
    order = FoodOrderFactory(status=OrderStatus.REACHED_DROP)
    assignment = _open_assignment(order)
    with refused_on_assignment(
        "order_rider_assignments_completed_has_earning", order.order_number, "rider_order_earnings"
    ):
        type(assignment).objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.COMPLETED, ended_at=timezone.now()
        )
    with refused_on_assignment(
        "order_rider_assignments_completed_has_settlement", order.order_number, "delivered"
    ):
        type(assignment).objects.filter(pk=assignment.pk).update(
            status=AssignmentStatus.COMPLETED, ended_at=timezone.now()
        )
        assignment.refresh_from_db()
        rider_services.earn(assignment)
        OrderDeliveryProofFactory(order=order)
        order.move_to(OrderStatus.DELIVERED)
    # Deleting the settlement of a delivered order is refused too.
    delivered = FoodOrderFactory(status=OrderStatus.DELIVERED)
    settlement = delivered.settlement
    with refused_on_assignment(
        "order_rider_assignments_completed_has_settlement", delivered.order_number
    ):
        OrderSettlement.objects.filter(pk=settlement.pk).delete()


def test_a_ride_starts_only_with_its_otp_verified():
    order = RideOrderFactory(status=OrderStatus.REACHED_PICKUP)
    ride = order.ride_details
    type(ride).objects.filter(pk=ride.pk).update(start_otp_verified_at=None)
    with refused("orders_ride_started_with_otp", "start OTP"):
        order.move_to(OrderStatus.IN_TRANSIT)
    with transaction.atomic():
        type(ride).objects.filter(pk=ride.pk).update(start_otp_verified_at=timezone.now())
        order.move_to(OrderStatus.IN_TRANSIT)
        check_deferred_now()
    assert order.service_type == ServiceType.RIDE
