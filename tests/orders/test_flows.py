"""A FOOD, a PARCEL and a RIDE order through their whole lifecycles by the
services (``orders.services``, ``riders.services``, ``merchants.services``),
and a cancellation with its refund: every table they touch is asserted, and
the database's deferred rules are run as a commit would run them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from audit.models import OrderAuditLog, RiderAuditLog
from customers.models import CustomerWallet
from gatimitra.enums import OrderStatus, PaymentMethod, PaymentStatus, PayoutStatus, ServiceType
from merchants import services as merchant_services
from orders import pricing, services
from orders.choices import (
    AssignmentStatus,
    CancellationActor,
    DispatchOfferStatus,
    FoodPrepStatus,
    RefundStatus,
    SettlementStatus,
    StopType,
)
from orders.factories import (
    CancellationReasonFactory,
    DispatchableRiderFactory,
    FoodOrderFactory,
    scenarios,
)
from orders.models.orders import format_order_number
from riders import services as rider_services
from riders.choices import WalletTxnType
from riders.models import RiderLiveStatus, WalletLedger

pytestmark = pytest.mark.django_db


def statuses(order):
    return list(order.timeline.order_by("id").values_list("status", flat=True))


def ledger(rider):
    return list(
        WalletLedger.objects.filter(rider=rider)
        .order_by("seq_no")
        .values_list("txn_type", flat=True)
    )


def dispatch_to(order, rider):
    """Offer, assign, accept: the offer ACCEPTED and the assignment ACCEPTED."""
    offer = services.offer_order(order, rider, payout_shown=Decimal("40.00"))
    assignment = services.assign_rider(order, rider, offer=offer)
    services.accept_assignment(order, rider=rider)
    offer.refresh_from_db()
    assignment.refresh_from_db()
    assert offer.status == DispatchOfferStatus.ACCEPTED and offer.responded_at
    assert assignment.status == AssignmentStatus.ACCEPTED and assignment.accepted_at
    return assignment


def assert_finished(order, assignment, rider):
    """The rows every finished order holds, consistent with each other."""
    order.refresh_from_db()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.COMPLETED and assignment.ended_at
    earning = assignment.rider_earnings.get()
    assert (earning.rider_id, earning.order_id) == (rider.pk, order.pk)
    credit = WalletLedger.objects.get(earning=earning)
    assert (credit.txn_type, credit.amount) == (WalletTxnType.ORDER_EARNING, earning.total)
    settlement = order.settlement
    assert settlement.status == SettlementStatus.READY
    assert settlement.earning_id == earning.pk and settlement.rider_earning == earning.total
    assert settlement.collected_amount == order.total
    return earning, settlement


def test_a_food_order_from_the_kitchen_to_the_store_payout(superuser, run_deferred_checks):
    order = scenarios.placed_food_order()
    run_deferred_checks()
    assert order.status == OrderStatus.CREATED
    assert order.order_number == format_order_number(
        ServiceType.FOOD, timezone.localdate(), int(order.order_number[-4:])
    )
    assert order.items.count() == 2 and order.items.get(name="Dal Makhani").addons.count() == 1
    assert order.total == sum(c.signed_amount for c in order.charges.all())
    assert order.total == order.total.to_integral_value()  # rounded off to the rupee
    sales = Decimal("210") + Decimal("20") + 2 * Decimal("90")
    assert order.charges.get(charge_type="ITEM_TOTAL").amount == sales
    payment = order.payments.get()
    assert (payment.status, payment.amount, payment.gateway) == (
        PaymentStatus.CAPTURED,
        order.total,
        "RAZORPAY",
    )
    rider = DispatchableRiderFactory(service_type=ServiceType.FOOD)

    services.confirm_order(order)
    services.start_preparing(order)
    services.search_rider(order)
    assignment = dispatch_to(order, rider)
    services.mark_ready(order)
    services.reach_pickup(order)
    services.pick_up(order)
    services.start_trip(order)
    services.reach_drop(order)
    with pytest.raises(services.Refused, match=r"delivery OTP of order .* does not match"):
        services.deliver_order(order, otp="0000")
    services.deliver_order(order, otp=scenarios.DROP_OTP)
    run_deferred_checks()

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.completed_at
    assert statuses(order) == [
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
    food = order.food_details
    assert food.prep_status == FoodPrepStatus.HANDED_OVER and food.handed_over_at
    proof = order.delivery_proofs.get()
    assert (proof.kind, proof.otp_verified, proof.rider_id) == ("OTP", True, rider.pk)
    drop = order.stops.get(stop_type=StopType.DROP)
    assert drop.arrived_at and drop.completed_at
    earning, settlement = assert_finished(order, assignment, rider)
    # The store's share: items + packaging less commission, GST on it, TCS, TDS.
    sales = order.charges.filter(charge_type__in=["ITEM_TOTAL", "PACKAGING_FEE"]).aggregate(
        s=Sum("amount")
    )["s"]
    assert settlement.platform_commission > 0
    assert (
        settlement.merchant_receivable
        + settlement.platform_commission
        + settlement.gst_on_commission
        + settlement.tcs
        + settlement.tds
        == sales
    )
    assert ledger(rider) == [WalletTxnType.ORDER_EARNING]

    # The store is paid its cycle: the payout's gross is its settlements'.
    today = timezone.localdate()
    payout = merchant_services.settle_store(
        order.merchant_store, cycle_start=today - timedelta(days=6), cycle_end=today, utr="UTR1"
    )
    run_deferred_checks()
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.SETTLED and settlement.payout_id == payout.pk
    assert payout.status == PayoutStatus.PROCESSED
    assert payout.gross_amount == sales
    assert payout.net_amount == settlement.merchant_receivable

    # And the rider their wallet balance.
    rider_payout = rider_services.pay_out(
        rider, period_start=today - timedelta(days=6), period_end=today, utr="UTR2"
    )
    run_deferred_checks()
    assert rider_payout.status == PayoutStatus.PROCESSED
    assert rider_payout.amount == earning.total
    assert ledger(rider) == [WalletTxnType.ORDER_EARNING, WalletTxnType.PAYOUT]
    assert rider_services.balance(rider) == Decimal("0.00")

    assert OrderAuditLog.objects.filter(table_name="orders", row_pk=str(order.pk)).exists()
    assert OrderAuditLog.objects.filter(
        table_name="order_settlements", row_pk=str(settlement.pk)
    ).exists()
    assert RiderAuditLog.objects.filter(
        table_name="rider_order_earnings", row_pk=str(earning.pk)
    ).exists()


def test_a_parcel_is_reassigned_then_delivered_with_a_photo(superuser, run_deferred_checks):
    order = scenarios.placed_parcel_order()  # paid from the wallet; no drop OTP
    wallet = CustomerWallet.objects.get(customer=order.customer)
    assert wallet.balance == Decimal("500.00") - order.total
    assert order.payments.get().gateway == "PLATFORM_WALLET"
    first = DispatchableRiderFactory(service_type=ServiceType.PARCEL)
    second = DispatchableRiderFactory(service_type=ServiceType.PARCEL)

    services.search_rider(order)
    dropped = dispatch_to(order, first)
    services.reassign_order(order, user=superuser, reason="rider's bike broke down")
    dropped.refresh_from_db()
    assert dropped.status == AssignmentStatus.UNASSIGNED and dropped.ended_at
    order.refresh_from_db()
    assert order.status == OrderStatus.SEARCHING_RIDER
    assignment = dispatch_to(order, second)
    services.reach_pickup(order)
    services.pick_up(order)
    with pytest.raises(services.Refused, match="cannot be replaced"):
        services.reassign_order(order, user=superuser, reason="too late")
    services.start_trip(order)
    services.reach_drop(order)
    with pytest.raises(services.Refused, match="needs a proof of delivery"):
        services.deliver_order(order)
    services.deliver_order(order, photo_url="https://files.example/proof.jpg")
    run_deferred_checks()

    proof = order.delivery_proofs.get()
    assert (proof.kind, proof.rider_id) == ("PHOTO", second.pk)
    _earning, settlement = assert_finished(order, assignment, second)
    assert settlement.merchant_receivable == Decimal("0.00")  # no store in a parcel
    assert not first.order_earnings.exists()
    assert order.rider_assignments.count() == 2


def test_a_cash_ride_starts_with_its_otp_and_the_driver_collects_the_fare(run_deferred_checks):
    order = scenarios.placed_ride_order()
    assert order.payment_method == PaymentMethod.CASH
    ride = order.ride_details
    assert order.charges.get(charge_type="DELIVERY_FEE").amount == pricing.ride_fare(
        ride.fare_policy, ride.quoted_distance_m, ride.quoted_duration_s
    )
    assert order.payments.get().status == PaymentStatus.PENDING
    driver = scenarios.rider_for(order)

    services.search_rider(order)
    assignment = dispatch_to(order, driver)
    services.reach_pickup(order)
    with pytest.raises(services.Refused, match=r"start OTP of ride .* does not match"):
        services.start_trip(order, otp="1111")
    services.start_trip(order, otp=scenarios.START_OTP)
    services.complete_ride(order)
    run_deferred_checks()

    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    ride.refresh_from_db()
    assert ride.start_otp_verified_at and ride.started_at and ride.ended_at
    payment = order.payments.get()
    assert payment.status == PaymentStatus.CAPTURED and payment.captured_at
    earning, _settlement = assert_finished(order, assignment, driver)
    fare = order.charges.get(charge_type="DELIVERY_FEE").amount
    assert earning.base_pay == rider_services.delivery_pay(ServiceType.RIDE, 0, fare).base_pay
    cash = WalletLedger.objects.get(rider=driver, txn_type=WalletTxnType.COD_COLLECTED)
    assert (cash.order_id, cash.amount) == (order.pk, order.total)
    # cash_in_hand follows the ledger.
    assert RiderLiveStatus.objects.get(rider=driver).cash_in_hand == order.total
    assert ledger(driver) == [WalletTxnType.COD_COLLECTED, WalletTxnType.ORDER_EARNING]


@pytest.fixture
def staff_reasons(db):
    for service in ServiceType.values:
        CancellationReasonFactory(
            code=f"{service}_CANCELLED_BY_STAFF",
            service_type=service,
            actor=CancellationActor.PLATFORM,
            fee_statuses=[],
            cost_borne_by="PLATFORM",
        )


def test_cancelling_a_wallet_paid_parcel_refunds_it_to_the_wallet(
    superuser, staff_reasons, run_deferred_checks
):
    order = scenarios.placed_parcel_order()
    payment = order.payments.get()
    assert payment.status == PaymentStatus.CAPTURED
    rider = DispatchableRiderFactory(service_type=ServiceType.PARCEL)
    services.search_rider(order)
    assignment = dispatch_to(order, rider)

    services.cancel_order(order, user=superuser, reason="customer asked")
    run_deferred_checks()

    assert order.status == OrderStatus.CANCELLED
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED
    assert order.cancellation.status_at_cancel == OrderStatus.ACCEPTED
    refund = order.refunds.get()
    assert (refund.status, refund.amount, refund.destination) == (
        RefundStatus.SUCCEEDED,
        order.total,
        "PLATFORM_WALLET",
    )
    assert refund.requested_by == superuser
    credit = refund.wallet_txn
    assert (credit.txn_type, credit.amount, credit.refund_id) == (
        "REFUND_CREDIT",
        order.total,
        refund.pk,
    )
    # The wallet is back where it was before the order.
    assert CustomerWallet.objects.get(customer=order.customer).balance == Decimal("500.00")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert statuses(order)[-1] == "cancelled"
    assert OrderAuditLog.objects.filter(table_name="order_refunds", row_pk=str(refund.pk)).exists()


def test_a_upi_refund_goes_to_the_gateway_and_succeeds_later(superuser, run_deferred_checks):
    order = FoodOrderFactory(status=OrderStatus.CREATED)
    payment = order.payments.get()

    with pytest.raises(services.Refused, match="cannot be refunded"):
        services.refund_order(order, user=superuser, amount=order.total + 1, reason="typo")
    (refund,) = services.refund_order(order, user=superuser, amount=Decimal("50"), reason="late")
    assert (refund.status, refund.destination) == (RefundStatus.PROCESSING, "SOURCE")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED  # nothing went back yet

    services.confirm_refund(refund, gateway_refund_id="rfnd_1", arn="ARN1")
    run_deferred_checks()
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.processed_at
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED


def test_placing_is_refused_whole_for_a_customer_whose_status_forbids_it():
    from customers.factories import CustomerFactory
    from orders.models import Order

    blocked = CustomerFactory(status="BLOCKED")
    with pytest.raises(services.Refused, match=r"orders\.orders") as caught:
        scenarios.placed_food_order(customer=blocked)
    assert "Nothing was changed" in str(caught.value)
    no_cod = CustomerFactory(cod_enabled=False)
    with pytest.raises(services.Refused, match=r"orders\.orders"):
        scenarios.placed_food_order(customer=no_cod, payment_method=PaymentMethod.CASH)
    assert not Order.objects.filter(customer__in=[blocked, no_cod]).exists()
    # Online payment is fine for a customer without cash on delivery.
    assert scenarios.placed_food_order(customer=no_cod).status == OrderStatus.CREATED


def test_the_delivery_fee_comes_from_the_zones_fee_rule():
    from orders.models import DeliveryFeeRule, Order

    order = scenarios.placed_food_order()
    rule = DeliveryFeeRule.objects.get(zone=order.zone)
    expected = pricing.delivery_fee(rule, order.distance_m)
    assert expected == pricing.money(
        rule.base_fee + rule.per_km_fee * Decimal(order.distance_m) / 1000
    )
    assert order.charges.get(charge_type="DELIVERY_FEE").amount == expected
    DeliveryFeeRule.objects.update(active=False)  # the factories' zones may be shared
    with pytest.raises(
        services.Refused, match=r"orders\.delivery_fee_rules: no active rule"
    ) as caught:
        scenarios.placed_food_order(fee_rule=False)
    assert "nothing was placed" in str(caught.value)
    assert Order.objects.count() == 1


def test_a_wallet_order_needs_the_balance(run_deferred_checks):
    from customers.factories import CustomerFactory, CustomerWalletFactory

    customer = CustomerFactory()
    CustomerWalletFactory(customer=customer, credits=["10.00"])
    with pytest.raises(services.Refused, match=r"customers\.customer_wallet: the wallet"):
        scenarios.placed_food_order(customer=customer, payment_method=PaymentMethod.PLATFORM_WALLET)
    assert not customer.orders.exists()
