"""Analytics about customers: where they came from, lifetime and monthly
aggregates, and model scores. Written by batch jobs, read by ops and
marketing."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import NullIf

from customers.choices import ACQUISITION_SOURCES, RFM_SEGMENTS, AttributionProvider, one_of
from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import DevicePlatform, ServiceType


def _total_orders():
    return F("food_orders") + F("parcel_orders") + F("ride_orders")


def _total_gmv():
    return F("food_gmv") + F("parcel_gmv") + F("ride_gmv")


class CustomerAcquisitionAttribution(TimestampedModel):
    """How one customer was acquired: channel, campaign, UTM tags, referral,
    install and signup times, and the first service they used."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, primary_key=True, related_name="acquisition"
    )
    source = models.CharField(max_length=12, choices=ACQUISITION_SOURCES, default="ORGANIC")
    referral = models.ForeignKey(
        "customers.CustomerReferral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributions",
    )
    attribution_provider = EnumField(AttributionProvider, null=True, blank=True)
    campaign = models.CharField(max_length=128, blank=True)
    utm_source = models.CharField(max_length=128, blank=True)
    utm_medium = models.CharField(max_length=128, blank=True)
    utm_campaign = models.CharField(max_length=128, blank=True)
    utm_term = models.CharField(max_length=128, blank=True)
    utm_content = models.CharField(max_length=128, blank=True)
    device_platform = EnumField(DevicePlatform, null=True, blank=True)
    install_at = models.DateTimeField(null=True, blank=True)
    signup_at = models.DateTimeField()
    first_order_at = models.DateTimeField(null=True, blank=True)
    first_service_type = EnumField(ServiceType, null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_acquisition_attribution")
        verbose_name_plural = "customer acquisition attribution"
        constraints = [
            one_of("customer_acquisition_attribution", "source", ACQUISITION_SOURCES),
            models.CheckConstraint(
                condition=~Q(source="REFERRAL") | Q(referral__isnull=False),
                name="customer_acquisition_attribution_referral",
                violation_error_message="A referral signup names its referral.",
            ),
            models.CheckConstraint(
                condition=Q(install_at__isnull=True) | Q(install_at__lte=F("signup_at")),
                name="customer_acquisition_attribution_install_first",
            ),
            models.CheckConstraint(
                condition=Q(first_order_at__isnull=True) | Q(first_order_at__gte=F("signup_at")),
                name="customer_acquisition_attribution_order_after_signup",
            ),
        ]

    def __str__(self):
        return f"acquisition of {self.customer} ({self.source})"


class CustomerLifetimeStats(TimestampedModel):
    """One customer's lifetime aggregates: orders and GMV by service, AOV,
    first and last order, cancellations and refunds. Totals and AOV are
    computed by the database from the per-service columns."""

    customer = models.OneToOneField(
        "customers.Customer",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="lifetime_stats",
    )
    food_orders = models.PositiveIntegerField(default=0)
    parcel_orders = models.PositiveIntegerField(default=0)
    ride_orders = models.PositiveIntegerField(default=0)
    food_gmv = MoneyField(default=0)
    parcel_gmv = MoneyField(default=0)
    ride_gmv = MoneyField(default=0)
    total_orders = models.GeneratedField(
        expression=_total_orders(), output_field=models.IntegerField(), db_persist=True
    )
    total_gmv = models.GeneratedField(
        expression=_total_gmv(),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
    )
    average_order_value = models.GeneratedField(
        expression=_total_gmv() / NullIf(_total_orders(), 0),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
    )
    cancellations = models.PositiveIntegerField(default=0)
    refunds_count = models.PositiveIntegerField(default=0)
    refund_amount = MoneyField(default=0)
    cod_refusals = models.PositiveIntegerField(default=0)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        db_table = schema_table("customers", "customer_lifetime_stats")
        verbose_name_plural = "customer lifetime stats"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_order_at__isnull=True, last_order_at__isnull=True)
                | Q(first_order_at__lte=F("last_order_at")),
                name="customer_lifetime_stats_order_dates",
            ),
        ]

    def __str__(self):
        return f"lifetime stats of {self.customer}"


class CustomerMonthlyMetric(TimestampedModel):
    """One customer's activity in one service in one calendar month, for
    cohort and retention analysis."""

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="monthly_metrics",
        db_index=False,
    )
    month = models.DateField(help_text="First day of the month.")
    service_type = EnumField(ServiceType)
    orders_count = models.PositiveIntegerField(default=0)
    cancellations = models.PositiveIntegerField(default=0)
    refunds_count = models.PositiveIntegerField(default=0)
    gmv = MoneyField(default=0)
    discount_amount = MoneyField(default=0)
    wallet_amount_used = MoneyField(default=0)

    class Meta:
        db_table = schema_table("customers", "customer_monthly_metrics")
        constraints = [
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="customer_monthly_metrics_first_of_month",
                violation_error_message="month is the first day of the month.",
            ),
            models.UniqueConstraint(
                fields=["customer", "month", "service_type"],
                name="customer_monthly_metrics_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "service_type"], name="customer_monthly_metrics_idx"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.month:%Y-%m} {self.service_type}"


class CustomerScore(TimestampedModel):
    """The latest model outputs for one customer, with the model version:
    RFM inputs and segment, churn risk, fraud score and COD eligibility."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="score"
    )
    model_version = models.CharField(max_length=32)
    recency_days = models.PositiveIntegerField(null=True, blank=True)
    frequency = models.PositiveIntegerField(null=True, blank=True)
    monetary = MoneyField(null=True, blank=True)
    rfm_segment = models.CharField(max_length=20, choices=RFM_SEGMENTS, null=True, blank=True)
    churn_risk = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    fraud_score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    cod_eligible = models.BooleanField(default=True)
    scored_at = models.DateTimeField()

    class Meta:
        db_table = schema_table("customers", "customer_scores")
        constraints = [
            one_of("customer_scores", "rfm_segment", RFM_SEGMENTS),
            models.CheckConstraint(
                condition=Q(churn_risk__gte=0, churn_risk__lte=1),
                name="customer_scores_churn_risk_range",
            ),
            models.CheckConstraint(
                condition=Q(fraud_score__gte=0, fraud_score__lte=1),
                name="customer_scores_fraud_score_range",
            ),
        ]

    def __str__(self):
        return f"scores of {self.customer} ({self.model_version})"
