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

from demo.orders.common import FLUSH_ORDER
from demo.orders.generator import OrderGenerator, OrderHistory, OrderInputs, build

__all__ = ["FLUSH_ORDER", "OrderGenerator", "OrderHistory", "OrderInputs", "build"]
