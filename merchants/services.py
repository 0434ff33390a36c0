"""Merchant money flows: what a store is owed for an order, and paying a
store its settlement cycle.

The split is the one rule of how a FOOD order's sales (items and packaging)
divide between the store and the platform; the database checks that the
parts add up (``order_settlements_merchant_split``) and that a payout's gross
is the sum of its settlements (``merchant_store_payouts_gross_of_settlements``).
The demo generator computes its settlements with ``sales_split`` too.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from gatimitra.enums import OrderStatus, PayoutStatus, VerificationStatus
from gatimitra.errors import Refused
from merchants.models import MerchantBankAccount, MerchantContract, MerchantStorePayout

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: GST on the platform's commission (a service to the merchant, SAC 9985): 18 %.
GST_ON_COMMISSION = Decimal("0.18")
#: TCS an e-commerce operator collects on a GST-registered supplier's net
#: taxable supplies (CGST Act s.52; 0.5 % = CGST 0.25 + SGST 0.25).
TCS_RATE = Decimal("0.005")
#: TDS an e-commerce operator deducts on a participant's gross sales
#: (Income-tax Act s.194-O, 0.1 % from 1 October 2024).
TDS_RATE = Decimal("0.001")


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SalesSplit:
    """How a store's sales in one order divide (their sum is the sales)."""

    merchant_receivable: Decimal
    commission: Decimal
    gst_on_commission: Decimal
    tcs: Decimal
    tds: Decimal


def sales_split(item_total, packaging, commission_percent, gst_registered):
    """Split items + packaging: commission on the items, GST on the
    commission, TCS (registered suppliers only) and TDS on the sales; the
    merchant receives the rest."""
    sales = item_total + packaging
    commission = money(item_total * Decimal(commission_percent) / 100)
    gst = money(commission * GST_ON_COMMISSION)
    tcs = money(sales * TCS_RATE) if gst_registered else ZERO
    tds = money(sales * TDS_RATE)
    return SalesSplit(sales - commission - gst - tcs - tds, commission, gst, tcs, tds)


def active_contract(store, on=None):
    """The store's ACTIVE contract on ``on`` (today), or None."""
    on = on or timezone.localdate()
    return (
        MerchantContract.objects.filter(store=store, status="ACTIVE", valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("plan")
        .order_by("-valid_from", "-id")
        .first()
    )


def commission_percent(store, on=None):
    """The store's commission rate: its contract's override, else its plan's.
    A store with no active contract has no agreed rate: refused."""
    contract = active_contract(store, on)
    if contract is None:
        raise Refused(
            f"merchants.merchant_contracts: store {store.code} has no ACTIVE contract, "
            "so its commission is unknown: nothing was settled."
        )
    if contract.commission_percent_override is not None:
        return contract.commission_percent_override
    return contract.plan.commission_percent


def payout_account(store):
    """The VERIFIED account a store is paid into: its own default, else its
    parent's default, else any verified one of either (oldest first)."""
    accounts = MerchantBankAccount.objects.filter(
        Q(store=store) | Q(parent_id=store.parent_id),
        verification_status=VerificationStatus.VERIFIED,
    ).order_by("-is_default", "store_id", "id")
    account = accounts.first()
    if account is None:
        raise Refused(
            f"merchants.merchant_bank_accounts: store {store.code} has no VERIFIED account "
            "to be paid into: no payout was made."
        )
    return account


def settle_store(store, *, cycle_start, cycle_end, utr, user=None):
    """Pay ``store`` for the cycle: one payout holding every unsettled
    settlement of its delivered orders in the cycle (by delivery date), its
    gross and deductions the sums of theirs, sent and PROCESSED with the
    bank's ``utr``; the settlements become SETTLED. One transaction; the
    store row and the settlements are locked. Returns the payout."""
    from orders.choices import SettlementStatus
    from orders.models import OrderSettlement

    with transaction.atomic():
        store = type(store).objects.select_for_update().get(pk=store.pk)
        settlements = list(
            OrderSettlement.objects.select_for_update()
            .filter(
                order__merchant_store=store,
                order__status=OrderStatus.DELIVERED,
                order__completed_at__date__gte=cycle_start,
                order__completed_at__date__lte=cycle_end,
                payout__isnull=True,
                status__in=(SettlementStatus.PENDING, SettlementStatus.READY),
            )
            .order_by("id")
        )
        if not settlements:
            raise Refused(
                f"orders.order_settlements: store {store.code} has nothing to settle "
                f"for {cycle_start}..{cycle_end}: no payout was made."
            )
        payout = MerchantStorePayout.objects.create(
            store=store,
            bank_account=payout_account(store),
            contract=active_contract(store, cycle_end),
            status=PayoutStatus.SCHEDULED,
            cycle_start=cycle_start,
            cycle_end=cycle_end,
            gross_amount=ZERO,
            idempotency_key=f"msp-{store.pk}-{cycle_start:%Y%m%d}-{cycle_end:%Y%m%d}",
            scheduled_for=timezone.localdate(),
        )
        ids = [s.pk for s in settlements]
        OrderSettlement.objects.filter(pk__in=ids).update(payout=payout)
        sums = OrderSettlement.objects.filter(pk__in=ids).aggregate(
            receivable=Sum("merchant_receivable"),
            commission=Sum("platform_commission"),
            gst=Sum("gst_on_commission"),
            tcs=Sum("tcs"),
            tds=Sum("tds"),
        )
        payout.gross_amount = (
            sums["receivable"] + sums["commission"] + sums["gst"] + sums["tcs"] + sums["tds"]
        )
        payout.commission_amount = sums["commission"]
        payout.gst_on_commission = sums["gst"]
        payout.tcs_amount = sums["tcs"]
        payout.tds_amount = sums["tds"]
        payout.net_amount = payout.compute_net_amount()
        payout.status = PayoutStatus.PROCESSING
        payout.save()
        now = timezone.now()
        payout.status = PayoutStatus.PROCESSED
        payout.utr = utr
        payout.processed_at = now
        payout.save(update_fields=["status", "utr", "processed_at", "updated_at"])
        OrderSettlement.objects.filter(pk__in=ids).update(
            status=SettlementStatus.SETTLED, settled_at=now, updated_at=now
        )
    return payout
