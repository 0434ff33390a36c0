"""Indian rules on orders (issue 26 part B), each tried with a violating
write: ride fares within the Motor Vehicle Aggregator Guidelines 2025, the
driver's share, ONDC network ids, and the vocabularies of once free-text
columns. The numbers come from ``orders.ride_rules``."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from gatimitra.enums import OrderStatus
from orders import ride_rules
from orders.choices import IndianTimeZone, PaymentFailureCode, RefundReason, RideVehicleOwner
from orders.factories import (
    OrderPaymentFactory,
    OrderRefundFactory,
    RideFarePolicyFactory,
    RideOrderFactory,
    ServiceCityFactory,
    SurgePricingRuleFactory,
)
from orders.factories.orders import OrderFactory
from orders.factories.settlements import OrderCancellationFactory
from orders.models import Order, OrderPayment, OrderRefund, OrderRideDetails, RideFarePolicy
from orders.models.cities import TIMESTAMP_GUIDELINES_ISSUED, ServiceCity

pytestmark = pytest.mark.django_db


@contextmanager
def refused(*constraints):
    """The block is refused by one of the database rules ``constraints``
    (SQLSTATE 23514 or 23505), named on the error."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
    diag = caught.value.__cause__.diag
    assert diag.constraint_name in constraints, str(caught.value)
    assert diag.sqlstate in ("23514", "23505"), diag.sqlstate


def _ride():
    return RideOrderFactory().ride_details


# Fare policy ---------------------------------------------------------------------------


def test_the_python_caps_are_the_guidelines():
    assert Decimal("0.50") == ride_rules.SURGE_FLOOR
    assert Decimal("2.00") == ride_rules.SURGE_CAP
    assert ride_rules.MIN_BASE_DISTANCE_M == 3000
    assert ride_rules.cancellation_fee_limit(Decimal("300.00")) == Decimal("30.00")
    assert ride_rules.cancellation_fee_limit(Decimal("2400.00")) == Decimal("100.00")
    assert ride_rules.driver_share_floor(Decimal("200.00"), "DRIVER") == Decimal("160.00")
    assert ride_rules.driver_share_floor(Decimal("200.00"), "AGGREGATOR") == Decimal("120.00")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("surge_cap_multiplier", Decimal("2.01")),
        ("surge_cap_multiplier", Decimal("0.90")),
        ("surge_floor_multiplier", Decimal("0.49")),
        ("surge_floor_multiplier", Decimal("1.10")),
    ],
)
def test_a_city_cannot_widen_the_surge_band(column, value):
    policy = RideFarePolicyFactory()
    with refused("ride_fare_policies_surge_band"):
        RideFarePolicy.objects.filter(pk=policy.pk).update(**{column: value})


def test_a_city_may_narrow_the_surge_band():
    policy = RideFarePolicyFactory(
        surge_floor_multiplier=Decimal("0.80"), surge_cap_multiplier=Decimal("1.50")
    )
    policy.refresh_from_db()
    assert (policy.surge_floor_multiplier, policy.surge_cap_multiplier) == (
        Decimal("0.80"),
        Decimal("1.50"),
    )


def test_the_cancellation_fee_of_a_policy_is_at_most_100_rupees():
    policy = RideFarePolicyFactory(cancellation_fee=Decimal("100.00"))
    with refused("ride_fare_policies_cancellation_fee_cap"):
        RideFarePolicy.objects.filter(pk=policy.pk).update(cancellation_fee=Decimal("100.01"))


def test_the_base_fare_covers_three_km():
    policy = RideFarePolicyFactory(base_distance_m=3000)
    with refused("ride_fare_policies_base_distance_3km"):
        RideFarePolicy.objects.filter(pk=policy.pk).update(base_distance_m=2999)


def test_a_version_closed_before_the_guidelines_keeps_its_shorter_base_distance():
    policy = RideFarePolicyFactory(
        valid_from=TIMESTAMP_GUIDELINES_ISSUED - timedelta(days=400),
        valid_to=TIMESTAMP_GUIDELINES_ISSUED,
        base_distance_m=2000,
    )
    with refused("ride_fare_policies_base_distance_3km"):
        RideFarePolicy.objects.filter(pk=policy.pk).update(
            valid_to=TIMESTAMP_GUIDELINES_ISSUED + timedelta(seconds=1)
        )


def test_ride_surge_rules_are_capped_at_two_times():
    rule = SurgePricingRuleFactory(service_type="RIDE", max_multiplier=Decimal("2.00"))
    with refused("surge_pricing_rules_ride_cap_2x"):
        type(rule).objects.filter(pk=rule.pk).update(max_multiplier=Decimal("2.50"))
    food = SurgePricingRuleFactory(service_type="FOOD", max_multiplier=Decimal("2.50"))
    assert food.max_multiplier == Decimal("2.50")


# Each ride ------------------------------------------------------------------------------


