"""Each database-enforced rule of the orders domain, tried with a violating
write: PostgreSQL refuses it and the error names the table or rule.

Rules checked at commit are run inside the test's transaction with
``run_deferred_checks()`` (``SET CONSTRAINTS ALL IMMEDIATE``); see
``tests/orders/test_lifecycle.py`` for the same rules at real commits."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.factories import CustomerWalletTransactionFactory
from gatimitra.enums import LedgerEntryDirection, OrderStatus, PaymentStatus, ServiceType
from merchants.factories import (
    LiveMerchantStoreFactory,
    MerchantStorePayoutFactory,
    MerchantTaxRegistrationFactory,
)
from orders.choices import AssignmentStatus, ChargeType, RefundStatus, StopType
from orders.factories import (
    DeliveryFeeRuleFactory,
    ExternalDeliveryProviderFactory,
    ExternalProviderCallbackFactory,
    ExternalProviderRateCardFactory,
    FoodOrderFactory,
    OrderChargeFactory,
    OrderDeliveryProofFactory,
    OrderInvoiceFactory,
    OrderItemFactory,
    OrderPaymentEventFactory,
    OrderPaymentFactory,
    OrderRefundFactory,
    OrderRiderAssignmentFactory,
    OrderSettlementFactory,
    OrderTimelineFactory,
    ParcelOrderFactory,
    RideFarePolicyFactory,
    RideOrderFactory,
    ServiceCityFactory,
    ServiceZoneFactory,
    SurgePricingRuleFactory,
)
from orders.factories.orders import (
    OrderFoodDetailsFactory,
    OrderParcelDetailsFactory,
    OrderRideDetailsFactory,
)
from orders.models import (
    ExternalProviderCallback,
    Order,
    OrderCharge,
    OrderFoodDetails,
    OrderItem,
    OrderPayment,
    OrderPaymentEvent,
    OrderStop,
    OrderTimeline,
)
from riders.factories import RiderOrderEarningFactory

pytestmark = pytest.mark.django_db


@contextmanager
def refused(*fragments):
    """The block raises IntegrityError whose message (or reported constraint
    name) contains every fragment.

    The block runs in a savepoint that is rolled back, so the violating rows
    are gone afterwards: Django's TestCase teardown runs ``SET CONSTRAINTS ALL
    IMMEDIATE`` (``check_constraints``), which would report them again."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
    cause = caught.value.__cause__
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    message = f"{caught.value} [{constraint}]"
    for fragment in fragments:
        assert fragment in message, message


# 1. Append-only tables ----------------------------------------------------------


def _timeline_entry():
    return OrderTimelineFactory()


def _payment_event():
    return OrderPaymentEventFactory()


def _callback():
    return ExternalProviderCallbackFactory()


@pytest.mark.parametrize(
    ("make", "model", "table", "change"),
    [
        (_timeline_entry, OrderTimeline, "order_timeline", {"note": "rewritten"}),
        (_payment_event, OrderPaymentEvent, "order_payment_events", {"amount": Decimal("1.00")}),
        (_callback, ExternalProviderCallback, "external_provider_callbacks", {"payload": {}}),
    ],
    ids=["order_timeline", "order_payment_events", "external_provider_callbacks"],
)
def test_append_only_tables_refuse_update_and_delete(make, model, table, change):
    row = make()
    with refused(f"orders.{table} is append-only: UPDATE refused"):
        model.objects.filter(pk=row.pk).update(**change)
    with refused(f"orders.{table} is append-only: DELETE refused"):
        model.objects.filter(pk=row.pk).delete()


# 3. Idempotency keys ----------------------------------------------------------------


def test_gateway_event_id_is_unique():
    event = OrderPaymentEventFactory()
    with refused("order_payment_events_gateway_event_id_key"):
        OrderPaymentEventFactory(payment=event.payment, gateway_event_id=event.gateway_event_id)


