"""What staff do to an order from the admin: cancel, refund, reassign.

The admin never edits an order's status or bill: it calls the domain's
flows in ``orders.services``; this module is the one adapter between the
admin and them, so the admin's buttons and actions stay the same when the
services change:

* ``cancel_order``, ``refund_order`` and ``reassign_order`` call the
  service function of the same name (a cancellation refunds what was
  captured beyond its fee; a reassignment releases the rider and sends the
  order back to searching); the service's ``Refused`` is shown to staff;
* should the service be missing, they refuse with a clear message: half a
  flow is worse than none (fail closed).
"""

import importlib

from gatimitra.enums import OrderStatus
from orders import transitions


class ActionRefused(Exception):
    """The action cannot be taken on this order; the message says why."""


def _service(name):
    """``orders.services.<name>``, or None while it does not exist."""
    try:
        module = importlib.import_module("orders.services")
    except ImportError:
        return None
    return getattr(module, name, None)


def can_cancel(order):
    return not order.is_terminal and transitions.is_allowed(
        order.service_type, order.status, OrderStatus.CANCELLED
    )


def cancel_order(order, *, user, reason):
    if not can_cancel(order):
        raise ActionRefused(
            f"Order {order.order_number} is {order.get_status_display().lower()}: "
            "it can no longer be cancelled."
        )
    service = _service("cancel_order")
    if service is None:
        raise ActionRefused(
            "Cancelling is done by orders.services.cancel_order, which is not installed: "
            "nothing was cancelled."
        )
    try:
        return service(order, user=user, reason=reason)
    except _refusals() as error:
        raise ActionRefused(str(error)) from error


def _refusals():
    """The service's own refusal, shown to staff like the admin's."""
    refused = _service("Refused")
    return refused if isinstance(refused, type) else ()


def refund_order(order, *, user, amount, reason):
    service = _service("refund_order")
    if service is None:
        raise ActionRefused(
            "Refunds are issued by orders.services.refund_order, which is not installed: "
            "nothing was refunded."
        )
    try:
        return service(order, user=user, amount=amount, reason=reason)
    except _refusals() as error:
        raise ActionRefused(str(error)) from error


def can_reassign(order):
    """A rider holds the order and has not picked it up: the cases
    ``orders.services.reassign_order`` accepts, so the button is offered
    only where it can work."""
    picked_up = _service("PICKED_UP_OR_LATER") or ()
    holding = _service("ACTIVE_ASSIGNMENTS") or ()
    return (
        not order.is_terminal
        and order.status not in picked_up
        and order.rider_assignments.filter(status__in=holding).exists()
    )


def reassign_order(order, *, user, reason):
    if order.is_terminal:
        raise ActionRefused(f"Order {order.order_number} is settled: no rider to reassign.")
    service = _service("reassign_order")
    if service is None:
        raise ActionRefused(
            "Reassigning is done by orders.services.reassign_order, which is not installed: "
            "the rider was not changed."
        )
    try:
        return service(order, user=user, reason=reason)
    except _refusals() as error:
        raise ActionRefused(str(error)) from error
