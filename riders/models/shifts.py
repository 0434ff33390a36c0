"""Time on the road: bookable shifts, duty sessions, GPS pings, the dispatch
read model and SOS alerts."""

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models.functions import Cast, Extract
from django.utils import timezone

from gatimitra.db.fields import EnumField, LatitudeField, LongitudeField, MoneyField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.partitions import DAY, Partitioning
from gatimitra.db.tables import schema_table
from gatimitra.enums import OrderStatus, ServiceType, SosStatus, VehicleType
from riders.choices import SOS_KINDS, DutyStatus, ShiftBookingStatus, choices
from riders.models.documents import RiderVehicle
from riders.models.riders import Rider

Q = models.Q


def point_pair(prefix, table):
    """CHECK: a point's latitude and longitude are both set or both empty."""
    lat, lng = f"{prefix}latitude", f"{prefix}longitude"
    return models.CheckConstraint(
        condition=Q(**{f"{lat}__isnull": True, f"{lng}__isnull": True})
        | Q(**{f"{lat}__isnull": False, f"{lng}__isnull": False}),
        name=f"{table}_{prefix}point_complete",
        violation_error_message="Give both latitude and longitude, or neither.",
    )


class RiderShift(TimestampedModel):
    """One bookable delivery slot: a zone, a service and a time window, with
    capacity and a minimum-guarantee payout."""

    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        related_name="rider_shifts",
        db_index=False,  # rider_shifts_zone_slot_uniq leads with zone_id
    )
    service_type = EnumField(ServiceType)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    min_guarantee = MoneyField(default=0, help_text="Paid if the rider completes the slot.")
    is_published = models.BooleanField(default=True)

    class Meta:
        db_table = schema_table("riders", "rider_shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="rider_shifts_window_valid",
                violation_error_message="A shift ends after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="rider_shifts_capacity_positive"
            ),
            # One slot per zone, service and start. starts_at comes second so
            # that the index also serves "the zone's shifts between t1 and t2".
            models.UniqueConstraint(
                fields=["zone", "starts_at", "service_type"],
                name="rider_shifts_zone_slot_uniq",
                violation_error_message="The zone has a shift of this service at this time.",
            ),
        ]
        indexes = [
            # All zones by time: the admin's ordering and the publishing job.
            models.Index(fields=["starts_at"], name="rider_shifts_starts_at_idx"),
        ]

    def __str__(self):
        starts = f"{self.starts_at:%Y-%m-%d %H:%M}"
        return f"{self.get_service_type_display()} {starts} (zone {self.zone_id})"


class RiderShiftBooking(TimestampedModel):
    """A rider's booking of one shift, with check-in/out and attendance."""

    shift = models.ForeignKey(RiderShift, on_delete=models.PROTECT, related_name="bookings")
    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="shift_bookings")
    status = EnumField(ShiftBookingStatus, default=ShiftBookingStatus.BOOKED)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_shift_bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "rider"],
                condition=~Q(status=ShiftBookingStatus.CANCELLED),
                name="rider_shift_bookings_one_live_per_shift",
                violation_error_message="The rider already holds this shift.",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__gte=models.F("checked_in_at")),
                name="rider_shift_bookings_checkout_after_checkin",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[ShiftBookingStatus.CHECKED_IN, ShiftBookingStatus.COMPLETED]
                )
                | Q(checked_in_at__isnull=False),
                name="rider_shift_bookings_attended_has_checkin",
            ),
            models.CheckConstraint(
                condition=~Q(status=ShiftBookingStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="rider_shift_bookings_cancelled_has_time",
            ),
        ]

    def __str__(self):
        return f"Rider {self.rider_id} @ shift {self.shift_id} ({self.get_status_display()})"