def test_provider_callback_is_unique_per_provider_event():
    callback = ExternalProviderCallbackFactory()
    # The same event id from another provider is another event.
    ExternalProviderCallbackFactory(provider_event_id=callback.provider_event_id)
    with refused("external_provider_callbacks_event_key"):
        ExternalProviderCallbackFactory(
            external_delivery=callback.external_delivery,
            provider_event_id=callback.provider_event_id,
        )


def test_refund_idempotency_key_is_unique():
    refund = OrderRefundFactory(amount=Decimal("10.00"))
    with refused("order_refunds_idempotency_key_key"):
        OrderRefundFactory(
            payment=refund.payment, amount=Decimal("10.00"), idempotency_key=refund.idempotency_key
        )


# 4. One active assignment per order ---------------------------------------------------


def test_at_most_one_active_assignment_per_order():
    assignment = OrderRiderAssignmentFactory(status=AssignmentStatus.ASSIGNED)
    # Finished assignments do not count.
    OrderRiderAssignmentFactory(order=assignment.order, status=AssignmentStatus.REJECTED)
    with refused("order_rider_assignments_one_active_per_order"):
        OrderRiderAssignmentFactory(order=assignment.order, status=AssignmentStatus.ACCEPTED)


# 6. Money --------------------------------------------------------------------------


def test_money_is_never_negative():
    order = FoodOrderFactory()
    with refused("order_charges_amount_check"):
        OrderChargeFactory(order=order, amount=Decimal("-1.00"), refresh_order_totals=False)


def test_total_must_equal_the_signed_sum_of_charges(run_deferred_checks):
    order = FoodOrderFactory()
    with refused("orders_total_matches_charges", "orders.orders", order.order_number):
        Order.objects.filter(pk=order.pk).update(total=order.total + 1)
        run_deferred_checks()


def test_a_new_charge_must_be_reflected_in_the_total(run_deferred_checks):
    order = FoodOrderFactory()
    with refused("orders_total_matches_charges", "order_charges add up to total"):
        OrderChargeFactory(order=order, amount=Decimal("15.00"), refresh_order_totals=False)
        run_deferred_checks()


def test_total_follows_charges_when_kept_in_step(run_deferred_checks):
    order = FoodOrderFactory()
    before = order.total
    OrderChargeFactory(order=order, amount=Decimal("15.00"))  # updates the totals
    run_deferred_checks()
    order.refresh_from_db()
    assert order.total == before + Decimal("15.00")


def test_discount_never_exceeds_the_subtotal():
    order = FoodOrderFactory()
    with refused("orders_discount_within_subtotal"):
        OrderChargeFactory(
            order=order,
            charge_type=ChargeType.DISCOUNT,
            direction=LedgerEntryDirection.CREDIT,
            amount=order.subtotal + 1,
            payer="PLATFORM",
            beneficiary="CUSTOMER",
        )


@pytest.mark.parametrize(
    ("charge_type", "direction"),
    [
        (ChargeType.DISCOUNT, LedgerEntryDirection.DEBIT),
        (ChargeType.DELIVERY_FEE, LedgerEntryDirection.CREDIT),
        (ChargeType.GST, LedgerEntryDirection.CREDIT),
    ],
)
def test_charge_sign_comes_from_its_type(charge_type, direction):
    order = FoodOrderFactory()
    with refused("order_charges_direction_by_type"):
        OrderChargeFactory(
            order=order, charge_type=charge_type, direction=direction, refresh_order_totals=False
        )


def test_refunds_never_exceed_the_captured_payment():
    payment = OrderPaymentFactory()
    OrderRefundFactory(payment=payment, amount=payment.amount - 10)
    with refused("order_refunds_within_captured", f"payment {payment.pk}"):
        OrderRefundFactory(payment=payment, amount=Decimal("10.01"))


def test_failed_refunds_do_not_count_against_the_payment():
    payment = OrderPaymentFactory()
    OrderRefundFactory(payment=payment, amount=payment.amount, status=RefundStatus.FAILED)
    OrderRefundFactory(payment=payment, amount=payment.amount, status=RefundStatus.REJECTED)
    refund = OrderRefundFactory(payment=payment, amount=payment.amount)
    # ... but a failed refund retried (status back to PROCESSING) counts again.
    failed = payment.refunds.filter(status=RefundStatus.FAILED).get()
    with refused("order_refunds_within_captured"):
        failed.status = RefundStatus.PROCESSING
        failed.save()
    assert refund.pk


