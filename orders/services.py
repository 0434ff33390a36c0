"""The order flows staff and the apps call; the admin reaches them through
``orders.admin.actions``.

``cancel_order`` writes everything the database's deferred rule
``orders.orders_status_rows`` wants of a cancelled order, in one transaction:
the ``order_cancellations`` row (reason code, who, why, the status it left,
the fee by the reason's rule), the open rider assignment released, and the
status change (whose trigger writes the timeline). A cancellation that would
need a refund is refused whole: refunds are a money flow of their own and
half a cancellation is worse than none (fail closed).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from gatimitra.enums import ActorType, OrderStatus, PaymentStatus, ServiceType
from orders import charges, ride_rules, transitions
from orders.choices import AssignmentStatus, CancellationActor
from orders.models import CancellationReason, Order, OrderCancellation

ACTIVE_ASSIGNMENTS = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)
CAPTURED = (
    PaymentStatus.CAPTURED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
CENT = Decimal("0.01")


class Refused(Exception):
    """The flow cannot be run on this order; the message says why (and that
    nothing was changed)."""


def _staff_reason(order):
    """The active PLATFORM reason code for the order's service (the first
    by display order): what a staff cancellation is filed under."""
    reason = (
        CancellationReason.objects.filter(
            service_type=order.service_type,
            actor=CancellationActor.PLATFORM,
            is_active=True,
        )
        .order_by("display_order", "code")
        .first()
    )
    if reason is None:
        raise Refused(
            f"orders.cancellation_reasons has no active PLATFORM reason for "
            f"{order.service_type}: order {order.order_number} was not cancelled."
        )
    return reason


def ride_fare(order):
    """The fare a ride cancellation fee is measured against, as the database
    trigger measures it: the finished ride's fare, else its quote, else the
    order's bill."""
    details = getattr(order, "ride_details", None)
    if details is not None:
        if details.fare_amount is not None:
            return details.fare_amount
        if details.quote_id is not None:
            return details.quote.estimated_total
    return order.total


def cancellation_fee(reason, order, status):
    """The reason's fee rule in the status the order is cancelled from:
    flat + percent of the total, capped; nothing outside ``fee_statuses``."""
    if status not in (reason.fee_statuses or []):
        return charges.ZERO
    fee = reason.fee_flat + (order.total * reason.fee_percent / 100)
    if reason.fee_cap is not None:
        fee = min(fee, reason.fee_cap)
    if order.service_type == ServiceType.RIDE:
        # MVAG 2025 cl. 17: 10% of the fare, at most Rs 100 (the database
        # checks it too: order_cancellations_ride_fee_cap).
        fee = min(fee, ride_rules.cancellation_fee_limit(ride_fare(order)))
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def cancel_order(order, *, user, reason, reason_code=None):
    """Cancel ``order`` on behalf of staff ``user`` for ``reason`` (free
    text, kept on the cancellation and the timeline). ``reason_code`` picks
    the cancellation master row; by default the service's PLATFORM reason."""
    if not reason or not reason.strip():
        raise Refused(f"Say why order {order.order_number} is cancelled: nothing was cancelled.")
    with transaction.atomic():
        # Lock the order: two staff cancelling at once must not both pass.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        status = locked.status
        if locked.is_terminal or not transitions.is_allowed(
            locked.service_type, status, OrderStatus.CANCELLED
        ):
            raise Refused(
                f"Order {locked.order_number} is {locked.get_status_display().lower()}: "
                "it can no longer be cancelled."
            )
        if reason_code is None:
            master = _staff_reason(locked)
        else:
            master = CancellationReason.objects.filter(
                code=reason_code, service_type=locked.service_type, is_active=True
            ).first()
            if master is None:
                raise Refused(
                    f"orders.cancellation_reasons has no active {reason_code!r} for "
                    f"{locked.service_type}: order {locked.order_number} was not cancelled."
                )
        fee = cancellation_fee(master, locked, status)
        paid = locked.payments.filter(status__in=CAPTURED).aggregate(s=Sum("amount"))["s"]
        if paid and paid > fee:
            raise Refused(
                f"Order {locked.order_number} has {paid} captured: cancelling it needs a "
                "refund, which this flow does not issue. Nothing was cancelled."
            )
        now = timezone.now()
        locked.rider_assignments.filter(status__in=ACTIVE_ASSIGNMENTS).update(
            status=AssignmentStatus.CANCELLED,
            ended_at=now,
            end_reason=f"order cancelled by staff: {reason}"[:200],
        )
        OrderCancellation.objects.create(
            order=locked,
            reason=master,
            actor=master.actor,
            actor_user=user,
            status_at_cancel=status,
            fee=fee,
            cost_borne_by=master.cost_borne_by,
            note=reason,
            cancelled_at=now,
        )
        locked.move_to(
            OrderStatus.CANCELLED,
            actor_type=ActorType.SYSTEM_USER,
            user=user,
            note=f"Cancelled by staff: {reason}",
        )
    order.refresh_from_db()
    return order
