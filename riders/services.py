"""Rider money flows: the pay for a finished assignment, cash collected on
delivery, and paying a rider out.

Each writes the rider's ``wallet_ledger`` (whose ``seq_no`` and
``balance_after`` the database chains, and from whose COD rows it keeps
``rider_live_status.cash_in_hand``); the database checks that an earning
pays its assignment's rider for its order and that a COD collection is a
CASH order's total held by that rider. The pay rule lives here once: the
order services and the demo generator both use ``delivery_pay``.

And erasure of an offboarded rider's personal data (DPDP Act 2023 s.12),
run by staff with the reason recorded. Kept, as the law requires: the rider
row (orders, assignments, earnings and payouts point at it), earnings,
payouts and their TDS (Income-tax Act
1961 s.194C/194-O: TDS records for the assessment years), the wallet ledger,
welfare-fee accruals, documents' masked numbers and keyed hashes (fraud
checks on a returning rider), consents (proof of lawful processing) and the
audit trail (personal columns only masked and hashed, audit/tracked.py)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from gatimitra.enums import (
    LedgerEntryDirection,
    PaymentMethod,
    PayoutAccountType,
    PayoutStatus,
    ServiceType,
    VerificationStatus,
)
from gatimitra.errors import Refused
from orders import ride_rules
from orders.choices import RideVehicleOwner
from riders.choices import RiderStatus, WalletTxnType
from riders.models import (
    Rider,
    RiderBankAccount,
    RiderDevice,
    RiderOrderEarning,
    RiderPayout,
    RiderStatusHistory,
    WalletLedger,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: The pay rule written on each earning (``pay_rule_version``).
PAY_RULE_VERSION = "2025.3"
#: A delivery pays a base and a per-km rate beyond the first kilometres.
DELIVERY_BASE_PAY = Decimal("25.00")
DELIVERY_FREE_KM = Decimal("2")
DELIVERY_PER_KM = Decimal("6.00")
#: A ride pays the driver the guideline's floor for a driver-owned vehicle
#: (MVAG 2025, orders.ride_rules), rounded up so it never falls below it.
RIDE_FARE_SHARE = ride_rules.DRIVER_SHARE_FLOOR_PERCENT[RideVehicleOwner.DRIVER] / 100


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Pay:
    base_pay: Decimal
    distance_pay: Decimal


def delivery_pay(service_type, distance_m, fare=ZERO):
    """What a finished assignment pays before waiting time and tips."""
    if service_type == ServiceType.RIDE:
        share = (Decimal(fare) * RIDE_FARE_SHARE).quantize(CENT, rounding=ROUND_UP)
        return Pay(share, ZERO)
    km = Decimal(distance_m or 0) / 1000
    return Pay(DELIVERY_BASE_PAY, money(max(ZERO, km - DELIVERY_FREE_KM) * DELIVERY_PER_KM))


def balance(rider):
    """The rider's wallet balance: the last ledger row's ``balance_after``."""
    last = WalletLedger.objects.filter(rider=rider).order_by("-seq_no").first()
    return last.balance_after if last else ZERO


def wallet_idempotency_key(source_type, source_id, txn_type):
    """The key that makes a wallet entry unique: one entry of a kind per source."""
    return f"{source_type.lower()}-{source_id}-{txn_type.lower()}"


def _entry(rider, txn_type, amount, source_type, source_id, description, **links):
    direction = (
        LedgerEntryDirection.DEBIT
        if txn_type in (WalletTxnType.COD_COLLECTED, WalletTxnType.PAYOUT, WalletTxnType.PENALTY)
        else LedgerEntryDirection.CREDIT
    )
    return WalletLedger.objects.create(
        rider=rider,
        direction=direction,
        txn_type=txn_type,
        amount=amount,
        source_type=source_type,
        source_id=source_id,
        idempotency_key=wallet_idempotency_key(source_type, source_id, txn_type),
        description=description[:200],
        **links,
    )


def earn(assignment, *, fare=ZERO, tip=ZERO, wait_pay=ZERO):
    """The rider's earning for a COMPLETED ``assignment``, credited to their
    wallet (ORDER_EARNING naming it) in the caller's transaction."""
    order = assignment.order
    pay = delivery_pay(order.service_type, order.distance_m, fare)
    earning = RiderOrderEarning.objects.create(
        rider_id=assignment.rider_id,
        order=order,
        assignment=assignment,
        service_type=order.service_type,
        base_pay=pay.base_pay,
        distance_pay=pay.distance_pay,
        wait_pay=wait_pay,
        tip=tip,
        distance_m=order.distance_m or 0,
        pay_rule_version=PAY_RULE_VERSION,
        earned_at=assignment.ended_at or timezone.now(),
    )
    earning.refresh_from_db(fields=["total"])
    _entry(
        assignment.rider,
        WalletTxnType.ORDER_EARNING,
        earning.total,
        "EARNING",
        earning.pk,
        f"Earning for {order.order_number}",
        earning=earning,
    )
    return earning


