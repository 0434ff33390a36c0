"""orders.services.cancel_order writes what a cancelled order must have
(the deferred rule orders.orders_status_rows) or nothing at all."""

from decimal import Decimal

import pytest

from gatimitra.enums import OrderStatus, PaymentStatus
from orders import services
from orders.choices import AssignmentStatus, CancellationActor, RefundStatus
from orders.factories import CancellationReasonFactory, FoodOrderFactory, OrderPaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_reason(db):
    return CancellationReasonFactory(
        code="FOOD_CANCELLED_BY_STAFF",
        actor=CancellationActor.PLATFORM,
        fee_statuses=[OrderStatus.ASSIGNED],
        fee_flat=Decimal("10.00"),
        fee_percent=Decimal("0"),
        cost_borne_by="PLATFORM",
    )


def test_cancelling_releases_the_rider_and_files_the_cancellation(
    superuser, staff_reason, run_deferred_checks
):
    order = FoodOrderFactory(status=OrderStatus.ASSIGNED, with_payment=False)
    assignment = order.rider_assignments.get()

    services.cancel_order(order, user=superuser, reason="store asked")
    run_deferred_checks()

    assert order.status == OrderStatus.CANCELLED
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED and assignment.ended_at is not None
    cancellation = order.cancellation
    assert cancellation.status_at_cancel == OrderStatus.ASSIGNED
    assert cancellation.fee == Decimal("10.00")
    assert (cancellation.actor, cancellation.actor_user) == (CancellationActor.PLATFORM, superuser)


def test_a_paid_order_is_cancelled_with_its_refund(superuser, staff_reason, run_deferred_checks):
    order = FoodOrderFactory(status=OrderStatus.ASSIGNED, with_payment=False)
    OrderPaymentFactory(order=order, status=PaymentStatus.CAPTURED, amount=order.total)

    services.cancel_order(order, user=superuser, reason="customer called")
    run_deferred_checks()

    assert order.status == OrderStatus.CANCELLED
    # The fee (10.00 from ASSIGNED) is kept; the rest goes back to the UPI source.
    refund = order.refunds.get()
    assert refund.amount == order.total - Decimal("10.00")
    assert (refund.status, refund.destination) == (RefundStatus.PROCESSING, "SOURCE")
    assert refund.reason == "Order cancelled: customer called"


def test_no_staff_reason_code_refuses_and_changes_nothing(superuser):
    order = FoodOrderFactory(status=OrderStatus.CREATED)
    with pytest.raises(services.Refused, match="no active PLATFORM reason for FOOD"):
        services.cancel_order(order, user=superuser, reason="customer called")
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