class DutyLog(TimestampedModel):
    """One duty session of a rider (online, on break, ...): when and where
    it started and ended, and the vehicle used."""

    rider = models.ForeignKey(
        Rider,
        on_delete=models.PROTECT,
        related_name="duty_logs",
        db_index=False,  # duty_logs_rider_started_idx leads with rider_id
    )
    vehicle = models.ForeignKey(
        RiderVehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_logs",
    )
    status = EnumField(DutyStatus)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    start_latitude = LatitudeField(null=True, blank=True)
    start_longitude = LongitudeField(null=True, blank=True)
    end_latitude = LatitudeField(null=True, blank=True)
    end_longitude = LongitudeField(null=True, blank=True)
    login_minutes = models.GeneratedField(
        expression=Cast(
            Extract(models.F("ended_at") - models.F("started_at"), "epoch") / 60,
            models.IntegerField(),
        ),
        output_field=models.IntegerField(),
        db_persist=True,
    )

    class Meta:
        db_table = schema_table("riders", "duty_logs")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=models.F("started_at")),
                name="duty_logs_ends_after_start",
                violation_error_message="A duty session ends after it starts.",
            ),
            models.UniqueConstraint(
                fields=["rider"],
                condition=Q(ended_at__isnull=True),
                name="duty_logs_one_open_session",
                violation_error_message="The rider already has an open duty session.",
            ),
            point_pair("start_", "duty_logs"),
            point_pair("end_", "duty_logs"),
        ]
        indexes = [
            models.Index(fields=["rider", "started_at"], name="duty_logs_rider_started_idx"),
        ]

    def __str__(self):
        return f"Rider {self.rider_id} {self.get_status_display()} from {self.started_at}"


class LocationLogQuerySet(models.QuerySet):
    def trail(self, rider, start, end):
        """Where ``rider`` was from ``start`` (inclusive) to ``end``
        (exclusive), in time order: one range scan of
        ``location_logs_rider_time``."""
        return self.filter(rider=rider, recorded_at__gte=start, recorded_at__lt=end).order_by(
            "recorded_at"
        )


class LocationLog(models.Model):
    """One GPS ping from a rider's app: where, when, how precise and fast,
    and which order (and which leg of it) the rider was on.

    The platform's largest table (~26M rows a day), so the row is kept
    narrow: no created_at/updated_at (a ping is never updated; ``recorded_at``
    is its time), 8-byte columns first, then smallints, then the rest, so
    alignment wastes nothing. No FK constraint points into it, ``rider_id``
    carries no FK constraint either (``db_constraint=False``, see
    docs/schema/riders.md), and ``order_id`` is a soft reference.

    Partitioned by day of ``recorded_at`` (UTC), kept 90 days then dropped
    (docs/partitions.md): a day's pings are one partition, so a trail or a
    day's scan touches only the days it asks for, and expiring a day is a
    ``DROP TABLE``, not a 26M-row ``DELETE``. The database's primary key is
    ``(id, recorded_at)``; ``id`` stays unique (one sequence).
    """

    partitioning = Partitioning(
        key="recorded_at", interval=DAY, retention="90 days drop", premake=7
    )

    rider = models.ForeignKey(
        Rider,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # location_logs_rider_time leads with rider_id
        related_name="location_logs",
    )
    recorded_at = models.DateTimeField(help_text="Device time of the fix.")
    order_id = models.BigIntegerField(null=True, blank=True, help_text="orders.orders id (soft).")
    accuracy_m = models.PositiveSmallIntegerField(null=True, blank=True)
    speed_kmph = models.PositiveSmallIntegerField(null=True, blank=True)
    bearing_deg = models.PositiveSmallIntegerField(null=True, blank=True)
    battery_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    latitude = LatitudeField()
    longitude = LongitudeField()
    order_status = EnumField(OrderStatus, null=True, blank=True, help_text="The order's leg.")

    objects = LocationLogQuerySet.as_manager()

    class Meta:
        db_table = schema_table("riders", "location_logs")
        constraints = [
            models.CheckConstraint(
                condition=Q(bearing_deg__lt=360), name="location_logs_bearing_range"
            ),
            models.CheckConstraint(
                condition=Q(battery_pct__lte=100), name="location_logs_battery_range"
            ),
        ]
        indexes = [
            # "Where was rider R between t1 and t2": an index range scan.
            models.Index(fields=["rider", "recorded_at"], name="location_logs_rider_time"),
            # Time-range scans over all riders (admin date filter, archiving):
            # pings arrive in time order, so a BRIN index is tiny and effective.
            BrinIndex(
                fields=["recorded_at"], name="location_logs_recorded_brin", autosummarize=True
            ),
        ]

    def __str__(self):
        return f"Rider {self.rider_id} at {self.latitude},{self.longitude} ({self.recorded_at})"


