"""Welfare fees on gig workers' pay: the rate a state (or one of its cities)
notifies, and the fee accrued on each order earning (riders.tax)."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q

from gatimitra.db.expressions import TsTzRange
from gatimitra.db.fields import MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from riders.models.earnings import RiderOrderEarning
from riders.models.riders import Rider
from riders.tax import WELFARE_FEE_MAX_PERCENT


class WelfareFeeRateQuerySet(models.QuerySet):
    def applying(self, city, when):
        """The rate an earning in ``city`` at ``when`` accrues at: the city's
        own, else its state's (rider_welfare_fee_accruals_rate_applies
        refuses the state's while the city's is in force). None: no fee."""
        in_force = self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=when),
            state_code=city.state_code,
            valid_from__lte=when,
        )
        return (
            in_force.filter(Q(city=city) | Q(city__isnull=True))
            .order_by(F("city").asc(nulls_last=True))
            .first()
        )


class WelfareFeeRate(TimestampedModel):
    """The welfare fee a state levies on payouts to platform workers, as
    notified (Karnataka Platform-based Gig Workers (Social Security and
    Welfare) Act 2025; Code on Social Security 2020 s.114), for a validity
    window. A city row overrides its state's."""

    state_code = models.CharField(max_length=2, help_text="GST state code, e.g. 29 (Karnataka).")
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="welfare_fee_rates",
        help_text="Empty: the whole state.",
    )
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    law = models.CharField(max_length=200, help_text="The Act and the notification setting it.")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    objects = WelfareFeeRateQuerySet.as_manager()

    class Meta:
        db_table = schema_table("riders", "welfare_fee_rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(state_code__regex=r"^[0-9]{2}$"),
                name="welfare_fee_rates_state_code_format",
            ),
            # CoSS 2020 s.114(4): at most 5% of what is paid to the workers.
            models.CheckConstraint(
                condition=Q(rate_percent__gt=0, rate_percent__lte=WELFARE_FEE_MAX_PERCENT),
                name="welfare_fee_rates_rate_range",
                violation_error_message="A welfare fee is above 0% and at most 5% of the payout "
                "(Code on Social Security 2020 s.114(4)).",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="welfare_fee_rates_valid_window",
            ),
            models.CheckConstraint(condition=~Q(law=""), name="welfare_fee_rates_law_named"),
            ExclusionConstraint(
                name="welfare_fee_rates_no_overlap",
                expressions=[
                    ("state_code", RangeOperators.EQUAL),
                    (models.functions.Coalesce("city", -1), RangeOperators.EQUAL),
                    (TsTzRange("valid_from", "valid_to", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                violation_error_message="Another rate for this state or city covers part of "
                "this window.",
            ),
        ]

    def __str__(self):
        where = f"city {self.city_id}" if self.city_id else f"state {self.state_code}"
        return f"{where}: {self.rate_percent}%"


class RiderWelfareFeeAccrual(TimestampedModel):
    """The welfare fee GatiMitra owes on one order earning of a rider where
    the order's state levies one: the base paid, the rate in force when it
    was earned, and the fee (the database checks the rate applies)."""

    earning = models.OneToOneField(
        RiderOrderEarning, on_delete=models.PROTECT, related_name="welfare_fee"
    )
    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="welfare_fees")
    rate = models.ForeignKey(WelfareFeeRate, on_delete=models.PROTECT, related_name="accruals")
    base_amount = MoneyField(help_text="The earning the fee is levied on.")
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2)
    fee_amount = MoneyField()
    accrued_at = models.DateTimeField()

    class Meta:
        db_table = schema_table("riders", "rider_welfare_fee_accruals")
        constraints = [
            models.CheckConstraint(
                condition=Q(base_amount__gte=0), name="rider_welfare_fee_accruals_base_positive"
            ),
            # The fee is the rate applied to the base, to the paisa.
            models.CheckConstraint(
                condition=Q(
                    fee_amount__gte=F("base_amount") * F("rate_percent") / 100 - 0.005,
                    fee_amount__lte=F("base_amount") * F("rate_percent") / 100 + 0.005,
                ),
                name="rider_welfare_fee_accruals_fee_is_rate",
                violation_error_message="The fee is the rate applied to the base.",
            ),
        ]

    def __str__(self):
        return f"Welfare fee {self.fee_amount} on earning {self.earning_id}"
