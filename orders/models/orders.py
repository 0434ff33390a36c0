"""The order aggregate: the central order row, its 1:1 service detail (FOOD,
PARCEL or RIDE), its stops, its FOOD line items and add-ons, its timeline,
and the quote it was booked from.

Rules the database enforces on this aggregate (``orders.sql``): the status
machine with a timeline row per change, the service shape checked at commit
(one matching detail row, items only and always on FOOD orders, a store on
FOOD orders, a PICKUP and a DROP stop), and totals equal to the charges (see
``orders.charges``).

Cross-schema links (``ON DELETE RESTRICT``): the order's customer, store,
saved drop address and business profile; each item's menu item and variant,
each add-on's menu add-on; a stop's saved address or store; the FOOD
detail's kitchen, kept equal to the order's store by a composite FK."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CheckConstraint, F, Q, UniqueConstraint
from django.utils import timezone

from gatimitra.db.constraints import one_of, values
from gatimitra.db.fields import (
    EnumField,
    HashField,
    LatitudeField,
    LongitudeField,
    MoneyField,
)
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.partitions import MONTH, Partitioning
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import PIN_CODE
from gatimitra.enums import (
    ActorType,
    FoodType,
    OrderStatus,
    PaymentMethod,
    ServiceType,
    VehicleType,
)
from orders import charges, ride_rules, transitions
from orders.choices import FoodPrepStatus, ParcelPackageType, RideVehicleOwner, StopType
from orders.constraints import both_or_neither

#: ``orders.channel`` (CHECK text).
ORDER_CHANNELS = [
    ("APP", "Customer app"),
    ("WEB", "Web"),
    ("ONDC", "ONDC buyer app"),
    ("POS", "Merchant POS"),
    ("CALL_CENTER", "Call centre"),
]
#: ``order_timeline.event`` (CHECK text). STATUS_CHANGE rows are written only
#: by the trigger on ``orders``; the others are milestones written by services.
TIMELINE_EVENTS = [
    ("STATUS_CHANGE", "Status change"),
    ("NOTE", "Note"),
    ("ETA_UPDATED", "ETA updated"),
    ("CONTACT_ATTEMPT", "Contact attempt"),
    ("ADDRESS_UPDATED", "Address updated"),
    ("PROOF_CAPTURED", "Proof captured"),
    ("REASSIGNED", "Rider reassigned"),
    ("ESCALATED", "Escalated"),
]
#: Order number prefix per service: FD2611240001 is a FOOD order.
ORDER_NUMBER_PREFIXES = {ServiceType.FOOD: "FD", ServiceType.PARCEL: "PC", ServiceType.RIDE: "RD"}


def format_order_number(service_type, placed_on, n):
    """FD/PC/RD, the date placed (India) as yymmdd and the day's 4-digit
    sequence number of the service (``orders_order_number_format``)."""
    if not 1 <= n <= 9999:
        raise ValueError(f"order number {n} of {placed_on} is outside 1..9999")
    return f"{ORDER_NUMBER_PREFIXES[service_type]}{placed_on:%y%m%d}{n:04d}"


#: ``mask()`` of a phone number: X's then the last four digits.
MASKED_PHONE = r"^X+[0-9]{4}$"

_SYSTEM_USER = settings.AUTH_USER_MODEL


class Order(TimestampedModel):
    """One order or booking of any service: who placed it, what was ordered
    where (the store of a FOOD order), its status, schedule, bill summary
    (cached sums of its charges) and payment mode."""

    order_number = models.CharField(max_length=12, unique=True)
    service_type = EnumField(ServiceType)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,  # orders_customer_placed_idx leads with customer_id
    )
    merchant_store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        db_index=False,  # orders_store_placed_idx leads with merchant_store_id
        help_text="The store of a FOOD order (or the pickup point of a merchant's parcel).",
    )
    drop_address = models.ForeignKey(
        "customers.CustomerAddress",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="Saved drop address; order_stops keeps the snapshot. Empty for one-off drops.",
    )
    business_profile = models.ForeignKey(
        "customers.CustomerBusinessProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="Invoice the GST to this business.",
    )
    city = models.ForeignKey("orders.ServiceCity", on_delete=models.PROTECT, related_name="orders")
    zone = models.ForeignKey("orders.ServiceZone", on_delete=models.PROTECT, related_name="orders")
    status = EnumField(OrderStatus, default=OrderStatus.CREATED)
    channel = models.CharField(max_length=16, choices=ORDER_CHANNELS, default="APP")
    payment_method = EnumField(PaymentMethod)
    subtotal = MoneyField(default=charges.ZERO, help_text="Sum of the pre-tax charges.")
    fees = MoneyField(default=charges.ZERO, help_text="Part of the subtotal that is fees.")
    tax = MoneyField(default=charges.ZERO, help_text="Sum of the GST charges.")
    discount = MoneyField(default=charges.ZERO, help_text="Sum of the DISCOUNT charges.")
    total = MoneyField(default=charges.ZERO, help_text="Signed sum of every charge.")
    placed_at = models.DateTimeField(default=timezone.now)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    promised_by = models.DateTimeField(null=True, blank=True, help_text="Promised delivery/ETA.")
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was delivered, completed or returned."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    customer_note = models.TextField(blank=True)
    # ONDC protocol (Beckn core): context.bap_id names the buyer app on the
    # network, context.transaction_id its transaction, message.order.id the
    # order. Set exactly on ONDC orders.
    ondc_bap_id = models.CharField(
        "ONDC buyer app id",
        max_length=255,
        null=True,
        blank=True,
        help_text="context.bap_id: the buyer app's subscriber id (its domain name).",
    )
    ondc_transaction_id = models.CharField(
        "ONDC transaction id",
        max_length=64,
        null=True,
        blank=True,
        help_text="context.transaction_id, set by the buyer app for the whole transaction.",
    )
    ondc_order_id = models.CharField(
        "ONDC order id", max_length=64, null=True, blank=True, help_text="message.order.id."
    )

    objects = NaturalKeyManager("order_number")

    class Meta:
        db_table = schema_table("orders", "orders")
        constraints = [
            CheckConstraint(
                condition=Q(order_number__regex=r"^(FD|PC|RD)[0-9]{10}$"),
                name="orders_order_number_format",
                violation_error_message="Order number is FD, PC or RD followed by 10 digits.",
            ),
            CheckConstraint(
                condition=Q(service_type=ServiceType.FOOD, order_number__startswith="FD")
                | Q(service_type=ServiceType.PARCEL, order_number__startswith="PC")
                | Q(service_type=ServiceType.RIDE, order_number__startswith="RD"),
                name="orders_order_number_matches_service",
                violation_error_message="Order number prefix must match the service (FD/PC/RD).",
            ),
            CheckConstraint(
                condition=Q(discount__lte=F("subtotal")),
                name="orders_discount_within_subtotal",
                violation_error_message="The discount cannot exceed the subtotal.",
            ),
            CheckConstraint(
                condition=Q(fees__lte=F("subtotal")),
                name="orders_fees_within_subtotal",
            ),
            CheckConstraint(
                condition=Q(scheduled_for__isnull=True) | Q(scheduled_for__gte=F("placed_at")),
                name="orders_scheduled_after_placed",
                violation_error_message="A scheduled order is scheduled after it is placed.",
            ),
            CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="orders_completed_or_cancelled",
                violation_error_message="An order is either completed or cancelled, not both.",
            ),
            one_of("orders", "channel", values(ORDER_CHANNELS)),
            CheckConstraint(
                condition=~Q(service_type=ServiceType.FOOD) | Q(merchant_store__isnull=False),
                name="orders_food_has_store",
                violation_error_message="A FOOD order needs its store.",
            ),
            # Target of order_food_details (order_id, store_id): the kitchen
            # of a FOOD order is the order's store.
            UniqueConstraint(fields=["id", "merchant_store"], name="orders_id_store_key"),
            # ONDC: the network ids are what the buyer app refers to the order
            # by; an ONDC order has all three, other channels none.
            CheckConstraint(
                condition=Q(
                    channel="ONDC",
                    ondc_bap_id__isnull=False,
                    ondc_transaction_id__isnull=False,
                    ondc_order_id__isnull=False,
                )
                | (
                    ~Q(channel="ONDC")
                    & Q(
                        ondc_bap_id__isnull=True,
                        ondc_transaction_id__isnull=True,
                        ondc_order_id__isnull=True,
                    )
                ),
                name="orders_ondc_ids_for_ondc",
                violation_error_message="ONDC orders (and only they) carry the buyer app id, "
                "transaction id and order id.",
            ),
            CheckConstraint(
                condition=Q(
                    ondc_bap_id__regex=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
                ),
                name="orders_ondc_bap_id_format",
                violation_error_message="The ONDC buyer app id is its subscriber domain name.",
            ),
            CheckConstraint(
                condition=Q(ondc_transaction_id__regex=r"^[A-Za-z0-9._:-]{1,64}$")
                & Q(ondc_order_id__regex=r"^[A-Za-z0-9._:/-]{1,64}$"),
                name="orders_ondc_ids_format",
                violation_error_message="ONDC ids are 1-64 letters, digits or . _ : - /.",
            ),
            # One order per transaction and per order id within a buyer app.
            UniqueConstraint(
                fields=["ondc_bap_id", "ondc_transaction_id"],
                name="orders_ondc_transaction_uniq",
                violation_error_message="This ONDC transaction already has an order.",
            ),
            UniqueConstraint(
                fields=["ondc_bap_id", "ondc_order_id"],
                name="orders_ondc_order_uniq",
                violation_error_message="This ONDC order id is already recorded.",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="orders_customer_placed_idx"),
            models.Index(
                fields=["merchant_store", "-placed_at"],
                condition=Q(merchant_store__isnull=False),
                name="orders_store_placed_idx",
            ),
            models.Index(fields=["status", "service_type"], name="orders_status_service_idx"),
            models.Index(fields=["-placed_at"], name="orders_placed_at_idx"),
            # The console's orders per hour by service (``orders/admin/dashboard.py``)
            # read from this index alone, a city-scoped user's included.
            models.Index(
                fields=["placed_at", "service_type"],
                include=["city"],
                name="orders_placed_at_service_idx",
            ),
            models.Index(
                fields=["scheduled_for"],
                condition=Q(scheduled_for__isnull=False),
                name="orders_scheduled_for_idx",
            ),
        ]

    def __str__(self):
        return self.order_number

    def natural_key(self):
        return (self.order_number,)

    def clean(self):
        super().clean()
        if self._state.adding or self.pk is None:
            return
        saved = type(self)._default_manager.filter(pk=self.pk).values("status", "service_type")
        saved = saved.first()
        if saved is None:
            return
        if saved["service_type"] != self.service_type:
            raise ValidationError({"service_type": "The service of an order never changes."})
        if not transitions.is_allowed(self.service_type, saved["status"], self.status):
            raise ValidationError(
                {
                    "status": (
                        f"A {self.service_type} order cannot go from {saved['status']} "
                        f"to {self.status}."
                    )
                }
            )

    @property
    def is_terminal(self):
        return self.status in transitions.TERMINAL_STATUSES

    @property
    def detail(self):
        """The service's 1:1 detail row (or None while it is being built)."""
        name = {
            ServiceType.FOOD: "food_details",
            ServiceType.PARCEL: "parcel_details",
            ServiceType.RIDE: "ride_details",
        }[self.service_type]
        return getattr(self, name, None)

    def charge_totals(self):
        """subtotal/fees/tax/discount/total computed from the saved charges."""
        return charges.totals(self.charges.values_list("charge_type", "direction", "amount"))

    def apply_charge_totals(self, save=True):
        """Set the cached money columns from the charges (the database checks
        at commit that they agree)."""
        sums = self.charge_totals()
        for name, value in sums.items():
            setattr(self, name, value)
        if save:
            self.save(update_fields=[*sums, "updated_at"])
        return sums

    def move_to(self, status, *, actor_type=None, user=None, actor_ref_id=None, note=""):
        """Change the status (stamping completed_at/cancelled_at); the
        database checks the transition and writes the timeline row in the
        same transaction. Without an actor, the one set by an enclosing
        ``orders.timeline.status_actor`` block is recorded (else SYSTEM)."""
        from orders.timeline import status_actor

        now = timezone.now()
        fields = ["status", "updated_at"]
        self.status = status
        if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED):
            self.completed_at = now
            fields.append("completed_at")
        elif status == OrderStatus.CANCELLED:
            self.cancelled_at = now
            fields.append("cancelled_at")
        if actor_type is None and user is None and actor_ref_id is None and not note:
            self.save(update_fields=fields)
            return
        with status_actor(
            actor_type=actor_type or ActorType.SYSTEM,
            user=user,
            actor_ref_id=actor_ref_id,
            note=note,
        ):
            self.save(update_fields=fields)