def test_an_uncaptured_payment_cannot_be_refunded():
    payment = OrderPaymentFactory(status=PaymentStatus.AUTHORIZED, captured_at=None)
    with refused("order_refunds_within_captured", "status AUTHORIZED"):
        OrderRefundFactory(payment=payment, amount=Decimal("1.00"))


def test_a_refunded_payment_cannot_lose_its_capture():
    refund = OrderRefundFactory()
    payment = refund.payment
    payment.status = PaymentStatus.FAILED
    payment.failed_at = payment.captured_at
    # The payment machine refuses CAPTURED -> FAILED before the refund rule runs.
    with refused("order_payments_transition", "CAPTURED to FAILED"):
        payment.save()


def test_a_refund_belongs_to_its_payments_order(run_deferred_checks):
    payment = OrderPaymentFactory()
    other_order = FoodOrderFactory()
    with refused("order_refunds_payment_of_order_fk"):
        OrderRefundFactory(payment=payment, order=other_order, amount=Decimal("1.00"))
        run_deferred_checks()


# 7. Service shape ------------------------------------------------------------------


@pytest.mark.parametrize("service", list(ServiceType))
def test_an_order_needs_its_detail_row(service, run_deferred_checks):
    with refused("orders_one_matching_detail", f"{service} order"):
        FoodOrderFactory(service_type=service, with_detail=False)
        run_deferred_checks()


@pytest.mark.parametrize(
    ("service", "wrong_detail"),
    [
        (ServiceType.FOOD, OrderRideDetailsFactory),
        (ServiceType.PARCEL, OrderFoodDetailsFactory),
        (ServiceType.RIDE, OrderParcelDetailsFactory),
    ],
)
def test_the_detail_row_matches_the_service(service, wrong_detail, run_deferred_checks):
    # A parcel from a merchant's pickup point has a store, yet no FOOD details.
    store = {"merchant_store": LiveMerchantStoreFactory()} if service == ServiceType.PARCEL else {}
    with refused("orders_one_matching_detail", f"order_{service.lower()}_details"):
        order = FoodOrderFactory(service_type=service, with_detail=False, **store)
        wrong_detail(order=order)
        run_deferred_checks()


def test_an_order_has_one_detail_row_only(run_deferred_checks):
    order = FoodOrderFactory()
    with refused("orders_one_matching_detail", "found food 1, parcel 1, ride 0"):
        OrderParcelDetailsFactory(order=order)
        run_deferred_checks()


def test_food_orders_have_items(run_deferred_checks):
    with refused("orders_food_has_items", "FOOD order"):
        FoodOrderFactory(with_items=False)
        run_deferred_checks()


@pytest.mark.parametrize("factory", [RideOrderFactory, ParcelOrderFactory])
def test_only_food_orders_have_items(factory, run_deferred_checks):
    order = factory()
    with refused("orders_items_only_on_food", order.order_number):
        OrderItemFactory(order=order)
        run_deferred_checks()


@pytest.mark.parametrize("missing", [StopType.PICKUP, StopType.DROP])
def test_every_order_has_a_pickup_and_a_drop(missing, run_deferred_checks):
    order = ParcelOrderFactory()
    with refused("orders_pickup_and_drop_stops", order.order_number):
        OrderStop.objects.filter(order=order, stop_type=missing).delete()
        run_deferred_checks()


def test_a_stop_cannot_be_turned_into_a_waypoint_if_it_is_the_only_drop(run_deferred_checks):
    order = RideOrderFactory()
    with refused("orders_pickup_and_drop_stops", "found 1 pickup, 0 drop"):
        OrderStop.objects.filter(order=order, stop_type=StopType.DROP).update(
            stop_type=StopType.WAYPOINT
        )
        run_deferred_checks()


