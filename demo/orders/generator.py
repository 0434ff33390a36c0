"""The order generator: orders placed over ``plan.days`` in time order,
each built stage by stage (the mixins of this package), then
written batch by batch."""

import contextlib
import math
import queue
import sys
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, connection, connections

from demo.orders.after import AfterDrop
from demo.orders.common import (
    FLUSH_ORDER,
    HOURLY,
    SERVICE_WEIGHTS,
    Batch,
    Picker,
)
from demo.orders.dispatch import OrderDispatch
from demo.orders.money import OrderMoney
from demo.orders.services import ServiceOrders
from demo.orders.status import OrderTimeline
from demo.orders.weekly import WeekBoundaries
from gatimitra.db.tables import quote_table, schema_table
from gatimitra.enums import (
    OrderStatus,
    ServiceType,
)
from merchants.choices import StoreStatus
from orders.dispatch import ALLOWED_VEHICLE_TYPES
from orders.models import ExternalDeliveryProvider, Order
from orders.models.orders import format_order_number

#: Where the few orders not placed in the app come from, and the one among them
#: that carries ONDC's ids: ``orders.channel`` is ORDER_CHANNELS, a CHECK list
#: (no enum; "WEB" there is not ``DevicePlatform``, "ONDC" not ``LeadSource``).
OTHER_ORDER_CHANNELS = ("WEB", "ONDC", "CALL_CENTER")
ONDC_CHANNEL = "ONDC"


@dataclass(frozen=True)
class OrderInputs:
    """What the order step takes from the steps before it (the rest of the
    ``Demo`` it uses is the run itself: seed, plan, ids, writer)."""

    cities: list
    food_stores: list
    active_customers: list
    active_riders: list
    subscribers: set
    coupons: dict
    fare_policies: dict
    surge_rules: dict
    rate_cards: dict
    provider: ExternalDeliveryProvider | None
    incentive_schemes: dict
    welfare_rates: dict
    cancellation_reasons: dict
    staff_ids: list


@dataclass(frozen=True)
class OrderHistory:
    """What the order step gives the steps after it: a sample of the orders
    (for ratings, tickets, disputes) and its counts."""

    sample: list
    stats: dict


