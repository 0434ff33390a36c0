"""Full FOOD, PARCEL and RIDE lifecycles through the ORM, from checkout to
settlement. These tests commit for real (``transaction=True``), so every
rule deferred to commit (totals, service shape, composite FKs, settlement
links) runs at each step exactly as in production, and dispatch runs through
the eligibility and capacity trigger: the rider is offered the order,
accepts it, goes ON_ORDER, delivers, and is paid through the settlement's
earning (the store through its payout)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from access_mgmt.factories import SystemUserFactory
from gatimitra.enums import ActorType, OrderStatus, PaymentStatus, VerificationStatus
from merchants.factories import MerchantStorePayoutFactory
from orders.choices import (
    AssignmentStatus,
    CancellationActor,
    ChargeType,
    DispatchOfferStatus,
    ExternalDeliveryStatus,
    FoodPrepStatus,
    PaymentEventType,
    RefundStatus,
    SettlementStatus,
    StopType,
)
from orders.factories import (
    CancellationReasonFactory,
    ExternalDeliveryProviderFactory,
    FoodOrderFactory,
    OrderChargeFactory,
    OrderDispatchOfferFactory,
    OrderInvoiceFactory,
    OrderPaymentEventFactory,
    ParcelOrderFactory,
    RideOrderFactory,
)
from orders.factories.settlements import earning_for, merchant_sales
from orders.models import (
    ExternalProviderCallback,
    OrderCancellation,
    OrderDeliveryProof,
    OrderExternalDelivery,
    OrderRefund,
    OrderRiderAssignment,
    OrderSettlement,
    OrderTimeline,
)
from orders.timeline import status_actor
from riders.choices import DutyStatus, WalletTxnType
from riders.factories import WalletLedgerFactory
from riders.models import RiderLiveStatus

pytestmark = pytest.mark.django_db(transaction=True)


def walk(order, *statuses, **actor):
    """Each status change in its own committed transaction."""
    for status in statuses:
        with transaction.atomic():
            order.move_to(status, **actor)


def timeline_path(order):
    return list(
        OrderTimeline.objects.filter(order=order, event="STATUS_CHANGE")
        .order_by("id")
        .values_list("status", flat=True)
    )


def set_duty(rider, duty_status, active_orders, **fields):
    """What the dispatch service writes to the rider's live status."""
    RiderLiveStatus.objects.filter(rider=rider).update(
        duty_status=duty_status, active_order_count=active_orders, **fields
    )


def dispatch(order, rank=1):
    """Offer the order to an eligible rider, who accepts: returns the assignment."""
    offer = OrderDispatchOfferFactory(order=order, rank=rank)
    rider = offer.rider
    with transaction.atomic():
        offer.status = DispatchOfferStatus.ACCEPTED
        offer.responded_at = offer.sent_at + timedelta(seconds=4)
        offer.response_latency_ms = 4000
        offer.save()
        assignment = OrderRiderAssignment.objects.create(
            order=order, offer=offer, rider=rider, vehicle=rider.live_status.vehicle
        )
        order.move_to(OrderStatus.ASSIGNED)
        set_duty(rider, DutyStatus.ON_ORDER, 1)
    # Accepting an assignment the rider holds passes while they are ON_ORDER.
    with transaction.atomic():
        assignment.status = AssignmentStatus.ACCEPTED
        assignment.accepted_at = timezone.now()
        assignment.save()
        order.move_to(OrderStatus.ACCEPTED, actor_type=ActorType.RIDER, actor_ref_id=rider.pk)
    return assignment


def drop(assignment, **live):
    """The rider finishes the trip and is free again."""
    assignment.status = AssignmentStatus.COMPLETED
    assignment.dropped_at = assignment.ended_at = timezone.now()
    assignment.save()
    set_duty(assignment.rider, DutyStatus.ONLINE, 0, **live)


def file_settlement(order, **split):
    """READY, written in the transaction that completes the assignment (a
    completed assignment has its earning and the order its settlement)."""
    return OrderSettlement.objects.create(
        order=order, collected_amount=order.total, status=SettlementStatus.READY, **split
    )


def settle(order, **split):
    """Filed and settled afterwards (an order no rider of ours completed)."""
    with transaction.atomic():
        settlement = file_settlement(order, **split)
    return mark_settled(settlement)


