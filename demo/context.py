"""What every step shares: the run itself (``Demo``: the seed, the plan, the
moment the data end at, the writer, ids and unique mobile numbers), and the
cities and zones the geography step hands on. What a step builds for the
steps after it is its return value (``demo.runner`` wires them)."""

import contextlib
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from demo import vocab
from demo.rng import DemoRandom, spread
from gatimitra.db.secrets import keyed_hash, mask

#: Kinds of mobile numbers that must be unique within their table, each with
#: its own block of the numbering (see ``Demo.mobile``).
MOBILE_KINDS = ("customer", "rider", "staff", "merchant_user", "store", "parent", "contact")


@dataclass
class City:
    """A fixture service city the demo operates in, with its zones."""

    id: int
    code: str
    name: str
    state: str
    state_code: str
    services: tuple
    latitude: float
    longitude: float
    weight: float
    zones: list = field(default_factory=list)  # Zone

    @property
    def vocab(self):
        return vocab.CITIES[self.code]


@dataclass
class Zone:
    id: int
    city: City
    code: str
    name: str
    services: tuple
    latitude: float
    longitude: float
    pincode: str


class Demo:
    """One ``seed_demo`` run: its seed, plan, clock and writer, and the ids
    and mobile numbers it hands out (steps take their data as arguments)."""

    def __init__(self, seed, plan, now, writer, log=None, taken_mobiles=()):
        self.seed = seed
        self.plan = plan
        self.now = now
        self.writer = writer
        self.log = log or (lambda text: None)
        self._mobile_counters = dict.fromkeys(MOBILE_KINDS, 0)
        #: Mobiles already in the database: new ones must differ.
        self._taken_mobiles = set(taken_mobiles)
        self._id_blocks = {}

    # Randomness and ids ----------------------------------------------------------

    def rng(self, *names):
        return DemoRandom(self.seed, *names)

    def ids(self, model, count):
        return self.writer.ids(model, count)

    def copy(self, model, rows, progress=None, quiet=False):
        return self.writer.copy(model, rows, progress, quiet)

    def next_id(self, model, block=5_000):
        """One new id of ``model``, from blocks reserved ``block`` at a time
        (big loops: one sequence round trip per block, not per row)."""
        first, end = self._id_blocks.get(model, (0, 0))
        if first >= end:
            first = self.ids(model, block)
            end = first + block
        self._id_blocks[model] = (first + 1, end)
        return first

    def insert(self, model, rows, progress=None):
        """Give ``rows`` the next ids of the table (unless they have one),
        COPY them, and return them."""
        missing = [row for row in rows if "id" not in row]
        if missing and self.writer.spec(model).auto_pk:
            first = self.ids(model, len(missing))
            for offset, row in enumerate(missing):
                row["id"] = first + offset
        self.copy(model, rows, progress)
        return rows

    def count(self, small, city):
        """A long-tail volume: ``small`` rows in the small demo, ``city``
        (times the scale factor) at city scale."""
        if self.plan.small:
            return small
        return max(1, round(city * self.plan.factor))

    def progress(self, label, total, unit="rows"):
        return self.writer.progress(label, total, unit)

    @contextlib.contextmanager
    def batch(self):
        """One unit of work: its own transaction at city scale (so a long
        load commits as it goes), part of the single transaction in small."""
        if self.plan.small:
            yield
        else:
            with transaction.atomic():
                yield

    # Identities -------------------------------------------------------------------

    def mobile(self, kind):
        """The next mobile number of ``kind``: ``+91`` and 10 digits starting
        6 to 9, distinct within the kind (and from rows already there)."""
        block = MOBILE_KINDS.index(kind)
        while True:
            n = self._mobile_counters[kind]
            self._mobile_counters[kind] = n + 1
            number = f"+91{6_000_000_000 + spread(block * 100_000_000 + n, 4_000_000_000)}"
            if number not in self._taken_mobiles:
                self._taken_mobiles.add(number)
                return number

    @staticmethod
    def hash(value):
        return keyed_hash(value)

    @staticmethod
    def masked(value, keep=4):
        return mask(value, keep)

    def person(self, rng, city=None, female=None):
        """``(first name, surname, female)`` of someone from ``city``."""
        if female is None:
            female = rng.chance(0.42)
        first = rng.pick(vocab.FEMALE_FIRST if female else vocab.MALE_FIRST)
        regions = city.vocab["regions"] if city else ("pan", "north", "west", "south_ka")
        surname = rng.pick(vocab.SURNAMES[rng.pick(regions)])
        return first, surname, female

    @staticmethod
    def email(first, surname, n, domain=None):
        local = f"{first}.{surname}".lower().replace("'", "").replace(" ", "")
        return f"{local}{n}@{domain or 'example.in'}"

    # Time ------------------------------------------------------------------------------

    def before_now(self, moment, floor=None):
        """``moment``, or just before ``now`` if it would be later (things
        that happen some time after an order must not be in the future)."""
        moment = min(moment, self.now - timedelta(minutes=1))
        return moment if floor is None else max(moment, floor)

    def days_ago(self, days, hours=0):
        return self.now - timedelta(days=days, hours=hours)

    def history_moment(self, rng, days=None):
        """A moment in the order history, busier in the evenings."""
        days = days or self.plan.days
        day = rng.randrange(days)
        hour = rng.choices(range(24), weights=HOURLY_WEIGHTS)[0]
        moment = self.now.replace(hour=0, minute=0, second=0, microsecond=0)
        moment -= timedelta(days=day)
        moment += timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if moment >= self.now:
            moment -= timedelta(days=1)
        return moment


#: Orders by hour of the day (IST): lunch and dinner peaks.
HOURLY_WEIGHTS = (
    2,
    1,
    1,
    1,
    1,
    2,
    4,
    7,
    9,
    9,
    8,
    10,
    16,
    17,
    12,
    8,
    7,
    9,
    12,
    17,
    20,
    18,
    12,
    6,
)
