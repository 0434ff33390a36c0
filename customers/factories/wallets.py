from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from customers.choices import CustomerWalletTxnType, LoyaltyTxnType
from customers.factories._links import customer_order
from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerLoyalty,
    CustomerLoyaltyTier,
    CustomerLoyaltyTransaction,
    CustomerWallet,
    CustomerWalletTransaction,
)
from gatimitra.enums import LedgerEntryDirection, OrderStatus


class CustomerWalletFactory(DjangoModelFactory):
    """A wallet whose balance came through its ledger: ``credits`` (amounts,
    default one ₹150 promo credit) are posted as ledger entries, so the
    database sets ``balance``. ``CustomerWalletFactory(credits=[])`` is empty."""

    customer = factory.SubFactory(CustomerFactory)
    status = "ACTIVE"

    class Meta:
        model = CustomerWallet
        # Saving again after posting would write a stale balance.
        skip_postgeneration_save = True

    @factory.post_generation
    def credits(wallet, create, extracted, **kwargs):
        if not create:
            return
        amounts = [Decimal("150.00")] if extracted is None else extracted
        for index, amount in enumerate(amounts, start=1):
            wallet.credit(
                CustomerWalletTxnType.PROMO_CREDIT,
                Decimal(amount),
                source_type="CAMPAIGN",
                source_id=f"factory-wallet-{wallet.pk}-{index}",
                description="Welcome credit",
            )


class CustomerWalletTransactionFactory(DjangoModelFactory):
    """Cashback on the wallet customer's delivered FOOD order."""

    wallet = factory.SubFactory(CustomerWalletFactory, credits=[])
    direction = LedgerEntryDirection.CREDIT
    txn_type = CustomerWalletTxnType.CASHBACK
    order = customer_order("..wallet.customer", status=OrderStatus.DELIVERED)
    amount = Decimal("40.00")
    source_type = "ORDER"
    source_id = factory.LazyAttribute(lambda o: str(o.order.pk))
    idempotency_key = factory.LazyAttribute(lambda o: f"{o.source_type}:{o.source_id}:{o.txn_type}")
    description = "Cashback on order"

    class Meta:
        model = CustomerWalletTransaction


class CustomerLoyaltyTierFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"TIER_{n}")
    name = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: 100 + n)
    min_lifetime_points = factory.Sequence(lambda n: 100000 + 1000 * n)
    earn_multiplier = Decimal("1.50")
    benefits = factory.LazyFunction(lambda: {"free_delivery_per_month": 2})

    class Meta:
        model = CustomerLoyaltyTier
        django_get_or_create = ("code",)


class CustomerLoyaltyFactory(DjangoModelFactory):
    """A loyalty account; ``points`` (default 200) are earned through the
    points ledger, which sets the balance and lifetime points."""

    customer = factory.SubFactory(CustomerFactory)
    tier = None

    class Meta:
        model = CustomerLoyalty
        skip_postgeneration_save = True

    @factory.post_generation
    def points(account, create, extracted, **kwargs):
        if not create:
            return
        amounts = [200] if extracted is None else extracted
        for index, amount in enumerate(amounts, start=1):
            account.earn(
                amount, source_type="CAMPAIGN", source_id=f"factory-loyalty-{account.pk}-{index}"
            )


class CustomerLoyaltyTransactionFactory(DjangoModelFactory):
    """Points earned on the account customer's delivered FOOD order."""

    loyalty = factory.SubFactory(CustomerLoyaltyFactory, points=[])
    direction = LedgerEntryDirection.CREDIT
    txn_type = LoyaltyTxnType.EARN
    order = customer_order("..loyalty.customer", status=OrderStatus.DELIVERED)
    amount = 120
    source_type = "ORDER"
    source_id = factory.LazyAttribute(lambda o: str(o.order.pk))
    idempotency_key = factory.LazyAttribute(lambda o: f"{o.source_type}:{o.source_id}:{o.txn_type}")

    class Meta:
        model = CustomerLoyaltyTransaction
