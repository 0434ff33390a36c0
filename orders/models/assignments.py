"""Dispatch: the offers pushed to candidate riders, the assignment of a rider
(and vehicle) to an order, and the proofs of pickup and delivery.

At most one assignment per order is active (partial unique index). Whenever
an assignment becomes active, a trigger checks the rider's eligibility and
capacity (``orders.dispatch``, CATALOG section 8, items 4 and 5)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils import timezone

from gatimitra.db.constraints import one_of
from gatimitra.db.fields import EnumField, LatitudeField, LongitudeField, MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.partitions import MONTH, Partitioning
from gatimitra.db.tables import schema_table
from orders.choices import AssignmentStatus, DispatchOfferStatus
from orders.constraints import both_or_neither

#: An assignment holding the order (at most one per order).
ACTIVE_ASSIGNMENT_STATUSES = [AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED]

#: ``order_delivery_proofs.kind`` (CHECK text).
PROOF_KINDS = [
    ("OTP", "OTP verified"),
    ("PHOTO", "Photo"),
    ("SIGNATURE", "Signature"),
    ("GEO_STAMP", "Geo-stamp"),
    ("HANDOVER_NAME", "Name of the person handed to"),
    ("CONTACTLESS", "Contactless drop"),
]

_SYSTEM_USER = settings.AUTH_USER_MODEL


class OrderDispatchOffer(TimestampedModel):
    """One offer of an order pushed to one candidate rider: rank, distance
    and ETA to pickup, payout shown, and the rider's response and latency.

    Partitioned by month of ``created_at`` (UTC), detached after 13 months
    (docs/partitions.md); the database's primary key is ``(id, created_at)``,
    so ``order_rider_assignments.offer`` is checked by a trigger instead of a
    foreign key constraint."""

    partitioning = Partitioning(key="created_at", interval=MONTH, retention="13 months")

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="dispatch_offers"
    )
    rider = models.ForeignKey(
        "riders.Rider",
        on_delete=models.PROTECT,
        related_name="dispatch_offers",
        db_index=False,  # order_dispatch_offers_rider leads with rider_id
    )
    status = EnumField(DispatchOfferStatus, default=DispatchOfferStatus.SENT)
    rank = models.PositiveSmallIntegerField(help_text="1 is the best candidate.")
    distance_to_pickup_m = models.PositiveIntegerField()
    eta_to_pickup_s = models.PositiveIntegerField()
    payout_shown = MoneyField()
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    decline_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_dispatch_offers")
        constraints = [
            CheckConstraint(condition=Q(rank__gte=1), name="order_dispatch_offers_rank_positive"),
            CheckConstraint(
                condition=Q(expires_at__gt=F("sent_at")),
                name="order_dispatch_offers_expires_after_sent",
            ),
            CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(responded_at__gte=F("sent_at")),
                name="order_dispatch_offers_responded_after_sent",
            ),
        ]
        indexes = [
            # A rider's offers over time (acceptance rate, declines).
            models.Index(fields=["rider", "-sent_at"], name="order_dispatch_offers_rider"),
        ]

    def __str__(self):
        return f"offer #{self.rank} for order {self.order_id} ({self.status})"


class OrderRiderAssignment(TimestampedModel):
    """One rider's assignment to an order, with the vehicle used
    (``batch_ref`` groups the orders of a multi-order trip), and the
    assigned, accepted, picked-up and dropped times. At most one assignment
    per order is ASSIGNED or ACCEPTED; the rider must be eligible and have
    room for it when it becomes so."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="rider_assignments"
    )
    rider = models.ForeignKey(
        "riders.Rider",
        on_delete=models.PROTECT,
        related_name="order_assignments",
        db_index=False,  # order_rider_assignments_rider leads with rider_id
    )
    vehicle = models.ForeignKey(
        "riders.RiderVehicle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_assignments",
        help_text="The vehicle used (one of the rider's).",
    )
    offer = models.ForeignKey(
        OrderDispatchOffer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        # Offers are partitioned: no FK constraint can reference id alone.
        # The trigger order_rider_assignments_offer checks the offer exists
        # and was made to this rider for this order (at commit), and
        # order_dispatch_offers_in_use refuses deleting an offer in use.
        db_constraint=False,
        help_text="The offer the rider accepted (made to this rider for this order).",
    )
    status = EnumField(AssignmentStatus, default=AssignmentStatus.ASSIGNED)
    batch_ref = models.CharField(max_length=32, blank=True)
    assigned_by = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_rider_assignments",
        help_text="Set when staff assigned the rider by hand.",
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    reached_pickup_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_rider_assignments")
        constraints = [
            UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="order_rider_assignments_one_active_per_order",
                violation_error_message="This order already has an active rider assignment.",
            ),
            CheckConstraint(
                condition=Q(status__in=ACTIVE_ASSIGNMENT_STATUSES) | Q(ended_at__isnull=False),
                name="order_rider_assignments_ended_at_set",
                violation_error_message="An assignment that is no longer active has ended_at.",
            ),
            CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_at__gte=F("assigned_at")),
                name="order_rider_assignments_accepted_after_assigned",
            ),
        ]
        indexes = [
            models.Index(
                fields=["batch_ref"],
                condition=~Q(batch_ref=""),
                name="order_rider_assignments_batch",
            ),
            models.Index(fields=["rider", "-assigned_at"], name="order_rider_assignments_rider"),
            # What the capacity check counts under the rider's lock.
            models.Index(
                fields=["rider"],
                condition=Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="order_rider_assignments_active",
            ),
        ]

    def __str__(self):
        return f"assignment {self.pk} of order {self.order_id} ({self.status})"

    @property
    def is_active(self):
        return self.status in ACTIVE_ASSIGNMENT_STATUSES

    def clean(self):
        super().clean()
        if self.status not in ACTIVE_ASSIGNMENT_STATUSES or not self.rider_id or not self.order_id:
            return
        refusal = self.dispatch_refusal()
        if refusal:
            raise ValidationError({"rider": refusal[1]})

    def dispatch_refusal(self):
        """``(rule, message)`` if the database would refuse this assignment
        as active now (eligibility and capacity, ``orders.dispatch``), else
        None. The database's own answer, so a form can report it."""
        accepting = False
        if self.pk is not None:
            saved = type(self)._default_manager.filter(pk=self.pk).values("status", "rider_id")
            saved = saved.first()
            accepting = bool(
                saved
                and saved["status"] in ACTIVE_ASSIGNMENT_STATUSES
                and saved["rider_id"] == self.rider_id
            )
        with connections[self._state.db or "default"].cursor() as cursor:
            cursor.execute(
                "SELECT orders.dispatch_refusal(%s, %s, %s, %s, %s)",
                [self.rider_id, self.order_id, self.vehicle_id, self.pk, accepting],
            )
            return cursor.fetchone()[0]