class RiderLiveStatus(TimestampedModel):
    """The dispatch read model: one row per rider with their duty state, last
    known point, active orders, cash in hand and current vehicle. Overwritten
    in place; the history is in ``duty_logs`` and ``location_logs``."""

    rider = models.OneToOneField(
        Rider, on_delete=models.CASCADE, primary_key=True, related_name="live_status"
    )
    vehicle = models.ForeignKey(
        RiderVehicle,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_statuses",
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_riders",
        db_index=False,  # rider_live_status_zone_duty leads with zone_id
        help_text="The zone the rider is in now.",
    )
    duty_status = EnumField(DutyStatus, default=DutyStatus.OFFLINE)
    vehicle_type = EnumField(VehicleType, null=True, blank=True)
    latitude = LatitudeField(null=True, blank=True)
    longitude = LongitudeField(null=True, blank=True)
    location_updated_at = models.DateTimeField(null=True, blank=True)
    active_order_count = models.PositiveSmallIntegerField(default=0)
    cash_in_hand = MoneyField(default=0, help_text="COD cash collected and not yet deposited.")

    class Meta:
        db_table = schema_table("riders", "rider_live_status")
        verbose_name_plural = "rider live status"
        constraints = [
            point_pair("", "rider_live_status"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(location_updated_at__isnull=False),
                name="rider_live_status_point_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(duty_status=DutyStatus.ON_ORDER) | Q(active_order_count__gt=0),
                name="rider_live_status_on_order_has_orders",
                violation_error_message="ON_ORDER means at least one active order.",
            ),
            models.CheckConstraint(
                condition=~Q(duty_status=DutyStatus.OFFLINE) | Q(active_order_count=0),
                name="rider_live_status_offline_has_no_orders",
                violation_error_message="A rider with active orders cannot be OFFLINE.",
            ),
        ]
        indexes = [
            # Dispatch: the riders of a zone in a given duty state (ONLINE).
            models.Index(fields=["zone", "duty_status"], name="rider_live_status_zone_duty"),
        ]

    def __str__(self):
        return f"Rider {self.rider_id}: {self.get_duty_status_display()}"


class RiderSosAlert(TimestampedModel):
    """One panic/SOS or accident report from a rider or driver: where, what,
    and how ops handled it (acknowledgement, escalation, resolution)."""

    rider = models.ForeignKey(Rider, on_delete=models.PROTECT, related_name="sos_alerts")
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rider_sos_alerts",
        help_text="The order the rider was on, if any.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_rider_sos_alerts",
    )
    kind = models.CharField(max_length=24, choices=choices(SOS_KINDS), default="PANIC")
    status = EnumField(SosStatus, default=SosStatus.RAISED)
    latitude = LatitudeField(null=True, blank=True)
    longitude = LongitudeField(null=True, blank=True)
    description = models.TextField(blank=True)
    escalated_to = models.CharField(
        max_length=60, blank=True, help_text="Police, ambulance, insurer..."
    )
    resolution_note = models.TextField(blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("riders", "rider_sos_alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SOS_KINDS), name="rider_sos_alerts_kind_valid"
            ),
            point_pair("", "rider_sos_alerts"),
            models.CheckConstraint(
                condition=Q(status=SosStatus.RAISED) | Q(acknowledged_at__isnull=False),
                name="rider_sos_alerts_handled_was_acknowledged",
                violation_error_message="An alert past RAISED has acknowledged_at.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[SosStatus.RESOLVED, SosStatus.FALSE_ALARM])
                | Q(resolved_at__isnull=False),
                name="rider_sos_alerts_closed_has_time",
                violation_error_message="A resolved or false-alarm alert has resolved_at.",
            ),
        ]
        indexes = [
            # The ops queue: open alerts, oldest first.
            models.Index(
                fields=["raised_at"],
                condition=Q(
                    status__in=[SosStatus.RAISED, SosStatus.ACKNOWLEDGED, SosStatus.ESCALATED]
                ),
                name="rider_sos_alerts_open_idx",
            ),
        ]

    def __str__(self):
        return f"SOS {self.pk} ({self.get_kind_display()}, {self.get_status_display()})"
