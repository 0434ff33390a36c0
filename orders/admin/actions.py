"""What staff do to an order from the admin: cancel, refund, reassign.

The admin never edits an order's status or bill: it calls the domain's
flows. They live in ``orders.services`` (being written alongside); this
module is the one adapter between the admin and them, so the admin's
buttons and actions stay the same when the services change:

* ``cancel_order``, ``refund_order`` and ``reassign_order`` call the
  service function of the same name when ``orders.services`` has it;
* until then, cancelling falls back to ``_cancel_without_service`` (the
  status change the database checks, with the staff user and reason on the
  order's timeline), and refunding and reassigning refuse with a clear
  message: they need the service's money and dispatch rules, and half of a
  refund is worse than none (fail closed).
"""

import importlib

from django.db import transaction

from gatimitra.enums import ActorType, OrderStatus
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
    if service is not None:
        return service(order, user=user, reason=reason)
    return _cancel_without_service(order, user=user, reason=reason)


def _cancel_without_service(order, *, user, reason):
    """Until ``orders.services.cancel_order`` exists: the status change
    alone (the database checks the transition and writes the timeline)."""
    with transaction.atomic():
        order.move_to(
            OrderStatus.CANCELLED,
            actor_type=ActorType.SYSTEM_USER,
            user=user,
            note=f"Cancelled in the admin: {reason}",
        )
    return order


def refund_order(order, *, user, amount, reason):
    service = _service("refund_order")
    if service is None:
        raise ActionRefused(
            "Refunds are issued by orders.services.refund_order, which is not installed: "
            "nothing was refunded."
        )
    return service(order, user=user, amount=amount, reason=reason)


def reassign_order(order, *, user, reason):
    if order.is_terminal:
        raise ActionRefused(f"Order {order.order_number} is settled: no rider to reassign.")
    service = _service("reassign_order")
    if service is None:
        raise ActionRefused(
            "Reassigning is done by orders.services.reassign_order, which is not installed: "
            "the rider was not changed."
        )
    return service(order, user=user, reason=reason)
