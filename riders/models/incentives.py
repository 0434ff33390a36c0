"""Incentive programmes, each rider's progress on them, and penalties."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gatimitra.db.fields import EnumField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import DisputeStatus, ServiceType
from riders.choices import PENALTY_REASONS, IncentiveType, choices
from riders.models.earnings import WalletLedger
from riders.models.riders import Rider

Q = models.Q
F = models.F


class RiderIncentiveScheme(TimestampedModel):
    """One incentive programme (order target, peak hour, rain surge, login
    hours, minimum guarantee, streak, long distance) for a service, a period
    and a city or one zone of it (neither: everywhere)."""

    code = models.CharField(max_length=40)
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_incentive_schemes",
        help_text="Empty: every city.",
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_incentive_schemes",
        help_text="Empty: every zone of the city.",
    )
    incentive_type = EnumField(IncentiveType)
    service_type = EnumField(ServiceType, null=True, blank=True, help_text="Empty: every service.")
    name = models.CharField(max_length=150)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    target_orders = models.PositiveIntegerField(null=True, blank=True)
    target_login_minutes = models.PositiveIntegerField(null=True, blank=True)
    reward_amount = MoneyField()
    max_reward_per_rider = MoneyField(null=True, blank=True)
    slabs = models.JSONField(
        default=list, blank=True, help_text='Tiers, e.g. [{"orders": 20, "amount": "150.00"}].'
    )
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("riders", "rider_incentive_schemes")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="rider_incentive_schemes_code_uniq"),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")),
                name="rider_incentive_schemes_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=~Q(incentive_type__in=[IncentiveType.ORDER_TARGET, IncentiveType.STREAK])
                | Q(target_orders__isnull=False),
                name="rider_incentive_schemes_order_target_set",
                violation_error_message="Order-target and streak schemes need target_orders.",
            ),
            models.CheckConstraint(
                condition=~Q(incentive_type=IncentiveType.LOGIN_HOURS)
                | Q(target_login_minutes__isnull=False),
                name="rider_incentive_schemes_login_target_set",
                violation_error_message="Login-hours schemes need target_login_minutes.",
            ),
            models.CheckConstraint(
                condition=Q(max_reward_per_rider__gte=F("reward_amount")),
                name="rider_incentive_schemes_cap_covers_reward",
            ),
            # The zone lies in the city: this CHECK plus the composite foreign
            # key rider_incentive_schemes_zone_in_city_fk
            # (riders/sqlfrozen/m0005_enforce_cross_schema_rules.py).
            models.CheckConstraint(
                condition=Q(zone__isnull=True) | Q(city__isnull=False),
                name="rider_incentive_schemes_zone_has_city",
                violation_error_message="A zone-scoped scheme names the zone's city too.",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"

    def natural_key(self):
        return (self.code,)

    def clean(self):
        super().clean()
        # What rider_incentive_schemes_zone_in_city_fk refuses at commit.
        if self.zone_id and self.city_id and self.zone.city_id != self.city_id:
            raise ValidationError({"zone": "The zone is not in the scheme's city."})


class RiderIncentiveProgress(TimestampedModel):
    """One rider's progress on one incentive scheme: counts so far, whether
    the target is met, the amount earned and the ledger credit that paid it."""

    scheme = models.ForeignKey(
        RiderIncentiveScheme, on_delete=models.PROTECT, related_name="progress"
    )
    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="incentive_progress")
    ledger_entry = models.OneToOneField(
        WalletLedger,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incentive_progress",
    )
    orders_completed = models.PositiveIntegerField(default=0)
    login_minutes = models.PositiveIntegerField(default=0)
    amount_earned = MoneyField(default=0)
    target_met = models.BooleanField(default=False)
    last_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_incentive_progress")
        verbose_name_plural = "rider incentive progress"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "rider"], name="rider_incentive_progress_scheme_rider_uniq"
            ),
            models.CheckConstraint(
                condition=Q(ledger_entry__isnull=True) | Q(target_met=True),
                name="rider_incentive_progress_paid_only_when_met",
                violation_error_message="Only a met target is credited to the wallet.",
            ),
        ]

    def __str__(self):
        return f"Rider {self.rider_id} on {self.scheme_id}: {self.orders_completed} orders"


class RiderPenalty(TimestampedModel):
    """One fine or deduction imposed on a rider: reason code, evidence, the
    window in which they may dispute it, and the outcome of a dispute."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="penalties")
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_penalties",
        help_text="The order the fine is about, if any.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_rider_penalties",
    )
    reason_code = models.CharField(max_length=32, choices=choices(PENALTY_REASONS))
    dispute_status = EnumField(
        DisputeStatus, null=True, blank=True, help_text="Empty while not disputed."
    )
    amount = MoneyField()
    description = models.TextField(blank=True)
    evidence_key = models.CharField(max_length=255, blank=True)
    dispute_reason = models.TextField(blank=True)
    imposed_at = models.DateTimeField(default=timezone.now)
    dispute_window_ends_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_penalties")
        verbose_name_plural = "rider penalties"
        constraints = [
            models.CheckConstraint(
                condition=Q(reason_code__in=PENALTY_REASONS),
                name="rider_penalties_reason_code_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="rider_penalties_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(dispute_window_ends_at__gt=F("imposed_at")),
                name="rider_penalties_window_after_imposed",
            ),
            models.CheckConstraint(
                condition=Q(disputed_at__isnull=True) | Q(dispute_status__isnull=False),
                name="rider_penalties_dispute_has_status",
            ),
            models.CheckConstraint(
                condition=Q(disputed_at__lte=F("dispute_window_ends_at")),
                name="rider_penalties_disputed_in_window",
                violation_error_message="The dispute window had closed.",
            ),
            models.CheckConstraint(
                condition=~Q(
                    dispute_status__in=[
                        DisputeStatus.ACCEPTED,
                        DisputeStatus.PARTIALLY_ACCEPTED,
                        DisputeStatus.REJECTED,
                    ]
                )
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="rider_penalties_decision_recorded",
                violation_error_message="A decided dispute names who decided it and when.",
            ),
        ]

    def __str__(self):
        return f"Penalty {self.pk} {self.get_reason_code_display()} {self.amount}"
