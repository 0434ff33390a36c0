"""The customer's two balances and their ledgers: the closed-loop wallet
(INR) and the loyalty account (points), plus the loyalty tiers.

Both ledgers are append-only and chained by the database
(``gatimitra.db.operations.LedgerChain``): each row gets the next gap-free
``seq_no`` for its owner and ``balance_after`` = previous ± amount, writers
to one owner are serialised by locking the owner row, a balance below zero
is refused, and the owner's cached balance is set by the same trigger and
cannot be changed any other way. A replayed posting (same source and type,
or same idempotency key) is refused by a unique index, never doubled.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from customers.choices import (
    LEDGER_SOURCE_TYPES,
    WALLET_STATUSES,
    CustomerWalletTxnType,
    LoyaltyTxnType,
    one_of,
)
from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import ASSIGNED_BY_DATABASE, LedgerEntryModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import LedgerEntryDirection

CREDIT, DEBIT = LedgerEntryDirection.CREDIT, LedgerEntryDirection.DEBIT

WALLET_CREDIT_TYPES = [
    CustomerWalletTxnType.REFUND_CREDIT,
    CustomerWalletTxnType.CASHBACK,
    CustomerWalletTxnType.PROMO_CREDIT,
    CustomerWalletTxnType.REFERRAL_REWARD,
    CustomerWalletTxnType.GOODWILL_CREDIT,
]
WALLET_DEBIT_TYPES = [CustomerWalletTxnType.ORDER_DEBIT, CustomerWalletTxnType.EXPIRY]
LOYALTY_CREDIT_TYPES = [LoyaltyTxnType.EARN, LoyaltyTxnType.BONUS]
LOYALTY_DEBIT_TYPES = [LoyaltyTxnType.REDEEM, LoyaltyTxnType.EXPIRE]


class _LedgerOwner(TimestampedModel):
    """An owner row whose cached balance only its ledger trigger moves."""

    #: Columns the ledger trigger maintains; ``save()`` never writes them back.
    ledger_maintained_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # An UPDATE that carried a stale in-memory balance would be refused by
        # the balance guard (or, worse, undo a concurrent posting if the guard
        # were off), so updates leave the ledger-maintained columns alone.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and not field.generated
                and field.name not in self.ledger_maintained_fields
            ]
        super().save(*args, **kwargs)

    def _post(self, entry_model, owner_field, fields):
        with transaction.atomic():
            entry = entry_model.objects.create(**{owner_field: self}, **fields)
        self.refresh_from_db(fields=list(self.ledger_maintained_fields))
        return entry


class CustomerWallet(_LedgerOwner):
    """A customer's closed-loop GatiMitra credit (refunds, cashback, promo
    and goodwill credit), spendable on orders. One per customer. ``balance``
    is the latest ``balance_after`` of its ledger, set only by the ledger."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="wallet"
    )
    balance = MoneyField(default=0, editable=False)
    status = models.CharField(max_length=8, choices=WALLET_STATUSES, default="ACTIVE")
    frozen_reason = models.CharField(max_length=255, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frozen_customer_wallets",
    )

    ledger_maintained_fields = ("balance",)

    class Meta:
        db_table = schema_table("customers", "customer_wallet")
        constraints = [
            one_of("customer_wallet", "status", WALLET_STATUSES),
            models.CheckConstraint(
                condition=~Q(status="FROZEN") | Q(frozen_at__isnull=False),
                name="customer_wallet_frozen_at",
                violation_error_message="A frozen wallet needs frozen_at.",
            ),
        ]

    def __str__(self):
        return f"wallet of {self.customer} (₹{self.balance})"

    def post(
        self,
        direction,
        txn_type,
        amount,
        *,
        source_type,
        source_id,
        idempotency_key=None,
        **fields,
    ):
        """Append one entry; the database assigns ``seq_no`` and
        ``balance_after`` and moves ``balance``. A replay raises IntegrityError."""
        return self._post(
            CustomerWalletTransaction,
            "wallet",
            {
                "direction": direction,
                "txn_type": txn_type,
                "amount": amount,
                "source_type": source_type,
                "source_id": str(source_id),
                "idempotency_key": idempotency_key or f"{source_type}:{source_id}:{txn_type}",
                **fields,
            },
        )

    def credit(self, txn_type, amount, **kwargs):
        return self.post(CREDIT, txn_type, amount, **kwargs)

    def debit(self, txn_type, amount, **kwargs):
        return self.post(DEBIT, txn_type, amount, **kwargs)