class OrderFoodDetails(TimestampedModel):
    """The FOOD side of one order (1:1): the kitchen (the order's store), its
    acceptance, preparation and handover times, prep ETA, KOT number, cutlery
    and cooking notes, rejection reason."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, primary_key=True, related_name="food_details"
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        related_name="food_order_details",
        help_text="The kitchen: always the order's store (composite FK onto orders).",
    )
    prep_status = EnumField(FoodPrepStatus, default=FoodPrepStatus.AWAITING_ACCEPTANCE)
    kot_number = models.CharField("KOT number", max_length=20, blank=True)
    prep_eta_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    cutlery_requested = models.BooleanField(default=False)
    cooking_instructions = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_food_details")
        verbose_name = "order food details"
        verbose_name_plural = "order food details"
        constraints = [
            CheckConstraint(
                condition=~Q(prep_status=FoodPrepStatus.REJECTED)
                | (Q(rejected_at__isnull=False) & ~Q(rejection_reason="")),
                name="order_food_details_rejection_explained",
                violation_error_message="A rejected order needs rejected_at and a reason.",
            ),
            CheckConstraint(
                condition=Q(prep_eta_minutes__isnull=True)
                | Q(prep_eta_minutes__gte=1, prep_eta_minutes__lte=240),
                name="order_food_details_prep_eta_range",
            ),
        ]

    def __str__(self):
        return f"FOOD details of order {self.order_id}"


class OrderParcelDetails(TimestampedModel):
    """The PARCEL side of one order (1:1): package category, weight and
    dimensions, declared value, sender and receiver (masked phones, and the
    customer's saved receiver contact), the prohibited-items declaration and
    the return-to-origin flag."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, primary_key=True, related_name="parcel_details"
    )
    receiver_contact = models.ForeignKey(
        "customers.CustomerSavedContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcel_orders",
        help_text="The customer's saved receiver, if the parcel went to one.",
    )
    package_type = EnumField(ParcelPackageType)
    description = models.CharField(max_length=200, blank=True)
    weight_g = models.PositiveIntegerField()
    length_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    width_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    declared_value = MoneyField(default=charges.ZERO)
    sender_name = models.CharField(max_length=100)
    sender_phone_masked = models.CharField(max_length=16)
    receiver_name = models.CharField(max_length=100)
    receiver_phone_masked = models.CharField(max_length=16)
    prohibited_items_declared = models.BooleanField(
        default=False, help_text="The sender declared the package holds no prohibited items."
    )
    requires_delivery_otp = models.BooleanField(default=True)
    is_rto = models.BooleanField("returned to origin", default=False)
    rto_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_parcel_details")
        verbose_name = "order parcel details"
        verbose_name_plural = "order parcel details"
        constraints = [
            CheckConstraint(
                condition=Q(weight_g__gt=0),
                name="order_parcel_details_weight_positive",
            ),
            CheckConstraint(
                condition=Q(prohibited_items_declared=True),
                name="order_parcel_details_prohibited_items_declared",
                violation_error_message="The sender must declare no prohibited items.",
            ),
            CheckConstraint(
                condition=Q(sender_phone_masked__regex=MASKED_PHONE)
                & Q(receiver_phone_masked__regex=MASKED_PHONE),
                name="order_parcel_details_phones_masked",
                violation_error_message="Phone numbers are stored masked (XXXXXXXX1234).",
            ),
            CheckConstraint(
                condition=Q(is_rto=False) | ~Q(rto_reason=""),
                name="order_parcel_details_rto_explained",
                violation_error_message="A returned parcel needs an RTO reason.",
            ),
        ]

    def __str__(self):
        return f"PARCEL details of order {self.order_id}"


