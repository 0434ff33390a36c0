"""Factories of the order aggregate.

``OrderFactory`` (and the per-service ``FoodOrderFactory``,
``ParcelOrderFactory``, ``RideOrderFactory``) builds a *complete* order in
one transaction: its customer (with a saved drop address, except for a
RIDE), the LIVE store of a FOOD order, the detail row of its service, a
PICKUP (at the store for FOOD) and a DROP stop, items sold from the store's
menu with an add-on (FOOD), bill lines whose signed sum is the total (with
a round-off line), the payment, and, when the status says a rider holds the
order, an assignment to a rider whom dispatch accepts (ACTIVE, ONLINE,
documents verified, the right vehicle: ``DispatchableRiderFactory``). Any
part can be left out with ``with_<part>=False`` (child factories do, to add
that part themselves).

The rules checked at commit (totals, service shape, composite FKs) run when
the outermost transaction commits. In a ``db`` test (a transaction rolled
back) they run at ``SET CONSTRAINTS ALL IMMEDIATE``: Django's TestCase
teardown issues it, and tests call it earlier through the
``run_deferred_checks`` fixture (tests/fixtures/orders.py).
"""

import random
from datetime import timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

import factory
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.enums import (
    FoodType,
    LedgerEntryDirection,
    OfferType,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    ServiceType,
    VehicleType,
)
from orders.choices import (
    AssignmentStatus,
    ChargeType,
    FoodPrepStatus,
    ParcelPackageType,
    StopType,
)
from orders.factories.cities import (
    DeliveryFeeRuleFactory,
    RideFarePolicyFactory,
    ServiceZoneFactory,
)
from orders.models import (
    Order,
    OrderFoodDetails,
    OrderItem,
    OrderItemAddon,
    OrderParcelDetails,
    OrderQuote,
    OrderRideDetails,
    OrderStop,
    OrderTimeline,
)
from orders.models.orders import ORDER_NUMBER_PREFIXES

CENT = Decimal("0.01")

#: The optional parts of an order a factory builds (``with_<part>``).
PARTS = {
    "with_detail": True,
    "with_items": True,
    "with_stops": True,
    "with_charges": True,
    "with_payment": True,
    "with_assignment": None,  # None: when the status says a rider holds the order
    "with_discount": Decimal("0.00"),
    # None: a finished assignment is paid (orders.services' rule) ...
    "with_earning": None,
    # ... and a delivered/completed order settled, as orders.services does.
    "with_settlement": None,
}

#: Statuses in which a rider holds the order (an active assignment exists).
RIDER_HOLDS = {
    OrderStatus.ASSIGNED: AssignmentStatus.ASSIGNED,
    OrderStatus.ACCEPTED: AssignmentStatus.ACCEPTED,
    OrderStatus.REACHED_PICKUP: AssignmentStatus.ACCEPTED,
    OrderStatus.PICKED_UP: AssignmentStatus.ACCEPTED,
    OrderStatus.IN_TRANSIT: AssignmentStatus.ACCEPTED,
    OrderStatus.REACHED_DROP: AssignmentStatus.ACCEPTED,
    OrderStatus.RTO_INITIATED: AssignmentStatus.ACCEPTED,
}
#: Finished statuses after which the rider's assignment is COMPLETED.
RIDER_FINISHED = {OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED}
#: Finished statuses whose order is settled when it finishes.
SETTLED_ON_FINISH = {OrderStatus.DELIVERED, OrderStatus.COMPLETED}

DISHES = [
    ("Paneer Butter Masala", FoodType.VEG, Decimal("240.00")),
    ("Chicken Biryani", FoodType.NON_VEG, Decimal("280.00")),
    ("Masala Dosa", FoodType.VEG, Decimal("90.00")),
    ("Egg Curry", FoodType.EGG, Decimal("160.00")),
    ("Dal Makhani", FoodType.VEG, Decimal("210.00")),
    ("Veg Thali", FoodType.VEGAN, Decimal("180.00")),
]


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def near(value, spread="0.020000"):
    """A coordinate close to ``value`` (stops around the zone's centre)."""
    offset = Decimal(random.uniform(-float(spread), float(spread))).quantize(Decimal("0.000001"))
    return Decimal(value) + offset


def next_stop_sequence(order):
    return (order.stops.aggregate(top=Max("sequence"))["top"] or 0) + 1


# Parts ------------------------------------------------------------------------


