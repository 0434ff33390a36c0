"""The pricing rules the order services and the demo generator share."""

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
