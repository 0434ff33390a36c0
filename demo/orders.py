"""Orders and everything an order moves: its bill, payment, dispatch, the
rider's earning and wallet, the settlement, the invoice, loyalty points and
GPS pings, generated in time order so every ledger runs forward.

Orders are placed over ``plan.days`` days (busier at lunch, dinner and
weekends) and written in batches of ``plan.batch`` with COPY, each batch a
transaction at city scale. Orders older than an hour or so are finished
(delivered, completed, cancelled, returned); the last hour's are in flight,
held by riders who are online now. At each day boundary riders deposit the
cash they collected; at each week boundary merchants' payouts close, riders
are paid out and weekly incentives are credited.

The database checks all of it as it arrives: bills add up to the order's
totals (``orders.charges``), every order has its detail row and stops, the
status machine, dispatch eligibility of riders holding orders, refunds
within captured payments, ledger chains, own-order references.
"""

import math
from bisect import bisect_right
from datetime import timedelta
from decimal import Decimal
from itertools import accumulate
from types import SimpleNamespace

from django.db import connection

from customers.models import CustomerLoyaltyTransaction, CustomerWalletTransaction
from demo import vocab
from demo.customers import loyalty_txn, wallet_txn
from demo.riders import wallet_entry
from demo.rng import Weighted, money
from gatimitra.db.tables import quote_table, schema_table
from gatimitra.db.validators import make_gstin
from gatimitra.enums import (
    LedgerEntryDirection,
    OrderStatus,
    PaymentMethod,
    ServiceType,
)
from merchants.models import MerchantStorePayout
from merchants.services import sales_split
from orders import charges, pricing
from orders.choices import ChargeType, ParcelPackageType
from orders.dispatch import ALLOWED_VEHICLE_TYPES
from orders.models import (
    ExternalProviderCallback,
    Order,
    OrderCancellation,
    OrderCharge,
    OrderDeliveryProof,
    OrderDiscount,
    OrderDispatchOffer,
    OrderExternalDelivery,
    OrderFoodDetails,
    OrderInvoice,
    OrderItem,
    OrderItemAddon,
    OrderParcelDetails,
    OrderPayment,
    OrderPaymentEvent,
    OrderQuote,
    OrderRefund,
    OrderRideDetails,
    OrderRiderAssignment,
    OrderSettlement,
    OrderStop,
)
from orders.models.orders import format_order_number
from riders.models import (
    LocationLog,
    RiderCashDeposit,
    RiderIncentiveProgress,
    RiderOrderEarning,
    RiderPayout,
    RiderWelfareFeeAccrual,
    WalletLedger,
)
from riders.services import delivery_pay
from riders.tax import tds_amount, welfare_fee

ZERO = Decimal("0.00")
SERVICE_WEIGHTS = {ServiceType.FOOD: 62, ServiceType.PARCEL: 20, ServiceType.RIDE: 18}
ONLINE_METHODS = Weighted(
    {
        PaymentMethod.UPI: 58,
        PaymentMethod.CREDIT_CARD: 9,
        PaymentMethod.DEBIT_CARD: 5,
        PaymentMethod.NETBANKING: 3,
        PaymentMethod.THIRD_PARTY_WALLET: 4,
        PaymentMethod.PAY_LATER: 3,
    }
)
GATEWAYS = Weighted({"RAZORPAY": 55, "PAYU": 15, "CASHFREE": 15, "PHONEPE": 10, "PAYTM": 5})
#: Platform GST registrations (one per state) the platform invoices from.
PLATFORM_PAN = "AAGCG1234M"

#: The order of COPY within a batch: parents before the rows whose
#: immediate triggers read them (see the module docstring of each rule).
FLUSH_ORDER = [
    Order,
    OrderFoodDetails,
    OrderParcelDetails,
    OrderQuote,
    OrderRideDetails,
    OrderStop,
    OrderItem,
    OrderItemAddon,
    OrderCharge,
    OrderDiscount,
    OrderPayment,
    OrderPaymentEvent,
    OrderRefund,
    CustomerWalletTransaction,
    OrderDispatchOffer,
    OrderRiderAssignment,
    OrderDeliveryProof,
    OrderCancellation,
    OrderExternalDelivery,
    ExternalProviderCallback,
    RiderOrderEarning,
    RiderWelfareFeeAccrual,
    RiderCashDeposit,
    RiderPayout,
    WalletLedger,
    RiderIncentiveProgress,
    MerchantStorePayout,
    OrderSettlement,
    OrderInvoice,
    CustomerLoyaltyTransaction,
    LocationLog,
]


def driver_share(fare):
    """The driver's share of a ride fare: the riders domain's pay rule (the
    MVAG 2025 floor for an own vehicle, never rounded below it)."""
    return delivery_pay(ServiceType.RIDE, 0, fare).base_pay


def _distance_m(lat1, lng1, lat2, lng2):
    dlat = (float(lat2) - float(lat1)) * 111_000
    dlng = (float(lng2) - float(lng1)) * 111_000 * math.cos(math.radians(float(lat1)))
    return int(math.hypot(dlat, dlng) * 1.3) + 300  # roads are not straight


class Batch:
    """Rows of one batch per table, written in ``FLUSH_ORDER``; ``add``
    gives a row its id at once, so other rows can point at it."""

    def __init__(self, demo):
        self.demo = demo
        self.rows = {model: [] for model in FLUSH_ORDER}
        self.auto_pk = {model: demo.writer.spec(model).auto_pk for model in FLUSH_ORDER}
        self.after = []  # (sql, params) run after the rows

    def add(self, model, row):
        if "id" not in row and self.auto_pk[model]:
            row["id"] = self.demo.next_id(model, 20_000 if model is LocationLog else 5_000)
        self.rows[model].append(row)
        return row

    def flush(self, demo, progress):
        for model in FLUSH_ORDER:
            demo.copy(model, self.rows[model], quiet=True)
        with connection.cursor() as cursor:
            for sql, params in self.after:
                cursor.execute(sql, params)
        progress.advance(len(self.rows[Order]))


class Picker:
    """A weighted choice over a fixed list (bisect over cumulative weights)."""

    def __init__(self, items, weights):
        self.items = items
        self.cumulative = list(accumulate(weights))

    def __bool__(self):
        return bool(self.items)

    def draw(self, rng):
        return self.items[
            min(
                bisect_right(self.cumulative, rng.random() * self.cumulative[-1]),
                len(self.items) - 1,
            )
        ]


