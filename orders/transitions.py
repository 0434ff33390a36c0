"""The order status machine: which ``orders.status`` changes each service allows.

This map is the single source of the rule. ``orders.sql`` compiles it into
the database function ``orders.order_status_transition_allowed`` (called by
the BEFORE UPDATE trigger on ``orders``), and ``Order.clean`` uses it to
report a bad change as a form error before the database refuses it.

Why the map lives in the function and not in a table: a table of allowed
transitions would be reference data that ``flush`` (every
``transaction=True`` test) and any TRUNCATE wipe, after which every status
change would be refused; it would also be editable by anyone with table
access. Compiled into an IMMUTABLE function it cannot go missing, and a
change is a reviewed migration. ``tests/orders/test_status_machine.py``
compares the database function with this map pair by pair, so a change
here without a migration fails CI.

To change the map: edit it, then add a migration with
``migrations.RunSQL(sql.status_machine_functions(), ...)`` (the SQL uses
CREATE OR REPLACE).

Rules common to every service:

* an INSERT may start in any status (imports, backfills and the demo seed
  load orders in their current status); the timeline records it;
* an UPDATE that keeps the status is not a transition (``loaddata`` rewrites
  rows with identical values);
* terminal statuses are final: nothing leaves them;
* ``service_type`` never changes.
"""

from gatimitra.enums import OrderStatus as S
from gatimitra.enums import ServiceType

#: Final statuses (CATALOG section 8, item 8). ``failed`` is not terminal:
#: a failed delivery is returned (PARCEL) or closed as cancelled.
TERMINAL_STATUSES = frozenset({S.COMPLETED, S.DELIVERED, S.CANCELLED, S.RTO_DELIVERED})

# FOOD: the store confirms and prepares while dispatch finds a rider, so the
# rider milestones (searching/assigned/accepted/reached pickup) interleave with
# the kitchen ones (preparing/ready). The kitchen's own progress is
# order_food_details.prep_status.
_FOOD = {
    S.CREATED: {S.CONFIRMED, S.CANCELLED, S.FAILED},
    S.CONFIRMED: {S.PREPARING, S.SEARCHING_RIDER, S.CANCELLED},
    S.PREPARING: {S.READY_FOR_PICKUP, S.SEARCHING_RIDER, S.ASSIGNED, S.CANCELLED},
    S.SEARCHING_RIDER: {S.ASSIGNED, S.PREPARING, S.READY_FOR_PICKUP, S.CANCELLED},
    S.ASSIGNED: {S.ACCEPTED, S.SEARCHING_RIDER, S.CANCELLED},
    S.ACCEPTED: {S.REACHED_PICKUP, S.READY_FOR_PICKUP, S.SEARCHING_RIDER, S.CANCELLED},
    S.READY_FOR_PICKUP: {S.SEARCHING_RIDER, S.ASSIGNED, S.REACHED_PICKUP, S.PICKED_UP, S.CANCELLED},
    S.REACHED_PICKUP: {S.READY_FOR_PICKUP, S.PICKED_UP, S.SEARCHING_RIDER, S.CANCELLED},
    S.PICKED_UP: {S.IN_TRANSIT, S.REACHED_DROP, S.FAILED},
    S.IN_TRANSIT: {S.REACHED_DROP, S.FAILED},
    S.REACHED_DROP: {S.DELIVERED, S.FAILED},
    S.FAILED: {S.CANCELLED},
}

# PARCEL: after pickup the package is returned to the sender (RTO) instead of
# being cancelled.
_PARCEL = {
    S.CREATED: {S.CONFIRMED, S.SEARCHING_RIDER, S.CANCELLED, S.FAILED},
    S.CONFIRMED: {S.SEARCHING_RIDER, S.CANCELLED},
    S.SEARCHING_RIDER: {S.ASSIGNED, S.CANCELLED, S.FAILED},
    S.ASSIGNED: {S.ACCEPTED, S.SEARCHING_RIDER, S.CANCELLED},
    S.ACCEPTED: {S.REACHED_PICKUP, S.SEARCHING_RIDER, S.CANCELLED},
    S.REACHED_PICKUP: {S.PICKED_UP, S.SEARCHING_RIDER, S.CANCELLED},
    S.PICKED_UP: {S.IN_TRANSIT, S.RTO_INITIATED},
    S.IN_TRANSIT: {S.REACHED_DROP, S.RTO_INITIATED, S.FAILED},
    S.REACHED_DROP: {S.DELIVERED, S.RTO_INITIATED, S.FAILED},
    S.FAILED: {S.RTO_INITIATED, S.CANCELLED},
    S.RTO_INITIATED: {S.RTO_DELIVERED},
}

# RIDE: the trip starts (in_transit) when the start OTP is verified at pickup
# and ends as completed; rides are never "delivered".
_RIDE = {
    S.CREATED: {S.SEARCHING_RIDER, S.CANCELLED, S.FAILED},
    S.SEARCHING_RIDER: {S.ASSIGNED, S.CANCELLED, S.FAILED},
    S.ASSIGNED: {S.ACCEPTED, S.SEARCHING_RIDER, S.CANCELLED},
    S.ACCEPTED: {S.REACHED_PICKUP, S.SEARCHING_RIDER, S.CANCELLED},
    S.REACHED_PICKUP: {S.IN_TRANSIT, S.CANCELLED},
    S.IN_TRANSIT: {S.REACHED_DROP, S.COMPLETED, S.FAILED},
    S.REACHED_DROP: {S.COMPLETED},
    S.FAILED: {S.CANCELLED},
}

#: ``{service_type: {from_status: {to_status, ...}}}``
ALLOWED_TRANSITIONS = {
    ServiceType.FOOD: _FOOD,
    ServiceType.PARCEL: _PARCEL,
    ServiceType.RIDE: _RIDE,
}


def _check_map():
    for service, graph in ALLOWED_TRANSITIONS.items():
        for source, targets in graph.items():
            if source in TERMINAL_STATUSES:
                raise AssertionError(f"{service}: terminal status {source} has exits")
            if source in targets:
                raise AssertionError(f"{service}: {source} -> {source} is not a transition")


_check_map()


def is_allowed(service_type, from_status, to_status):
    """Whether an order of ``service_type`` may go from one status to another."""
    if from_status == to_status:
        return True
    if from_status in TERMINAL_STATUSES:
        return False
    return to_status in ALLOWED_TRANSITIONS.get(service_type, {}).get(from_status, ())


def transition_rows():
    """Every allowed ``(service_type, from_status, to_status)``, sorted."""
    return sorted(
        (str(service), str(source), str(target))
        for service, graph in ALLOWED_TRANSITIONS.items()
        for source, targets in graph.items()
        for target in targets
    )