def add_detail(order):
    if order.service_type == ServiceType.FOOD:
        return OrderFoodDetailsFactory(order=order)
    if order.service_type == ServiceType.PARCEL:
        return OrderParcelDetailsFactory(order=order)
    return OrderRideDetailsFactory(order=order)


def add_items(order):
    """Two lines (and an add-on) sold from the order's store's menu."""
    # Imported here: a factories module imports no other app's factories at
    # module level (they are leaves; tests/gatimitra/test_factories.py).
    from merchants.factories import (
        MerchantMenuAddonFactory,
        MerchantMenuCategoryFactory,
        MerchantMenuItemFactory,
    )

    store = order.merchant_store
    category = MerchantMenuCategoryFactory(menu__store=store) if store else None
    items = []
    for quantity, (name, food_type, price) in enumerate(random.sample(DISHES, 2), start=1):
        menu_item = None
        if category is not None:
            menu_item = MerchantMenuItemFactory(
                category=category, name=name, food_type=food_type, base_price=price
            )
        items.append(
            OrderItemFactory(
                order=order,
                menu_item=menu_item,
                name=name,
                food_type=food_type,
                unit_price=price,
                quantity=quantity,
            )
        )
    addon = MerchantMenuAddonFactory(addon_group__store=store) if store else None
    OrderItemAddonFactory(
        order_item=items[0],
        addon=addon,
        **({"name": addon.name, "unit_price": addon.price} if addon else {}),
    )
    return items


def store_snapshot(store):
    """A stop's address snapshot of a store."""
    return {
        "store": store,
        "address_line": ", ".join(filter(None, [store.name, store.address_line1])),
        "locality": store.locality,
        "pin_code": store.pin_code,
        "latitude": store.latitude,
        "longitude": store.longitude,
        "contact_name": "Store desk",
    }


def address_snapshot(address):
    """A stop's address snapshot of a customer's saved address."""
    parts = [address.house_number, address.building_name, address.street]
    return {
        "address": address,
        "address_line": ", ".join(filter(None, parts)),
        "landmark": address.landmark,
        "locality": address.locality,
        "pin_code": address.pincode,
        "latitude": address.latitude,
        "longitude": address.longitude,
        "contact_name": address.recipient_name or address.customer.full_name,
    }


def add_stops(order):
    """A PICKUP (at the store of a FOOD order) and a DROP (at the saved drop
    address, if any), near the zone's centre otherwise."""
    zone = order.zone

    def around():
        return {
            "latitude": near(zone.center_latitude or "12.935"),
            "longitude": near(zone.center_longitude or "77.620"),
        }

    store, address = order.merchant_store, order.drop_address
    pickup = OrderStopFactory(
        order=order,
        sequence=1,
        stop_type=StopType.PICKUP,
        **(store_snapshot(store) if store else around()),
    )
    drop = OrderStopFactory(
        order=order,
        sequence=2,
        stop_type=StopType.DROP,
        **(address_snapshot(address) if address else around()),
    )
    return [pickup, drop]


def bill_lines(order, discount=Decimal("0.00")):
    """Plausible bill lines for the order's service (before round-off):
    ``[(charge_type, amount, payer, beneficiary, rate)]``."""
    lines = []
    if order.service_type == ServiceType.FOOD:
        items = list(order.items.prefetch_related("addons"))
        item_total = sum((item.line_total for item in items), Decimal("0.00"))
        packaging = sum((item.packaging_charge * item.quantity for item in items), Decimal("0"))
        lines.append((ChargeType.ITEM_TOTAL, item_total, "CUSTOMER", "MERCHANT", None))
        if packaging:
            lines.append((ChargeType.PACKAGING_FEE, packaging, "CUSTOMER", "MERCHANT", None))
        lines.append((ChargeType.DELIVERY_FEE, Decimal("30.00"), "CUSTOMER", "PLATFORM", None))
        lines.append((ChargeType.PLATFORM_FEE, Decimal("5.00"), "CUSTOMER", "PLATFORM", None))
        # Restaurant service: 5% GST on the food, paid by GatiMitra as ECO (s.9(5)).
        gst_base = item_total + packaging
        lines.append(
            (ChargeType.GST, money(gst_base * Decimal("0.05")), "CUSTOMER", "GOVERNMENT", 5)
        )
    elif order.service_type == ServiceType.PARCEL:
        fare = Decimal("78.00")
        lines.append((ChargeType.DELIVERY_FEE, fare, "CUSTOMER", "PLATFORM", None))
        lines.append((ChargeType.PLATFORM_FEE, Decimal("4.00"), "CUSTOMER", "PLATFORM", None))
        gst = money((fare + Decimal("4.00")) * Decimal("0.18"))
        lines.append((ChargeType.GST, gst, "CUSTOMER", "GOVERNMENT", 18))
    else:
        fare = Decimal("143.50")
        lines.append((ChargeType.DELIVERY_FEE, fare, "CUSTOMER", "RIDER", None))
        lines.append((ChargeType.PLATFORM_FEE, Decimal("5.00"), "CUSTOMER", "PLATFORM", None))
        gst = money((fare + Decimal("5.00")) * Decimal("0.05"))
        lines.append((ChargeType.GST, gst, "CUSTOMER", "GOVERNMENT", 5))
    if discount:
        lines.append((ChargeType.DISCOUNT, money(discount), "PLATFORM", "CUSTOMER", None))
    return lines