def mark_settled(settlement, **fields):
    with transaction.atomic():
        for name, value in fields.items():
            setattr(settlement, name, value)
        settlement.status = SettlementStatus.SETTLED
        settlement.settled_at = timezone.now()
        settlement.save()
    return settlement


def store_payout(order, gross, **amounts):
    """This cycle's payout of the order's store, to its verified account."""
    store = order.merchant_store
    zero = Decimal("0.00")
    return MerchantStorePayoutFactory(
        store=store,
        bank_account=store.bank_accounts.get(verification_status=VerificationStatus.VERIFIED),
        contract=store.contracts.get(),
        gross_amount=gross,
        **{
            "commission_amount": zero,
            "gst_on_commission": zero,
            "tcs_amount": zero,
            "tds_amount": zero,
            "refunds_recovered": zero,
            **amounts,
        },
    )


def test_food_order_from_checkout_to_settlement():
    order = FoodOrderFactory(with_discount=Decimal("40.00"))
    payment = order.payments.get()
    OrderPaymentEventFactory(payment=payment, event_type=PaymentEventType.CAPTURED)
    details = order.food_details

    with transaction.atomic(), status_actor(actor_type=ActorType.MERCHANT_USER, actor_ref_id=901):
        details.prep_status = FoodPrepStatus.ACCEPTED
        details.accepted_at = timezone.now()
        details.save()
        order.move_to(OrderStatus.CONFIRMED)
        details.prep_status = FoodPrepStatus.PREPARING
        details.save()
        order.move_to(OrderStatus.PREPARING)
    walk(order, OrderStatus.SEARCHING_RIDER)
    assignment = dispatch(order)
    with transaction.atomic():
        details.prep_status = FoodPrepStatus.READY
        details.ready_at = timezone.now()
        details.save()
        order.move_to(OrderStatus.READY_FOR_PICKUP)
    walk(order, OrderStatus.REACHED_PICKUP, OrderStatus.PICKED_UP)
    walk(order, OrderStatus.IN_TRANSIT, OrderStatus.REACHED_DROP)
    drop_stop = order.stops.get(stop_type=StopType.DROP)
    # The merchant's sales split into receivable and commission.
    sales = merchant_sales(order)
    with transaction.atomic():
        OrderDeliveryProof.objects.create(
            order=order, stop=drop_stop, rider=assignment.rider, kind="OTP", otp_verified=True
        )
        drop(assignment)
        settlement = file_settlement(
            order,
            merchant_receivable=sales - Decimal("45.00"),
            rider_earning=Decimal("38.00"),
            platform_commission=Decimal("45.00"),
            gst_payable_by_platform=order.tax,
            earning=earning_for(
                assignment,
                base_pay=Decimal("38.00"),
                distance_pay=Decimal("0.00"),
                wait_pay=Decimal("0.00"),
                tip=Decimal("0.00"),
            ),
        )
        order.move_to(OrderStatus.DELIVERED)

    # An item was missing: a partial refund, approved by support (maker-checker).
    requester, approver = SystemUserFactory(), SystemUserFactory()
    with transaction.atomic():
        refund = OrderRefund.objects.create(
            order=order,
            payment=payment,
            amount=Decimal("90.00"),
            reason_code="ITEM_MISSING",
            idempotency_key=f"refund-{order.order_number}-1",
            requested_by=requester,
        )
        payment.status = PaymentStatus.PARTIALLY_REFUNDED
        payment.save()
    with transaction.atomic():
        refund.status = RefundStatus.SUCCEEDED
        refund.approved_by, refund.approved_at = approver, timezone.now()
        refund.processed_at = timezone.now()
        refund.save()
    OrderInvoiceFactory(order=order)
    # The refund is recovered from the store's payout (refunds_recovered).
    settlement = mark_settled(
        settlement,
        payout=store_payout(
            order, sales, commission_amount=Decimal("45.00"), refunds_recovered=Decimal("90.00")
        ),
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.completed_at is not None
    assert timeline_path(order) == [
        "created",
        "confirmed",
        "preparing",
        "searching_rider",
        "assigned",
        "accepted",
        "ready_for_pickup",
        "reached_pickup",
        "picked_up",
        "in_transit",
        "reached_drop",
        "delivered",
    ]
    assert order.total == sum(c.signed_amount for c in order.charges.all())
    assert order.discount == Decimal("40.00")
    assert settlement.status == SettlementStatus.SETTLED
    assert settlement.payout.store == order.merchant_store == order.food_details.store
    assert settlement.earning.rider == assignment.rider == order.delivery_proofs.get().rider
    assert order.customer.orders.get() == order
    # Delivered is final, even at a real commit.
    with pytest.raises(IntegrityError, match="terminal status"), transaction.atomic():
        order.move_to(OrderStatus.CANCELLED)


def test_parcel_order_handed_to_a_3pl_from_booking_to_settlement():
    order = ParcelOrderFactory()
    provider = ExternalDeliveryProviderFactory()
    walk(order, OrderStatus.CONFIRMED, OrderStatus.SEARCHING_RIDER)
    with transaction.atomic():
        delivery = OrderExternalDelivery.objects.create(
            order=order,
            provider=provider,
            provider_task_id=f"T-{order.order_number}",
            quoted_cost=Decimal("61.00"),
            handed_over_at=timezone.now(),
        )
    events = [
        (ExternalDeliveryStatus.AGENT_ASSIGNED, OrderStatus.ASSIGNED),
        (ExternalDeliveryStatus.AT_PICKUP, OrderStatus.ACCEPTED),
        (ExternalDeliveryStatus.PICKED_UP, OrderStatus.REACHED_PICKUP),
        (ExternalDeliveryStatus.PICKED_UP, OrderStatus.PICKED_UP),
        (ExternalDeliveryStatus.OUT_FOR_DELIVERY, OrderStatus.IN_TRANSIT),
        (ExternalDeliveryStatus.AT_DELIVERY, OrderStatus.REACHED_DROP),
        (ExternalDeliveryStatus.DELIVERED, OrderStatus.DELIVERED),
    ]
    for number, (provider_status, order_status) in enumerate(events):
        with transaction.atomic(), status_actor(actor_type=ActorType.EXTERNAL_PROVIDER):
            ExternalProviderCallback.objects.create(
                provider=provider,
                external_delivery=delivery,
                provider_event_id=f"{delivery.provider_task_id}-{number}",
                event_status=provider_status,
                signature_valid=True,
                payload={"state": provider_status},
            )
            delivery.status = provider_status
            delivery.save()
            order.move_to(order_status)
    # A webhook delivered twice is refused and changes nothing.
    duplicate = pytest.raises(IntegrityError, match="external_provider_callbacks_event_key")
    with duplicate, transaction.atomic():
        ExternalProviderCallback.objects.create(
            provider=provider,
            external_delivery=delivery,
            provider_event_id=f"{delivery.provider_task_id}-0",
            signature_valid=True,
        )
    with transaction.atomic():
        delivery.billed_cost = Decimal("58.00")
        delivery.delivered_at = timezone.now()
        delivery.save()
    settlement = settle(order, platform_fees=order.fees, gst_payable_by_platform=order.tax)

    assert timeline_path(order)[-1] == "delivered"
    actors = set(
        OrderTimeline.objects.filter(order=order, status__in=["assigned", "delivered"]).values_list(
            "actor_type", flat=True
        )
    )
    assert actors == {"EXTERNAL_PROVIDER"}
    assert delivery.callbacks.count() == len(events)
    assert settlement.status == SettlementStatus.SETTLED


def test_ride_from_booking_to_cash_collection_and_settlement():
    order = RideOrderFactory()
    payment = order.payments.get()
    assert payment.status == PaymentStatus.PENDING  # cash is collected at the end
    walk(order, OrderStatus.SEARCHING_RIDER)
    assignment = dispatch(order)
    walk(order, OrderStatus.REACHED_PICKUP)
    ride = order.ride_details
    with transaction.atomic():
        ride.start_otp_verified_at = ride.started_at = timezone.now()
        ride.waiting_minutes = 6
        ride.save()
        order.move_to(OrderStatus.IN_TRANSIT, actor_type=ActorType.RIDER, actor_ref_id=4242)

    # Trip ends: actuals, a waiting charge, the fare re-rounded, cash collected.
    with transaction.atomic():
        ride.actual_distance_m, ride.actual_duration_s = 6900, 1740
        ride.ended_at = timezone.now()
        ride.save()
        order.charges.filter(charge_type=ChargeType.ROUND_OFF).delete()
        OrderChargeFactory(
            order=order,
            charge_type=ChargeType.WAITING_CHARGE,
            amount=Decimal("4.50"),
            beneficiary="RIDER",
            description="3 minutes beyond the free waiting time",
        )
        if order.total != order.total.to_integral_value():
            OrderChargeFactory(
                order=order,
                charge_type=ChargeType.ROUND_OFF,
                direction="CREDIT",
                amount=order.total - int(order.total),
                beneficiary="PLATFORM",
            )
        payment.amount = order.total
        payment.status = PaymentStatus.CAPTURED
        payment.captured_at = timezone.now()
        payment.save()
        # The driver now holds the fare in cash: the wallet ledger says so,
        # and the database keeps cash_in_hand from it.
        WalletLedgerFactory(
            rider=assignment.rider,
            txn_type=WalletTxnType.COD_COLLECTED,
            order=order,
            amount=order.total,
            source_type="ORDER",
            source_id=order.pk,
        )
        drop(assignment)
        fare = order.total - order.fees
        settlement = file_settlement(
            order,
            rider_earning=fare,
            platform_fees=order.fees,
            gst_payable_by_platform=order.tax,
            earning=earning_for(
                assignment,
                base_pay=fare,
                distance_pay=0,
                wait_pay=0,
                tip=0,
                pay_rule_version="RIDE",
            ),
        )
        order.move_to(OrderStatus.COMPLETED)
    settlement = mark_settled(settlement)

    order.refresh_from_db()
    assert timeline_path(order) == [
        "created",
        "searching_rider",
        "assigned",
        "accepted",
        "reached_pickup",
        "in_transit",
        "completed",
    ]
    assert order.total == order.payments.get().amount
    assert order.total == order.total.to_integral_value()
    assert settlement.earning.total == fare and settlement.payout is None
    assert settlement.status == SettlementStatus.SETTLED
    assert RiderLiveStatus.objects.get(rider=assignment.rider).cash_in_hand == order.total


def test_food_order_cancelled_by_the_customer_and_refunded():
    order = FoodOrderFactory()
    payment = order.payments.get()
    reason = CancellationReasonFactory()
    walk(order, OrderStatus.CONFIRMED)
    with transaction.atomic(), status_actor(actor_type=ActorType.CUSTOMER, note=reason.title):
        OrderCancellation.objects.create(
            order=order,
            reason=reason,
            actor=CancellationActor.CUSTOMER,
            status_at_cancel=order.status,
            cost_borne_by="PLATFORM",
        )
        order.move_to(OrderStatus.CANCELLED)
        OrderRefund.objects.create(
            order=order,
            payment=payment,
            amount=payment.amount,
            destination="SOURCE",
            reason_code="ORDER_CANCELLED",
            idempotency_key=f"refund-{order.order_number}-cancel",
        )
        payment.status = PaymentStatus.REFUNDED
        payment.save()
    # Nothing more can be refunded than was captured.
    with pytest.raises(IntegrityError, match="order_refunds"), transaction.atomic():
        OrderRefund.objects.create(
            order=order,
            payment=payment,
            amount=Decimal("1.00"),
            reason_code="GOODWILL",
            idempotency_key=f"refund-{order.order_number}-extra",
        )
    settlement = settle(order, merchant_receivable=Decimal("0.00"))

    last = OrderTimeline.objects.filter(order=order).latest("id")
    assert (last.status, last.actor_type, last.note) == ("cancelled", "CUSTOMER", reason.title)
    assert settlement.collected_amount == order.total


def test_an_incomplete_order_is_refused_at_commit():
    with pytest.raises(IntegrityError, match="needs at least one PICKUP and one DROP"):
        ParcelOrderFactory(with_stops=False)
    with pytest.raises(IntegrityError, match="order_charges add up to total"):
        order = FoodOrderFactory()
        with transaction.atomic():
            OrderChargeFactory(order=order, refresh_order_totals=False)
