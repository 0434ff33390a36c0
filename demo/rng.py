"""Deterministic randomness for the demo data.

Every table (and every batch of a big table) draws from its own stream,
``DemoRandom(seed, "orders", batch_no)``: Python seeds ``random.Random`` from
a string through SHA-512, so a stream depends only on the seed and its
name. Adding a table or changing how many rows one table gets never shifts
the values of another, and a batch can be regenerated on its own.

Unique identifiers (mobiles, codes) are not drawn at random, which could
collide; they come from numbered bijections (:func:`spread`), so entity
``n`` of a kind always gets the same, distinct value.
"""

import random
from bisect import bisect_right
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")


def money(value):
    """``value`` as rupees and paise (a ``Decimal`` with two places)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def spread(n, space, salt=0):
    """A bijection of ``range(space)``: ``n`` -> a distinct, scattered number.

    The multiplier is a prime (Knuth's 2654435761), so the map is one-to-one
    for every ``space`` that is not a multiple of it."""
    return (n * 2_654_435_761 + salt * 40_503 + 97_531) % space


class Weighted:
    """A precomputed weighted choice: ``Weighted({"UPI": 55, "CASH": 20}).draw(rng)``."""

    def __init__(self, weights):
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def draw(self, rng):
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


class DemoRandom(random.Random):
    """``random.Random`` seeded from ``(seed, *names)`` with demo helpers."""

    def __init__(self, seed, *names):
        super().__init__(":".join(str(part) for part in (seed, *names)))

    def chance(self, probability):
        return self.random() < probability

    def pick(self, options):
        return options[int(self.random() * len(options))]

    def amount(self, low, high, step=1):
        """Rupees between ``low`` and ``high`` in multiples of ``step``."""
        steps = int((high - low) / step)
        return money(Decimal(str(low)) + Decimal(str(step)) * self.randint(0, steps))

    def digits(self, count):
        return "".join(str(self.randrange(10)) for _ in range(count))

    def letters(self, count, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        # ``pick`` inlined (the same draws): a card token is 14 letters, and
        # the customers step asks for one or two per customer.
        random, size = self.random, len(alphabet)
        return "".join([alphabet[int(random() * size)] for _ in range(count)])

    def hexdigits(self, count):
        return "%0*x" % (count, self.getrandbits(count * 4))

    def near(self, value, spread_degrees=0.01):
        """A coordinate within ``spread_degrees`` of ``value`` (numeric(9,6))."""
        offset = (self.random() * 2 - 1) * spread_degrees
        return (Decimal(value) + Decimal(offset)).quantize(MICRO)

    def before(self, moment, max_seconds, min_seconds=0):
        """A moment up to ``max_seconds`` before ``moment`` (whole seconds)."""
        return moment - timedelta(seconds=self.randint(min_seconds, max_seconds))

    def after(self, moment, max_seconds, min_seconds=0):
        return moment + timedelta(seconds=self.randint(min_seconds, max_seconds))
