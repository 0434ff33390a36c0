"""Growth: customer segments, platform coupons and who got them,
referrals, and scratch-card or cashback rewards."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from customers.choices import (
    COUPON_ASSIGNMENT_SOURCES,
    REWARD_SOURCE_TYPES,
    REWARD_STATES,
    REWARD_TYPES,
    SEGMENT_REFRESH_CADENCES,
    ReferralStatus,
    one_of,
)
from gatimitra.db.fields import EnumArrayField, EnumField, MoneyField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, validate_mobile
from gatimitra.enums import CampaignStatus, OfferType, ServiceType

CODE = r"^[A-Z0-9][A-Z0-9_-]{2,31}$"


class CustomerSegment(TimestampedModel):
    """A named group of customers for marketing and ops, defined by a rule
    (JSON) and rebuilt on a schedule into ``customer_segment_members``."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    rule = models.JSONField(default=dict, help_text="The segment definition, read by the builder.")
    refresh_cadence = models.CharField(
        max_length=8, choices=SEGMENT_REFRESH_CADENCES, default="NIGHTLY"
    )
    is_active = models.BooleanField(default=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_customer_segments",
    )

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("customers", "customer_segments")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE), name="customer_segments_code_format"
            ),
            one_of("customer_segments", "refresh_cadence", SEGMENT_REFRESH_CADENCES),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class CustomerSegmentMember(TimestampedModel):
    """One customer's membership of one segment, as of the last rebuild
    (rows are inserted and deleted by the rebuild, not edited)."""

    segment = models.ForeignKey(
        CustomerSegment, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="segment_memberships"
    )

    class Meta:
        db_table = schema_table("customers", "customer_segment_members")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "customer"], name="customer_segment_members_uniq"
            ),
        ]

    def __str__(self):
        return f"{self.customer} in {self.segment}"


