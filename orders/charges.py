"""How an order's bill adds up: the one place that defines the sign of each
``order_charges`` line and the order's cached money columns.

Every charge ``amount`` is a non-negative ``MoneyField``; its sign comes from
``direction`` (``gatimitra.enums.LedgerEntryDirection``, seen from the
customer):

* ``DEBIT``  - the customer is charged this line: it adds to the total;
* ``CREDIT`` - the customer is credited this line: it is subtracted.

``DISCOUNT`` lines are always CREDIT, ``ROUND_OFF`` may be either (rounding
the bill up or down to the rupee), every other type is always DEBIT. A CHECK
constraint on ``order_charges`` enforces this (built from the sets below).

The columns of ``orders`` are sums of the charges, checked at commit by a
deferred constraint trigger (``orders.sql``):

* ``subtotal`` = the DEBIT value of what is bought before tax, tip and
  round-off: every type in ``SUBTOTAL_TYPES`` (for FOOD the item total plus
  fees; for PARCEL and RIDE the trip fare, which is the DELIVERY_FEE line,
  plus fees);
* ``fees``     = the part of ``subtotal`` that is not ``ITEM_TOTAL``;
* ``tax``      = the ``GST`` lines;
* ``discount`` = the ``DISCOUNT`` lines (and a CHECK keeps it <= ``subtotal``);
* ``total``    = the signed sum of every line.
"""

from decimal import Decimal

from gatimitra.enums import LedgerEntryDirection, PaymentStatus
from orders.choices import ChargeType, RefundStatus

DEBIT = LedgerEntryDirection.DEBIT
CREDIT = LedgerEntryDirection.CREDIT

#: Types that are always subtracted.
CREDIT_TYPES = frozenset({ChargeType.DISCOUNT})
#: Types that may go either way.
EITHER_WAY_TYPES = frozenset({ChargeType.ROUND_OFF})
#: Everything else is always added.
DEBIT_TYPES = frozenset(ChargeType) - CREDIT_TYPES - EITHER_WAY_TYPES

TAX_TYPES = frozenset({ChargeType.GST})
#: Lines that make up ``orders.subtotal``.
SUBTOTAL_TYPES = DEBIT_TYPES - TAX_TYPES - {ChargeType.TIP}
#: Lines that make up ``orders.fees`` (a part of the subtotal).
FEE_TYPES = SUBTOTAL_TYPES - {ChargeType.ITEM_TOTAL}

ZERO = Decimal("0.00")


def signed(charge_type, direction, amount):
    """The line's contribution to ``orders.total``."""
    return -amount if direction == CREDIT else amount


def totals(lines):
    """The order columns for ``lines``, an iterable of
    ``(charge_type, direction, amount)``: a dict with subtotal, fees, tax,
    discount and total (the same sums the database checks)."""
    result = dict.fromkeys(("subtotal", "fees", "tax", "discount", "total"), ZERO)
    for charge_type, direction, amount in lines:
        result["total"] += signed(charge_type, direction, amount)
        if charge_type in SUBTOTAL_TYPES:
            result["subtotal"] += amount
        if charge_type in FEE_TYPES:
            result["fees"] += amount
        if charge_type in TAX_TYPES:
            result["tax"] += amount
        if charge_type in CREDIT_TYPES:
            result["discount"] += amount
    return result


#: ``order_payments.status`` values whose amount counts as captured money.
CAPTURED_PAYMENT_STATUSES = frozenset(
    {PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)
#: ``order_refunds.status`` values that never move money (not counted
#: against the captured amount).
DEAD_REFUND_STATUSES = frozenset({RefundStatus.FAILED, RefundStatus.REJECTED})