class OrderDeliveryProof(TimestampedModel):
    """One proof captured at a stop (by the rider): OTP verified, photo,
    signature, geo-stamp or the name of the person the order was handed to."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="delivery_proofs"
    )
    stop = models.ForeignKey("orders.OrderStop", on_delete=models.PROTECT, related_name="proofs")
    rider = models.ForeignKey(
        "riders.Rider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivery_proofs",
        help_text="Who captured it.",
    )
    kind = models.CharField(max_length=16, choices=PROOF_KINDS)
    otp_verified = models.BooleanField(default=False)
    media_url = models.URLField(blank=True, help_text="Photo or signature in object storage.")
    handed_to_name = models.CharField(max_length=100, blank=True)
    latitude = LatitudeField(null=True, blank=True)
    longitude = LongitudeField(null=True, blank=True)
    captured_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = schema_table("orders", "order_delivery_proofs")
        constraints = [
            one_of("order_delivery_proofs", "kind", [kind for kind, _ in PROOF_KINDS]),
            CheckConstraint(
                condition=~Q(kind="OTP") | Q(otp_verified=True),
                name="order_delivery_proofs_otp_verified",
            ),
            CheckConstraint(
                condition=~Q(kind__in=["PHOTO", "SIGNATURE"]) | ~Q(media_url=""),
                name="order_delivery_proofs_media_present",
                violation_error_message="Photo and signature proofs need the media URL.",
            ),
            CheckConstraint(
                condition=~Q(kind="HANDOVER_NAME") | ~Q(handed_to_name=""),
                name="order_delivery_proofs_handover_named",
            ),
            CheckConstraint(
                condition=~Q(kind="GEO_STAMP") | Q(latitude__isnull=False),
                name="order_delivery_proofs_geo_stamp_located",
            ),
            both_or_neither("order_delivery_proofs", "latitude", "longitude", "point"),
        ]

    def __str__(self):
        return f"{self.kind} proof at stop {self.stop_id}"
