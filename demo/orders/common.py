"""What the order stages share: the service mix, payment methods, the order
of COPY within a batch, a batch of rows and a weighted picker."""

import math
from bisect import bisect_right
from decimal import Decimal
from itertools import accumulate

from django.db import connection

from customers.models import CustomerLoyaltyTransaction, CustomerWalletTransaction
from demo.rng import Weighted
from gatimitra.enums import (
    PaymentMethod,
    ServiceType,
)
from merchants.models import MerchantStorePayout
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


def road_distance_m(lat1, lng1, lat2, lng2):
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

    def encode(self, encoder):
        """The batch as COPY text (``Encoded`` per table): a snapshot, so the
        generator may go on (and change rows it keeps) while it is sent."""
        return EncodedBatch(
            [encoder.encode(model, self.rows[model]) for model in FLUSH_ORDER],
            self.after,
            len(self.rows[Order]),
        )


class EncodedBatch:
    """A batch formatted for COPY: its tables in ``FLUSH_ORDER``, the
    statements to run after them, how many orders it holds."""

    def __init__(self, tables, after, orders):
        self.tables, self.after, self.orders = tables, after, orders

    def flush(self, demo, progress):
        for encoded in self.tables:
            demo.writer.send(encoded, quiet=True)
        with connection.cursor() as cursor:
            for sql, params in self.after:
                cursor.execute(sql, params)
        progress.advance(self.orders)


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


#: Orders by hour of day (IST).
HOURLY = (2, 1, 1, 1, 1, 2, 4, 7, 9, 9, 8, 10, 16, 17, 12, 8, 7, 9, 12, 17, 20, 18, 12, 6)