class CustomerCoupon(TimestampedModel):
    """A platform-funded coupon or campaign: its code, discount rule,
    budget, usage limits, target segment and validity window."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    offer_type = EnumField(OfferType)
    status = EnumField(CampaignStatus, default=CampaignStatus.DRAFT)
    services = EnumArrayField(ServiceType)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    flat_amount = MoneyField(null=True, blank=True)
    max_discount = MoneyField(null=True, blank=True)
    min_order_value = MoneyField(default=0)
    budget_total = MoneyField(null=True, blank=True)
    budget_used = MoneyField(default=0)
    total_usage_limit = models.PositiveIntegerField(null=True, blank=True)
    per_customer_limit = models.PositiveSmallIntegerField(default=1)
    assigned_only = models.BooleanField(
        default=False, help_text="Usable only by customers it was assigned to."
    )
    first_order_only = models.BooleanField(default=False)
    segment = models.ForeignKey(
        CustomerSegment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coupons",
    )
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField()
    terms = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_customer_coupons",
    )

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("customers", "customer_coupons")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]{4,32}$"),
                name="customer_coupons_code_format",
                violation_error_message="Coupon codes are 4-32 capital letters and digits.",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")),
                name="customer_coupons_validity_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=Q(services__len__gt=0), name="customer_coupons_services_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(offer_type=OfferType.PERCENT_OFF)
                | Q(
                    discount_percent__isnull=False,
                    discount_percent__gt=0,
                    discount_percent__lte=100,
                ),
                name="customer_coupons_percent_off_has_percent",
            ),
            models.CheckConstraint(
                condition=~Q(offer_type__in=[OfferType.FLAT_OFF, OfferType.CASHBACK])
                | Q(flat_amount__isnull=False, flat_amount__gt=0),
                name="customer_coupons_flat_off_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(budget_total__isnull=True) | Q(budget_used__lte=F("budget_total")),
                name="customer_coupons_budget_not_exceeded",
                violation_error_message="The coupon's budget is spent.",
            ),
            models.CheckConstraint(
                condition=Q(per_customer_limit__gt=0), name="customer_coupons_per_customer_limit"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_to"], name="customer_coupons_live_idx"),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class CustomerCouponAssignment(TimestampedModel):
    """A coupon issued to one customer, with the uses they have left."""

    coupon = models.ForeignKey(
        CustomerCoupon, on_delete=models.PROTECT, related_name="assignments", db_index=False
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="coupon_assignments"
    )
    source = models.CharField(max_length=8, choices=COUPON_ASSIGNMENT_SOURCES, default="CAMPAIGN")
    uses_remaining = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_customer_coupons",
    )

    class Meta:
        db_table = schema_table("customers", "customer_coupon_assignments")
        constraints = [
            one_of("customer_coupon_assignments", "source", COUPON_ASSIGNMENT_SOURCES),
            models.UniqueConstraint(
                fields=["coupon", "customer"],
                name="customer_coupon_assignments_uniq",
                violation_error_message="This coupon is already assigned to this customer.",
            ),
        ]

    def __str__(self):
        return f"{self.coupon} for {self.customer}"


class CustomerReferral(TimestampedModel):
    """A referrer inviting someone: the code used, the referee once they
    sign up, qualification by a first order (one of the referee's), and the
    rewards paid. A customer is referred at most once and never by
    themselves."""

    referrer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="referrals_made"
    )
    referee = models.OneToOneField(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral_received",
    )
    code_used = models.CharField(max_length=12)
    invitee_mobile = models.CharField(
        max_length=16, null=True, blank=True, validators=[validate_mobile]
    )
    status = EnumField(ReferralStatus, default=ReferralStatus.INVITED)
    qualifying_order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_referrals",
        help_text="The referee's order that qualified the referral (checked by the database).",
    )
    signed_up_at = models.DateTimeField(null=True, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    referrer_reward = MoneyField(default=0)
    referee_reward = MoneyField(default=0)
    rejection_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(invitee_mobile__regex=E164_INDIA),
                name="customer_referrals_invitee_mobile_e164",
            ),
            models.CheckConstraint(
                condition=Q(referee__isnull=True) | ~Q(referee=F("referrer")),
                name="customer_referrals_not_self",
                violation_error_message="A customer cannot refer themselves.",
            ),
            models.CheckConstraint(
                condition=Q(referee__isnull=False) | Q(invitee_mobile__isnull=False),
                name="customer_referrals_someone_invited",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        ReferralStatus.SIGNED_UP,
                        ReferralStatus.QUALIFIED,
                        ReferralStatus.REWARDED,
                    ]
                )
                | Q(referee__isnull=False, signed_up_at__isnull=False),
                name="customer_referrals_signed_up_has_referee",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReferralStatus.QUALIFIED, ReferralStatus.REWARDED])
                | Q(qualified_at__isnull=False),
                name="customer_referrals_qualified_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.REWARDED) | Q(rewarded_at__isnull=False),
                name="customer_referrals_rewarded_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["invitee_mobile"],
                condition=Q(invitee_mobile__isnull=False),
                name="customer_referrals_invitee_idx",
            ),
        ]

    def __str__(self):
        return f"{self.referrer} → {self.referee or self.invitee_mobile} ({self.status})"


class CustomerReward(TimestampedModel):
    """A reward issued to a customer for an order (one of theirs), campaign,
    referral or ticket: a scratch card, cashback, coupon or points, with its
    unlock, expiry and redemption."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="rewards", db_index=False
    )
    reward_type = models.CharField(max_length=16, choices=REWARD_TYPES)
    state = models.CharField(max_length=10, choices=REWARD_STATES, default="LOCKED")
    source_type = models.CharField(max_length=8, choices=REWARD_SOURCE_TYPES)
    source_id = models.CharField(max_length=64)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_rewards",
        help_text="The customer's order a scratch card or cashback is for; campaigns have none.",
    )
    cash_value = MoneyField(null=True, blank=True)
    points = models.PositiveIntegerField(null=True, blank=True)
    coupon = models.ForeignKey(
        CustomerCoupon, on_delete=models.PROTECT, null=True, blank=True, related_name="rewards"
    )
    wallet_txn = models.ForeignKey(
        "customers.CustomerWalletTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards",
        help_text="The wallet credit that paid out a cashback.",
    )
    unlocks_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    scratched_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_rewards")
        constraints = [
            one_of("customer_rewards", "reward_type", REWARD_TYPES),
            one_of("customer_rewards", "state", REWARD_STATES),
            one_of("customer_rewards", "source_type", REWARD_SOURCE_TYPES),
            models.UniqueConstraint(
                fields=["customer", "source_type", "source_id", "reward_type"],
                name="customer_rewards_source_uniq",
                violation_error_message="This reward was already issued.",
            ),
            models.CheckConstraint(
                condition=Q(cash_value__isnull=False, cash_value__gt=0)
                | Q(points__isnull=False, points__gt=0)
                | Q(coupon__isnull=False),
                name="customer_rewards_has_value",
                violation_error_message="A reward is worth cash, points or a coupon.",
            ),
            models.CheckConstraint(
                condition=~Q(reward_type="COUPON") | Q(coupon__isnull=False),
                name="customer_rewards_coupon_reward_has_coupon",
            ),
            models.CheckConstraint(
                condition=~Q(state="REDEEMED") | Q(redeemed_at__isnull=False),
                name="customer_rewards_redeemed_at",
            ),
            models.CheckConstraint(
                condition=Q(unlocks_at__isnull=True) | Q(unlocks_at__lt=F("expires_at")),
                name="customer_rewards_unlock_before_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.get_reward_type_display()} for {self.customer} ({self.state})"