def add_charges(order, discount=Decimal("0.00")):
    """Bill lines plus a ROUND_OFF to the rupee, then the order's cached
    totals from them."""
    from orders.factories.payments import OrderChargeFactory, OrderDiscountFactory

    charges = []
    total = Decimal("0.00")
    for charge_type, amount, payer, beneficiary, rate in bill_lines(order, discount):
        direction = (
            LedgerEntryDirection.CREDIT
            if charge_type == ChargeType.DISCOUNT
            else LedgerEntryDirection.DEBIT
        )
        charges.append(
            OrderChargeFactory(
                order=order,
                charge_type=charge_type,
                direction=direction,
                amount=amount,
                payer=payer,
                beneficiary=beneficiary,
                rate_percent=rate,
                description=ChargeType(charge_type).label,
                refresh_order_totals=False,
            )
        )
        total += -amount if direction == LedgerEntryDirection.CREDIT else amount
    paise = total - total.to_integral_value(rounding=ROUND_FLOOR)
    if paise:
        up = paise >= Decimal("0.50")
        charges.append(
            OrderChargeFactory(
                order=order,
                charge_type=ChargeType.ROUND_OFF,
                direction=LedgerEntryDirection.DEBIT if up else LedgerEntryDirection.CREDIT,
                amount=(1 - paise) if up else paise,
                payer="CUSTOMER",
                beneficiary="PLATFORM",
                description="Round off",
                refresh_order_totals=False,
            )
        )
    if discount:
        OrderDiscountFactory(
            order=order,
            offer_type=OfferType.FLAT_OFF,
            code="GATI50",
            amount=money(discount),
            platform_share=money(discount),
            merchant_share=Decimal("0.00"),
        )
    order.apply_charge_totals()
    return charges


def add_payment(order):
    from orders.factories.payments import OrderPaymentFactory

    cash = order.payment_method == PaymentMethod.CASH
    collected = not cash or order.status in RIDER_FINISHED
    return OrderPaymentFactory(
        order=order,
        method=order.payment_method,
        gateway="CASH" if cash else "RAZORPAY",
        amount=order.total,
        status=PaymentStatus.CAPTURED if collected else PaymentStatus.PENDING,
        captured_at=timezone.now() if collected else None,
        gateway_payment_id=None if cash else factory.Faker("bothify", text="pay_??????????"),
    )


def add_assignment(order, with_earning=None):
    """The rider's assignment the status implies; a finished one COMPLETED
    with the rider's earning credited (``riders.services.earn``) unless
    ``with_earning=False`` (the caller then writes it)."""
    from orders.factories.assignments import OrderRiderAssignmentFactory
    from riders import services as rider_services

    now = timezone.now()
    if order.status in RIDER_HOLDS:
        status = RIDER_HOLDS[order.status]
        return OrderRiderAssignmentFactory(
            order=order,
            status=status,
            assigned_at=now,
            accepted_at=now if status == AssignmentStatus.ACCEPTED else None,
        )
    if order.status in RIDER_FINISHED:
        assignment = OrderRiderAssignmentFactory(
            order=order,
            status=AssignmentStatus.COMPLETED,
            assigned_at=now,
            accepted_at=now,
            picked_up_at=now,
            dropped_at=now,
            ended_at=now,
        )
        if with_earning is not False:
            rider_services.earn(
                assignment,
                fare=order.charges.filter(
                    charge_type=ChargeType.DELIVERY_FEE, beneficiary="RIDER"
                ).aggregate(s=Sum("amount"))["s"]
                or Decimal("0.00"),
            )
        return assignment
    return None