# 8. Status machine -------------------------------------------------------------------


def test_status_changes_follow_the_allowed_transitions():
    order = FoodOrderFactory()
    with refused("orders_status_transition", "FOOD order cannot go from created to delivered"):
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)


def test_rides_are_never_delivered():
    order = RideOrderFactory(status=OrderStatus.REACHED_DROP)
    with refused("orders_status_transition", "RIDE order cannot go from reached_drop"):
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED)


@pytest.mark.parametrize(
    "terminal",
    [
        OrderStatus.COMPLETED,
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
        OrderStatus.RTO_DELIVERED,
    ],
)
def test_terminal_statuses_are_final(terminal):
    order = ParcelOrderFactory(status=terminal)
    with refused("orders_terminal_status_final", "terminal status"):
        Order.objects.filter(pk=order.pk).update(status=OrderStatus.CREATED)


def test_the_service_of_an_order_never_changes():
    order = FoodOrderFactory()
    with refused("orders_service_type_fixed"):
        Order.objects.filter(pk=order.pk).update(
            service_type=ServiceType.PARCEL, order_number="PC" + order.order_number[2:]
        )


def test_status_change_rows_come_only_from_the_trigger():
    order = FoodOrderFactory()
    with refused("order_timeline_status_change_by_trigger"):
        OrderTimeline.objects.create(
            order=order,
            event="STATUS_CHANGE",
            from_status=OrderStatus.CREATED,
            status=OrderStatus.CONFIRMED,
        )


# 16. Validity windows and fare policy overlap ---------------------------------------------


def test_active_fare_policies_of_a_city_and_vehicle_never_overlap():
    first = RideFarePolicyFactory(valid_to=None)
    with refused("ride_fare_policies_no_overlap"):
        RideFarePolicyFactory(
            city=first.city,
            vehicle_type=first.vehicle_type,
            version=2,
            valid_from=first.valid_from + timedelta(days=30),
        )


def test_fare_policy_versions_may_follow_each_other():
    first = RideFarePolicyFactory()
    first.valid_to = first.valid_from + timedelta(days=30)
    first.save()
    # Adjacent windows ([from, to) ranges), another vehicle, an inactive draft.
    RideFarePolicyFactory(
        city=first.city,
        vehicle_type=first.vehicle_type,
        version=2,
        valid_from=first.valid_to,
    )
    RideFarePolicyFactory(city=first.city, vehicle_type="CAR_SEDAN", version=1)
    RideFarePolicyFactory(city=first.city, vehicle_type=first.vehicle_type, version=3, active=False)


@pytest.mark.parametrize(
    ("factory", "table"),
    [
        (RideFarePolicyFactory, "ride_fare_policies"),
        (DeliveryFeeRuleFactory, "delivery_fee_rules"),
        (SurgePricingRuleFactory, "surge_pricing_rules"),
        (ExternalProviderRateCardFactory, "external_provider_rate_cards"),
    ],
)
def test_pricing_rules_have_a_valid_window(factory, table):
    rule = factory()
    with refused(f"{table}_valid_window"):
        type(rule).objects.filter(pk=rule.pk).update(valid_to=rule.valid_from)


# Enums and same-parent references -------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "column", "table"),
    [
        (Order, "payment_method", "orders"),
        (OrderCharge, "charge_type", "order_charges"),
        (OrderItem, "food_type", "order_items"),
        (OrderStop, "stop_type", "order_stops"),
        (OrderPayment, "status", "order_payments"),
    ],
)
def test_enums_are_checked_by_the_database(model, column, table):
    # (orders.status and service_type are guarded by the status trigger first.)
    order = FoodOrderFactory()
    rows = (
        model.objects.filter(pk=order.pk) if model is Order else model.objects.filter(order=order)
    )
    with refused(f"{table}_{column}_check"):
        rows.update(**{column: "NOT_A_VALUE"})


