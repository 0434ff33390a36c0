import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.enums import (
    LedgerEntryDirection,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PayoutAccountType,
    ServiceType,
    VerificationStatus,
)
from riders.choices import CREDIT_TXN_TYPES, WalletTxnType
from riders.factories.riders import RiderFactory
from riders.models import (
    RiderBankAccount,
    RiderCashDeposit,
    RiderOnboardingPayment,
    RiderOrderEarning,
    RiderPayout,
    WalletLedger,
)


class RiderBankAccountFactory(DjangoModelFactory):
    """A bank account (``account_number`` is kept only masked and hashed).
    Traits: ``upi`` (a VPA instead), ``verified``."""

    rider = factory.SubFactory(RiderFactory)
    account_type = PayoutAccountType.BANK_ACCOUNT
    account_holder_name = factory.LazyAttribute(lambda o: o.rider.full_name)
    bank_name = "State Bank of India"
    ifsc = "SBIN0001234"
    account_number_masked = factory.LazyAttribute(lambda o: mask(o.account_number))
    account_number_hash = factory.LazyAttribute(lambda o: keyed_hash(o.account_number))

    class Params:
        account_number = factory.Sequence(lambda n: f"3{n:010d}")
        upi = factory.Trait(
            account_type=PayoutAccountType.UPI_VPA,
            bank_name="",
            ifsc=None,
            account_number_masked="",
            account_number_hash=None,
            upi_vpa=factory.Sequence(lambda n: f"rider{n}@oksbi"),
        )
        verified = factory.Trait(
            verification_status=VerificationStatus.VERIFIED,
            penny_drop_reference=factory.Sequence(lambda n: f"pd_{n:012d}"),
            name_match_score=Decimal("96.00"),
            verified_at=factory.LazyFunction(timezone.now),
            provider_fund_account_id=factory.Sequence(lambda n: f"fa_{n:014d}"),
        )

    class Meta:
        model = RiderBankAccount


class RiderPayoutFactory(DjangoModelFactory):
    """A scheduled weekly IMPS payout to the rider's own bank account."""

    rider = factory.SubFactory(RiderFactory)
    bank_account = factory.SubFactory(
        RiderBankAccountFactory, rider=factory.SelfAttribute("..rider"), verified=True
    )
    idempotency_key = factory.Sequence(lambda n: f"payout-{n:010d}")
    amount = Decimal("2150.00")
    fee = Decimal("0.00")
    period_end = factory.LazyFunction(timezone.localdate)
    period_start = factory.LazyAttribute(lambda o: o.period_end - datetime.timedelta(days=6))

    class Meta:
        model = RiderPayout


class RiderCashDepositFactory(DjangoModelFactory):
    rider = factory.SubFactory(RiderFactory)
    method = "HUB_CASH"
    amount = Decimal("1240.00")
    hub_name = "Koramangala hub"
    slip_photo_key = factory.Sequence(lambda n: f"riders/deposit-slips/{n}.jpg")

    class Meta:
        model = RiderCashDeposit


def finished_order(service_type=ServiceType.FOOD):
    """A complete order of ``service_type`` that is over (DELIVERED, or
    COMPLETED for RIDE), without its rider assignment."""
    from orders.factories import OrderFactory

    finished = OrderStatus.COMPLETED if service_type == ServiceType.RIDE else OrderStatus.DELIVERED
    return OrderFactory(service_type=service_type, status=finished, with_assignment=False)


def finished_assignment(rider, service_type=ServiceType.FOOD, order=None):
    """What an earning pays: ``rider``'s COMPLETED assignment on ``order``
    (by default a new finished order of ``service_type``). An existing
    COMPLETED assignment of the order without an earning is reused when it
    is the rider's."""
    from orders.choices import AssignmentStatus
    from orders.factories import OrderRiderAssignmentFactory

    if order is None:
        order = finished_order(service_type)
    else:
        done = order.rider_assignments.filter(
            status=AssignmentStatus.COMPLETED, rider_earnings__isnull=True
        )
        if existing := done.filter(rider=rider).order_by("id").first():
            return existing
    now = timezone.now()
    return OrderRiderAssignmentFactory(
        order=order,
        status=AssignmentStatus.COMPLETED,
        assigned_at=now,
        accepted_at=now,
        picked_up_at=now,
        dropped_at=now,
        ended_at=now,
        rider=rider,
    )