class OrderGenerator:
    def __init__(self, demo):
        self.demo = demo
        self.rng = demo.rng("orders")
        self.now = demo.now
        plan = demo.plan
        by_city = {}
        for customer in demo.active_customers:
            by_city.setdefault(customer.city.id, []).append(customer)
        self.customers = {
            cid: Picker(rows, [c.weight for c in rows]) for cid, rows in by_city.items()
        }
        self.stores_by_zone, self.stores_by_city = {}, {}
        for store in demo.food_stores:
            if store.status not in ("LIVE", "PAUSED", "TEMPORARILY_CLOSED") or not store.items:
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
        for rider in demo.active_riders:
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
        self.payout_stores = [s for s in demo.food_stores if s.bank_account_id]
        self.stats = {"in_flight": 0}
        self.anchor_week = (self.now - timedelta(days=self.now.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        # Services each city can take: stores, riders and prices for them.
        self.city_services = {}
        for city in demo.cities:
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
        usable = [c for c in demo.cities if c.id in self.city_services]
        self.cities = Picker(usable, [c.weight for c in usable])

    def ride_vehicles(self, city):
        """Vehicle types a ride can be booked in: priced in the city, with drivers."""
        if city.id not in self._ride_vehicles:
            drivers = {r.vehicle_type for r in self.riders.get((city.id, ServiceType.RIDE), [])}
            self._ride_vehicles[city.id] = sorted(
                v for (cid, v) in self.demo.fare_policies if cid == city.id and v in drivers
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

    # Boundaries ----------------------------------------------------------------------

    def boundaries(self, batch, placed):
        week = (placed - timedelta(days=placed.weekday())).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        day = placed.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.day is not None and day > self.day:
            self.cash_deposits(batch, day)
        if self.week is None:
            self.open_payouts(batch, week)
        elif week > self.week:
            self.close_week(batch, week)
            self.open_payouts(batch, week)
        self.week, self.day = week, day

    def cash_deposits(self, batch, day):
        """Riders deposit the cash they collected at a hub (or by UPI)."""
        rng = self.rng
        for riders in self.riders.values():
            for rider in riders:
                if rider.cash <= 0 or rider.extra.get("deposited") == day:
                    continue
                rider.extra["deposited"] = day
                at = self.demo.before_now(
                    day + timedelta(hours=rng.randrange(9, 12), minutes=rng.randrange(60)),
                    floor=day,
                )
                upi = rng.chance(0.4)
                deposit = batch.add(
                    RiderCashDeposit,
                    {
                        "id": self.demo.next_id(RiderCashDeposit),
                        "rider_id": rider.id,
                        "method": "UPI" if upi else "HUB_CASH",
                        "status": "VERIFIED",
                        "amount": rider.cash,
                        "hub_name": "" if upi else f"{rider.zone.name} hub",
                        "slip_photo_key": ""
                        if upi
                        else f"demo/deposits/{rider.id}/{day:%Y%m%d}.jpg",
                        "upi_reference": f"UPI{rider.id:08d}{day:%y%m%d}" if upi else None,
                        "deposited_at": at,
                        "verified_at": at + timedelta(hours=1),
                        "verified_by_id": self.rng.pick(self.demo.staff_ids),
                        "created_at": at,
                    },
                )
                batch.add(
                    WalletLedger,
                    wallet_entry(
                        rider,
                        LedgerEntryDirection.CREDIT,
                        "COD_DEPOSITED",
                        rider.cash,
                        "CASH_DEPOSIT",
                        deposit["id"],
                        "Cash deposited",
                        at,
                        deposit_id=deposit["id"],
                    ),
                )
                rider.cash = ZERO

    def open_payouts(self, batch, week):
        """This week's payout of every store with a verified account: empty
        until the week closes (the settlements of the week point at it)."""
        self.payouts = {}
        cycle_end = (week + timedelta(days=6)).date()
        for store in self.payout_stores:
            payout = batch.add(
                MerchantStorePayout,
                {
                    "id": self.demo.next_id(MerchantStorePayout),
                    "store_id": store.id,
                    "bank_account_id": store.bank_account_id,
                    "contract_id": store.contract_id,
                    "status": "SCHEDULED",
                    "cycle_start": week.date(),
                    "cycle_end": cycle_end,
                    "gross_amount": ZERO,
                    "commission_amount": ZERO,
                    "gst_on_commission": ZERO,
                    "tcs_amount": ZERO,
                    "tds_amount": ZERO,
                    "refunds_recovered": ZERO,
                    "adjustments_amount": ZERO,
                    "net_amount": ZERO,
                    "idempotency_key": f"payout-{store.id}-{week:%Y%m%d}",
                    "provider_payout_id": f"pout_{store.id:07d}{week:%y%m%d}",
                    "scheduled_for": cycle_end + timedelta(days=3),
                    "created_at": week,
                    "_totals": [ZERO] * 6,
                },
            )
            self.payouts[store.id] = payout

    def paid_out_at(self, week):
        """When the payouts of ``week`` reach the banks: Wednesday 11:00 after it."""
        return week + timedelta(days=9, hours=11)

    def settle_payouts(self, batch, processed):
        """Write the week's totals into its payouts (and pay them out, when
        that moment has passed; until then they are processing)."""
        if not self.payouts:
            return
        ids, values = [], [[] for _ in range(7)]
        for payout in self.payouts.values():
            gross, commission, gst, tcs, tds, recovered = payout["_totals"]
            net = gross - commission - gst - tcs - tds - recovered
            if net < 0:
                recovered += net  # recover the rest next cycle
                net = ZERO
            ids.append(payout["id"])
            for column, value in zip(
                values, (gross, commission, gst, tcs, tds, recovered, net), strict=True
            ):
                column.append(value)
        status = "SCHEDULED"
        if processed:
            processed = self.paid_out_at(self.week) <= self.now
            status = "PROCESSED" if processed else "PROCESSING"
        if status == "PROCESSED":
            # Sent first, then paid: the payout machine has no shortcut.
            batch.after.append(
                (
                    "UPDATE merchants.merchant_store_payouts SET status = 'PROCESSING' "
                    "WHERE id = ANY(%s) AND status = 'SCHEDULED'",
                    [ids],
                )
            )
        batch.after.append(
            (
                "UPDATE merchants.merchant_store_payouts p SET gross_amount = t.gross, "
                "commission_amount = t.commission, gst_on_commission = t.gst, tcs_amount = t.tcs, "
                "tds_amount = t.tds, refunds_recovered = t.recovered, "
                "net_amount = t.net, status = %s, "
                "processed_at = CASE WHEN %s THEN (p.cycle_end + 3)::timestamp "
                "AT TIME ZONE 'Asia/Kolkata' + interval '11 hours' END, "
                "utr = CASE WHEN %s THEN 'UTR' || lpad(p.id::text, 12, '0') END, "
                "updated_at = now() "
                "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[], "
                "%s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[]) "
                "AS t(id, gross, commission, gst, tcs, tds, recovered, net) WHERE p.id = t.id",
                [status, processed, processed, ids, *values],
            )
        )

    def close_week(self, batch, new_week):
        """The week that ends at ``new_week``: incentives, rider payouts, merchant payouts."""
        self.settle_payouts(batch, processed=True)
        rng = self.rng
        at = self.demo.before_now(new_week + timedelta(hours=2), floor=new_week)
        paid = at + timedelta(hours=4) <= self.now
        for riders in self.riders.values():
            for rider in riders:
                if rider.extra.get("closed") == new_week:
                    continue
                rider.extra["closed"] = new_week
                scheme = self.demo.incentive_schemes.get((rider.city.id, new_week))
                if scheme is not None and rider.week_orders:
                    met = rider.week_orders >= scheme["target_orders"]
                    progress = batch.add(
                        RiderIncentiveProgress,
                        {
                            "id": self.demo.next_id(RiderIncentiveProgress),
                            "scheme_id": scheme["id"],
                            "rider_id": rider.id,
                            "orders_completed": rider.week_orders,
                            "login_minutes": rider.week_orders * 35,
                            "amount_earned": scheme["reward_amount"] if met else ZERO,
                            "target_met": met,
                            "last_computed_at": at,
                            "created_at": at,
                        },
                    )
                    if met:
                        entry = batch.add(
                            WalletLedger,
                            wallet_entry(
                                rider,
                                LedgerEntryDirection.CREDIT,
                                "INCENTIVE",
                                scheme["reward_amount"],
                                "INCENTIVE",
                                progress["id"],
                                scheme["name"],
                                at,
                            ),
                        )
                        progress["ledger_entry_id"] = entry["id"]
                rider.week_orders = 0
                if rider.balance >= Decimal("100.00") and rider.bank_account_id:
                    # s.194C: 1% of a delivery partner's single payment over
                    # Rs 30,000 (rides fall under s.194-O, whose Rs 5 lakh
                    # yearly threshold the demo never reaches).
                    tds = None
                    if ServiceType.RIDE not in rider.services and rider.balance > Decimal(
                        "30000.00"
                    ):
                        tds = {
                            "tds_section": "194C",
                            "tds_rate_percent": Decimal("1.00"),
                            "tds_base_amount": rider.balance,
                            "tds_amount": tds_amount(rider.balance, Decimal("1.00")),
                        }
                    payout_id = self.demo.next_id(RiderPayout)
                    if tds:
                        batch.add(
                            WalletLedger,
                            wallet_entry(
                                rider,
                                LedgerEntryDirection.DEBIT,
                                "TDS",
                                tds["tds_amount"],
                                "PAYOUT",
                                payout_id,
                                "TDS u/s 194C",
                                at + timedelta(seconds=30),
                                payout_id=payout_id,
                            ),
                        )
                    payout = batch.add(
                        RiderPayout,
                        {
                            "id": payout_id,
                            **(tds or {}),
                            "rider_id": rider.id,
                            "bank_account_id": rider.bank_account_id,
                            "idempotency_key": f"rp-{rider.id}-{new_week:%Y%m%d}",
                            "status": "PROCESSED" if paid else "PROCESSING",
                            "kind": "WEEKLY",
                            "mode": "UPI" if rider.upi else "IMPS",
                            "amount": rider.balance,
                            "fee": ZERO,
                            "provider_payout_id": f"rpout_{rider.id:08d}{new_week:%y%m%d}",
                            "utr": rng.digits(12) if paid else None,
                            "period_start": (new_week - timedelta(days=7)).date(),
                            "period_end": (new_week - timedelta(days=1)).date(),
                            "scheduled_at": at,
                            "processed_at": at + timedelta(hours=4) if paid else None,
                            "created_at": at,
                        },
                    )
                    batch.add(
                        WalletLedger,
                        wallet_entry(
                            rider,
                            LedgerEntryDirection.DEBIT,
                            "PAYOUT",
                            rider.balance,
                            "PAYOUT",
                            payout["id"],
                            "Weekly payout",
                            at + timedelta(minutes=1),
                            payout_id=payout["id"],
                        ),
                    )

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
            order["channel"] = rng.pick(("WEB", "ONDC", "CALL_CENTER"))
        if order["channel"] == "ONDC":
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

    def food(self, batch, ctx):
        rng = self.rng
        customer, order = ctx["customer"], ctx["order"]
        address = rng.pick(customer.addresses)
        zone = address["_zone"]
        picker = self.store_pickers.get(("z", zone.id)) if rng.chance(0.8) else None
        picker = picker or self.store_pickers.get(("c", ctx["city"].id))
        if picker is None:
            return False
        store = picker.draw(rng)
        order.update(
            merchant_store_id=store.id,
            zone_id=store.zone.id,
            drop_address_id=address["id"],
            customer_note=rng.pick(vocab.CUSTOMER_NOTES),
        )
        ctx.update(
            store=store,
            address=address,
            pickup=(store.latitude, store.longitude),
            drop=(address["latitude"], address["longitude"]),
        )
        distance = _distance_m(
            store.latitude, store.longitude, address["latitude"], address["longitude"]
        )
        order["distance_m"] = distance
        items_total = packaging = ZERO
        for item in rng.sample(
            store.items, min(len(store.items), rng.choices((1, 2, 3, 4), (35, 40, 18, 7))[0])
        ):
            quantity = rng.choices((1, 2, 3), (78, 18, 4))[0]
            variant = rng.pick(item.variants) if item.variants else None
            price = variant[2] if variant else item.price
            line = batch.add(
                OrderItem,
                {
                    "id": self.demo.next_id(OrderItem),
                    "order_id": order["id"],
                    "menu_item_id": item.id,
                    "variant_id": variant[0] if variant else None,
                    "name": item.name,
                    "variant_name": variant[1] if variant else "",
                    "food_type": item.food_type,
                    "quantity": quantity,
                    "unit_price": price,
                    "packaging_charge": item.packaging,
                    "gst_rate_percent": Decimal("5.00"),
                    "special_instructions": "",
                    "created_at": ctx["placed"],
                },
            )
            items_total += price * quantity
            packaging += item.packaging * quantity
            ctx.setdefault("item", item.id)
            if item.addons and rng.chance(0.35):
                addon = rng.pick(item.addons)
                batch.add(
                    OrderItemAddon,
                    {
                        "id": self.demo.next_id(OrderItemAddon),
                        "order_item_id": line["id"],
                        "addon_id": addon[0],
                        "name": addon[1],
                        "group_name": addon[2],
                        "quantity": 1,
                        "unit_price": addon[3],
                        "created_at": ctx["placed"],
                    },
                )
                items_total += addon[3] * quantity
        ctx.update(items_total=money(items_total), packaging=money(packaging), distance=distance)
        # Stops: the kitchen, then the customer's door.
        self.stops(
            batch,
            ctx,
            pickup={
                "store_id": store.id,
                "address_line": f"{store.name}, {store.address}",
                "locality": store.locality,
                "pin_code": store.pincode,
                "latitude": store.latitude,
                "longitude": store.longitude,
                "contact_name": "Store desk",
            },
            drop=self._address_stop(customer, address),
        )
        return True

    def _address_stop(self, customer, address):
        return {
            "address_id": address["id"],
            "address_line": ", ".join(
                filter(None, (address["house_number"], address["building_name"], address["street"]))
            ),
            "landmark": address["landmark"],
            "locality": address["locality"],
            "pin_code": address["pincode"],
            "latitude": address["latitude"],
            "longitude": address["longitude"],
            "contact_name": customer.name,
            "instructions": address["delivery_instructions"],
        }

    def _point_stop(self, ctx, name):
        rng = self.rng
        city = ctx["city"]
        locality, pincode, lat, lng = rng.pick(city.vocab["localities"])
        return {
            "address_line": f"{rng.randrange(1, 300)}, {rng.pick(city.vocab['streets'])}",
            "landmark": rng.pick(vocab.LANDMARKS),
            "locality": locality,
            "pin_code": pincode,
            "latitude": rng.near(lat, 0.01),
            "longitude": rng.near(lng, 0.01),
            "contact_name": name,
        }

    def stops(self, batch, ctx, pickup, drop):
        placed, order = ctx["placed"], ctx["order"]
        ctx["stops"] = []
        for sequence, (kind, stop) in enumerate((("PICKUP", pickup), ("DROP", drop)), start=1):
            row = batch.add(
                OrderStop,
                {
                    "id": self.demo.next_id(OrderStop),
                    "order_id": order["id"],
                    "sequence": sequence,
                    "stop_type": kind,
                    "landmark": "",
                    "instructions": "",
                    "contact_phone_masked": "XXXXXX" + self.rng.digits(4),
                    "created_at": placed,
                    **stop,
                },
            )
            ctx["stops"].append(row)

    def parcel(self, batch, ctx):
        rng = self.rng
        customer, order, city = ctx["customer"], ctx["order"], ctx["city"]
        address = rng.pick(customer.addresses)
        zone = (
            address["_zone"]
            if ServiceType.PARCEL in address["_zone"].services
            else rng.pick([z for z in city.zones if ServiceType.PARCEL in z.services] or city.zones)
        )
        receiver = rng.pick(customer.saved) if customer.saved and rng.chance(0.5) else None
        first, surname, _ = self.demo.person(rng, city)
        drop = (
            self._address_stop(
                customer, next(a for a in customer.addresses if a["id"] == receiver["address_id"])
            )
            if receiver
            else self._point_stop(ctx, f"{first} {surname}")
        )
        if receiver:
            drop["contact_name"] = receiver["name"]
            drop.pop("address_id")
        pickup = self._address_stop(customer, address)
        distance = _distance_m(
            pickup["latitude"], pickup["longitude"], drop["latitude"], drop["longitude"]
        )
        order.update(zone_id=zone.id, distance_m=distance)
        kind = rng.choices(
            (
                ParcelPackageType.DOCUMENTS,
                ParcelPackageType.FOOD,
                ParcelPackageType.CLOTHING,
                ParcelPackageType.ELECTRONICS,
                ParcelPackageType.MEDICINES,
                ParcelPackageType.OTHER,
            ),
            (30, 20, 15, 10, 10, 15),
        )[0]
        weight = {
            ParcelPackageType.DOCUMENTS: 300,
            ParcelPackageType.FOOD: 2000,
            ParcelPackageType.CLOTHING: 1500,
            ParcelPackageType.ELECTRONICS: 2500,
            ParcelPackageType.MEDICINES: 400,
            ParcelPackageType.OTHER: 3000,
        }[kind]
        batch.add(
            OrderParcelDetails,
            {
                "order_id": order["id"],
                "package_type": kind,
                "description": {
                    ParcelPackageType.DOCUMENTS: "Signed agreement",
                    ParcelPackageType.FOOD: "Home-cooked tiffin",
                    ParcelPackageType.CLOTHING: "Kurta set",
                    ParcelPackageType.ELECTRONICS: "Phone charger and earphones",
                    ParcelPackageType.MEDICINES: "Prescription medicines",
                    ParcelPackageType.OTHER: "Books",
                }[kind],
                "weight_g": rng.randrange(weight // 2, weight * 2),
                "declared_value": money(rng.randrange(0, 3000)),
                "sender_name": customer.name,
                "sender_phone_masked": "XXXXXX" + customer.mobile[-4:],
                "receiver_name": drop["contact_name"],
                "receiver_phone_masked": "XXXXXX" + rng.digits(4),
                "prohibited_items_declared": True,
                "requires_delivery_otp": rng.chance(0.7),
                "is_rto": False,
                "receiver_contact_id": receiver["id"] if receiver else None,
                "created_at": ctx["placed"],
                "_ctx": ctx,
            },
        )
        ctx.update(
            pickup=(pickup["latitude"], pickup["longitude"]),
            drop=(drop["latitude"], drop["longitude"]),
            distance=distance,
            parcel=batch.rows[OrderParcelDetails][-1],
        )
        self.stops(batch, ctx, pickup=pickup, drop=drop)

    def ride(self, batch, ctx):
        rng = self.rng
        customer, order, city = ctx["customer"], ctx["order"], ctx["city"]
        vehicles = self.ride_vehicles(city)
        if ctx["age"] < 60:  # in flight: book what an online driver drives
            online = {
                r.vehicle_type
                for r in self.riders.get((city.id, ServiceType.RIDE), [])
                if r.online and not r.holds_active and r.vehicle_type in vehicles
            }
            vehicles = sorted(online) or vehicles
        vehicle = rng.pick(vehicles)
        policy = self.demo.fare_policies[(city.id, vehicle)]
        address = rng.pick(customer.addresses)
        zone = (
            address["_zone"]
            if ServiceType.RIDE in address["_zone"].services
            else rng.pick([z for z in city.zones if ServiceType.RIDE in z.services] or city.zones)
        )
        pickup = self._address_stop(customer, address)
        drop = self._point_stop(ctx, customer.name)
        distance = _distance_m(
            pickup["latitude"], pickup["longitude"], drop["latitude"], drop["longitude"]
        )
        duration = int(distance / 1000 * rng.uniform(150, 260))
        order.update(zone_id=zone.id, distance_m=distance)
        surge = self.demo.surge_rules.get(zone.id)
        multiplier = (
            Decimal("1.20")
            if surge and surge["service_type"] == ServiceType.RIDE and rng.chance(0.3)
            else Decimal("1.00")
        )
        fare = pricing.ride_fare(SimpleNamespace(**policy), distance, duration, multiplier)
        quote = batch.add(
            OrderQuote,
            {
                "id": self.demo.next_id(OrderQuote),
                "customer_id": customer.id,
                "service_type": ServiceType.RIDE,
                "vehicle_type": vehicle,
                "zone_id": zone.id,
                "fare_policy_id": policy["id"],
                "order_id": order["id"],
                "pickup_latitude": pickup["latitude"],
                "pickup_longitude": pickup["longitude"],
                "drop_latitude": drop["latitude"],
                "drop_longitude": drop["longitude"],
                "distance_m": distance,
                "duration_s": duration,
                "surge_multiplier": multiplier,
                "breakdown": {ChargeType.DELIVERY_FEE: str(fare)},
                "estimated_total": fare,
                "expires_at": ctx["placed"] + timedelta(minutes=8),
                "created_at": ctx["placed"] - timedelta(minutes=2),
            },
        )
        ride = batch.add(
            OrderRideDetails,
            {
                "order_id": order["id"],
                "vehicle_type": vehicle,
                "quote_id": quote["id"],
                "fare_policy_id": policy["id"],
                "surge_multiplier": multiplier,
                "passenger_count": rng.choices((1, 2, 3), (70, 22, 8))[0],
                "quoted_distance_m": distance,
                "quoted_duration_s": duration,
                "waiting_minutes": 0,
                "start_otp_hash": self.demo.hash(f"ride-otp-{order['id']}"),
                "created_at": ctx["placed"],
            },
        )
        ctx.update(
            pickup=(pickup["latitude"], pickup["longitude"]),
            drop=(drop["latitude"], drop["longitude"]),
            distance=distance,
            fare=fare,
            policy=policy,
            vehicle=vehicle,
            ride=ride,
            duration=duration,
        )
        self.stops(batch, ctx, pickup=pickup, drop=drop)

    # Status ----------------------------------------------------------------------------

    def outcome(self, ctx):
        """Where the order stands now, and when it got there."""
        rng = self.rng
        service, age, placed = ctx["order"]["service_type"], ctx["age"], ctx["placed"]
        trip = max(8, ctx["distance"] // 250)  # minutes on the road
        prep = ctx["store"].prep_minutes if service == ServiceType.FOOD else 0
        wait = rng.randrange(2, 9)
        done_after = prep + wait + trip + rng.randrange(3, 10)
        ctx["timeline"] = {
            OrderStatus.ASSIGNED: wait,
            OrderStatus.ACCEPTED: wait + 1,
            OrderStatus.REACHED_PICKUP: wait + 6,
            OrderStatus.PICKED_UP: max(prep, wait + 8) + 1,
            "dropped": done_after,
        }
        if age > done_after + 5:
            roll = rng.random()
            cancel = {ServiceType.FOOD: 0.07, ServiceType.PARCEL: 0.06, ServiceType.RIDE: 0.12}[
                service
            ]
            if roll < cancel:
                stage = rng.choices(
                    (
                        OrderStatus.CREATED,
                        OrderStatus.CONFIRMED,
                        OrderStatus.SEARCHING_RIDER,
                        OrderStatus.ASSIGNED,
                        OrderStatus.ACCEPTED,
                    ),
                    (25, 30, 20, 15, 10),
                )[0]
                if service == ServiceType.RIDE and stage == OrderStatus.CONFIRMED:
                    stage = OrderStatus.SEARCHING_RIDER
                ctx.update(
                    status=OrderStatus.CANCELLED,
                    cancelled_from=stage,
                    cancelled_at=placed + timedelta(minutes=rng.randrange(1, 12)),
                )
            elif service == ServiceType.PARCEL and roll < cancel + 0.015 and age > done_after + 45:
                ctx.update(
                    status=OrderStatus.RTO_DELIVERED,
                    completed_at=placed + timedelta(minutes=done_after + 40),
                    rto=True,
                )
            elif (
                service == ServiceType.PARCEL
                and self.demo.provider is not None
                and (roll < cancel + 0.035 or not self.stats.get("external"))
            ):
                self.stats["external"] = self.stats.get("external", 0) + 1
                ctx.update(
                    status=OrderStatus.DELIVERED,
                    completed_at=placed + timedelta(minutes=done_after),
                    external=True,
                )
            else:
                ctx.update(
                    status=OrderStatus.COMPLETED
                    if service == ServiceType.RIDE
                    else OrderStatus.DELIVERED,
                    completed_at=placed + timedelta(minutes=done_after),
                )
        else:
            # In flight: the furthest milestone reached by now.
            t = ctx["timeline"]
            if service == ServiceType.FOOD:
                steps = [
                    (0, OrderStatus.CONFIRMED),
                    (1, OrderStatus.PREPARING),
                    (t[OrderStatus.ASSIGNED], OrderStatus.ASSIGNED),
                    (t[OrderStatus.ACCEPTED], OrderStatus.ACCEPTED),
                    (t[OrderStatus.PICKED_UP], OrderStatus.PICKED_UP),
                    (t[OrderStatus.PICKED_UP] + 2, OrderStatus.IN_TRANSIT),
                    (done_after - 2, OrderStatus.REACHED_DROP),
                ]
            elif service == ServiceType.PARCEL:
                steps = [
                    (0, OrderStatus.SEARCHING_RIDER),
                    (t[OrderStatus.ASSIGNED], OrderStatus.ASSIGNED),
                    (t[OrderStatus.ACCEPTED], OrderStatus.ACCEPTED),
                    (t[OrderStatus.REACHED_PICKUP], OrderStatus.REACHED_PICKUP),
                    (t[OrderStatus.PICKED_UP], OrderStatus.PICKED_UP),
                    (t[OrderStatus.PICKED_UP] + 2, OrderStatus.IN_TRANSIT),
                ]
            else:
                steps = [
                    (0, OrderStatus.SEARCHING_RIDER),
                    (t[OrderStatus.ASSIGNED], OrderStatus.ASSIGNED),
                    (t[OrderStatus.ACCEPTED], OrderStatus.ACCEPTED),
                    (t[OrderStatus.REACHED_PICKUP], OrderStatus.REACHED_PICKUP),
                    (t[OrderStatus.PICKED_UP], OrderStatus.IN_TRANSIT),
                ]
            status = OrderStatus.CREATED
            for minute, name in steps:
                if age >= minute:
                    status = name
            ctx["status"] = status
            self.stats["in_flight"] += 1

    # Money ------------------------------------------------------------------------------

    def bill(self, batch, ctx):
        rng = self.rng
        order, service = ctx["order"], ctx["order"]["service_type"]
        lines = []

        def line(
            kind,
            amount,
            description,
            payer="CUSTOMER",
            beneficiary="PLATFORM",
            direction=None,
            rate=None,
        ):
            amount = money(amount)
            if amount <= 0:
                return
            direction = direction or (
                LedgerEntryDirection.CREDIT
                if kind == ChargeType.DISCOUNT
                else LedgerEntryDirection.DEBIT
            )
            lines.append((kind, direction, amount, description, payer, beneficiary, rate))

        if service == ServiceType.FOOD:
            items, packaging = ctx["items_total"], ctx["packaging"]
            line(ChargeType.ITEM_TOTAL, items, "Item total", beneficiary="MERCHANT")
            line(ChargeType.PACKAGING_FEE, packaging, "Packaging", beneficiary="MERCHANT")
            delivery = pricing.food_delivery_fee(ctx["distance"])
            if ctx["customer"].id in self.demo.subscribers and items >= 199:
                delivery = ZERO
            line(ChargeType.DELIVERY_FEE, delivery, "Delivery fee")
            line(ChargeType.PLATFORM_FEE, pricing.FOOD_PLATFORM_FEE, "Platform fee")
            if items < pricing.SMALL_CART_BELOW:
                line(ChargeType.SMALL_CART_FEE, pricing.SMALL_CART_FEE, "Small cart fee")
            if 19 <= ctx["placed"].hour <= 22 and rng.chance(0.15):
                line(ChargeType.SURGE_FEE, Decimal("10.00"), "High demand fee")
            fees = sum(
                (
                    amt
                    for kind, _d, amt, *_ in lines
                    if kind not in (ChargeType.ITEM_TOTAL, ChargeType.PACKAGING_FEE)
                ),
                ZERO,
            )
            gst = pricing.food_gst(items + packaging, fees)
            line(ChargeType.GST, gst, "GST", beneficiary="GOVERNMENT")
            discount = self.discount(batch, ctx, items)
            if discount:
                line(
                    ChargeType.DISCOUNT,
                    discount[0],
                    discount[1],
                    payer=discount[2],
                    beneficiary="CUSTOMER",
                )
        elif service == ServiceType.PARCEL:
            fee = pricing.parcel_delivery_fee(ctx["distance"])
            line(ChargeType.DELIVERY_FEE, fee, "Delivery fee")
            if ctx["distance"] > pricing.LONG_DISTANCE_FROM_M:
                line(ChargeType.LONG_DISTANCE_FEE, pricing.LONG_DISTANCE_FEE, "Long distance fee")
            line(ChargeType.PLATFORM_FEE, pricing.PARCEL_PLATFORM_FEE, "Platform fee")
            fees = sum((amt for _k, _d, amt, *_ in lines), ZERO)
            line(
                ChargeType.GST,
                pricing.percent(fees, pricing.SERVICE_GST_RATE),
                "GST",
                beneficiary="GOVERNMENT",
            )
            discount = self.discount(batch, ctx, fee)
            if discount:
                line(
                    ChargeType.DISCOUNT,
                    discount[0],
                    discount[1],
                    payer=discount[2],
                    beneficiary="CUSTOMER",
                )
        else:
            line(ChargeType.DELIVERY_FEE, ctx["fare"], "Trip fare", beneficiary="RIDER")
            line(ChargeType.PLATFORM_FEE, ctx["policy"]["platform_fee"], "Platform fee")
            if ctx["status"] == OrderStatus.COMPLETED and rng.chance(0.2):
                minutes = rng.randrange(1, 8)
                ctx["ride"]["waiting_minutes"] = minutes + int(
                    ctx["policy"]["free_waiting_minutes"]
                )
                line(
                    ChargeType.WAITING_CHARGE,
                    Decimal("1.50") * minutes,
                    "Waiting charge",
                    beneficiary="RIDER",
                )
            fare = sum((amt for _k, _d, amt, *_ in lines), ZERO)
            line(
                ChargeType.GST,
                pricing.percent(fare, ctx["policy"]["gst_rate_percent"]),
                "GST",
                beneficiary="GOVERNMENT",
                rate=ctx["policy"]["gst_rate_percent"],
            )
            discount = self.discount(batch, ctx, ctx["fare"])
            if discount:
                line(
                    ChargeType.DISCOUNT,
                    discount[0],
                    discount[1],
                    payer=discount[2],
                    beneficiary="CUSTOMER",
                )
        if (
            ctx["status"] in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
            and service != ServiceType.PARCEL
            and rng.chance(0.12)
        ):
            line(
                ChargeType.TIP,
                rng.choice(
                    (Decimal("10.00"), Decimal("20.00"), Decimal("30.00"), Decimal("50.00"))
                ),
                "Tip for the rider",
                beneficiary="RIDER",
            )
        signed = sum(
            (charges.signed(kind, direction, amount) for kind, direction, amount, *_ in lines), ZERO
        )
        rounding = pricing.round_off(signed)
        if rounding:
            direction, amount = rounding
            line(ChargeType.ROUND_OFF, amount, "Round off", direction=direction)
        for kind, direction, amount, description, payer, beneficiary, rate in lines:
            batch.add(
                OrderCharge,
                {
                    "id": self.demo.next_id(OrderCharge),
                    "order_id": order["id"],
                    "charge_type": kind,
                    "direction": direction,
                    "amount": amount,
                    "description": description,
                    "rate_percent": rate,
                    "payer": payer,
                    "beneficiary": beneficiary,
                    "created_at": ctx["placed"],
                },
            )
        ctx["totals"] = charges.totals(
            (kind, direction, amount) for kind, direction, amount, *_ in lines
        )
        ctx["tip"] = next(
            (amount for kind, _d, amount, *_ in lines if kind == ChargeType.TIP), ZERO
        )
        ctx["fees"] = {kind: amount for kind, _d, amount, *_ in lines}

    def discount(self, batch, ctx, base):
        """A coupon or the store's offer: ``(amount, description, payer)`` or None."""
        rng = self.rng
        service, order = ctx["order"]["service_type"], ctx["order"]
        store = ctx.get("store")
        if (
            store is not None
            and store.offer
            and base >= store.offer["min_order_value"]
            and rng.chance(0.3)
        ):
            offer = store.offer
            amount = (
                offer["flat_discount"]
                if offer["offer_type"] == "FLAT_OFF"
                else min(pricing.percent(base, offer["discount_percent"]), offer["max_discount"])
            )
            batch.add(
                OrderDiscount,
                {
                    "id": self.demo.next_id(OrderDiscount),
                    "order_id": order["id"],
                    "offer_type": offer["offer_type"],
                    "code": offer["code"],
                    "description": offer["title"],
                    "amount": amount,
                    "merchant_share": amount,
                    "platform_share": ZERO,
                    "merchant_offer_id": offer["id"],
                    "created_at": ctx["placed"],
                },
            )
            return amount, offer["title"], "MERCHANT"
        coupon = self.demo.coupons.get(service)
        if coupon and base >= coupon["min_order_value"] and rng.chance(0.12):
            amount = (
                coupon["flat_amount"]
                if coupon["offer_type"] == "FLAT_OFF"
                else min(pricing.percent(base, coupon["discount_percent"]), coupon["max_discount"])
            )
            amount = min(amount, base)
            batch.add(
                OrderDiscount,
                {
                    "id": self.demo.next_id(OrderDiscount),
                    "order_id": order["id"],
                    "offer_type": coupon["offer_type"],
                    "code": coupon["code"],
                    "description": coupon["title"],
                    "amount": amount,
                    "merchant_share": ZERO,
                    "platform_share": amount,
                    "coupon_id": coupon["id"],
                    "created_at": ctx["placed"],
                },
            )
            return amount, f"Coupon {coupon['code']}", "PLATFORM"
        return None

    def pay(self, batch, ctx):
        rng = self.rng
        order, customer, status = ctx["order"], ctx["customer"], ctx["status"]
        total = ctx["totals"]["total"]
        placed = ctx["placed"]
        finished = status in (
            OrderStatus.DELIVERED,
            OrderStatus.COMPLETED,
            OrderStatus.RTO_DELIVERED,
        )
        if (
            customer.cod
            and rng.chance(0.42 if order["service_type"] == ServiceType.RIDE else 0.16)
            and not ctx.get("external")
        ):
            method, gateway = PaymentMethod.CASH, "CASH"
        elif customer.wallet_balance >= total and rng.chance(0.5):
            method, gateway = PaymentMethod.PLATFORM_WALLET, "PLATFORM_WALLET"
        else:
            method = ONLINE_METHODS.draw(rng)
            if (
                method in (PaymentMethod.CREDIT_CARD, PaymentMethod.DEBIT_CARD)
                and method not in customer.methods
            ):
                method = PaymentMethod.UPI
            gateway = GATEWAYS.draw(rng)
        order["payment_method"] = method
        payment_id = self.demo.next_id(OrderPayment)
        ctx["payment"] = payment_id
        base = {
            "order_id": order["id"],
            "method": method,
            "gateway": gateway,
            "amount": total,
            "idempotency_key": f"pay-{order['id']}",
            "gateway_order_id": f"order_{order['id']:012d}",
            "payment_method_id": customer.methods.get(method),
            "created_at": placed,
        }
        if method == PaymentMethod.CASH:
            paid = ctx.get("completed_at") if finished else None
            payment = {
                **base,
                "status": "CAPTURED"
                if paid
                else ("CANCELLED" if status == OrderStatus.CANCELLED else "PENDING"),
                "gateway_payment_id": f"cash_{order['id']:012d}" if paid else None,
                "captured_at": paid,
            }
        else:
            if rng.chance(0.02):  # a first attempt that failed
                failed_id = self.demo.next_id(OrderPayment)
                batch.add(
                    OrderPayment,
                    {
                        **base,
                        "id": failed_id,
                        "idempotency_key": f"pay-{order['id']}-1",
                        "gateway_order_id": f"order_{order['id']:012d}_1",
                        "status": "FAILED",
                        "failed_at": placed + timedelta(seconds=40),
                        "failure_code": "BAD_REQUEST_ERROR",
                        "failure_reason": "Payment declined by the bank",
                    },
                )
                self.event(batch, failed_id, "FAILED", total, placed + timedelta(seconds=40))
            at = self.demo.before_now(placed + timedelta(seconds=rng.randrange(15, 90)), placed)
            payment = {
                **base,
                "status": "CAPTURED",
                "gateway_payment_id": f"pay_{order['id']:014d}",
                "authorized_at": at,
                "captured_at": at,
            }
            if method == PaymentMethod.PLATFORM_WALLET:
                batch.add(
                    CustomerWalletTransaction,
                    wallet_txn(
                        customer,
                        LedgerEntryDirection.DEBIT,
                        "ORDER_DEBIT",
                        total,
                        "ORDER",
                        order["id"],
                        f"Paid for order {order['order_number']}",
                        at,
                        order_id=order["id"],
                    ),
                )
            self.event(batch, payment_id, "INITIATED", total, placed)
            self.event(batch, payment_id, "CAPTURED", total, at)
        ctx["payment_row"] = batch.add(OrderPayment, {**payment, "id": payment_id})
        self.refunds(batch, ctx)

    def event(self, batch, payment_id, kind, amount, at):
        n = self.demo.next_id(OrderPaymentEvent)
        batch.add(
            OrderPaymentEvent,
            {
                "id": n,
                "payment_id": payment_id,
                "event_type": kind,
                "gateway_event_id": f"evt_{n:014d}",
                "amount": amount,
                "signature_verified": True,
                "occurred_at": at,
                "payload": {"event": f"payment.{kind.lower()}", "amount_paise": int(amount * 100)},
                "created_at": at,
            },
        )

    def refunds(self, batch, ctx):
        """Cancelled online orders are refunded in full; a few delivered food
        orders get part of it back (a missing item)."""
        rng = self.rng
        payment, order, customer = ctx["payment_row"], ctx["order"], ctx["customer"]
        if payment["status"] != "CAPTURED":
            return
        if ctx["status"] == OrderStatus.CANCELLED:
            amount, reason_code, reason = payment["amount"], "ORDER_CANCELLED", "Order cancelled"
            payment["status"] = "REFUNDED"
        elif (
            ctx["status"] == OrderStatus.DELIVERED
            and order["service_type"] == ServiceType.FOOD
            and rng.chance(0.025)
        ):
            amount = min(payment["amount"], money(rng.randrange(40, 200)))
            reason_code, reason = "ITEM_MISSING", "An item was missing from the bag"
            payment["status"] = "PARTIALLY_REFUNDED" if amount < payment["amount"] else "REFUNDED"
            ctx["merchant_refund"] = amount
        else:
            return
        to_wallet = payment["method"] == PaymentMethod.PLATFORM_WALLET or rng.chance(0.2)
        ended = ctx.get("cancelled_at") or ctx.get("completed_at")
        at = self.demo.before_now(ended + timedelta(minutes=rng.randrange(5, 60)), floor=ended)
        refund_id = self.demo.next_id(OrderRefund)
        refund = {
            "id": refund_id,
            "order_id": order["id"],
            "payment_id": payment["id"],
            "status": "SUCCEEDED",
            "destination": "PLATFORM_WALLET" if to_wallet else "SOURCE",
            "amount": amount,
            "reason_code": reason_code,
            "reason": reason,
            "idempotency_key": f"refund-{order['id']}",
            "gateway_refund_id": None if to_wallet else f"rfnd_{refund_id:014d}",
            "arn": "" if to_wallet else rng.digits(14),
            "processed_at": at,
            "created_at": at,
        }
        if to_wallet:
            txn = batch.add(
                CustomerWalletTransaction,
                wallet_txn(
                    customer,
                    LedgerEntryDirection.CREDIT,
                    "REFUND_CREDIT",
                    amount,
                    "REFUND",
                    refund_id,
                    f"Refund for order {order['order_number']}",
                    at,
                    order_id=order["id"],
                    refund_id=refund_id,
                    id=self.demo.next_id(CustomerWalletTransaction),
                ),
            )
            refund["wallet_txn_id"] = txn["id"]
        batch.add(OrderRefund, refund)
        self.event(batch, payment["id"], "REFUNDED", amount, at)
        ctx["refund"] = refund

    # Dispatch ------------------------------------------------------------------------------

    def pick_rider(self, ctx, in_flight):
        rng = self.rng
        service, city = ctx["order"]["service_type"], ctx["city"]
        pool = self.riders.get((city.id, service), [])
        if service == ServiceType.RIDE:
            pool = self.drivers.get((city.id, ctx["vehicle"]), [])
        if not pool:
            return None
        placed = ctx["placed"]
        for _ in range(8):
            rider = rng.pick(pool)
            if in_flight:
                if rider.online and not rider.holds_active:
                    rider.holds_active = True
                    return rider
                continue
            if rider.busy_until is None or rider.busy_until <= placed:
                return rider
        if in_flight:
            for rider in pool:
                if rider.online and not rider.holds_active:
                    rider.holds_active = True
                    return rider
            return None
        return rng.pick(pool)

    def dispatch(self, batch, ctx):
        rng = self.rng
        status, order, placed = ctx["status"], ctx["order"], ctx["placed"]
        t = ctx["timeline"]
        if ctx.get("external"):
            self.external(batch, ctx)
            return
        active = status in (
            OrderStatus.ASSIGNED,
            OrderStatus.ACCEPTED,
            OrderStatus.REACHED_PICKUP,
            OrderStatus.PICKED_UP,
            OrderStatus.IN_TRANSIT,
            OrderStatus.REACHED_DROP,
        )
        reached = (
            status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED)
            or active
            or (
                status == OrderStatus.CANCELLED
                and ctx["cancelled_from"] in (OrderStatus.ASSIGNED, OrderStatus.ACCEPTED)
            )
        )
        if not reached:
            return
        rider = self.pick_rider(ctx, in_flight=active)
        if rider is None:
            if active:  # nobody online to hold it: still looking
                ctx["status"] = OrderStatus.SEARCHING_RIDER
            return
        ctx["rider"] = rider.id
        ctx["rider_obj"] = rider
        assigned = placed + timedelta(minutes=t[OrderStatus.ASSIGNED])
        declined = rng.randrange(0, 3) if not active else 0
        candidates = self.riders.get((ctx["city"].id, order["service_type"]), [])
        for rank in range(1, declined + 1):
            other = rng.pick(candidates)
            if other is rider:
                continue
            sent = assigned - timedelta(seconds=40 * (declined - rank + 1))
            batch.add(
                OrderDispatchOffer,
                {
                    "id": self.demo.next_id(OrderDispatchOffer),
                    "order_id": order["id"],
                    "rider_id": other.id,
                    "status": rng.pick(("DECLINED", "EXPIRED")),
                    "rank": rank,
                    "distance_to_pickup_m": rng.randrange(300, 4000),
                    "eta_to_pickup_s": rng.randrange(120, 900),
                    "payout_shown": money(rng.randrange(30, 60)),
                    "sent_at": sent,
                    "expires_at": sent + timedelta(seconds=30),
                    "responded_at": sent + timedelta(seconds=12),
                    "response_latency_ms": 12_000,
                    "decline_reason": "Too far" if rng.chance(0.5) else "",
                    "created_at": sent,
                },
            )
        offer = batch.add(
            OrderDispatchOffer,
            {
                "id": self.demo.next_id(OrderDispatchOffer),
                "order_id": order["id"],
                "rider_id": rider.id,
                "status": "ACCEPTED" if status != OrderStatus.ASSIGNED else "SEEN",
                "rank": declined + 1,
                "distance_to_pickup_m": rng.randrange(200, 3000),
                "eta_to_pickup_s": rng.randrange(60, 600),
                "payout_shown": money(rng.randrange(30, 70)),
                "sent_at": assigned,
                "expires_at": assigned + timedelta(seconds=30),
                "responded_at": assigned + timedelta(seconds=8)
                if status != OrderStatus.ASSIGNED
                else None,
                "response_latency_ms": 8000 if status != OrderStatus.ASSIGNED else None,
                "created_at": assigned,
            },
        )
        accepted = assigned + timedelta(seconds=20)
        row = {
            "id": self.demo.next_id(OrderRiderAssignment),
            "order_id": order["id"],
            "rider_id": rider.id,
            "vehicle_id": rider.vehicle_id,
            "offer_id": offer["id"],
            "assigned_at": assigned,
            "batch_ref": "",
            "created_at": assigned,
        }
        if active:
            row["status"] = "ASSIGNED" if status == OrderStatus.ASSIGNED else "ACCEPTED"
            if status != OrderStatus.ASSIGNED:
                row["accepted_at"] = accepted
            if status in (OrderStatus.PICKED_UP, OrderStatus.IN_TRANSIT, OrderStatus.REACHED_DROP):
                row["reached_pickup_at"] = placed + timedelta(minutes=t[OrderStatus.REACHED_PICKUP])
                row["picked_up_at"] = placed + timedelta(minutes=t[OrderStatus.PICKED_UP])
            ctx["active_rider"] = rider
        elif status == OrderStatus.CANCELLED:
            row.update(
                status="CANCELLED",
                ended_at=ctx["cancelled_at"],
                end_reason="Order cancelled",
                accepted_at=accepted if ctx["cancelled_from"] == OrderStatus.ACCEPTED else None,
            )
            if ctx["cancelled_at"] < assigned:
                row.update(assigned_at=placed, created_at=placed, accepted_at=None)
                offer.update(
                    sent_at=placed,
                    expires_at=placed + timedelta(seconds=30),
                    responded_at=None,
                    response_latency_ms=None,
                    status="WITHDRAWN",
                    created_at=placed,
                )
        else:
            done = ctx["completed_at"]
            row.update(
                status="COMPLETED",
                accepted_at=accepted,
                reached_pickup_at=placed + timedelta(minutes=t[OrderStatus.REACHED_PICKUP]),
                picked_up_at=placed + timedelta(minutes=t[OrderStatus.PICKED_UP]),
                dropped_at=done,
                ended_at=done,
            )
            rider.busy_until = done
        assignment = batch.add(OrderRiderAssignment, row)
        ctx["assignment"] = assignment
        if order["service_type"] == ServiceType.RIDE and status in (
            OrderStatus.IN_TRANSIT,
            OrderStatus.COMPLETED,
        ):
            ride = ctx["ride"]
            ride.update(
                start_otp_verified_at=assignment.get("picked_up_at") or placed,
                started_at=assignment.get("picked_up_at") or placed,
            )
            if status == OrderStatus.COMPLETED:
                ride.update(
                    ended_at=ctx["completed_at"],
                    actual_distance_m=max(100, ctx["distance"] + rng.randrange(-300, 800)),
                    actual_duration_s=max(60, ctx["duration"] + rng.randrange(-120, 400)),
                    # MVAG 2025: the driver of their own vehicle keeps >= 80%.
                    fare_amount=ctx["fare"],
                    driver_share_amount=driver_share(ctx["fare"]),
                    vehicle_owner="DRIVER",
                )
        self.pings(batch, ctx, assignment, rider)

    def external(self, batch, ctx):
        """A parcel handed to a logistics partner: no rider of ours."""
        rng = self.rng
        provider = self.demo.provider
        order = ctx["order"]
        handed = ctx["placed"] + timedelta(minutes=6)
        delivery = batch.add(
            OrderExternalDelivery,
            {
                "id": self.demo.next_id(OrderExternalDelivery),
                "order_id": order["id"],
                "provider_id": provider.pk,
                "rate_card_id": self.demo.rate_cards.get(order["zone_id"]),
                "provider_task_id": f"VF-{order['id']:010d}",
                "status": "DELIVERED",
                "tracking_url": f"https://track.vayufleet.example/VF-{order['id']:010d}",
                "agent_name": " ".join(self.demo.person(rng, ctx["city"], female=False)[:2]),
                "agent_phone_masked": "XXXXXX" + rng.digits(4),
                "quoted_cost": money(40 + ctx["distance"] / 200),
                "billed_cost": money(40 + ctx["distance"] / 200),
                "handed_over_at": handed,
                "delivered_at": ctx["completed_at"],
                "created_at": handed,
            },
        )
        for minutes, status in ((2, "AGENT_ASSIGNED"), (12, "PICKED_UP"), (None, "DELIVERED")):
            at = handed + timedelta(minutes=minutes) if minutes else ctx["completed_at"]
            n = self.demo.next_id(ExternalProviderCallback)
            batch.add(
                ExternalProviderCallback,
                {
                    "id": n,
                    "provider_id": provider.pk,
                    "external_delivery_id": delivery["id"],
                    "provider_event_id": f"vf-evt-{n:012d}",
                    "event_status": status,
                    "signature_valid": True,
                    "payload": {"task_id": delivery["provider_task_id"], "status": status},
                    "created_at": at,
                },
            )

    def pings(self, batch, ctx, assignment, rider):
        """GPS pings from pickup to drop while the rider carries the order."""
        rng = self.rng
        start = assignment.get("picked_up_at")
        if start is None:
            return
        end = assignment.get("dropped_at") or self.now
        if end <= start:
            return
        (lat1, lng1), (lat2, lng2) = ctx["pickup"], ctx["drop"]
        count = self.pings_per_trip
        span = (end - start).total_seconds()
        status = OrderStatus.IN_TRANSIT
        for k in range(count):
            f = (k + 1) / (count + 1)
            batch.add(
                LocationLog,
                {
                    "id": self.demo.next_id(LocationLog, 20_000),
                    "rider_id": rider.id,
                    "order_id": ctx["order"]["id"],
                    "recorded_at": start + timedelta(seconds=int(span * f)),
                    "latitude": rng.near(float(lat1) + (float(lat2) - float(lat1)) * f, 0.0008),
                    "longitude": rng.near(float(lng1) + (float(lng2) - float(lng1)) * f, 0.0008),
                    "accuracy_m": rng.randrange(3, 25),
                    "speed_kmph": rng.randrange(8, 38),
                    "bearing_deg": rng.randrange(360),
                    "battery_pct": rng.randrange(15, 100),
                    "order_status": status,
                },
            )
        self.pings_written += count

    # After the drop --------------------------------------------------------------------------

    def after_delivery(self, batch, ctx):
        rng = self.rng
        order, status, customer = ctx["order"], ctx["status"], ctx["customer"]
        placed = ctx["placed"]
        service = order["service_type"]
        if status == OrderStatus.CANCELLED:
            self.cancellation(batch, ctx)
            return
        if status not in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED):
            if service == ServiceType.FOOD:
                self.food_details(batch, ctx)
            return
        done = ctx["completed_at"]
        if service == ServiceType.FOOD:
            self.food_details(batch, ctx)
        if service == ServiceType.PARCEL and ctx.get("rto"):
            ctx["parcel"].update(
                is_rto=True, rto_reason="Receiver not reachable; returned to sender"
            )
        drop = ctx["stops"][1]
        drop.update(arrived_at=done - timedelta(minutes=2), completed_at=done)
        ctx["stops"][0].update(
            arrived_at=placed + timedelta(minutes=ctx["timeline"][OrderStatus.REACHED_PICKUP]),
            completed_at=placed + timedelta(minutes=ctx["timeline"][OrderStatus.PICKED_UP]),
        )
        rider = ctx.get("rider_obj")
        earning = None
        if rider is not None and (service != ServiceType.RIDE or status == OrderStatus.COMPLETED):
            otp = rng.chance(0.6)
            if service != ServiceType.RIDE:
                if otp:
                    drop["otp_hash"] = self.demo.hash(f"drop-otp-{order['id']}")
                batch.add(
                    OrderDeliveryProof,
                    {
                        "id": self.demo.next_id(OrderDeliveryProof),
                        "order_id": order["id"],
                        "stop_id": drop["id"],
                        "rider_id": rider.id,
                        "kind": "OTP" if otp else "PHOTO",
                        "otp_verified": otp,
                        "media_url": ""
                        if otp
                        else f"https://files.gatimitra.example/proofs/{order['id']}.jpg",
                        "latitude": drop["latitude"],
                        "longitude": drop["longitude"],
                        "captured_at": done,
                        "created_at": done,
                    },
                )
            earning = self.earn(batch, ctx, rider, done)
        payment = ctx["payment_row"]
        if payment["method"] == PaymentMethod.CASH and rider is not None:
            rider.cash += payment["amount"]
            batch.add(
                WalletLedger,
                wallet_entry(
                    rider,
                    LedgerEntryDirection.DEBIT,
                    "COD_COLLECTED",
                    payment["amount"],
                    "ORDER",
                    order["id"],
                    f"Cash collected for {order['order_number']}",
                    done,
                    order_id=order["id"],
                ),
            )
        if status != OrderStatus.RTO_DELIVERED:
            self.settle(batch, ctx, earning, done)
            self.invoice(batch, ctx, done)
            # Loyalty points are earned on food orders of 199 rupees or more.
            if (
                service == ServiceType.FOOD
                and customer.loyalty_id
                and ctx["totals"]["total"] >= 199
            ):
                points = int(ctx["totals"]["total"] // 10)
                if points > 0:
                    batch.add(
                        CustomerLoyaltyTransaction,
                        loyalty_txn(
                            customer,
                            LedgerEntryDirection.CREDIT,
                            "EARN",
                            points,
                            "ORDER",
                            order["id"],
                            f"Points for {order['order_number']}",
                            done,
                            order_id=order["id"],
                            points_expire_at=done + timedelta(days=365),
                        ),
                    )
            if payment["method"] != PaymentMethod.CASH and rng.chance(0.03):
                cashback = money(min(50, ctx["totals"]["total"] * Decimal("0.05")))
                if cashback > 0:
                    batch.add(
                        CustomerWalletTransaction,
                        wallet_txn(
                            customer,
                            LedgerEntryDirection.CREDIT,
                            "CASHBACK",
                            cashback,
                            "ORDER",
                            order["id"],
                            f"Cashback on {order['order_number']}",
                            done + timedelta(minutes=2),
                            order_id=order["id"],
                            credit_expires_at=done + timedelta(days=60),
                        ),
                    )

    def food_details(self, batch, ctx):
        order, status, placed = ctx["order"], ctx["status"], ctx["placed"]
        store = ctx["store"]
        t = ctx["timeline"]
        prep = {
            OrderStatus.CREATED: "AWAITING_ACCEPTANCE",
            OrderStatus.CONFIRMED: "ACCEPTED",
            OrderStatus.PREPARING: "PREPARING",
            OrderStatus.ASSIGNED: "PREPARING",
            OrderStatus.ACCEPTED: "READY" if ctx["age"] > store.prep_minutes else "PREPARING",
            OrderStatus.SEARCHING_RIDER: "PREPARING",
        }.get(status, "HANDED_OVER")
        row = {
            "order_id": order["id"],
            "store_id": store.id,
            "prep_status": prep,
            "kot_number": f"KOT-{order['id'] % 100000:05d}",
            "prep_eta_minutes": store.prep_minutes,
            "cutlery_requested": self.rng.chance(0.3),
            "cooking_instructions": self.rng.pick(vocab.COOKING_INSTRUCTIONS),
            "accepted_at": placed + timedelta(minutes=1) if prep != "AWAITING_ACCEPTANCE" else None,
            "created_at": placed,
        }
        if prep in ("READY", "HANDED_OVER"):
            row["ready_at"] = placed + timedelta(minutes=store.prep_minutes)
        if prep == "HANDED_OVER":
            row["handed_over_at"] = placed + timedelta(minutes=t[OrderStatus.PICKED_UP])
        if status == OrderStatus.CANCELLED:
            merchant = ctx.get("cancel_actor") == "MERCHANT"
            row.update(
                prep_status="REJECTED" if merchant else "ACCEPTED",
                rejected_at=ctx["cancelled_at"] if merchant else None,
                rejection_reason="Kitchen too busy" if merchant else "",
                ready_at=None,
                handed_over_at=None,
                accepted_at=placed + timedelta(minutes=1) if not merchant else None,
            )
        batch.add(OrderFoodDetails, row)

    def cancellation(self, batch, ctx):
        rng = self.rng
        order = ctx["order"]
        reasons = self.demo.cancellation_reasons.get(order["service_type"], [])
        if ctx["cancelled_from"] not in (OrderStatus.ASSIGNED, OrderStatus.ACCEPTED):
            reasons = [
                r for r in reasons if r["actor"] not in ("RIDER", "EXTERNAL_PROVIDER")
            ] or reasons
        reason = rng.pick(reasons)
        ctx["cancel_actor"] = reason["actor"]
        if order["service_type"] == ServiceType.FOOD:
            self.food_details(batch, ctx)
        batch.add(
            OrderCancellation,
            {
                "id": self.demo.next_id(OrderCancellation),
                "order_id": order["id"],
                "reason_id": reason["id"],
                "actor": reason["actor"],
                "status_at_cancel": ctx["cancelled_from"],
                "fee": ZERO,
                "cost_borne_by": reason["cost_borne_by"],
                "note": reason["title"],
                "cancelled_at": ctx["cancelled_at"],
                "created_at": ctx["cancelled_at"],
            },
        )

    def earn(self, batch, ctx, rider, done):
        rng = self.rng
        order, assignment = ctx["order"], ctx["assignment"]
        # The pay rule is the riders domain's (the order services use it too).
        pay = delivery_pay(order["service_type"], ctx["distance"], ctx.get("fare", ZERO))
        base, distance_pay = pay.base_pay, pay.distance_pay
        wait = money(rng.choice((0, 0, 0, 5, 10)))
        earning = batch.add(
            RiderOrderEarning,
            {
                "id": self.demo.next_id(RiderOrderEarning),
                "rider_id": rider.id,
                "order_id": order["id"],
                "assignment_id": assignment["id"],
                "service_type": order["service_type"],
                "base_pay": base,
                "distance_pay": distance_pay,
                "wait_pay": wait,
                "surge_pay": ZERO,
                "return_pay": ZERO,
                "tip": ctx["tip"],
                "distance_m": ctx["distance"],
                "wait_minutes": int(wait // 5) * 3,
                "pay_rule_version": "2025.3",
                "earned_at": done,
                "created_at": done,
            },
        )
        total = base + distance_pay + wait + ctx["tip"]
        earning["_total"] = total
        rate = self.demo.welfare_rates.get(ctx["city"].state_code)
        if rate is not None:
            batch.add(
                RiderWelfareFeeAccrual,
                {
                    "earning_id": earning["id"],
                    "rider_id": rider.id,
                    "rate_id": rate["id"],
                    "base_amount": total,
                    "rate_percent": rate["rate_percent"],
                    "fee_amount": welfare_fee(total, rate["rate_percent"]),
                    "accrued_at": done,
                    "created_at": done,
                },
            )
        batch.add(
            WalletLedger,
            wallet_entry(
                rider,
                LedgerEntryDirection.CREDIT,
                "ORDER_EARNING",
                total,
                "EARNING",
                earning["id"],
                f"Earning for {order['order_number']}",
                done,
                earning_id=earning["id"],
            ),
        )
        rider.week_orders += 1
        return earning

    def settle(self, batch, ctx, earning, done):
        order, store = ctx["order"], ctx.get("store")
        fees = ctx["fees"]
        total = ctx["totals"]["total"]
        payout = None
        merchant = commission = gst_on_commission = tcs = tds = ZERO
        recovered = ctx.get("merchant_refund", ZERO)
        if store is not None:
            # The split is the merchants domain's (the order services use it too).
            split = sales_split(
                fees.get(ChargeType.ITEM_TOTAL, ZERO),
                fees.get(ChargeType.PACKAGING_FEE, ZERO),
                store.commission,
                bool(store.gstin),
            )
            merchant, commission = split.merchant_receivable, split.commission
            gst_on_commission, tcs, tds = split.gst_on_commission, split.tcs, split.tds
            payout = self.payouts.get(store.id)
        # Settled when the payout of its week has been paid out (by now).
        settled = self.paid_out_at(self.week)
        settled = settled if self.week < self.anchor_week and settled <= self.now else None
        row = {
            "id": self.demo.next_id(OrderSettlement),
            "order_id": order["id"],
            "status": "SETTLED" if settled else "READY",
            "collected_amount": total,
            "merchant_receivable": merchant,
            "rider_earning": earning["_total"] if earning else ZERO,
            "platform_commission": commission,
            "platform_fees": fees.get(ChargeType.PLATFORM_FEE, ZERO)
            + fees.get(ChargeType.DELIVERY_FEE, ZERO),
            "gst_on_commission": gst_on_commission,
            "gst_payable_by_platform": fees.get(ChargeType.GST, ZERO),
            "tcs": tcs,
            "tds": tds,
            "settled_at": settled,
            "earning_id": earning["id"] if earning else None,
            "payout_id": payout["id"] if payout else None,
            "created_at": done,
        }
        batch.add(OrderSettlement, row)
        if payout is not None:
            totals = payout["_totals"]
            for k, value in enumerate(
                (
                    merchant + commission + gst_on_commission + tcs + tds,
                    commission,
                    gst_on_commission,
                    tcs,
                    tds,
                    recovered,
                )
            ):
                totals[k] += value

    def invoice(self, batch, ctx, done):
        order, city = ctx["order"], ctx["city"]
        fees = ctx["fees"]
        state = city.state_code
        if order["service_type"] == ServiceType.FOOD:
            taxable = fees.get(ChargeType.ITEM_TOTAL, ZERO) + fees.get(
                ChargeType.PACKAGING_FEE, ZERO
            )
            rate, issuer, hsn, series = Decimal("0.025"), "PLATFORM_ECO", "996331", f"GMDF{state}"
        else:
            taxable = sum(
                (
                    amount
                    for kind, amount in fees.items()
                    if kind
                    not in (
                        ChargeType.GST,
                        ChargeType.TIP,
                        ChargeType.DISCOUNT,
                        ChargeType.ROUND_OFF,
                    )
                ),
                ZERO,
            )
            rate = (
                Decimal("0.025") if order["service_type"] == ServiceType.RIDE else Decimal("0.09")
            )
            issuer, hsn = (
                "PLATFORM_SERVICE",
                "996412" if order["service_type"] == ServiceType.RIDE else "996812",
            )
            series = f"GMD{order['service_type'][0]}{state}"
        half = money(taxable * rate)
        batch.add(
            OrderInvoice,
            {
                "id": self.demo.next_id(OrderInvoice),
                "order_id": order["id"],
                "invoice_type": "TAX_INVOICE",
                "issuer": issuer,
                "series": series,
                "issued_at": done,
                "supplier_gstin": make_gstin(state, PLATFORM_PAN),
                "place_of_supply": state,
                "hsn_sac": hsn,
                "taxable_value": taxable,
                "cgst": half,
                "sgst": half,
                "igst": ZERO,
                "cess": ZERO,
                "total": taxable + 2 * half,
                "document_url": f"https://files.gatimitra.example/invoices/{order['id']}.pdf",
                "created_at": done,
            },
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


#: Orders by hour of day (IST).
HOURLY = (2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 10, 16, 17, 12, 8, 7, 9, 12, 17, 20, 18, 12, 6)


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


def build(demo):
    generator = OrderGenerator(demo)
    plan = demo.plan
    progress = demo.progress("orders", plan.orders, unit="orders")
    batch = Batch(demo)
    made, analyzed_month = 0, None
    for index, placed in enumerate(generator.placed_times()):
        generator.boundaries(batch, placed)
        generator.make(batch, placed, index)
        made += 1
        if made % plan.batch == 0:
            with demo.batch():
                batch.flush(demo, progress)
            batch = Batch(demo)
            batches = made // plan.batch
            # A new month starts a new partition of the monthly tables: its
            # statistics say "empty" until analysed, and the triggers' id
            # lookups into it were sequential scans until the parent next
            # doubled (the city run slowed from 350 to 67 orders/s).
            month = (placed.year, placed.month)
            if not plan.small and (batches & (batches - 1) == 0 or month != analyzed_month):
                analyze_growing_tables()
                analyzed_month = month
    generator.finish(batch)
    with demo.batch():
        batch.flush(demo, progress)
    demo.order_sample = generator.sample
    demo.order_stats = generator.stats
    if demo.plan.small:
        demo.log(f"  orders: {made} placed, {generator.stats['in_flight']} in flight")
