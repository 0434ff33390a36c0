"""Paid memberships: the plans, each customer's subscription, and what
they paid for it."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from customers.choices import PAYMENT_GATEWAYS, SubscriptionStatus, one_of
from gatimitra.db.fields import EnumArrayField, EnumField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import PaymentMethod, PaymentStatus, ServiceType

#: Statuses in which a subscription gives benefits; a customer has at most one.
LIVE_SUBSCRIPTION_STATUSES = [
    SubscriptionStatus.TRIAL,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE,
]


class CustomerSubscriptionPlan(TimestampedModel):
    """A paid membership plan (free delivery, extra discounts, ride
    benefits): its price, duration and the services it covers."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = MoneyField()
    duration_days = models.PositiveSmallIntegerField()
    trial_days = models.PositiveSmallIntegerField(default=0)
    services = EnumArrayField(ServiceType)
    free_delivery = models.BooleanField(default=False)
    extra_discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    benefits = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("customers", "customer_subscription_plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z][A-Z0-9_]*$"),
                name="customer_subscription_plans_code_format",
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gt=0),
                name="customer_subscription_plans_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(services__len__gt=0),
                name="customer_subscription_plans_services_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(extra_discount_percent__gte=0, extra_discount_percent__lte=100),
                name="customer_subscription_plans_discount_percent",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lt=F("valid_to")),
                name="customer_subscription_plans_validity_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CustomerSubscription(TimestampedModel):
    """One customer's membership of a plan for a period: status, auto-renew
    and the instrument or UPI AutoPay mandate it renews with. At most one
    live (trial, active or past-due) subscription per customer."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.ForeignKey(
        CustomerSubscriptionPlan, on_delete=models.PROTECT, related_name="subscriptions"
    )
    payment_method = models.ForeignKey(
        "customers.CustomerPaymentMethod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text="One of the same customer's instruments (checked by the database).",
    )
    status = EnumField(SubscriptionStatus, default=SubscriptionStatus.ACTIVE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    auto_renew = models.BooleanField(default=True)
    mandate_ref = models.CharField("UPI AutoPay mandate", max_length=64, null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="customer_subscriptions_period",
                violation_error_message="starts_at must be before ends_at.",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=LIVE_SUBSCRIPTION_STATUSES),
                name="customer_subscriptions_one_live_per_customer",
                violation_error_message="This customer already has a live subscription.",
            ),
            models.CheckConstraint(
                condition=~Q(status=SubscriptionStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="customer_subscriptions_cancelled_at",
            ),
        ]

    def __str__(self):
        return f"{self.plan} for {self.customer} ({self.status})"


class CustomerSubscriptionPayment(TimestampedModel):
    """One purchase or renewal charge of a subscription, through a gateway
    or a UPI AutoPay debit, for the period it pays for."""

    subscription = models.ForeignKey(
        CustomerSubscription, on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField()
    payment_method = EnumField(PaymentMethod)
    status = EnumField(PaymentStatus, default=PaymentStatus.CREATED)
    gateway = models.CharField(max_length=16, choices=PAYMENT_GATEWAYS)
    gateway_order_id = models.CharField(max_length=64, blank=True)
    gateway_payment_id = models.CharField(max_length=64, null=True, blank=True)
    is_renewal = models.BooleanField(default=False)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_subscription_payments")
        constraints = [
            one_of("customer_subscription_payments", "gateway", PAYMENT_GATEWAYS),
            models.CheckConstraint(
                condition=~Q(payment_method=PaymentMethod.CASH),
                name="customer_subscription_payments_not_cash",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lt=F("period_end")),
                name="customer_subscription_payments_period",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.CAPTURED) | Q(paid_at__isnull=False),
                name="customer_subscription_payments_captured_paid_at",
            ),
            models.UniqueConstraint(
                fields=["gateway_payment_id", "gateway"],
                condition=Q(gateway_payment_id__isnull=False),
                name="customer_subscription_payments_gateway_payment_uniq",
                violation_error_message="This gateway payment is already recorded.",
            ),
        ]

    def __str__(self):
        return f"₹{self.amount} {self.status} for {self.subscription_id}"