def add_settlement(order):
    """The settlement ``orders.services`` files for a finished order (with
    the earning of its completed assignment, when there is one)."""
    from orders import services
    from riders.models import RiderOrderEarning

    earning = (
        RiderOrderEarning.objects.filter(order=order, assignment__status=AssignmentStatus.COMPLETED)
        .order_by("-id")
        .first()
    )
    return services.file_settlement(order, earning)


def complete_order(order, **parts):
    """Build the parts of ``order`` selected by ``parts`` (see ``PARTS``)."""
    options = {**PARTS, **parts}
    if options["with_detail"]:
        add_detail(order)
    if options["with_items"] and order.service_type == ServiceType.FOOD:
        add_items(order)
    if options["with_stops"]:
        add_stops(order)
    if options["with_charges"]:
        add_charges(order, discount=options["with_discount"])
    if options["with_payment"] and order.total > 0:
        add_payment(order)
    if options["with_assignment"] is not False:
        add_assignment(order, with_earning=options["with_earning"])
    if options["with_settlement"] is not False and order.status in SETTLED_ON_FINISH:
        add_settlement(order)
    return order


# Factories ------------------------------------------------------------------------


class OrderFactory(DjangoModelFactory):
    """A complete, valid order (FOOD unless ``service_type`` says otherwise),
    placed by a new customer (at a new LIVE store for FOOD)."""

    service_type = ServiceType.FOOD
    order_number = factory.LazyAttributeSequence(
        lambda o, n: f"{ORDER_NUMBER_PREFIXES[o.service_type]}{2600000000 + n:010d}"
    )
    zone = factory.SubFactory(ServiceZoneFactory)
    city = factory.SelfAttribute("zone.city")
    customer = factory.SubFactory("customers.factories.CustomerFactory")
    merchant_store = factory.Maybe(
        factory.LazyAttribute(lambda o: o.service_type == ServiceType.FOOD),
        yes_declaration=factory.SubFactory("merchants.factories.LiveMerchantStoreFactory"),
        no_declaration=None,
    )
    drop_address = factory.Maybe(
        factory.LazyAttribute(lambda o: o.service_type != ServiceType.RIDE),
        yes_declaration=factory.SubFactory(
            "customers.factories.CustomerAddressFactory",
            customer=factory.SelfAttribute("..customer"),
        ),
        no_declaration=None,
    )
    status = OrderStatus.CREATED
    channel = "APP"
    payment_method = PaymentMethod.UPI
    placed_at = factory.LazyFunction(timezone.now)
    promised_by = factory.LazyAttribute(lambda o: o.placed_at + timedelta(minutes=40))
    distance_m = factory.Faker("pyint", min_value=800, max_value=9000)

    with_detail = PARTS["with_detail"]
    with_items = PARTS["with_items"]
    with_stops = PARTS["with_stops"]
    with_charges = PARTS["with_charges"]
    with_payment = PARTS["with_payment"]
    with_assignment = PARTS["with_assignment"]
    with_discount = PARTS["with_discount"]
    with_earning = PARTS["with_earning"]
    with_settlement = PARTS["with_settlement"]

    class Meta:
        model = Order
        skip_postgeneration_save = True

    @classmethod
    def _pop_parts(cls, kwargs):
        return {name: kwargs.pop(name) for name in PARTS if name in kwargs}

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        cls._pop_parts(kwargs)
        return super()._build(model_class, *args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parts = cls._pop_parts(kwargs)
        status = kwargs.get("status")
        if status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED):
            kwargs.setdefault("completed_at", timezone.now())
        elif status == OrderStatus.CANCELLED:
            kwargs.setdefault("cancelled_at", timezone.now())
        # One transaction: the rules checked at commit see the finished order.
        with transaction.atomic(using=cls._meta.database):
            order = super()._create(model_class, *args, **kwargs)
            complete_order(order, **parts)
        return order


class FoodOrderFactory(OrderFactory):
    service_type = ServiceType.FOOD
    payment_method = PaymentMethod.UPI


class ParcelOrderFactory(OrderFactory):
    service_type = ServiceType.PARCEL
    payment_method = PaymentMethod.PLATFORM_WALLET


class RideOrderFactory(OrderFactory):
    service_type = ServiceType.RIDE
    payment_method = PaymentMethod.CASH


class OrderFoodDetailsFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, service_type=ServiceType.FOOD, with_detail=False)
    store = factory.SelfAttribute("order.merchant_store")
    prep_status = FoodPrepStatus.AWAITING_ACCEPTANCE
    kot_number = factory.Sequence(lambda n: f"KOT-{n:05d}")
    prep_eta_minutes = 20
    cutlery_requested = False
    cooking_instructions = "Less spicy, please."

    class Meta:
        model = OrderFoodDetails


class OrderParcelDetailsFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, service_type=ServiceType.PARCEL, with_detail=False)
    package_type = ParcelPackageType.DOCUMENTS
    description = "Signed agreement in an envelope"
    weight_g = 500
    length_cm = 32
    width_cm = 24
    height_cm = 2
    declared_value = Decimal("500.00")
    sender_name = factory.Faker("name", locale="en_IN")
    sender_phone_masked = factory.Sequence(lambda n: mask(f"+9198{n:08d}"))
    receiver_name = factory.Faker("name", locale="en_IN")
    receiver_phone_masked = factory.Sequence(lambda n: mask(f"+9197{n:08d}"))
    prohibited_items_declared = True

    class Meta:
        model = OrderParcelDetails


class OrderRideDetailsFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, service_type=ServiceType.RIDE, with_detail=False)
    vehicle_type = VehicleType.AUTO_RICKSHAW
    fare_policy = factory.SubFactory(
        RideFarePolicyFactory,
        city=factory.SelfAttribute("..order.city"),
        vehicle_type=factory.SelfAttribute("..vehicle_type"),
    )
    quoted_distance_m = 6200
    quoted_duration_s = 1500
    start_otp_hash = factory.Sequence(lambda n: keyed_hash(f"{n % 10000:04d}"))

    class Meta:
        model = OrderRideDetails


class OrderItemFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, service_type=ServiceType.FOOD)
    name = "Paneer Butter Masala"
    food_type = FoodType.VEG
    quantity = 1
    unit_price = Decimal("240.00")
    packaging_charge = Decimal("10.00")
    gst_rate_percent = Decimal("5.00")

    class Meta:
        model = OrderItem


class OrderItemAddonFactory(DjangoModelFactory):
    order_item = factory.SubFactory(OrderItemFactory)
    name = "Extra butter"
    group_name = "Add-ons"
    quantity = 1
    unit_price = Decimal("20.00")

    class Meta:
        model = OrderItemAddon


class OrderStopFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory)
    sequence = factory.LazyAttribute(lambda o: next_stop_sequence(o.order))
    stop_type = StopType.WAYPOINT
    address_line = factory.Faker("street_address", locale="en_IN")
    locality = factory.Faker("street_name", locale="en_IN")
    pin_code = factory.Sequence(lambda n: f"560{n % 1000:03d}")
    latitude = factory.LazyFunction(lambda: near("12.935"))
    longitude = factory.LazyFunction(lambda: near("77.620"))
    contact_name = factory.Faker("name", locale="en_IN")
    contact_phone_masked = factory.Sequence(lambda n: mask(f"+9199{n:08d}"))
    otp_hash = factory.Sequence(lambda n: keyed_hash(f"{(n * 7) % 10000:04d}"))

    class Meta:
        model = OrderStop


class OrderTimelineFactory(DjangoModelFactory):
    """A milestone entry (status changes are written by the database)."""

    order = factory.SubFactory(OrderFactory)
    event = "NOTE"
    status = factory.SelfAttribute("order.status")
    note = "Customer asked the rider to call on arrival."

    class Meta:
        model = OrderTimeline


class OrderQuoteFactory(DjangoModelFactory):
    service_type = ServiceType.FOOD
    customer = factory.SubFactory("customers.factories.CustomerFactory")
    zone = factory.SubFactory(ServiceZoneFactory)
    fee_rule = factory.SubFactory(DeliveryFeeRuleFactory, zone=factory.SelfAttribute("..zone"))
    pickup_latitude = factory.LazyFunction(lambda: near("12.935"))
    pickup_longitude = factory.LazyFunction(lambda: near("77.620"))
    drop_latitude = factory.LazyFunction(lambda: near("12.935"))
    drop_longitude = factory.LazyFunction(lambda: near("77.620"))
    distance_m = 3400
    duration_s = 1100
    breakdown = factory.LazyFunction(
        lambda: {"DELIVERY_FEE": "30.00", "PLATFORM_FEE": "5.00", "GST": "1.75"}
    )
    estimated_total = Decimal("36.75")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=10))

    class Meta:
        model = OrderQuote