@pytest.mark.parametrize("surge", [Decimal("0.49"), Decimal("2.01")])
def test_a_ride_surges_between_half_and_two_times(surge):
    ride = _ride()
    # The policy's band (a trigger, first) or the national range (a CHECK).
    with refused("order_ride_details_surge_in_policy_band", "order_ride_details_surge_range"):
        OrderRideDetails.objects.filter(pk=ride.pk).update(surge_multiplier=surge)
    # The CHECK alone, with the triggers switched off for this transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        with refused("order_ride_details_surge_range"):
            OrderRideDetails.objects.filter(pk=ride.pk).update(surge_multiplier=surge)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_a_ride_surges_within_its_city_band():
    ride = _ride()
    RideFarePolicy.objects.filter(pk=ride.fare_policy_id).update(
        surge_floor_multiplier=Decimal("0.90"), surge_cap_multiplier=Decimal("1.50")
    )
    OrderRideDetails.objects.filter(pk=ride.pk).update(surge_multiplier=Decimal("1.50"))
    with refused("order_ride_details_surge_in_policy_band"):
        OrderRideDetails.objects.filter(pk=ride.pk).update(surge_multiplier=Decimal("1.60"))
    with refused("order_ride_details_surge_in_policy_band"):
        OrderRideDetails.objects.filter(pk=ride.pk).update(surge_multiplier=Decimal("0.80"))
    # A discount inside the band is allowed (MVAG: down to 50% of the base fare).
    OrderRideDetails.objects.filter(pk=ride.pk).update(surge_multiplier=Decimal("0.90"))


@pytest.mark.parametrize(
    ("owner", "fare", "lowest", "too_low"),
    [
        (RideVehicleOwner.DRIVER, Decimal("250.00"), Decimal("200.00"), Decimal("199.99")),
        (RideVehicleOwner.AGGREGATOR, Decimal("250.00"), Decimal("150.00"), Decimal("149.99")),
    ],
)
def test_the_driver_keeps_the_guideline_share(owner, fare, lowest, too_low):
    ride = _ride()
    rows = OrderRideDetails.objects.filter(pk=ride.pk)
    rows.update(fare_amount=fare, driver_share_amount=lowest, vehicle_owner=owner)
    stored = rows.get()
    assert (stored.fare_amount, stored.driver_share_amount, stored.vehicle_owner) == (
        fare,
        lowest,
        owner,
    )
    with refused("order_ride_details_driver_share_floor"):
        rows.update(driver_share_amount=too_low)
    with refused("order_ride_details_driver_share_floor"):
        rows.update(driver_share_amount=fare + Decimal("0.01"))


def test_the_share_is_recorded_with_the_fare_and_the_owner():
    ride = _ride()
    with refused("order_ride_details_driver_share_recorded"):
        OrderRideDetails.objects.filter(pk=ride.pk).update(fare_amount=Decimal("250.00"))


def test_a_ride_cancellation_costs_at_most_10_percent_and_100_rupees():
    ride = _ride()
    OrderRideDetails.objects.filter(pk=ride.pk).update(
        fare_amount=Decimal("180.00"),
        driver_share_amount=Decimal("144.00"),
        vehicle_owner=RideVehicleOwner.DRIVER,
    )
    order = ride.order
    with refused("order_cancellations_ride_fee_cap"):
        OrderCancellationFactory(order=order, fee=Decimal("18.01"))
    cancellation = OrderCancellationFactory(order=order, fee=Decimal("18.00"))
    assert cancellation.fee == Decimal("18.00")
    OrderRideDetails.objects.filter(pk=ride.pk).update(
        fare_amount=Decimal("2400.00"), driver_share_amount=Decimal("1920.00")
    )
    with refused("order_cancellations_ride_fee_cap"):
        type(cancellation).objects.filter(pk=cancellation.pk).update(fee=Decimal("100.01"))


def test_the_cancel_service_caps_a_ride_fee():
    from orders.factories import CancellationReasonFactory
    from orders.services import cancellation_fee

    order = RideOrderFactory()
    order.total = Decimal("150.00")
    reason = CancellationReasonFactory(
        service_type="RIDE",
        fee_statuses=[OrderStatus.CONFIRMED],
        fee_flat=Decimal("40.00"),
        fee_percent=Decimal("0.00"),
    )
    assert cancellation_fee(reason, order, OrderStatus.CONFIRMED) == Decimal("15.00")


# ONDC -----------------------------------------------------------------------------------


def _ondc(order, **ids):
    values = {
        "channel": "ONDC",
        "ondc_bap_id": "buyer.example.in",
        "ondc_transaction_id": "2d8a1c3e-0b9f-4a77-9a51-6c1d0f2b7e11",
        "ondc_order_id": "O-2025-000123",
    }
    values.update(ids)
    Order.objects.filter(pk=order.pk).update(**values)