class _CustomerLedgerEntry(LedgerEntryModel):
    source_type = models.CharField(max_length=16, choices=LEDGER_SOURCE_TYPES)
    source_id = models.CharField(max_length=64, help_text="Id of the source row (soft reference).")
    idempotency_key = models.CharField(max_length=128, unique=True)
    description = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posted_%(class)ss",
        help_text="The staff member who posted it by hand, if any.",
    )

    class Meta:
        abstract = True


class CustomerWalletTransaction(_CustomerLedgerEntry):
    """One append-only movement of a customer wallet: a credit (refund,
    cashback, promo, referral, goodwill) or a debit (order payment, expiry),
    with the balance after it. An order payment names its order and a refund
    credit its refund, both of the wallet's customer (checked by the
    database)."""

    wallet = models.ForeignKey(
        CustomerWallet, on_delete=models.PROTECT, related_name="transactions", db_index=False
    )
    txn_type = EnumField(CustomerWalletTxnType)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_wallet_transactions",
        help_text="The order an ORDER_DEBIT paid or a CASHBACK came from.",
    )
    refund = models.ForeignKey(
        "orders.OrderRefund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_wallet_transactions",
        help_text="The refund a REFUND_CREDIT pays out.",
    )
    amount = MoneyField()
    balance_after = models.DecimalField(
        max_digits=14, decimal_places=2, db_default=ASSIGNED_BY_DATABASE, editable=False
    )
    credit_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Promotional credit lapses then (an EXPIRY debit)."
    )

    chain_owner_field = "wallet"

    class Meta:
        db_table = schema_table("customers", "customer_wallet_transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["wallet", "seq_no"], name="customer_wallet_transactions_wallet_seq_uniq"
            ),
            models.UniqueConstraint(
                fields=["source_id", "source_type", "txn_type"],
                name="customer_wallet_transactions_source_uniq",
                violation_error_message="This source was already posted to a wallet.",
            ),
            one_of("customer_wallet_transactions", "source_type", LEDGER_SOURCE_TYPES),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="customer_wallet_transactions_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(txn_type__in=WALLET_CREDIT_TYPES, direction=CREDIT)
                | Q(txn_type__in=WALLET_DEBIT_TYPES, direction=DEBIT)
                | Q(txn_type=CustomerWalletTxnType.REVERSAL),
                name="customer_wallet_transactions_direction_of_type",
                violation_error_message="Credits are credits; order payments and expiries debits.",
            ),
            models.CheckConstraint(
                condition=Q(credit_expires_at__isnull=True) | Q(direction=CREDIT),
                name="customer_wallet_transactions_expiry_on_credit",
            ),
            models.CheckConstraint(
                condition=~Q(txn_type=CustomerWalletTxnType.ORDER_DEBIT) | Q(order__isnull=False),
                name="customer_wallet_transactions_order_debit_names_order",
                violation_error_message="An order payment names its order.",
            ),
            models.CheckConstraint(
                condition=~Q(txn_type=CustomerWalletTxnType.REFUND_CREDIT)
                | Q(refund__isnull=False),
                name="customer_wallet_transactions_refund_credit_names_refund",
                violation_error_message="A refund credit names its refund.",
            ),
        ]

    def __str__(self):
        return f"#{self.seq_no} {self.direction} ₹{self.amount} ({self.txn_type})"