class OrderRideDetails(TimestampedModel):
    """The RIDE side of one order (1:1): vehicle type, quoted and actual
    distance and duration, start-OTP hash, waiting minutes, and the fare
    policy and surge that priced it."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, primary_key=True, related_name="ride_details"
    )
    vehicle_type = EnumField(VehicleType)
    quote = models.ForeignKey(
        "orders.OrderQuote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ride_details",
    )
    fare_policy = models.ForeignKey(
        "orders.RideFarePolicy", on_delete=models.PROTECT, related_name="ride_details"
    )
    surge_rule = models.ForeignKey(
        "orders.SurgePricingRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ride_details",
    )
    surge_multiplier = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    passenger_count = models.PositiveSmallIntegerField(default=1)
    quoted_distance_m = models.PositiveIntegerField()
    quoted_duration_s = models.PositiveIntegerField()
    actual_distance_m = models.PositiveIntegerField(null=True, blank=True)
    actual_duration_s = models.PositiveIntegerField(null=True, blank=True)
    start_otp_hash = HashField(null=True, blank=True, editable=False)
    start_otp_verified_at = models.DateTimeField(null=True, blank=True)
    waiting_minutes = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    fare_amount = MoneyField(
        null=True, blank=True, help_text="The fare of the finished ride (before GST)."
    )
    driver_share_amount = MoneyField(
        null=True, blank=True, help_text="What the driver receives of the fare."
    )
    vehicle_owner = EnumField(
        RideVehicleOwner,
        null=True,
        blank=True,
        help_text="Who owns the vehicle; sets the driver's minimum share (MVAG 2025).",
    )

    class Meta:
        db_table = schema_table("orders", "order_ride_details")
        verbose_name = "order ride details"
        verbose_name_plural = "order ride details"
        constraints = [
            # MVAG 2025 cl. 17: between 50% and two times the base fare (the
            # fare policy's own band is checked by a trigger).
            CheckConstraint(
                condition=Q(
                    surge_multiplier__gte=ride_rules.SURGE_FLOOR,
                    surge_multiplier__lte=ride_rules.SURGE_CAP,
                ),
                name="order_ride_details_surge_range",
                violation_error_message="Surge is between 0.50x and 2.00x the base fare "
                "(MVAG 2025 cl. 17).",
            ),
            CheckConstraint(
                condition=Q(
                    fare_amount__isnull=True,
                    driver_share_amount__isnull=True,
                    vehicle_owner__isnull=True,
                )
                | Q(
                    fare_amount__isnull=False,
                    driver_share_amount__isnull=False,
                    vehicle_owner__isnull=False,
                ),
                name="order_ride_details_driver_share_recorded",
                violation_error_message="Record the fare, the driver's share and the "
                "vehicle's owner together.",
            ),
            # MVAG 2025: the driver keeps at least 80% of the fare in their own
            # vehicle, at least 60% in the aggregator's; never more than the fare.
            CheckConstraint(
                condition=Q(fare_amount__isnull=True)
                | (
                    Q(driver_share_amount__lte=F("fare_amount"))
                    & (
                        Q(
                            vehicle_owner=RideVehicleOwner.DRIVER,
                            driver_share_amount__gte=F("fare_amount")
                            * ride_rules.DRIVER_SHARE_FLOOR_PERCENT[RideVehicleOwner.DRIVER]
                            / 100,
                        )
                        | Q(
                            vehicle_owner=RideVehicleOwner.AGGREGATOR,
                            driver_share_amount__gte=F("fare_amount")
                            * ride_rules.DRIVER_SHARE_FLOOR_PERCENT[RideVehicleOwner.AGGREGATOR]
                            / 100,
                        )
                    )
                ),
                name="order_ride_details_driver_share_floor",
                violation_error_message="The driver keeps at least 80% of the fare in their "
                "own vehicle, 60% in the aggregator's (MVAG 2025).",
            ),
            CheckConstraint(
                condition=Q(passenger_count__gte=1, passenger_count__lte=7),
                name="order_ride_details_passenger_count_range",
            ),
            CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | (Q(started_at__isnull=False) & Q(ended_at__gte=F("started_at"))),
                name="order_ride_details_ends_after_start",
                violation_error_message="A ride ends after it starts.",
            ),
        ]

    def __str__(self):
        return f"RIDE details of order {self.order_id}"


class OrderItem(TimestampedModel):
    """One FOOD line of an order: the menu item and variant sold, with a
    snapshot of them as they were sold (name, variant, veg flag, unit price,
    quantity, GST rate and packaging charge)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    menu_item = models.ForeignKey(
        "merchants.MerchantMenuItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_items",
    )
    variant = models.ForeignKey(
        "merchants.MerchantMenuItemVariant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_items",
    )
    name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=100, blank=True)
    food_type = EnumField(FoodType)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price = MoneyField()
    packaging_charge = MoneyField(default=charges.ZERO)
    gst_rate_percent = models.DecimalField(max_digits=5, decimal_places=2, default=5)
    special_instructions = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_items")
        constraints = [
            CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=99),
                name="order_items_quantity_range",
            ),
            # The slab in force on the order's date is checked by the trigger
            # order_items_gst_rate_in_force (orders 0020): it reads the order.
        ]

    def __str__(self):
        return f"{self.quantity} x {self.name}"

    @property
    def line_total(self):
        """Price of the line with its add-ons, before packaging and tax."""
        addons = sum((addon.quantity * addon.unit_price for addon in self.addons.all()), 0)
        return self.quantity * (self.unit_price + addons)