def test_an_orders_zone_lies_in_its_city(run_deferred_checks):
    order = FoodOrderFactory()
    zone_elsewhere = ServiceZoneFactory(city=ServiceCityFactory())
    with refused("orders_zone_in_city_fk", '"orders"'):
        Order.objects.filter(pk=order.pk).update(zone=zone_elsewhere)
        run_deferred_checks()


def test_a_proof_is_taken_at_a_stop_of_its_order(run_deferred_checks):
    proof = OrderDeliveryProofFactory()
    other_stop = FoodOrderFactory().stops.first()
    with refused("order_delivery_proofs_stop_of_order_fk"):
        type(proof).objects.filter(pk=proof.pk).update(stop=other_stop)
        run_deferred_checks()


def test_a_callback_matches_the_provider_of_its_delivery(run_deferred_checks):
    delivery = ExternalProviderCallbackFactory().external_delivery
    other_provider = ExternalDeliveryProviderFactory()
    with refused("external_provider_callbacks_delivery_of_provider_fk"):
        ExternalProviderCallback.objects.create(
            provider=other_provider,
            external_delivery=delivery,
            provider_event_id="cb-foreign",
            signature_valid=False,
        )
        run_deferred_checks()


# Cross-schema references (CATALOG section 2) -----------------------------------------

#: Every FK from an orders table to another domain's table:
#: (table, column, referenced schema.table).
CROSS_SCHEMA_FOREIGN_KEYS = {
    ("orders", "customer_id", "customers.customers"),
    ("orders", "merchant_store_id", "merchants.merchant_stores"),
    ("orders", "drop_address_id", "customers.customer_addresses"),
    ("orders", "business_profile_id", "customers.customer_business_profiles"),
    ("order_items", "menu_item_id", "merchants.merchant_menu_items"),
    ("order_items", "variant_id", "merchants.merchant_menu_item_variants"),
    ("order_item_addons", "addon_id", "merchants.merchant_menu_addons"),
    ("order_food_details", "store_id", "merchants.merchant_stores"),
    ("order_parcel_details", "receiver_contact_id", "customers.customer_saved_contacts"),
    ("order_stops", "address_id", "customers.customer_addresses"),
    ("order_stops", "store_id", "merchants.merchant_stores"),
    ("order_quotes", "customer_id", "customers.customers"),
    ("order_discounts", "merchant_offer_id", "merchants.merchant_offers"),
    ("order_discounts", "coupon_id", "customers.customer_coupons"),
    ("order_payments", "payment_method_id", "customers.customer_payment_methods"),
    ("order_refunds", "ticket_id", "customers.customer_tickets"),
    ("order_refunds", "wallet_txn_id", "customers.customer_wallet_transactions"),
    ("order_refunds", "approval_id", "access_mgmt.approval_requests"),
    ("order_invoices", "gst_registration_id", "merchants.merchant_tax_registrations"),
    ("order_settlements", "payout_id", "merchants.merchant_store_payouts"),
    ("order_settlements", "earning_id", "riders.rider_order_earnings"),
    ("order_rider_assignments", "rider_id", "riders.riders"),
    ("order_rider_assignments", "vehicle_id", "riders.rider_vehicles"),
    ("order_dispatch_offers", "rider_id", "riders.riders"),
    ("order_delivery_proofs", "rider_id", "riders.riders"),
    ("external_delivery_providers", "api_client_id", "access_mgmt.api_clients"),
}