class OrderGenerator(
    WeekBoundaries, ServiceOrders, OrderTimeline, OrderMoney, OrderDispatch, AfterDrop
):
    def __init__(self, demo, inputs):
        self.demo = demo
        self.inputs = inputs
        self.rng = demo.rng("orders")
        self.now = demo.now
        plan = demo.plan
        by_city = {}
        for customer in inputs.active_customers:
            by_city.setdefault(customer.city.id, []).append(customer)
        self.customers = {
            cid: Picker(rows, [c.weight for c in rows]) for cid, rows in by_city.items()
        }
        self.stores_by_zone, self.stores_by_city = {}, {}
        for store in inputs.food_stores:
            if (
                store.status
                not in (StoreStatus.LIVE, StoreStatus.PAUSED, StoreStatus.TEMPORARILY_CLOSED)
                or not store.items
            ):
                continue
            self.stores_by_zone.setdefault(store.zone.id, []).append(store)
            self.stores_by_city.setdefault(store.city.id, []).append(store)
        self.store_pickers = {
            key: Picker(rows, [s.weight for s in rows])
            for key, rows in {
                **{("z", k): v for k, v in self.stores_by_zone.items()},
                **{("c", k): v for k, v in self.stores_by_city.items()},
            }.items()
        }
        # Riders who may carry each (city, service): historic orders pick any,
        # orders in flight only riders online now (one order each).
        self.riders = {}
        for rider in inputs.active_riders:
            for service in rider.services:
                if rider.vehicle_type in ALLOWED_VEHICLE_TYPES[service]:
                    self.riders.setdefault((rider.city.id, service), []).append(rider)
        self.drivers = {}  # (city id, vehicle type) -> riders who drive it for rides
        for (city_id, service), riders in self.riders.items():
            if service == ServiceType.RIDE:
                for rider in riders:
                    self.drivers.setdefault((city_id, rider.vehicle_type), []).append(rider)
        self._ride_vehicles = {}
        self.expected_assignments = max(1, int(plan.orders * 0.86))
        self.pings_per_trip = max(1, math.ceil(plan.location_logs / self.expected_assignments))
        self.pings_written = 0
        self.counters = {}
        self.taken_numbers = set(Order.objects.values_list("order_number", flat=True))
        self.sample = []
        self.sample_every = max(1, plan.orders // demo.count(300, 60_000))
        self.week = None
        self.day = None
        self.payouts = {}  # store id -> current payout row (with "_totals")
        self.payout_stores = [s for s in inputs.food_stores if s.bank_account_id]
        self.stats = {"in_flight": 0}
        self.anchor_week = (self.now - timedelta(days=self.now.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        # Services each city can take: stores, riders and prices for them.
        self.city_services = {}
        for city in inputs.cities:
            available = {}
            for service, weight in SERVICE_WEIGHTS.items():
                if service not in city.services or not self.riders.get((city.id, service)):
                    continue
                if service == ServiceType.FOOD and ("c", city.id) not in self.store_pickers:
                    continue
                if service == ServiceType.RIDE and not self.ride_vehicles(city):
                    continue
                available[service] = weight
            if available and city.id in self.customers:
                self.city_services[city.id] = available
        usable = [c for c in inputs.cities if c.id in self.city_services]
        self.cities = Picker(usable, [c.weight for c in usable])

    def ride_vehicles(self, city):
        """Vehicle types a ride can be booked in: priced in the city, with drivers."""
        if city.id not in self._ride_vehicles:
            drivers = {r.vehicle_type for r in self.riders.get((city.id, ServiceType.RIDE), [])}
            self._ride_vehicles[city.id] = sorted(
                v for (cid, v) in self.inputs.fare_policies if cid == city.id and v in drivers
            )
        return self._ride_vehicles[city.id]

    # Time ---------------------------------------------------------------------------

    def placed_times(self):
        """Every order's placed_at, oldest first."""
        rng = self.demo.rng("orders", "times")
        plan = self.demo.plan
        start_day = (self.now - timedelta(days=plan.days - 1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        day_weights = []
        for d in range(plan.days):
            day = start_day + timedelta(days=d)
            weight = (1.3 if day.weekday() >= 4 else 1.0) * (0.85 + 0.3 * d / max(1, plan.days - 1))
            if d == plan.days - 1:  # today, up to now
                elapsed = (self.now - day).total_seconds() / 3600
                hours = [w for h, w in enumerate(HOURLY) if h < elapsed]
                weight *= sum(hours) / sum(HOURLY)
            day_weights.append(weight)
        total = sum(day_weights)
        history = plan.orders - plan.in_flight
        exact = [history * w / total for w in day_weights]
        counts = [int(x) for x in exact]
        for d in sorted(range(plan.days), key=lambda d: exact[d] - counts[d], reverse=True)[
            : history - sum(counts)
        ]:
            counts[d] += 1
        for d, count in enumerate(counts):
            day = start_day + timedelta(days=d)
            # The last hour belongs to the orders in flight (below).
            limit = 86_400 if d < plan.days - 1 else int((self.now - day).total_seconds()) - 3600
            seconds = []
            for _ in range(count):
                hour = rng.choices(range(24), HOURLY)[0]
                second = hour * 3600 + rng.randrange(3600)
                if second >= limit:
                    second = rng.randrange(max(1, limit))
                seconds.append(second)
            seconds.sort()
            for second in seconds:
                yield day + timedelta(seconds=second)
        # Orders in flight now: placed in the last 50 minutes.
        for second in sorted(rng.randrange(60, 3000) for _ in range(plan.in_flight)):
            yield self.now - timedelta(seconds=3060 - second)

    def order_number(self, service, placed):
        key = (service, placed.date())
        while True:
            n = self.counters.get(key, 0) + 1
            self.counters[key] = n
            if n > 9999:
                raise RuntimeError(
                    f"more than 9,999 {service} orders on {placed.date()}: raise plan.days"
                )
            number = format_order_number(service, placed, n)
            if number not in self.taken_numbers:
                return number

    # One order --------------------------------------------------------------------------

    def make(self, batch, placed, index):
        rng = self.rng
        city = self.cities.draw(rng)
        services = self.city_services[city.id]
        service = rng.choices(list(services), list(services.values()))[0]
        for _ in range(6):
            customer = self.customers[city.id].draw(rng)
            if customer.joined < placed:
                break
        else:
            return
        age = (self.now - placed).total_seconds() / 60
        order = {
            "id": self.demo.next_id(Order),
            "service_type": service,
            "city_id": city.id,
            "customer_id": customer.id,
            "placed_at": placed,
            "created_at": placed,
            "channel": "APP",
            "customer_note": "",
        }
        order["order_number"] = self.order_number(service, placed)
        if rng.chance(0.03):
            order["channel"] = rng.pick(OTHER_ORDER_CHANNELS)
        if order["channel"] == ONDC_CHANNEL:
            # ONDC context.bap_id / transaction_id and message.order.id.
            order.update(
                ondc_bap_id="buyer.ondc-demo.in",
                ondc_transaction_id=f"txn-{order['id']:012d}",
                ondc_order_id=f"O{order['order_number']}",
            )
        ctx = {
            "order": order,
            "customer": customer,
            "city": city,
            "age": age,
            "placed": placed,
            "lines": [],
        }
        if service == ServiceType.FOOD:
            if not self.food(batch, ctx):
                return
        elif service == ServiceType.PARCEL:
            self.parcel(batch, ctx)
        else:
            self.ride(batch, ctx)
        self.outcome(ctx)
        self.bill(batch, ctx)
        self.pay(batch, ctx)
        self.dispatch(batch, ctx)
        self.after_delivery(batch, ctx)
        order.update(ctx["totals"])
        order["status"] = ctx["status"]
        order["completed_at"] = ctx.get("completed_at")
        order["cancelled_at"] = ctx.get("cancelled_at")
        order["promised_by"] = placed + timedelta(
            minutes=ctx["timeline"]["dropped"] + self.rng.randrange(-4, 12)
        )
        order["updated_at"] = ctx.get("completed_at") or ctx.get("cancelled_at") or placed
        batch.add(Order, order)
        customer.orders += 1
        if index % self.sample_every == 0 and ctx["status"] in (
            OrderStatus.DELIVERED,
            OrderStatus.COMPLETED,
            OrderStatus.CANCELLED,
        ):
            self.sample.append(
                {
                    key: ctx.get(key)
                    for key in (
                        "status",
                        "rider",
                        "store",
                        "item",
                        "payment",
                        "completed_at",
                        "cancelled_at",
                        "drop",
                    )
                }
                | {
                    "id": order["id"],
                    "customer": customer,
                    "service": service,
                    "total": order["total"],
                    "refund": ctx["refund"]["id"] if ctx.get("refund") else None,
                    "placed_at": placed,
                    "city": city,
                }
            )

    # The end -------------------------------------------------------------------------------

    def finish(self, batch):
        """The current week stays open: its payouts show the running totals."""
        self.settle_payouts(batch, processed=False)
        holders = [r for riders in self.riders.values() for r in riders if r.holds_active]
        # cash_in_hand follows the COD rows of the wallet ledger (the database
        # keeps it), so it is not written here.
        if holders:
            batch.after.append(
                (
                    "UPDATE riders.rider_live_status "
                    "SET duty_status = 'ON_ORDER', active_order_count = 1, "
                    "updated_at = now() WHERE rider_id = ANY(%s)",
                    [sorted({r.id for r in holders})],
                )
            )


#: Tables the order step grows, and the rows their triggers look up.
GROWING = [
    *(model._meta.db_table for model in FLUSH_ORDER),
    schema_table("customers", "customer_loyalty"),
    schema_table("customers", "customer_wallet"),
    schema_table("orders", "order_timeline"),
]


def analyze_growing_tables():
    """Statistics for the tables the step grows, each time they have doubled.

    The triggers' queries are planned once per session and kept; planned
    while a ledger was nearly empty, "the owner's last entry" becomes a
    sequential scan of a table that keeps growing (each insert slower than
    the last). New statistics invalidate those plans."""
    with connection.cursor() as cursor:
        for table in GROWING:
            cursor.execute(f"ANALYZE {quote_table(table)}")


def _batches(demo, generator, encoder):
    """The step's batches in order, each formatted for COPY as soon as it is
    full (as it was written then), with the moment of its last order (None
    for the last batch, which ``finish`` closes)."""
    plan = demo.plan
    batch = Batch(demo)
    for index, placed in enumerate(generator.placed_times()):
        generator.boundaries(batch, placed)
        generator.make(batch, placed, index)
        if (index + 1) % plan.batch == 0:
            yield batch.encode(encoder), placed
            batch = Batch(demo)
    generator.finish(batch)
    yield batch.encode(encoder), None


_DONE = object()

#: How long the builder may hold the GIL while the writing thread waits for
#: it (Python's default is 5 ms). The writer wakes from a socket wait a few
#: hundred times a batch (each COPY piece, statement and savepoint); each
#: wake waiting out the builder's 5 ms would leave the server idle.
SWITCH_INTERVAL = 0.0005


@contextlib.contextmanager
def ahead(items, alias=DEFAULT_DB_ALIAS):
    """``items`` produced on a thread of its own, one item ahead of the caller.

    The order step's batches are built in Python while the server runs the
    triggers of the batch before (the client waits on its socket then, and
    waiting lets the builder run): two cores busy instead of one at a time.
    The builder touches the database only to reserve ids, on its own
    connection; everything else (COPY, commits, ANALYZE) stays on the
    caller's, in the same order as before."""
    handoff = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_DONE, None))
        except BaseException as error:  # handed to the caller, who raises it
            put((None, error))
        finally:
            connections[alias].close()  # this thread's own (ids)

    def consume():
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item

    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, SWITCH_INTERVAL))
    thread = threading.Thread(target=produce, name="seed_demo order batches", daemon=True)
    thread.start()
    try:
        yield consume()
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(switch_interval)


def build(demo, inputs):
    """Write the order history; returns its ``OrderHistory``.

    At city scale each batch is built while the one before is written
    (``ahead``); the small demo is one batch in one transaction."""
    generator = OrderGenerator(demo, inputs)
    plan = demo.plan
    progress = demo.progress("orders", plan.orders, unit="orders")
    batches = _batches(demo, generator, demo.writer.encoder())
    analyzed_month = None
    alias = demo.writer.connection.alias
    with contextlib.nullcontext(batches) if plan.small else ahead(batches, alias) as written:
        for number, (batch, last_placed) in enumerate(written, start=1):
            with demo.batch():
                batch.flush(demo, progress)
            if last_placed is None:
                continue
            # A new month starts a new partition of the monthly tables: its
            # statistics say "empty" until analysed, and the triggers' id
            # lookups into it were sequential scans until the parent next
            # doubled (the city run slowed from 350 to 67 orders/s).
            month = (last_placed.year, last_placed.month)
            if not plan.small and (number & (number - 1) == 0 or month != analyzed_month):
                analyze_growing_tables()
                analyzed_month = month
    if demo.plan.small:
        demo.log(f"  orders: {plan.orders} placed, {generator.stats['in_flight']} in flight")
    return OrderHistory(sample=generator.sample, stats=generator.stats)