class OrderItemAddon(TimestampedModel):
    """One add-on or customisation chosen for an order line: the menu add-on,
    with its name and price as sold."""

    order_item = models.ForeignKey(OrderItem, on_delete=models.CASCADE, related_name="addons")
    addon = models.ForeignKey(
        "merchants.MerchantMenuAddon",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_item_addons",
    )
    name = models.CharField(max_length=120)
    group_name = models.CharField(max_length=80, blank=True)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price = MoneyField()

    class Meta:
        db_table = schema_table("orders", "order_item_addons")
        constraints = [
            CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=20),
                name="order_item_addons_quantity_range",
            ),
        ]

    def __str__(self):
        return self.name


class OrderStop(TimestampedModel):
    """One stop of an order in visiting order: pickup, drop, waypoint or
    return, with an address snapshot (and the saved address or store behind
    it), geo point, contact (masked), per-stop OTP hash and arrival/completion
    times."""

    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        related_name="stops",
        db_index=False,  # order_stops_order_sequence_key leads with order_id
    )
    address = models.ForeignKey(
        "customers.CustomerAddress",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_stops",
        help_text="The customer's saved address behind the snapshot.",
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_stops",
        help_text="The store picked up from (a FOOD order's kitchen, a parcel point).",
    )
    sequence = models.PositiveSmallIntegerField()
    stop_type = EnumField(StopType)
    address_line = models.TextField()
    landmark = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    pin_code = models.CharField(max_length=6)
    latitude = LatitudeField()
    longitude = LongitudeField()
    contact_name = models.CharField(max_length=100, blank=True)
    contact_phone_masked = models.CharField(max_length=16, blank=True)
    otp_hash = HashField(null=True, blank=True, editable=False)
    instructions = models.CharField(max_length=300, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("orders", "order_stops")
        ordering = ["order", "sequence"]
        constraints = [
            UniqueConstraint(fields=["order", "sequence"], name="order_stops_order_sequence_key"),
            # Target of order_delivery_proofs (stop_id, order_id).
            UniqueConstraint(fields=["id", "order"], name="order_stops_id_order_key"),
            CheckConstraint(
                condition=Q(pin_code__regex=PIN_CODE),
                name="order_stops_pin_code_format",
                violation_error_message="Enter a 6-digit PIN code.",
            ),
            CheckConstraint(
                condition=Q(contact_phone_masked="") | Q(contact_phone_masked__regex=MASKED_PHONE),
                name="order_stops_phone_masked",
                violation_error_message="Phone numbers are stored masked (XXXXXXXX1234).",
            ),
            CheckConstraint(
                condition=Q(sequence__gte=1),
                name="order_stops_sequence_positive",
            ),
        ]

    def __str__(self):
        return f"{self.stop_type} #{self.sequence} of order {self.order_id}"


class OrderTimeline(AppendOnlyModel):
    """One entry of an order's history, never changed: a status change
    (written by the database whenever ``orders.status`` changes) or a
    milestone, with the actor, a geo point and a note.

    Partitioned by month of ``created_at`` (UTC), detached after 13 months
    (docs/partitions.md); the database's primary key is ``(id, created_at)``."""

    partitioning = Partitioning(key="created_at", interval=MONTH, retention="13 months")

    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="timeline",
        db_index=False,  # order_timeline_order_idx covers it
    )
    event = models.CharField(max_length=24, choices=TIMELINE_EVENTS, default="NOTE")
    from_status = EnumField(OrderStatus, null=True, blank=True)
    status = EnumField(OrderStatus)
    actor_type = EnumField(ActorType, default=ActorType.SYSTEM)
    actor_user = models.ForeignKey(
        _SYSTEM_USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_timeline_entries",
    )
    actor_ref_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Id of the acting customer, rider or merchant user (soft reference).",
    )
    latitude = LatitudeField(null=True, blank=True)
    longitude = LongitudeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("orders", "order_timeline")
        verbose_name = "order timeline entry"
        verbose_name_plural = "order timeline"
        constraints = [
            one_of("order_timeline", "event", values(TIMELINE_EVENTS)),
            CheckConstraint(
                condition=Q(from_status__isnull=True) | Q(event="STATUS_CHANGE"),
                name="order_timeline_from_status_on_changes",
            ),
            CheckConstraint(
                condition=Q(actor_user__isnull=True) | Q(actor_type=ActorType.SYSTEM_USER),
                name="order_timeline_actor_user_is_staff",
                violation_error_message="actor_user is set only for SYSTEM_USER actors.",
            ),
            both_or_neither("order_timeline", "latitude", "longitude", "point"),
        ]
        indexes = [
            models.Index(fields=["order", "id"], name="order_timeline_order_idx"),
        ]

    def __str__(self):
        if self.event == "STATUS_CHANGE":
            return f"{self.order_id}: {self.from_status or '-'} -> {self.status}"
        return f"{self.order_id}: {self.event}"


