"""The pricing rules the order services and the demo generator share."""

from datetime import UTC, datetime, time
from decimal import Decimal
from types import SimpleNamespace

from orders import pricing


def test_intra_state_gst_halves_the_rate_and_rounds_each_half_to_the_paisa():
    # 5 % of 199.00 is 9.95: CGST and SGST 2.5 % each, 4.975 rounded half up.
    assert pricing.intra_state_gst(Decimal("199.00"), pricing.FOOD_GST_RATE) == (
        Decimal("4.98"),
        Decimal("4.98"),
    )
    assert pricing.intra_state_gst(Decimal("100.00"), pricing.SERVICE_GST_RATE) == (
        Decimal("9.00"),
        Decimal("9.00"),
    )


def test_ride_fare_charges_beyond_the_base_distance_and_never_below_the_minimum():
    policy = SimpleNamespace(
        base_fare=Decimal("30.00"),
        base_distance_m=2000,
        per_km_rate=Decimal("12.00"),
        per_minute_rate=Decimal("1.00"),
        minimum_fare=Decimal("40.00"),
    )
    # 30 + 12 x 3.5 km + 1 x 14 min = 86.00, surged 1.20 = 103.20
    assert pricing.ride_fare(policy, 5500, 14 * 60 + 30, Decimal("1.20")) == Decimal("103.20")
    assert pricing.ride_fare(policy, 500, 60) == Decimal("40.00")


def test_round_off_brings_the_total_to_the_rupee():
    assert pricing.round_off(Decimal("210.50")) == ("DEBIT", Decimal("0.50"))
    assert pricing.round_off(Decimal("210.49")) == ("CREDIT", Decimal("0.49"))
    assert pricing.round_off(Decimal("210.00")) is None


def _rule(rule_id, low, high, base, per_km, **fields):
    return SimpleNamespace(
        **{
            "id": rule_id,
            "active": True,
            "version": 1,
            "priority": 100,
            "valid_from": datetime(2024, 1, 1, tzinfo=UTC),
            "valid_to": None,
            "min_distance_m": low,
            "max_distance_m": high,
            "max_weight_g": None,
            "min_order_value": None,
            "max_order_value": None,
            "vehicle_type": None,
            "band_starts_at": None,
            "band_ends_at": None,
            "base_fee": Decimal(base),
            "per_km_fee": Decimal(per_km),
            **fields,
        }
    )


NOON_IN_INDIA = datetime(2026, 5, 2, 6, 30, tzinfo=UTC)


def test_a_delivery_is_priced_by_the_slab_that_holds_its_distance():
    near, far = _rule(1, 0, 3000, "20.00", "0.00"), _rule(2, 3000, 7000, "30.00", "6.00")
    rules = [near, far]
    assert pricing.delivery_fee_rule(rules, distance_m=2999, at=NOON_IN_INDIA) is near
    chosen = pricing.delivery_fee_rule(rules, distance_m=4500, at=NOON_IN_INDIA)
    assert chosen is far
    # 30 + 6 x 1.5 km beyond the slab's 3 km
    assert pricing.delivery_fee(chosen, 4500) == Decimal("39.00")
    assert pricing.delivery_fee_rule(rules, distance_m=7000, at=NOON_IN_INDIA) is None


def test_priority_time_band_weight_value_and_validity_choose_the_rule():
    day = _rule(1, 0, 7000, "20.00", "0.00")
    night = _rule(
        2, 0, 7000, "45.00", "6.00", priority=50, band_starts_at=time(23), band_ends_at=time(5)
    )
    rules = [day, night]
    assert pricing.delivery_fee_rule(rules, distance_m=1000, at=NOON_IN_INDIA) is day
    one_am_in_india = datetime(2026, 5, 1, 19, 30, tzinfo=UTC)
    assert pricing.delivery_fee_rule(rules, distance_m=1000, at=one_am_in_india) is night
    light = _rule(3, 0, 7000, "50.00", "8.00", max_weight_g=10_000)
    assert (
        pricing.delivery_fee_rule([light], distance_m=1, at=NOON_IN_INDIA, weight_g=12_000) is None
    )
    assert pricing.delivery_fee_rule([light], distance_m=1, at=NOON_IN_INDIA, weight_g=400) is light
    big_carts = _rule(4, 0, 7000, "0.00", "0.00", min_order_value=Decimal("499.00"))
    assert (
        pricing.delivery_fee_rule(
            [big_carts], distance_m=1, at=NOON_IN_INDIA, order_value=Decimal("200")
        )
        is None
    )
    closed = _rule(5, 0, 7000, "20.00", "0.00", valid_to=datetime(2025, 1, 1, tzinfo=UTC))
    inactive = _rule(6, 0, 7000, "20.00", "0.00", active=False)
    assert pricing.delivery_fee_rule([closed, inactive], distance_m=1, at=NOON_IN_INDIA) is None
    bike = _rule(7, 0, 7000, "50.00", "8.00", vehicle_type="MOTORCYCLE")
    assert (
        pricing.delivery_fee_rule([bike], distance_m=1, at=NOON_IN_INDIA, vehicle_type="CAR_SEDAN")
        is None
    )
    newer = _rule(8, 0, 7000, "22.00", "0.00", version=2)
    assert pricing.delivery_fee_rule([day, newer], distance_m=1, at=NOON_IN_INDIA) is newer