def test_an_ondc_order_carries_its_network_ids():
    order = OrderFactory()
    with refused("orders_ondc_ids_for_ondc"):
        Order.objects.filter(pk=order.pk).update(channel="ONDC")
    _ondc(order)
    stored = Order.objects.get(pk=order.pk)
    assert (stored.ondc_bap_id, stored.ondc_order_id) == ("buyer.example.in", "O-2025-000123")
    with refused("orders_ondc_ids_for_ondc"):
        Order.objects.filter(pk=order.pk).update(channel="APP")


def test_network_ids_are_unique_per_buyer_app():
    first, second = OrderFactory(), OrderFactory()
    _ondc(first)
    with refused("orders_ondc_transaction_uniq"):
        _ondc(second, ondc_order_id="O-2025-000124")
    with refused("orders_ondc_order_uniq"):
        _ondc(second, ondc_transaction_id="another-transaction")
    # The same ids under another buyer app are another order.
    _ondc(second, ondc_bap_id="other-buyer.example.com")


def test_the_buyer_app_id_is_a_domain_name():
    order = OrderFactory()
    with refused("orders_ondc_bap_id_format"):
        _ondc(order, ondc_bap_id="not a domain")


# Vocabularies ---------------------------------------------------------------------------


def test_refund_reasons_are_a_vocabulary():
    refund = OrderRefundFactory(reason_code=RefundReason.WRONG_ITEM)
    with refused("order_refunds_reason_code_check"):
        OrderRefund.objects.filter(pk=refund.pk).update(reason_code="SOMETHING_ELSE")


def test_payment_failure_codes_are_a_vocabulary_or_none():
    payment = OrderPaymentFactory()
    assert payment.failure_code is None
    OrderPayment.objects.filter(pk=payment.pk).update(failure_code=PaymentFailureCode.GATEWAY_ERROR)
    with refused("order_payments_failure_code_check"):
        OrderPayment.objects.filter(pk=payment.pk).update(failure_code="")
    with refused("order_payments_failure_code_check"):
        OrderPayment.objects.filter(pk=payment.pk).update(failure_code="card_declined")


def test_service_cities_are_in_indian_time():
    city = ServiceCityFactory()
    assert city.timezone == IndianTimeZone.ASIA_KOLKATA
    with refused("service_cities_timezone_check"):
        ServiceCity.objects.filter(pk=city.pk).update(timezone="Asia/Calcutta")


def test_the_vocabulary_migration_reports_unknown_values():
    """The report a migration gives before adding a CHECK: the table, the
    column and each unknown value with its count (NULL passes)."""
    from gatimitra.db import vocabulary

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE refunds_then (reason_code text)")
        cursor.execute(
            "INSERT INTO refunds_then VALUES ('GOODWILL'), ('MISSING_ITEM'), "
            "('Missing item'), ('Missing item'), (NULL)"
        )
        for statement in vocabulary.normalise(
            "refunds_then", "reason_code", {"MISSING_ITEM": "ITEM_MISSING"}
        ):
            cursor.execute(statement)
        allowed = ["GOODWILL", "ITEM_MISSING"]
        with pytest.raises(IntegrityError) as caught, transaction.atomic():
            cursor.execute(
                vocabulary.refuse_unknown(
                    "refunds_then", "reason_code", allowed, label="RefundReason"
                )
            )
        message = str(caught.value)
        assert "refunds_then.reason_code holds values outside RefundReason" in message
        assert "'Missing item' (2 rows)" in message
        assert "MISSING_ITEM" not in message
        cursor.execute("DELETE FROM refunds_then WHERE reason_code = 'Missing item'")
        cursor.execute(
            vocabulary.refuse_unknown("refunds_then", "reason_code", allowed, label="RefundReason")
        )


def test_migrating_rows_outside_the_guidelines_stops_with_a_report():
    """What orders 0017 runs before adding its CHECKs: the rows that break
    them, named (the CHECK alone would not say which)."""
    import importlib

    migration = importlib.import_module("orders.migrations.0017_enforce_ride_fare_guidelines")
    policy = RideFarePolicyFactory()
    with connection.cursor() as cursor:
        cursor.execute(migration.REPORT_OUT_OF_GUIDELINE_ROWS)  # nothing to report
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending events: ALTER may run
        cursor.execute(
            'ALTER TABLE "orders"."ride_fare_policies" '
            "DROP CONSTRAINT ride_fare_policies_base_distance_3km"
        )
        RideFarePolicy.objects.filter(pk=policy.pk).update(base_distance_m=1800)
        with refused("ride_fare_policies_mvag_2025") as caught:
            cursor.execute(migration.REPORT_OUT_OF_GUIDELINE_ROWS)
    assert f"ride_fare_policies id {policy.pk}" in str(caught.value)
    assert "base distance 1800 m under 3 km" in str(caught.value)