class OrderQuote(TimestampedModel):
    """One pre-booking estimate (RIDE fare, PARCEL charge or FOOD delivery
    fee) for a customer (or a visitor not yet logged in), with its
    breakdown, the rules that priced it, its expiry and the order it became.
    Quotes are purged after 30 days."""

    service_type = EnumField(ServiceType)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_quotes",
        help_text="Empty for quotes asked before login.",
    )
    vehicle_type = EnumField(VehicleType, null=True, blank=True)
    zone = models.ForeignKey("orders.ServiceZone", on_delete=models.PROTECT, related_name="quotes")
    fare_policy = models.ForeignKey(
        "orders.RideFarePolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    fee_rule = models.ForeignKey(
        "orders.DeliveryFeeRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    surge_rule = models.ForeignKey(
        "orders.SurgePricingRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="quote"
    )
    pickup_latitude = LatitudeField()
    pickup_longitude = LongitudeField()
    drop_latitude = LatitudeField()
    drop_longitude = LongitudeField()
    distance_m = models.PositiveIntegerField()
    duration_s = models.PositiveIntegerField()
    surge_multiplier = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    breakdown = models.JSONField(default=dict, blank=True, help_text="Charge lines quoted.")
    estimated_total = MoneyField()
    expires_at = models.DateTimeField()

    class Meta:
        db_table = schema_table("orders", "order_quotes")
        constraints = [
            CheckConstraint(
                condition=~Q(service_type=ServiceType.RIDE)
                | (Q(vehicle_type__isnull=False) & Q(fare_policy__isnull=False)),
                name="order_quotes_ride_has_fare_policy",
                violation_error_message="A RIDE quote needs a vehicle type and a fare policy.",
            ),
            CheckConstraint(
                condition=Q(service_type=ServiceType.RIDE) | Q(fare_policy__isnull=True),
                name="order_quotes_fare_policy_only_for_rides",
            ),
            CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="order_quotes_expires_after_created",
            ),
            CheckConstraint(
                condition=Q(surge_multiplier__gte=1, surge_multiplier__lte=5),
                name="order_quotes_surge_range",
            ),
        ]
        indexes = [
            # The 30-day purge deletes by age.
            models.Index(fields=["created_at"], name="order_quotes_created_at_idx"),
        ]

    def __str__(self):
        return f"{self.service_type} quote {self.pk} ({self.estimated_total})"
