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


# The other status columns of the orders domain (``gatimitra.db.machines``).
# ``orders.status`` has the per-service machine above and its own trigger.

from gatimitra import transitions as shared  # noqa: E402
from gatimitra.db.machines import Machine  # noqa: E402
from orders.choices import (  # noqa: E402
    AssignmentStatus,
    DispatchOfferStatus,
    ExternalDeliveryStatus,
    FoodPrepStatus,
    RefundStatus,
    SettlementStatus,
)

O = DispatchOfferStatus  # noqa: E741
#: An offer is seen and answered once, or lapses.
DISPATCH_OFFER = Machine.of(
    O,
    {
        O.SENT: {O.SEEN, O.ACCEPTED, O.DECLINED, O.EXPIRED, O.WITHDRAWN},
        O.SEEN: {O.ACCEPTED, O.DECLINED, O.EXPIRED, O.WITHDRAWN},
    },
    {O.ACCEPTED, O.DECLINED, O.EXPIRED, O.WITHDRAWN},
)

A = AssignmentStatus
#: An assignment is accepted, then completed, or it ends on the way; a
#: finished assignment is history (a re-dispatch is a new assignment).
ASSIGNMENT = Machine.of(
    A,
    {
        A.ASSIGNED: {A.ACCEPTED, A.REJECTED, A.TIMED_OUT, A.UNASSIGNED, A.CANCELLED},
        A.ACCEPTED: {A.COMPLETED, A.UNASSIGNED, A.CANCELLED},
    },
    {A.REJECTED, A.TIMED_OUT, A.UNASSIGNED, A.COMPLETED, A.CANCELLED},
)

F = FoodPrepStatus
FOOD_PREP = Machine.of(
    F,
    {
        F.AWAITING_ACCEPTANCE: {F.ACCEPTED, F.REJECTED},
        F.ACCEPTED: {F.PREPARING, F.READY, F.REJECTED},
        F.PREPARING: {F.READY},
        F.READY: {F.HANDED_OVER},
    },
    {F.HANDED_OVER, F.REJECTED},
)

Rf = RefundStatus
#: A refund is approved (or rejected), sent, and succeeds or fails; a failed
#: one is retried. SUCCEEDED is final: money that went back is corrected by
#: a new row, never by editing this one.
REFUND = Machine.of(
    Rf,
    {
        Rf.REQUESTED: {Rf.APPROVED, Rf.REJECTED, Rf.PROCESSING, Rf.SUCCEEDED, Rf.FAILED},
        Rf.APPROVED: {Rf.PROCESSING, Rf.SUCCEEDED, Rf.FAILED},
        Rf.PROCESSING: {Rf.SUCCEEDED, Rf.FAILED},
        Rf.FAILED: {Rf.PROCESSING, Rf.REJECTED},
    },
    {Rf.SUCCEEDED, Rf.REJECTED},
)

Se = SettlementStatus
#: A settlement waits (maybe on hold), becomes ready and is settled by a
#: payout, or is reversed before that. SETTLED is final.
SETTLEMENT = Machine.of(
    Se,
    {
        Se.PENDING: {Se.ON_HOLD, Se.READY, Se.SETTLED, Se.REVERSED},
        Se.ON_HOLD: {Se.PENDING, Se.READY, Se.REVERSED},
        Se.READY: {Se.ON_HOLD, Se.SETTLED, Se.REVERSED},
    },
    {Se.SETTLED, Se.REVERSED},
)

E = ExternalDeliveryStatus
#: ONDC logistics fulfilment: the agent is found, picks up and delivers, or
#: the package goes back (RTO) after pickup.
EXTERNAL_DELIVERY = Machine.of(
    E,
    {
        E.SEARCHING_AGENT: {E.AGENT_ASSIGNED, E.CANCELLED, E.FAILED},
        E.AGENT_ASSIGNED: {E.SEARCHING_AGENT, E.AT_PICKUP, E.PICKED_UP, E.CANCELLED, E.FAILED},
        E.AT_PICKUP: {E.PICKED_UP, E.CANCELLED, E.FAILED},
        E.PICKED_UP: {E.OUT_FOR_DELIVERY, E.AT_DELIVERY, E.DELIVERED, E.RTO_INITIATED, E.FAILED},
        E.OUT_FOR_DELIVERY: {E.AT_DELIVERY, E.DELIVERED, E.RTO_INITIATED, E.FAILED},
        E.AT_DELIVERY: {E.DELIVERED, E.RTO_INITIATED, E.FAILED},
        E.RTO_INITIATED: {E.RTO_DELIVERED},
        E.FAILED: {E.RTO_INITIATED, E.CANCELLED},
    },
    {E.DELIVERED, E.CANCELLED, E.RTO_DELIVERED},
)

#: ``service_cities.launch_status`` (LAUNCH_STATUSES): a city is planned,
#: piloted, live, maybe paused; an exited city is final.
LAUNCH = Machine(
    {
        "PLANNED": {"PILOT", "LIVE", "EXITED"},
        "PILOT": {"LIVE", "PAUSED", "EXITED"},
        "LIVE": {"PAUSED", "EXITED"},
        "PAUSED": {"LIVE", "PILOT", "EXITED"},
    },
    frozenset({"EXITED"}),
)

MACHINES = {
    ("OrderDispatchOffer", "status"): DISPATCH_OFFER,
    ("OrderRiderAssignment", "status"): ASSIGNMENT,
    ("ServiceCity", "launch_status"): LAUNCH,
    ("OrderFoodDetails", "prep_status"): FOOD_PREP,
    ("OrderTimeline", "from_status"): Machine.record(),
    ("OrderTimeline", "status"): Machine.record(),
    ("OrderPayment", "status"): shared.PAYMENT,
    ("OrderRefund", "status"): REFUND,
    ("ExternalDeliveryProvider", "status"): shared.INTEGRATION,
    ("OrderExternalDelivery", "status"): EXTERNAL_DELIVERY,
    ("ExternalProviderCallback", "event_status"): Machine.record(),
    ("OrderCancellation", "status_at_cancel"): Machine.record(),
    ("OrderSettlement", "status"): SETTLEMENT,
}

#: Guarded by its own trigger (``orders_status_guard``, per service type).
GUARDED_ELSEWHERE = {("Order", "status"): "orders_status_guard"}