class CustomerLoyaltyTier(TimestampedModel):
    """A loyalty tier (e.g. Silver, Gold): the lifetime points it needs,
    its earn multiplier and benefits."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the entry tier.")
    min_lifetime_points = models.PositiveBigIntegerField(unique=True)
    earn_multiplier = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    validity_days = models.PositiveSmallIntegerField(default=365)
    benefits = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("customers", "customer_loyalty_tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"),
                name="customer_loyalty_tiers_code_format",
            ),
            models.CheckConstraint(
                condition=Q(earn_multiplier__gt=0) & Q(earn_multiplier__lte=10),
                name="customer_loyalty_tiers_earn_multiplier_range",
            ),
            models.CheckConstraint(
                condition=Q(validity_days__gt=0), name="customer_loyalty_tiers_validity_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CustomerLoyalty(_LedgerOwner):
    """A customer's loyalty account: current tier, points balance and
    lifetime points earned. One per customer. ``points_balance`` and
    ``lifetime_points`` are maintained by the points ledger's triggers."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.PROTECT, related_name="loyalty"
    )
    tier = models.ForeignKey(
        CustomerLoyaltyTier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    points_balance = models.PositiveBigIntegerField(default=0, editable=False)
    lifetime_points = models.PositiveBigIntegerField(default=0, editable=False)
    tier_achieved_at = models.DateTimeField(null=True, blank=True)
    tier_valid_until = models.DateField(null=True, blank=True)

    ledger_maintained_fields = ("points_balance", "lifetime_points")

    class Meta:
        db_table = schema_table("customers", "customer_loyalty")
        verbose_name = "customer loyalty account"
        verbose_name_plural = "customer loyalty accounts"
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__isnull=False) | Q(tier_valid_until__isnull=True),
                name="customer_loyalty_validity_needs_tier",
            ),
        ]

    def __str__(self):
        return f"loyalty of {self.customer} ({self.points_balance} pts)"

    def post(
        self,
        direction,
        txn_type,
        points,
        *,
        source_type,
        source_id,
        idempotency_key=None,
        **fields,
    ):
        return self._post(
            CustomerLoyaltyTransaction,
            "loyalty",
            {
                "direction": direction,
                "txn_type": txn_type,
                "amount": points,
                "source_type": source_type,
                "source_id": str(source_id),
                "idempotency_key": idempotency_key or f"{source_type}:{source_id}:{txn_type}",
                **fields,
            },
        )

    def earn(self, points, **kwargs):
        return self.post(CREDIT, LoyaltyTxnType.EARN, points, **kwargs)

    def redeem(self, points, **kwargs):
        return self.post(DEBIT, LoyaltyTxnType.REDEEM, points, **kwargs)


class CustomerLoyaltyTransaction(_CustomerLedgerEntry):
    """One append-only movement of a loyalty account in whole points: earn,
    bonus, redeem, expire, reverse or adjust, with the balance after it and
    the account's customer's order it was earned or redeemed on, if any."""

    loyalty = models.ForeignKey(
        CustomerLoyalty, on_delete=models.PROTECT, related_name="transactions", db_index=False
    )
    txn_type = EnumField(LoyaltyTxnType)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_loyalty_transactions",
        help_text="The order the points were earned or redeemed on.",
    )
    amount = models.PositiveIntegerField(help_text="Points.")
    balance_after = models.BigIntegerField(db_default=ASSIGNED_BY_DATABASE, editable=False)
    points_expire_at = models.DateTimeField(null=True, blank=True)

    chain_owner_field = "loyalty"

    class Meta:
        db_table = schema_table("customers", "customer_loyalty_transactions")
        constraints = [
            models.UniqueConstraint(
                fields=["loyalty", "seq_no"], name="customer_loyalty_transactions_loyalty_seq_uniq"
            ),
            models.UniqueConstraint(
                fields=["source_id", "source_type", "txn_type"],
                name="customer_loyalty_transactions_source_uniq",
                violation_error_message="This source was already posted to a loyalty account.",
            ),
            one_of("customer_loyalty_transactions", "source_type", LEDGER_SOURCE_TYPES),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="customer_loyalty_transactions_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(txn_type__in=LOYALTY_CREDIT_TYPES, direction=CREDIT)
                | Q(txn_type__in=LOYALTY_DEBIT_TYPES, direction=DEBIT)
                | Q(txn_type__in=[LoyaltyTxnType.REVERSE, LoyaltyTxnType.ADJUST]),
                name="customer_loyalty_transactions_direction_of_type",
                violation_error_message="Earn and bonus are credits, redeem and expire debits.",
            ),
            models.CheckConstraint(
                condition=Q(points_expire_at__isnull=True) | Q(direction=CREDIT),
                name="customer_loyalty_transactions_expiry_on_credit",
            ),
        ]

    def __str__(self):
        return f"#{self.seq_no} {self.direction} {self.amount} pts ({self.txn_type})"
