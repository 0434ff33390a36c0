"""Ratings and reviews: the feedback tags, the ratings themselves and the
photos attached to reviews."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from customers.choices import (
    MEDIA_TYPES,
    MODERATION_STATES,
    RATING_TAG_SENTIMENTS,
    RatingTargetType,
    one_of,
)
from gatimitra.db.fields import EnumField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ActorType, VerificationStatus


class CustomerRatingTag(TimestampedModel):
    """A feedback tag offered when rating one kind of target ("late",
    "cold food", "rude driver", "safe driving")."""

    target_type = EnumField(RatingTargetType)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=80)
    sentiment = models.CharField(max_length=8, choices=RATING_TAG_SENTIMENTS)
    display_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("target_type", "code")

    class Meta:
        db_table = schema_table("customers", "customer_rating_tags")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[a-z][a-z0-9_]*$"),
                name="customer_rating_tags_code_format",
            ),
            one_of("customer_rating_tags", "sentiment", RATING_TAG_SENTIMENTS),
            models.UniqueConstraint(
                fields=["target_type", "code"], name="customer_rating_tags_target_code_uniq"
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.target_type, self.code)


class CustomerRating(TimestampedModel):
    """One rating of an order's store, item, rider or the order itself by
    the customer, or of the customer by the rider: stars, tags, review text
    and moderation state.

    The column ``target_type`` names is the one set (``rider`` is the rater
    of a CUSTOMER rating); each target is rated at most once per order. The
    database also checks that the order is a delivered or completed order of
    the customer, and that every code in ``tag_codes`` names a
    ``customer_rating_tags`` row of the same target type."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="ratings"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="customer_ratings",
        db_index=False,  # the one-per-target unique index leads with it
        help_text="A delivered or completed order of the customer (checked by the database).",
    )
    target_type = EnumField(RatingTargetType)
    rated_by_type = EnumField(ActorType, default=ActorType.CUSTOMER)
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_ratings",
        help_text="The store rated (MERCHANT_STORE ratings).",
    )
    menu_item = models.ForeignKey(
        "merchants.MerchantMenuItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_ratings",
        help_text="The item rated (MENU_ITEM ratings).",
    )
    rider = models.ForeignKey(
        "riders.Rider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_ratings",
        help_text="The rider rated (RIDER ratings), or who rated the customer (CUSTOMER).",
    )
    stars = models.PositiveSmallIntegerField()
    tag_codes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    review_text = models.TextField(blank=True)
    moderation_status = models.CharField(max_length=8, choices=MODERATION_STATES, default="PENDING")
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderated_customer_ratings",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5),
                name="customer_ratings_stars_range",
                violation_error_message="Stars go from 1 to 5.",
            ),
            one_of("customer_ratings", "moderation_status", MODERATION_STATES),
            models.CheckConstraint(
                # The customer rates everything but themselves; riders rate customers.
                condition=Q(target_type=RatingTargetType.CUSTOMER, rated_by_type=ActorType.RIDER)
                | (~Q(target_type=RatingTargetType.CUSTOMER) & Q(rated_by_type=ActorType.CUSTOMER)),
                name="customer_ratings_rater_of_target",
                violation_error_message="Only riders rate customers; customers rate the rest.",
            ),
            models.CheckConstraint(
                condition=Q(moderated_by__isnull=True) | Q(moderated_at__isnull=False),
                name="customer_ratings_moderated_at",
            ),
            models.CheckConstraint(
                condition=Q(
                    target_type=RatingTargetType.ORDER,
                    store__isnull=True,
                    menu_item__isnull=True,
                    rider__isnull=True,
                )
                | Q(
                    target_type=RatingTargetType.MERCHANT_STORE,
                    store__isnull=False,
                    menu_item__isnull=True,
                    rider__isnull=True,
                )
                | Q(
                    target_type=RatingTargetType.MENU_ITEM,
                    store__isnull=True,
                    menu_item__isnull=False,
                    rider__isnull=True,
                )
                | Q(
                    target_type__in=[RatingTargetType.RIDER, RatingTargetType.CUSTOMER],
                    store__isnull=True,
                    menu_item__isnull=True,
                    rider__isnull=False,
                ),
                name="customer_ratings_target_matches_type",
                violation_error_message=(
                    "Name exactly the store, item or rider the target type says "
                    "(the rider who rates a customer; nothing for an order)."
                ),
            ),
            models.UniqueConstraint(
                # The CHECK above leaves at most one of the three set, so the
                # COALESCE is the target (0: the order itself, or the customer
                # once per rating rider). rated_by_type follows target_type.
                F("order"),
                F("target_type"),
                Coalesce(
                    F("rider"),
                    F("store"),
                    F("menu_item"),
                    Value(0),
                    output_field=models.BigIntegerField(),
                ),
                name="customer_ratings_one_per_target_per_order",
                violation_error_message="This was already rated for this order.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["moderation_status", "id"],
                condition=Q(moderation_status="PENDING"),
                name="customer_ratings_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.stars}★ {self.get_target_type_display()}"


class CustomerReviewMedia(TimestampedModel):
    """A photo or video attached to a review, stored in object storage,
    with its moderation state."""

    rating = models.ForeignKey(CustomerRating, on_delete=models.CASCADE, related_name="media")
    media_type = models.CharField(max_length=8, choices=MEDIA_TYPES, default="IMAGE")
    storage_key = models.CharField(max_length=255, help_text="Object-storage key, not a URL.")
    moderation_status = EnumField(VerificationStatus, default=VerificationStatus.PENDING)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderated_customer_review_media",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_review_media")
        verbose_name_plural = "customer review media"
        constraints = [
            one_of("customer_review_media", "media_type", MEDIA_TYPES),
            models.CheckConstraint(
                condition=~Q(moderation_status=VerificationStatus.REJECTED)
                | ~Q(rejection_reason=""),
                name="customer_review_media_rejection_reason",
                violation_error_message="A rejected photo needs a reason.",
            ),
        ]

    def __str__(self):
        return self.storage_key