#: "Not given": the factory builds the order and/or the assignment.
AUTO = object()


class RiderOrderEarningFactory(DjangoModelFactory):
    """An ACTIVE rider's earning for their finished assignment of an order
    of ``service_type``. Give ``order`` (an order that is over) or
    ``assignment``, or neither, and the factory builds what is missing so that
    order, assignment and rider agree."""

    rider = factory.SubFactory("riders.factories.riders.ActiveRiderFactory")
    order = AUTO
    assignment = AUTO
    service_type = ServiceType.FOOD
    base_pay = Decimal("25.00")
    distance_pay = Decimal("18.40")
    wait_pay = Decimal("5.00")
    tip = Decimal("20.00")
    distance_m = 4600
    wait_minutes = 6
    pay_rule_version = "FOOD-BLR-2025.06"

    class Meta:
        model = RiderOrderEarning

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        order, assignment = kwargs["order"], kwargs["assignment"]
        if assignment is AUTO:
            assignment = finished_assignment(
                kwargs["rider"], kwargs["service_type"], None if order is AUTO else order
            )
        if order is AUTO:
            order = assignment.order if assignment is not None else finished_order()
        return {**kwargs, "order": order, "assignment": assignment}


class WalletLedgerFactory(DjangoModelFactory):
    """An ORDER_EARNING credit. ``direction`` follows ``txn_type``;
    ``seq_no`` and ``balance_after`` come from the database's chain, so any
    sequence of these factories leaves a consistent ledger. Traits:
    ``for_order`` (a tip on a delivered order), ``for_earning``,
    ``for_payout``, ``for_deposit`` link the typed source."""

    rider = factory.SubFactory(RiderFactory)
    txn_type = WalletTxnType.ORDER_EARNING
    direction = factory.LazyAttribute(
        lambda o: (
            LedgerEntryDirection.CREDIT
            if o.txn_type in CREDIT_TXN_TYPES
            else LedgerEntryDirection.DEBIT
        )
    )
    amount = Decimal("68.40")
    source_type = "ORDER"
    source_id = factory.Sequence(lambda n: 500_000 + n)
    idempotency_key = factory.Sequence(lambda n: f"wl-{n:012d}")

    class Params:
        for_order = factory.Trait(
            order=factory.SubFactory("orders.factories.OrderFactory", status=OrderStatus.DELIVERED),
            txn_type=WalletTxnType.TIP,
            amount=Decimal("20.00"),
            source_type="ORDER",
            source_id=factory.SelfAttribute("order.pk"),
        )
        for_earning = factory.Trait(
            earning=factory.SubFactory(
                RiderOrderEarningFactory, rider=factory.SelfAttribute("..rider")
            ),
            source_type="EARNING",
            source_id=factory.SelfAttribute("earning.pk"),
            amount=factory.SelfAttribute("earning.total"),
        )
        for_payout = factory.Trait(
            txn_type=WalletTxnType.PAYOUT,
            payout=factory.SubFactory(RiderPayoutFactory, rider=factory.SelfAttribute("..rider")),
            source_type="PAYOUT",
            source_id=factory.SelfAttribute("payout.pk"),
            amount=factory.SelfAttribute("payout.amount"),
        )
        for_deposit = factory.Trait(
            txn_type=WalletTxnType.COD_DEPOSITED,
            deposit=factory.SubFactory(
                RiderCashDepositFactory, rider=factory.SelfAttribute("..rider")
            ),
            source_type="CASH_DEPOSIT",
            source_id=factory.SelfAttribute("deposit.pk"),
            amount=factory.SelfAttribute("deposit.amount"),
        )

    class Meta:
        model = WalletLedger


class RiderOnboardingPaymentFactory(DjangoModelFactory):
    """A joining fee paid by UPI."""

    rider = factory.SubFactory(RiderFactory)
    purpose = "JOINING_FEE"
    payment_method = PaymentMethod.UPI
    status = PaymentStatus.CAPTURED
    amount = Decimal("499.00")
    gateway_order_id = factory.Sequence(lambda n: f"order_{n:014d}")
    gateway_payment_id = factory.Sequence(lambda n: f"pay_{n:014d}")
    paid_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = RiderOnboardingPayment
