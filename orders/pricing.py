"""What an order costs: the fee rules and the GST split of each service,
written once. ``orders.services.place_order`` bills with them and the demo
generator (``demo.orders``) prices its orders with them.

``place_order`` prices a FOOD or PARCEL delivery from the zone's
``delivery_fee_rules`` (``delivery_fee_rule`` picks the row, ``delivery_fee``
prices it); the demo generator still uses the fixed ``food_delivery_fee`` and
``parcel_delivery_fee`` (moving it onto the rules is left to do).

GST: restaurant service sold through an e-commerce operator is taxed at 5 %
and paid by the operator (CGST Act s.9(5), notification 17/2021-CT(Rate));
the platform's own fees (delivery, platform, small cart, surge) are its
services at 18 %; passenger transport by an operator at 5 % (the fare
policy's ``gst_rate_percent``); a parcel's delivery (courier service) at 18 %.
"""

from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: GST on food (restaurant service, s.9(5)) and on the platform's services.
FOOD_GST_RATE = Decimal("5")
SERVICE_GST_RATE = Decimal("18")

FOOD_PLATFORM_FEE = Decimal("5.00")
#: An item total below this pays the small cart fee.
SMALL_CART_BELOW = Decimal("149.00")
SMALL_CART_FEE = Decimal("15.00")
PARCEL_PLATFORM_FEE = Decimal("3.00")
#: A parcel farther than this pays the long distance fee.
LONG_DISTANCE_FROM_M = 12_000
LONG_DISTANCE_FEE = Decimal("25.00")


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(amount, rate):
    return money(Decimal(amount) * Decimal(rate) / 100)


def food_delivery_fee(distance_m):
    """20 within 3 km, then 30 + 6 per km beyond 3 km: the demo generator's
    fee (``place_order`` prices from the zone's delivery_fee_rules)."""
    if distance_m < 3000:
        return Decimal("20.00")
    return money(30 + 6 * max(ZERO, Decimal(distance_m) / 1000 - 3))


def parcel_delivery_fee(distance_m):
    """50 + 8 per km beyond 2 km: the demo generator's fee."""
    return money(50 + 8 * max(ZERO, Decimal(distance_m) / 1000 - 2))


def delivery_fee_rule(rules, *, distance_m, at, order_value=None, weight_g=None, vehicle_type=None):
    """The ``delivery_fee_rules`` row that prices a delivery, or None. Of
    ``rules`` (a zone's rows for the service, as objects) those active and
    valid at ``at`` whose slabs hold the delivery: distance from
    ``min_distance_m`` up to (not including) ``max_distance_m``, weight up to
    ``max_weight_g``, order value from ``min_order_value`` up to (not
    including) ``max_order_value``, and ``at``'s time of day in India inside
    the time band (which may wrap midnight). A slab the caller cannot judge
    (no weight, value or vehicle given) does not exclude the rule. The lowest
    ``priority`` wins, then the latest ``version``, then the lowest id."""
    clock = at.astimezone(INDIA).time()

    def applies(rule):
        if not rule.active or rule.valid_from > at or (rule.valid_to and rule.valid_to <= at):
            return False
        if distance_m < rule.min_distance_m or (
            rule.max_distance_m is not None and distance_m >= rule.max_distance_m
        ):
            return False
        if weight_g is not None and rule.max_weight_g is not None and weight_g > rule.max_weight_g:
            return False
        if order_value is not None and (
            (rule.min_order_value is not None and order_value < rule.min_order_value)
            or (rule.max_order_value is not None and order_value >= rule.max_order_value)
        ):
            return False
        if vehicle_type and rule.vehicle_type and vehicle_type != rule.vehicle_type:
            return False
        if rule.band_starts_at is not None:
            start, end = rule.band_starts_at, rule.band_ends_at
            inside = start <= clock < end if start < end else clock >= start or clock < end
            if not inside:
                return False
        return True

    matching = [rule for rule in rules if applies(rule)]
    return min(matching, key=lambda r: (r.priority, -r.version, r.id), default=None)


def delivery_fee(rule, distance_m):
    """The rule's base fee plus its per-km fee for each km beyond the start
    of its distance slab."""
    beyond_km = max(ZERO, Decimal(distance_m - rule.min_distance_m) / 1000)
    return money(rule.base_fee + rule.per_km_fee * beyond_km)


def food_gst(sales, fees):
    """5 % on the food (items and packaging) plus 18 % on the platform's fees."""
    return money(Decimal(sales) * FOOD_GST_RATE / 100 + Decimal(fees) * SERVICE_GST_RATE / 100)


def ride_fare(policy, distance_m, duration_s, multiplier=Decimal("1.00")):
    """The fare policy's base, per km beyond its base distance and per
    minute, at least its minimum, times the surge multiplier."""
    extra_km = Decimal(str(round(max(0, distance_m - policy.base_distance_m) / 1000, 2)))
    fare = (
        policy.base_fare
        + policy.per_km_rate * extra_km
        + policy.per_minute_rate * Decimal(duration_s // 60)
    )
    return money(max(fare, policy.minimum_fare) * Decimal(multiplier))


def intra_state_gst(taxable, rate_percent):
    """``(cgst, sgst)`` of a supply within one state: half the GST rate
    each, each rounded to the paisa (IGST Act s.8; CGST Act s.9). The
    platform invoices from its registration in the state of supply, so
    its order invoices are intra-state."""
    half = money(Decimal(taxable) * Decimal(rate_percent) / 200)
    return half, half


def round_off(total):
    """The ROUND_OFF line that brings ``total`` to the rupee (half up):
    ``(direction, amount)`` or None."""
    rounded = Decimal(total).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    difference = rounded - Decimal(total)
    if not difference:
        return None
    return ("DEBIT" if difference > 0 else "CREDIT", abs(difference))


def distance_m(lat1, lng1, lat2, lng2):
    """The great-circle distance in metres (a road is longer; dispatch and
    billing use this as the quoted distance until a routing quote exists)."""
    from math import asin, cos, radians, sin, sqrt

    lat1, lng1, lat2, lng2 = (radians(float(v)) for v in (lat1, lng1, lat2, lng2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lng2 - lng1) / 2) ** 2
    return round(2 * 6_371_000 * asin(sqrt(a)))