def test_cross_schema_foreign_keys_restrict_deletes_and_check_at_commit():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rel.relname, att.attname, fns.nspname || '.' || frel.relname,
                   con.confdeltype, con.condeferrable, con.condeferred
            FROM pg_constraint con
            JOIN pg_class rel ON rel.oid = con.conrelid
            JOIN pg_namespace ns ON ns.oid = rel.relnamespace
            JOIN pg_class frel ON frel.oid = con.confrelid
            JOIN pg_namespace fns ON fns.oid = frel.relnamespace
            JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
            WHERE con.contype = 'f' AND ns.nspname = 'orders' AND fns.nspname <> 'orders'
              AND NOT (fns.nspname = 'access_mgmt' AND frel.relname = 'system_users')
              AND NOT rel.relispartition  -- partitions hold copies of their table's keys
            """
        )
        rows = cursor.fetchall()
    assert {(table, column, target) for table, column, target, *_ in rows} == (
        CROSS_SCHEMA_FOREIGN_KEYS
    )
    # ON DELETE RESTRICT, DEFERRABLE INITIALLY DEFERRED.
    assert {(delete, deferrable, deferred) for *_, delete, deferrable, deferred in rows} == {
        ("r", True, True)
    }


def test_a_customer_with_orders_cannot_be_deleted():
    order = FoodOrderFactory()
    with refused("orders_customer_id", "customers"), connection.cursor() as cursor:
        cursor.execute('DELETE FROM "customers"."customers" WHERE id = %s', [order.customer_id])


def test_an_order_has_a_customer():
    order = FoodOrderFactory()
    with refused("customer_id", "orders"):
        Order.objects.filter(pk=order.pk).update(customer=None)


def test_food_orders_have_a_store():
    with refused("orders_food_has_store"):
        FoodOrderFactory(merchant_store=None)


def test_the_kitchen_is_the_orders_store(run_deferred_checks):
    order = FoodOrderFactory()
    with refused("order_food_details_store_of_order_fk"):
        OrderFoodDetails.objects.filter(order=order).update(store=LiveMerchantStoreFactory())
        run_deferred_checks()
    with refused("order_food_details_store_of_order_fk"):
        Order.objects.filter(pk=order.pk).update(merchant_store=LiveMerchantStoreFactory())
        run_deferred_checks()


def test_a_settlement_lands_in_a_payout_of_the_orders_store(run_deferred_checks):
    order = FoodOrderFactory(
        status=OrderStatus.DELIVERED, with_earning=False, with_settlement=False
    )
    settlement = OrderSettlementFactory(order=order)
    store = settlement.order.merchant_store
    with refused("order_settlements_payout_of_store", settlement.order.order_number):
        settlement.payout = MerchantStorePayoutFactory()  # another store's
        settlement.save()
        run_deferred_checks()
    settlement.payout = MerchantStorePayoutFactory(
        store=store,
        bank_account=store.bank_accounts.get(),
        contract=store.contracts.get(),
    )
    settlement.save()
    run_deferred_checks()


def test_a_settlement_pays_the_rider_who_took_the_order(run_deferred_checks):
    settlement = OrderSettlementFactory()
    assert settlement.earning.rider == settlement.order.rider_assignments.get().rider
    stranger = RiderOrderEarningFactory(service_type=settlement.order.service_type)
    with refused("order_settlements_earning_of_order_rider", settlement.order.order_number):
        settlement.earning = stranger
        settlement.save()
        run_deferred_checks()
    wrong_service = RiderOrderEarningFactory(
        rider=settlement.earning.rider, service_type=ServiceType.RIDE
    )
    with refused("order_settlements_earning_of_order_rider"):
        settlement.earning = wrong_service
        settlement.save()
        run_deferred_checks()


def test_merchant_invoices_name_their_gst_registration():
    order = FoodOrderFactory(status=OrderStatus.DELIVERED)
    with refused("order_invoices_merchant_names_registration"):
        OrderInvoiceFactory(order=order, issuer="MERCHANT")
    OrderInvoiceFactory(
        order=order, issuer="MERCHANT", gst_registration=MerchantTaxRegistrationFactory()
    )


def test_a_successful_wallet_refund_names_its_wallet_credit():
    refund = OrderRefundFactory(destination="PLATFORM_WALLET")
    refund.status, refund.processed_at = RefundStatus.SUCCEEDED, timezone.now()
    with refused("order_refunds_wallet_refund_credited"):
        refund.save()
    # The wallet credit of the order's customer, naming the refund.
    refund.wallet_txn = CustomerWalletTransactionFactory(
        wallet__customer=refund.order.customer,
        txn_type="REFUND_CREDIT",
        amount=refund.amount,
        source_type="REFUND",
        source_id=str(refund.pk),
        refund=refund,
        order=refund.order,
    )
    refund.save()
