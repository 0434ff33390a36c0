"""The order status machine: the database function agrees with
``orders.transitions`` pair by pair, and every status change writes one
timeline row (with its actor) in the same transaction."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from access_mgmt.factories import SystemUserFactory
from gatimitra.enums import ActorType, OrderStatus, ServiceType
from orders import services, transitions
from orders.factories import (
    FoodOrderFactory,
    OrderCancellationFactory,
    OrderDeliveryProofFactory,
    OrderRefundFactory,
    OrderRiderAssignmentFactory,
    ParcelOrderFactory,
)
from orders.models import Order, OrderTimeline
from orders.timeline import status_actor
from riders import services as rider_services

pytestmark = pytest.mark.django_db


def statuses_of(order):
    return list(
        OrderTimeline.objects.filter(order=order, event="STATUS_CHANGE")
        .order_by("id")
        .values_list("from_status", "status")
    )


def test_database_transition_map_is_the_python_map():
    services = [str(service) for service in ServiceType]
    statuses = [str(status) for status in OrderStatus]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s, f, t, "orders".order_status_transition_allowed(s, f, t)
            FROM unnest(%s::varchar[]) s, unnest(%s::varchar[]) f, unnest(%s::varchar[]) t
            """,
            [services, statuses, statuses],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(services) * len(statuses) ** 2
    disagreements = [row for row in rows if row[3] != transitions.is_allowed(*row[:3])]
    assert disagreements == []


def test_every_terminal_status_is_reachable_only_where_it_belongs():
    reachable = {
        service: {target for targets in graph.values() for target in targets}
        for service, graph in transitions.ALLOWED_TRANSITIONS.items()
    }
    assert OrderStatus.COMPLETED in reachable[ServiceType.RIDE]
    assert OrderStatus.DELIVERED not in reachable[ServiceType.RIDE]
    assert OrderStatus.RTO_DELIVERED in reachable[ServiceType.PARCEL]
    assert OrderStatus.COMPLETED not in reachable[ServiceType.FOOD] | reachable[ServiceType.PARCEL]


def test_each_status_change_writes_one_timeline_row_with_its_actor():
    order = FoodOrderFactory()
    staff = SystemUserFactory()
    assert statuses_of(order) == [(None, "created")]

    order.move_to(OrderStatus.CONFIRMED, actor_type=ActorType.MERCHANT_USER, actor_ref_id=77)
    with status_actor(actor_type=ActorType.SYSTEM_USER, user=staff, note="kitchen called"):
        order.status = OrderStatus.PREPARING
        order.save()

    assert statuses_of(order) == [
        (None, "created"),
        ("created", "confirmed"),
        ("confirmed", "preparing"),
    ]
    confirmed, preparing = OrderTimeline.objects.filter(order=order).order_by("id")[1:]
    assert (confirmed.actor_type, confirmed.actor_ref_id, confirmed.actor_user) == (
        "MERCHANT_USER",
        77,
        None,
    )
    assert (preparing.actor_type, preparing.actor_user, preparing.note) == (
        "SYSTEM_USER",
        staff,
        "kitchen called",
    )


def test_the_actor_applies_inside_its_block_and_blocks_nest():
    order = FoodOrderFactory()
    with status_actor(actor_type=ActorType.CUSTOMER, actor_ref_id=5):
        order.move_to(OrderStatus.CONFIRMED)  # inherits the block's actor
        with status_actor(actor_type=ActorType.MERCHANT_USER, actor_ref_id=9):
            order.move_to(OrderStatus.PREPARING)
        order.move_to(OrderStatus.SEARCHING_RIDER)  # the outer actor again
    OrderRiderAssignmentFactory(order=order)  # an assigned order has its assignment
    order.move_to(OrderStatus.ASSIGNED)  # outside any block: SYSTEM
    actors = list(
        OrderTimeline.objects.filter(order=order)
        .order_by("id")
        .values_list("actor_type", "actor_ref_id")
    )
    assert actors == [
        ("SYSTEM", None),
        ("CUSTOMER", 5),
        ("MERCHANT_USER", 9),
        ("CUSTOMER", 5),
        ("SYSTEM", None),
    ]


def test_saving_an_unchanged_status_is_not_a_transition():
    order = ParcelOrderFactory(status=OrderStatus.DELIVERED)
    order.customer_note = "Left with the security guard."
    order.save()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)
    assert statuses_of(order) == [(None, "delivered")]


def test_a_refused_change_leaves_no_timeline_row():
    order = FoodOrderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        order.move_to(OrderStatus.DELIVERED)
    assert statuses_of(order) == [(None, "created")]


def test_clean_reports_a_forbidden_change_as_a_form_error():
    order = FoodOrderFactory(status=OrderStatus.DELIVERED)
    order.status = OrderStatus.PREPARING
    with pytest.raises(ValidationError) as caught:
        order.full_clean()
    assert "cannot go from delivered to preparing" in str(caught.value.message_dict["status"])


def complete_assignment(order):
    """The order's rider finishes: what a finished order needs (issue 21)."""
    assignment = order.rider_assignments.get(status__in=["ASSIGNED", "ACCEPTED"])
    assignment.status, assignment.ended_at = "COMPLETED", timezone.now()
    if assignment.accepted_at is None:
        assignment.status = "ACCEPTED"
        assignment.accepted_at = timezone.now()
        assignment.save()
        assignment.status = "COMPLETED"
    assignment.save()
    # Paid with it, and settled if the order is being delivered (issue 21).
    earning = rider_services.earn(assignment)
    if order.status == OrderStatus.REACHED_DROP:
        services.file_settlement(order, earning)


def test_move_to_stamps_completion_and_cancellation():
    delivered = FoodOrderFactory(status=OrderStatus.REACHED_DROP)
    complete_assignment(delivered)
    OrderDeliveryProofFactory(order=delivered)
    delivered.move_to(OrderStatus.DELIVERED)
    cancelled = FoodOrderFactory()
    OrderCancellationFactory(
        order=cancelled, status_at_cancel=OrderStatus.CREATED, cancelled_at=timezone.now()
    )
    payment = cancelled.payments.get()  # captured: a cancelled paid order is refunded
    OrderRefundFactory(payment=payment, amount=payment.amount)
    cancelled.move_to(OrderStatus.CANCELLED)
    delivered.refresh_from_db()
    cancelled.refresh_from_db()
    assert delivered.completed_at is not None and delivered.cancelled_at is None
    assert cancelled.cancelled_at is not None and cancelled.completed_at is None


def test_a_failed_parcel_returns_to_origin():
    order = ParcelOrderFactory(status=OrderStatus.IN_TRANSIT)
    for status in (OrderStatus.FAILED, OrderStatus.RTO_INITIATED):
        order.move_to(status)
    complete_assignment(order)  # the rider brought it back
    order.move_to(OrderStatus.RTO_DELIVERED)
    assert [row[1] for row in statuses_of(order)] == [
        "in_transit",
        "failed",
        "rto_initiated",
        "rto_delivered",
    ]