def collect_cash(assignment, amount):
    """The rider took ``amount`` in cash for the CASH order of
    ``assignment``: a COD_COLLECTED debit (which moves their cash in hand)."""
    order = assignment.order
    if order.payment_method != PaymentMethod.CASH:
        raise Refused(
            f"orders.orders: order {order.order_number} is paid by {order.payment_method}, "
            "not cash: no cash was collected."
        )
    return _entry(
        assignment.rider,
        WalletTxnType.COD_COLLECTED,
        amount,
        "ORDER",
        order.pk,
        f"Cash collected for {order.order_number}",
        order=order,
    )


def pay_out(rider, *, period_start, period_end, utr):
    """Pay ``rider`` their whole positive wallet balance into their default
    VERIFIED account: a payout sent and PROCESSED with the bank's ``utr``, and
    the PAYOUT debit that names it. One transaction, the rider row locked
    (two payouts at once would both see the same balance)."""
    with transaction.atomic():
        rider = Rider.objects.select_for_update().get(pk=rider.pk)
        amount = balance(rider)
        if amount <= 0:
            raise Refused(
                f"riders.wallet_ledger: rider {rider.pk} has a balance of {amount}: "
                "nothing to pay out."
            )
        account = (
            RiderBankAccount.objects.filter(
                rider=rider, verification_status=VerificationStatus.VERIFIED
            )
            .order_by("-is_default", "id")
            .first()
        )
        if account is None:
            raise Refused(
                f"riders.rider_bank_accounts: rider {rider.pk} has no VERIFIED account: "
                "nothing was paid out."
            )
        upi = account.account_type == PayoutAccountType.UPI_VPA
        payout = RiderPayout.objects.create(
            rider=rider,
            bank_account=account,
            idempotency_key=f"rp-{rider.pk}-{period_start:%Y%m%d}-{period_end:%Y%m%d}",
            mode="UPI" if upi else "IMPS",
            amount=amount,
            period_start=period_start,
            period_end=period_end,
        )
        _entry(
            rider,
            WalletTxnType.PAYOUT,
            amount,
            "PAYOUT",
            payout.pk,
            f"Payout {period_start}..{period_end}",
            payout=payout,
        )
        payout.status = PayoutStatus.PROCESSING
        payout.save(update_fields=["status", "updated_at"])
        payout.status = PayoutStatus.PROCESSED
        payout.utr = utr
        payout.processed_at = timezone.now()
        payout.save(update_fields=["status", "utr", "processed_at", "updated_at"])
    return payout


class ErasureRefused(Refused):
    """Erasure cannot run; the message says why and that nothing changed."""


def erase_rider(rider, *, user, reason):
    """Anonymise offboarded ``rider`` as staff ``user`` for ``reason``:
    name, mobile, date of birth and e-Shram UAN cleared, bank account
    holder and VPA replaced, device push tokens dropped; the reason is
    recorded in the rider's status history. Refused (nothing changed)
    without staff or reason, or unless the rider is OFFBOARDED."""
    if user is None or not getattr(user, "is_active", False):
        raise ErasureRefused("Erasure is run by an active staff user: nothing was erased.")
    if not reason or not reason.strip():
        raise ErasureRefused("Say why the rider's data is erased: nothing was erased.")
    with transaction.atomic(), acting_as(user, request_id=f"erasure rider {rider.pk}"):
        locked = Rider.objects.select_for_update().get(pk=rider.pk)
        if locked.anonymised_at is not None:
            raise ErasureRefused(f"Rider {locked.pk} is already anonymised.")
        if locked.status != RiderStatus.OFFBOARDED:
            raise ErasureRefused(
                f"Rider {locked.pk} is {locked.status}: offboard them first (open orders, "
                "cash in hand and dues settle on the way). Nothing was erased."
            )
        for account in RiderBankAccount.objects.filter(rider=locked):
            account.account_holder_name = "ERASED"
            if account.upi_vpa:
                # The account type keeps a VPA; an address that reaches no one.
                account.upi_vpa = f"erased-{account.pk}@erased"
            account.save()
        RiderDevice.objects.filter(rider=locked).update(push_token=None)
        locked.full_name = ""
        locked.mobile = None
        locked.date_of_birth = None
        locked.eshram_uan = None
        locked.anonymised_at = timezone.now()
        locked.save()
        RiderStatusHistory.objects.create(
            rider=locked,
            actor=user,
            from_status=RiderStatus.OFFBOARDED,
            to_status=RiderStatus.OFFBOARDED,
            reason=f"Personal data erased (DPDP Act 2023 s.12): {reason.strip()}",
        )
    return locked
