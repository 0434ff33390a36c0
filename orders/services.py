"""The order flows staff and the apps call; the admin reaches them through
``orders.admin.actions``, the factories' scenarios and the end-to-end tests
through these functions too, so the path the database checks is the path
the code takes.

Each flow is one transaction that locks the order row first (two writers of
one order serialise on it), writes every row its new status needs (the
database's deferred rules check them at commit) and raises ``Refused``
(``gatimitra.errors``), naming the table and row, when it cannot run:
nothing is then changed.

* placing: ``place_order`` (FOOD from a store's menu, PARCEL, RIDE on a
  fare policy), billed by ``orders.pricing`` and numbered by
  ``format_order_number``;
* kitchen: ``confirm_order``, ``start_preparing``, ``mark_ready``;
* dispatch: ``search_rider``, ``offer_order``, ``assign_rider``,
  ``reassign_order``, ``accept_assignment``;
* the trip: ``reach_pickup``, ``pick_up``, ``start_trip`` (a RIDE's start
  OTP), ``reach_drop``, ``deliver_order`` (proof; OTP when the drop has
  one), ``complete_ride``; finishing closes the assignment, credits the
  rider's earning, collects cash on a CASH order and files the settlement,
  all in the transaction that moves the status;
* money back: ``refund_order`` (wallet refunds credited at once, others
  sent to the gateway), ``confirm_refund``; ``cancel_order`` refunds what
  a cancelled order captured beyond its fee.

``cancel_order`` writes everything the database's deferred rule
``orders.orders_status_rows`` wants of a cancelled order, in one transaction:
the ``order_cancellations`` row (reason code, who, why, the status it left,
the fee by the reason's rule), the open rider assignment released, the
refund of whatever was captured beyond the fee, and the status change (whose
trigger writes the timeline).
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from gatimitra.db.secrets import keyed_hash
from gatimitra.enums import (
    ActorType,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    ServiceType,
)
from gatimitra.errors import Refused
from orders import charges, dispatch, pricing, ride_rules, transitions
from orders.choices import (
    AssignmentStatus,
    CancellationActor,
    ChargeType,
    DispatchOfferStatus,
    FoodPrepStatus,
    RefundReason,
    RefundStatus,
    SettlementStatus,
    StopType,
)
from orders.models import (
    CancellationReason,
    DeliveryFeeRule,
    Order,
    OrderCancellation,
    OrderCharge,
    OrderDeliveryProof,
    OrderDispatchOffer,
    OrderFoodDetails,
    OrderItem,
    OrderItemAddon,
    OrderParcelDetails,
    OrderPayment,
    OrderRefund,
    OrderRideDetails,
    OrderRiderAssignment,
    OrderSettlement,
    OrderStop,
)
from orders.models.orders import format_order_number

ACTIVE_ASSIGNMENTS = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)
CAPTURED = (
    PaymentStatus.CAPTURED,
    PaymentStatus.PARTIALLY_REFUNDED,
    PaymentStatus.REFUNDED,
)
CENT = Decimal("0.01")
S = OrderStatus
#: Once the goods (or the passenger) are aboard, the rider cannot be swapped.
PICKED_UP_OR_LATER = (S.PICKED_UP, S.IN_TRANSIT, S.REACHED_DROP, S.RTO_INITIATED)


def _staff_reason(order):
    """The active PLATFORM reason code for the order's service (the first
    by display order): what a staff cancellation is filed under."""
    reason = (
        CancellationReason.objects.filter(
            service_type=order.service_type,
            actor=CancellationActor.PLATFORM,
            is_active=True,
        )
        .order_by("display_order", "code")
        .first()
    )
    if reason is None:
        raise Refused(
            f"orders.cancellation_reasons has no active PLATFORM reason for "
            f"{order.service_type}: order {order.order_number} was not cancelled."
        )
    return reason


def ride_fare(order):
    """The fare a ride cancellation fee is measured against, as the database
    trigger measures it: the finished ride's fare, else its quote, else the
    order's bill."""
    details = getattr(order, "ride_details", None)
    if details is not None:
        if details.fare_amount is not None:
            return details.fare_amount
        if details.quote_id is not None:
            return details.quote.estimated_total
    return order.total


def cancellation_fee(reason, order, status):
    """The reason's fee rule in the status the order is cancelled from:
    flat + percent of the total, capped; nothing outside ``fee_statuses``."""
    if status not in (reason.fee_statuses or []):
        return charges.ZERO
    fee = reason.fee_flat + (order.total * reason.fee_percent / 100)
    if reason.fee_cap is not None:
        fee = min(fee, reason.fee_cap)
    if order.service_type == ServiceType.RIDE:
        # MVAG 2025 cl. 17: 10% of the fare, at most Rs 100 (the database
        # checks it too: order_cancellations_ride_fee_cap).
        fee = min(fee, ride_rules.cancellation_fee_limit(ride_fare(order)))
    return fee.quantize(CENT, rounding=ROUND_HALF_UP)


def cancel_order(order, *, user, reason, reason_code=None):
    """Cancel ``order`` on behalf of staff ``user`` for ``reason`` (free
    text, kept on the cancellation and the timeline). ``reason_code`` picks
    the cancellation master row; by default the service's PLATFORM reason."""
    if not reason or not reason.strip():
        raise Refused(f"Say why order {order.order_number} is cancelled: nothing was cancelled.")
    with transaction.atomic():
        # Lock the order: two staff cancelling at once must not both pass.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        status = locked.status
        if locked.is_terminal or not transitions.is_allowed(
            locked.service_type, status, OrderStatus.CANCELLED
        ):
            raise Refused(
                f"Order {locked.order_number} is {locked.get_status_display().lower()}: "
                "it can no longer be cancelled."
            )
        if reason_code is None:
            master = _staff_reason(locked)
        else:
            master = CancellationReason.objects.filter(
                code=reason_code, service_type=locked.service_type, is_active=True
            ).first()
            if master is None:
                raise Refused(
                    f"orders.cancellation_reasons has no active {reason_code!r} for "
                    f"{locked.service_type}: order {locked.order_number} was not cancelled."
                )
        fee = cancellation_fee(master, locked, status)
        refundable = _refundable(locked) - fee
        if refundable > 0:
            _refund(
                locked,
                amount=refundable,
                user=user,
                reason=f"Order cancelled: {reason}",
                reason_code=RefundReason.ORDER_CANCELLED,
            )
        now = timezone.now()
        locked.rider_assignments.filter(status__in=ACTIVE_ASSIGNMENTS).update(
            status=AssignmentStatus.CANCELLED,
            ended_at=now,
            end_reason=f"order cancelled by staff: {reason}"[:200],
        )
        OrderCancellation.objects.create(
            order=locked,
            reason=master,
            actor=master.actor,
            actor_user=user,
            status_at_cancel=status,
            fee=fee,
            cost_borne_by=master.cost_borne_by,
            note=reason,
            cancelled_at=now,
        )
        locked.move_to(
            OrderStatus.CANCELLED,
            actor_type=ActorType.SYSTEM_USER,
            user=user,
            note=f"Cancelled by staff: {reason}",
        )
    order.refresh_from_db()
    return order


# Common ----------------------------------------------------------------------------


def _lock(order):
    """The order row, locked for this transaction."""
    return Order.objects.select_for_update().get(pk=order.pk)


def _move(order, status, *, user=None, note=""):
    """Move the locked ``order`` to ``status`` if its service allows it."""
    if order.is_terminal or not transitions.is_allowed(order.service_type, order.status, status):
        raise Refused(
            f"orders.orders: order {order.order_number} is {order.status}; its "
            f"{order.service_type} status machine does not go to {status}. Nothing was changed."
        )
    order.move_to(
        status,
        actor_type=ActorType.SYSTEM_USER if user else None,
        user=user,
        note=note,
    )


def _database_refusal(error):
    """A rule of the database (its message names table, row and rule) as a
    refusal of the flow."""
    cause = getattr(error, "__cause__", None)
    message = getattr(getattr(cause, "diag", None), "message_primary", None) or str(error)
    return Refused(f"{message}. Nothing was changed.")


def _open_assignment(order):
    return (
        order.rider_assignments.select_for_update()
        .filter(status__in=ACTIVE_ASSIGNMENTS)
        .order_by("-id")
        .first()
    )


def _the_assignment(order, *statuses):
    assignment = _open_assignment(order)
    if assignment is None or (statuses and assignment.status not in statuses):
        raise Refused(
            f"orders.order_rider_assignments: order {order.order_number} has no "
            f"{' or '.join(statuses) or 'open'} rider assignment. Nothing was changed."
        )
    return assignment


def _stop(order, stop_type):
    return order.stops.filter(stop_type=stop_type).order_by("sequence").first()


def _food(order):
    return getattr(order, "food_details", None) if order.service_type == ServiceType.FOOD else None


def _stamp(row, **fields):
    """Set ``fields`` on ``row`` and save only them."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=[*fields, "updated_at"])


def _charges(order, *types, beneficiary=None):
    lines = order.charges.filter(charge_type__in=types)
    if beneficiary:
        lines = lines.filter(beneficiary=beneficiary)
    return lines.aggregate(total=Sum("amount"))["total"] or charges.ZERO


# Placing ---------------------------------------------------------------------------


def _next_order_number(service_type, placed):
    """The day's next number of the service; the advisory lock serialises
    two placements of one service on one day (the unique key would refuse
    the second)."""
    day = timezone.localtime(placed).date()
    prefix = format_order_number(service_type, day, 1)[:-4]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"order_number:{prefix}"])
    last = (
        Order.objects.filter(order_number__startswith=prefix)
        .order_by("-order_number")
        .values_list("order_number", flat=True)
        .first()
    )
    return format_order_number(service_type, day, int(last[-4:]) + 1 if last else 1)


def _stop_of_store(store):
    return {
        "store": store,
        "address_line": ", ".join(filter(None, [store.name, store.address_line1])),
        "locality": store.locality,
        "pin_code": store.pin_code,
        "latitude": store.latitude,
        "longitude": store.longitude,
        "contact_name": store.name[:100],
    }


def _stop_of_address(address):
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


def place_order(
    *,
    customer,
    service_type,
    zone,
    payment_method,
    drop,
    pickup=None,
    items=(),
    parcel=None,
    ride=None,
    drop_otp=None,
    channel="APP",
):
    """Place an order, billed and paid, in CREATED.

    ``drop``: the customer's saved address (FOOD, PARCEL) or a stop dict
    (``address_line``, ``locality``, ``pin_code``, ``latitude``,
    ``longitude``) for a RIDE; ``pickup``: the store (FOOD) or a stop dict.
    ``items``: ``[(menu_item, quantity, [addon, ...])]`` for FOOD;
    ``parcel``: the ``order_parcel_details`` fields; ``ride``: ``vehicle_type``,
    ``fare_policy``, ``start_otp`` (and ``duration_s``). ``drop_otp`` puts a
    delivery OTP on the drop. Online payments are captured (the gateway
    already confirmed them), a wallet payment is debited from the customer's
    wallet, cash is PENDING until delivery. The database refuses a customer
    whose status forbids the order (``orders_customer_may_order``,
    ``orders_customer_cod_enabled``): that comes back as ``Refused``."""
    from customers.models import CustomerWallet, CustomerWalletTransaction

    now = timezone.now()
    try:
        with transaction.atomic():
            store = pickup if service_type == ServiceType.FOOD else None
            if service_type == ServiceType.FOOD and (store is None or not items):
                raise Refused("A FOOD order needs its store and at least one item.")
            start = _stop_of_store(store) if store else dict(pickup)
            end = dict(drop) if service_type == ServiceType.RIDE else _stop_of_address(drop)
            distance = pricing.distance_m(
                start["latitude"], start["longitude"], end["latitude"], end["longitude"]
            )
            order = Order.objects.create(
                order_number=_next_order_number(service_type, now),
                service_type=service_type,
                zone=zone,
                city_id=zone.city_id,
                customer=customer,
                merchant_store=store,
                drop_address=None if service_type == ServiceType.RIDE else drop,
                status=S.CREATED,
                channel=channel,
                payment_method=payment_method,
                placed_at=now,
                promised_by=now + timedelta(minutes=40),
                distance_m=distance,
            )
            OrderStop.objects.create(order=order, sequence=1, stop_type=StopType.PICKUP, **start)
            OrderStop.objects.create(
                order=order,
                sequence=2,
                stop_type=StopType.DROP,
                otp_hash=keyed_hash(str(drop_otp)) if drop_otp else None,
                **end,
            )
            lines = _bill(order, store, items, parcel, ride, distance)
            total = charges.ZERO
            for charge_type, amount, beneficiary, rate in lines:
                direction = charges.CREDIT if charge_type in charges.CREDIT_TYPES else charges.DEBIT
                OrderCharge.objects.create(
                    order=order,
                    charge_type=charge_type,
                    direction=direction,
                    amount=amount,
                    payer="CUSTOMER",
                    beneficiary=beneficiary,
                    rate_percent=rate,
                    description=ChargeType(charge_type).label,
                )
                total += charges.signed(charge_type, direction, amount)
            rounding = pricing.round_off(total)
            if rounding:
                OrderCharge.objects.create(
                    order=order,
                    charge_type=ChargeType.ROUND_OFF,
                    direction=rounding[0],
                    amount=rounding[1],
                    payer="CUSTOMER",
                    beneficiary="PLATFORM",
                    description="Round off",
                )
            order.apply_charge_totals()
            _pay(order, now, CustomerWallet, CustomerWalletTransaction)
    except IntegrityError as error:
        raise _database_refusal(error) from error
    return order


def _bill(order, store, items, parcel, ride, distance):
    """Create the detail rows and return the bill lines
    ``[(charge_type, amount, beneficiary, rate)]`` (before round-off)."""
    lines = []
    if order.service_type == ServiceType.FOOD:
        OrderFoodDetails.objects.create(
            order=order, store=store, kot_number=f"KOT-{order.pk % 100000:05d}"
        )
        sales = packaging = charges.ZERO
        for menu_item, quantity, addons in items:
            item = OrderItem.objects.create(
                order=order,
                menu_item=menu_item,
                name=menu_item.name,
                food_type=menu_item.food_type,
                quantity=quantity,
                unit_price=menu_item.base_price,
                packaging_charge=menu_item.packaging_charge,
                gst_rate_percent=menu_item.gst_rate,
            )
            for addon in addons:
                OrderItemAddon.objects.create(
                    order_item=item,
                    addon=addon,
                    name=addon.name,
                    group_name=addon.addon_group.name,
                    quantity=1,
                    unit_price=addon.price,
                )
            sales += quantity * (menu_item.base_price + sum((a.price for a in addons), 0))
            packaging += quantity * menu_item.packaging_charge
        fees = [(ChargeType.DELIVERY_FEE, _delivery_fee(order, distance, order_value=sales))]
        fees.append((ChargeType.PLATFORM_FEE, pricing.FOOD_PLATFORM_FEE))
        if sales < pricing.SMALL_CART_BELOW:
            fees.append((ChargeType.SMALL_CART_FEE, pricing.SMALL_CART_FEE))
        lines.append((ChargeType.ITEM_TOTAL, sales, "MERCHANT", None))
        if packaging:
            lines.append((ChargeType.PACKAGING_FEE, packaging, "MERCHANT", None))
        lines += [(kind, amount, "PLATFORM", None) for kind, amount in fees]
        gst = pricing.food_gst(sales + packaging, sum(a for _k, a in fees))
        lines.append((ChargeType.GST, gst, "GOVERNMENT", None))
    elif order.service_type == ServiceType.PARCEL:
        details = OrderParcelDetails.objects.create(order=order, **(parcel or {}))
        fee = _delivery_fee(order, distance, weight_g=details.weight_g)
        fees = [(ChargeType.DELIVERY_FEE, fee)]
        if distance > pricing.LONG_DISTANCE_FROM_M:
            fees.append((ChargeType.LONG_DISTANCE_FEE, pricing.LONG_DISTANCE_FEE))
        fees.append((ChargeType.PLATFORM_FEE, pricing.PARCEL_PLATFORM_FEE))
        lines += [(kind, amount, "PLATFORM", None) for kind, amount in fees]
        gst = pricing.percent(sum(a for _k, a in fees), pricing.SERVICE_GST_RATE)
        lines.append((ChargeType.GST, gst, "GOVERNMENT", pricing.SERVICE_GST_RATE))
    else:
        policy = ride["fare_policy"]
        duration = ride.get("duration_s") or max(60, distance * 3 // 10)
        fare = pricing.ride_fare(policy, distance, duration)
        OrderRideDetails.objects.create(
            order=order,
            vehicle_type=ride["vehicle_type"],
            fare_policy=policy,
            quoted_distance_m=distance,
            quoted_duration_s=duration,
            start_otp_hash=keyed_hash(str(ride["start_otp"])),
        )
        lines.append((ChargeType.DELIVERY_FEE, fare, "RIDER", None))
        lines.append((ChargeType.PLATFORM_FEE, policy.platform_fee, "PLATFORM", None))
        gst = pricing.percent(fare + policy.platform_fee, policy.gst_rate_percent)
        lines.append((ChargeType.GST, gst, "GOVERNMENT", policy.gst_rate_percent))
    return [line for line in lines if line[1] > 0]


def _delivery_fee(order, distance, **delivery):
    """The fee of the order's zone's delivery_fee_rules for this delivery;
    refused when none applies (the zone does not deliver it)."""
    rules = DeliveryFeeRule.objects.filter(
        zone_id=order.zone_id, service_type=order.service_type, active=True
    )
    rule = pricing.delivery_fee_rule(rules, distance_m=distance, at=order.placed_at, **delivery)
    if rule is None:
        raise Refused(
            f"orders.delivery_fee_rules: no active rule of zone {order.zone_id} prices a "
            f"{order.service_type} delivery of {distance} m at "
            f"{order.placed_at.astimezone(pricing.INDIA):%Y-%m-%d %H:%M} IST: nothing was placed."
        )
    return pricing.delivery_fee(rule, distance)


def _pay(order, now, wallet_model, wallet_txn_model):
    method = order.payment_method
    payment = OrderPayment(
        order=order,
        method=method,
        amount=order.total,
        idempotency_key=f"pay-{order.order_number}-1",
    )
    if method == PaymentMethod.CASH:
        payment.gateway, payment.status = "CASH", PaymentStatus.PENDING
        payment.save()
        return payment
    if method == PaymentMethod.PLATFORM_WALLET:
        wallet = wallet_model.objects.select_for_update().filter(customer=order.customer).first()
        if wallet is None or wallet.balance < order.total:
            raise Refused(
                f"customers.customer_wallet: the wallet of customer {order.customer_id} holds "
                f"{wallet.balance if wallet else 0}, less than {order.total}: no order was placed."
            )
        wallet_txn_model.objects.create(
            wallet=wallet,
            direction="DEBIT",
            txn_type="ORDER_DEBIT",
            order=order,
            amount=order.total,
            source_type="ORDER",
            source_id=str(order.pk),
            idempotency_key=f"ORDER:{order.pk}:ORDER_DEBIT",
            description=f"Paid for {order.order_number}",
        )
        payment.gateway = "PLATFORM_WALLET"
    else:
        payment.gateway = "RAZORPAY"
        payment.gateway_order_id = f"order_{order.order_number}"
    payment.status, payment.captured_at = PaymentStatus.CAPTURED, now
    payment.save()
    return payment


# Kitchen ---------------------------------------------------------------------------


def confirm_order(order, *, user=None):
    """The store accepts a FOOD order (the others are confirmed by dispatch)."""
    with transaction.atomic():
        locked = _lock(order)
        food = _food(locked)
        if food is not None:
            _stamp(food, prep_status=FoodPrepStatus.ACCEPTED, accepted_at=timezone.now())
        _move(locked, S.CONFIRMED, user=user, note="Confirmed")
    return locked


def start_preparing(order, *, user=None):
    with transaction.atomic():
        locked = _lock(order)
        food = _food(locked)
        if food is None:
            raise Refused(f"orders.orders: order {locked.order_number} has no kitchen.")
        _stamp(food, prep_status=FoodPrepStatus.PREPARING)
        _move(locked, S.PREPARING, user=user)
    return locked


def mark_ready(order, *, user=None):
    """The kitchen hands the food to the counter: prep READY, and the order
    READY_FOR_PICKUP unless a rider is already on the way (they pick it up)."""
    with transaction.atomic():
        locked = _lock(order)
        food = _food(locked)
        if food is None:
            raise Refused(f"orders.orders: order {locked.order_number} has no kitchen.")
        _stamp(food, prep_status=FoodPrepStatus.READY, ready_at=timezone.now())
        if transitions.is_allowed(locked.service_type, locked.status, S.READY_FOR_PICKUP):
            _move(locked, S.READY_FOR_PICKUP, user=user)
    return locked


# Dispatch --------------------------------------------------------------------------


def search_rider(order, *, user=None):
    with transaction.atomic():
        locked = _lock(order)
        _move(locked, S.SEARCHING_RIDER, user=user)
    return locked


def offer_order(order, rider, *, rank=1, payout_shown=Decimal("0.00"), distance_m=0, eta_s=0):
    """Offer the order to ``rider`` (SENT, for 30 seconds); the database
    refuses a rider of another city."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return OrderDispatchOffer.objects.create(
                order=order,
                rider=rider,
                status=DispatchOfferStatus.SENT,
                rank=rank,
                distance_to_pickup_m=distance_m,
                eta_to_pickup_s=eta_s,
                payout_shown=payout_shown,
                sent_at=now,
                expires_at=now + timedelta(seconds=30),
            )
    except IntegrityError as error:
        raise _database_refusal(error) from error


def _riders_vehicle(order, rider):
    allowed = list(dispatch.ALLOWED_VEHICLE_TYPES[order.service_type])
    ride = getattr(order, "ride_details", None) if order.service_type == ServiceType.RIDE else None
    if ride is not None:
        allowed = [ride.vehicle_type]
    return rider.vehicles.filter(is_active=True, vehicle_type__in=allowed).order_by("id").first()


def _assign(locked, rider, *, user=None, offer=None):
    try:
        with transaction.atomic():
            return OrderRiderAssignment.objects.create(
                order=locked,
                rider=rider,
                vehicle=_riders_vehicle(locked, rider),
                offer=offer,
                status=AssignmentStatus.ASSIGNED,
                assigned_by=user,
                assigned_at=timezone.now(),
            )
    except IntegrityError as error:
        # The dispatch rules (eligibility, capacity, city, COD cap) refused.
        raise _database_refusal(error) from error


def assign_rider(order, rider, *, user=None, offer=None):
    """Give the order to ``rider`` (ASSIGNED; they accept next)."""
    with transaction.atomic():
        locked = _lock(order)
        if _open_assignment(locked) is not None:
            raise Refused(
                f"orders.order_rider_assignments: order {locked.order_number} already has a "
                "rider: reassign it instead. Nothing was changed."
            )
        if locked.status != S.ASSIGNED:
            _move(locked, S.ASSIGNED, user=user, note=f"Assigned to rider {rider.pk}")
        assignment = _assign(locked, rider, user=user, offer=offer)
    return assignment


def reassign_order(order, *, user, reason, rider=None):
    """Take the order from its rider (UNASSIGNED) before pickup, and give it
    to ``rider`` or send it back to searching."""
    if not reason or not reason.strip():
        raise Refused(f"Say why order {order.order_number} is reassigned: nothing was changed.")
    with transaction.atomic():
        locked = _lock(order)
        if locked.status in PICKED_UP_OR_LATER:
            raise Refused(
                f"orders.orders: order {locked.order_number} is {locked.status}: its rider "
                "has picked it up and cannot be replaced. Nothing was changed."
            )
        current = _the_assignment(locked)
        _stamp(
            current,
            status=AssignmentStatus.UNASSIGNED,
            ended_at=timezone.now(),
            end_reason=f"reassigned by staff: {reason}"[:200],
        )
        if rider is not None:
            if locked.status != S.ASSIGNED:
                _move(locked, S.ASSIGNED, user=user, note=f"Reassigned: {reason}")
            _assign(locked, rider, user=user)
        else:
            _move(locked, S.SEARCHING_RIDER, user=user, note=f"Reassigned: {reason}")
    order.refresh_from_db()
    return order


def accept_assignment(order, *, rider=None):
    """The rider accepts the order they were assigned (and their offer)."""
    with transaction.atomic():
        locked = _lock(order)
        assignment = _the_assignment(locked, AssignmentStatus.ASSIGNED)
        if rider is not None and assignment.rider_id != rider.pk:
            raise Refused(
                f"orders.order_rider_assignments: assignment {assignment.pk} of order "
                f"{locked.order_number} is not rider {rider.pk}'s. Nothing was changed."
            )
        now = timezone.now()
        _stamp(assignment, status=AssignmentStatus.ACCEPTED, accepted_at=now)
        if assignment.offer_id:
            offer = OrderDispatchOffer.objects.get(pk=assignment.offer_id)
            if offer.status in (DispatchOfferStatus.SENT, DispatchOfferStatus.SEEN):
                _stamp(offer, status=DispatchOfferStatus.ACCEPTED, responded_at=now)
        _move(locked, S.ACCEPTED)
    return assignment


# The trip --------------------------------------------------------------------------


def reach_pickup(order):
    with transaction.atomic():
        locked = _lock(order)
        assignment = _the_assignment(locked, AssignmentStatus.ACCEPTED)
        now = timezone.now()
        _stamp(assignment, reached_pickup_at=now)
        pickup = _stop(locked, StopType.PICKUP)
        if pickup is not None:
            _stamp(pickup, arrived_at=now)
        _move(locked, S.REACHED_PICKUP)
    return locked


def pick_up(order):
    """The rider has the goods: FOOD handed over by the kitchen (READY)."""
    with transaction.atomic():
        locked = _lock(order)
        assignment = _the_assignment(locked, AssignmentStatus.ACCEPTED)
        now = timezone.now()
        food = _food(locked)
        if food is not None:
            if food.prep_status != FoodPrepStatus.READY:
                raise Refused(
                    f"orders.order_food_details: the food of order {locked.order_number} is "
                    f"{food.prep_status}, not READY: it cannot be picked up."
                )
            _stamp(food, prep_status=FoodPrepStatus.HANDED_OVER, handed_over_at=now)
        _stamp(assignment, picked_up_at=now, reached_pickup_at=assignment.reached_pickup_at or now)
        pickup = _stop(locked, StopType.PICKUP)
        if pickup is not None:
            _stamp(pickup, arrived_at=pickup.arrived_at or now, completed_at=now)
        _move(locked, S.PICKED_UP)
    return locked


def start_trip(order, *, otp=None):
    """On the way to the drop. A RIDE starts only with the passenger's
    start OTP (its hash is on ``order_ride_details``)."""
    with transaction.atomic():
        locked = _lock(order)
        assignment = _the_assignment(locked, AssignmentStatus.ACCEPTED)
        if locked.service_type == ServiceType.RIDE:
            ride = locked.ride_details
            if not otp or ride.start_otp_hash != keyed_hash(str(otp)):
                raise Refused(
                    f"orders.order_ride_details: the start OTP of ride {locked.order_number} "
                    "does not match: the ride was not started."
                )
            now = timezone.now()
            _stamp(ride, start_otp_verified_at=now, started_at=now)
            _stamp(assignment, picked_up_at=now)
            pickup = _stop(locked, StopType.PICKUP)
            if pickup is not None:
                _stamp(pickup, arrived_at=pickup.arrived_at or now, completed_at=now)
        _move(locked, S.IN_TRANSIT)
    return locked


def reach_drop(order):
    with transaction.atomic():
        locked = _lock(order)
        _the_assignment(locked, AssignmentStatus.ACCEPTED)
        drop = _stop(locked, StopType.DROP)
        if drop is not None:
            _stamp(drop, arrived_at=timezone.now())
        _move(locked, S.REACHED_DROP)
    return locked


def deliver_order(order, *, otp=None, photo_url="", handed_to_name=""):
    """The goods are handed over at the drop, proved by the drop's OTP (when
    it has one, it is required), a photo or the receiver's name; the order is
    finished (see ``_finish``)."""
    with transaction.atomic():
        locked = _lock(order)
        if locked.service_type == ServiceType.RIDE:
            raise Refused(f"orders.orders: {locked.order_number} is a ride: complete it.")
        assignment = _the_assignment(locked, AssignmentStatus.ACCEPTED)
        drop = _stop(locked, StopType.DROP)
        if drop is None:
            raise Refused(f"orders.order_stops: order {locked.order_number} has no DROP stop.")
        if drop.otp_hash:
            if not otp or drop.otp_hash != keyed_hash(str(otp)):
                raise Refused(
                    f"orders.order_stops: the delivery OTP of order {locked.order_number} "
                    "does not match: it was not delivered."
                )
            kind = "OTP"
        elif photo_url:
            kind = "PHOTO"
        elif handed_to_name:
            kind = "HANDOVER_NAME"
        else:
            raise Refused(
                f"orders.order_delivery_proofs: order {locked.order_number} needs a proof of "
                "delivery (OTP, photo or the receiver's name): it was not delivered."
            )
        now = timezone.now()
        OrderDeliveryProof.objects.create(
            order=locked,
            stop=drop,
            rider_id=assignment.rider_id,
            kind=kind,
            otp_verified=kind == "OTP",
            media_url=photo_url,
            handed_to_name=handed_to_name,
            latitude=drop.latitude,
            longitude=drop.longitude,
            captured_at=now,
        )
        _finish(locked, assignment, S.DELIVERED)
    return locked


def complete_ride(order):
    with transaction.atomic():
        locked = _lock(order)
        if locked.service_type != ServiceType.RIDE:
            raise Refused(f"orders.orders: {locked.order_number} is not a ride: deliver it.")
        assignment = _the_assignment(locked, AssignmentStatus.ACCEPTED)
        _stamp(locked.ride_details, ended_at=timezone.now())
        _finish(locked, assignment, S.COMPLETED)
    return locked


def _finish(locked, assignment, status):
    """Everything a finished order holds, written with its status: the
    assignment COMPLETED, cash collected (CASH), the rider's earning
    credited, the settlement filed."""
    from riders import services as riders

    now = timezone.now()
    drop = _stop(locked, StopType.DROP)
    if drop is not None:
        _stamp(drop, arrived_at=drop.arrived_at or now, completed_at=now)
    _stamp(
        assignment,
        status=AssignmentStatus.COMPLETED,
        dropped_at=now,
        ended_at=now,
        picked_up_at=assignment.picked_up_at or now,
    )
    if locked.payment_method == PaymentMethod.CASH:
        payment = locked.payments.select_for_update().filter(status=PaymentStatus.PENDING).first()
        if payment is not None:
            _stamp(payment, status=PaymentStatus.CAPTURED, captured_at=now)
            riders.collect_cash(assignment, payment.amount)
    earning = riders.earn(
        assignment,
        fare=_charges(locked, ChargeType.DELIVERY_FEE, beneficiary="RIDER"),
        tip=_charges(locked, ChargeType.TIP),
    )
    _move(locked, status)
    file_settlement(locked, earning)


def file_settlement(order, earning=None):
    """The settlement of a finished order: what was collected, the store's
    share of its sales (``merchants.services.sales_split`` at the store's
    commission), the rider's earning, the platform's fees and the GST it
    pays as the e-commerce operator. READY for the store's next payout."""
    from merchants import services as merchants

    item_total = _charges(order, ChargeType.ITEM_TOTAL)
    packaging = _charges(order, ChargeType.PACKAGING_FEE)
    split = merchants.SalesSplit(*[charges.ZERO] * 5)
    store = order.merchant_store
    if store is not None and item_total + packaging > 0:
        split = merchants.sales_split(
            item_total,
            packaging,
            merchants.commission_percent(store),
            store.gst_registration_id is not None,
        )
    return OrderSettlement.objects.create(
        order=order,
        status=SettlementStatus.READY,
        earning=earning,
        collected_amount=order.total,
        merchant_receivable=split.merchant_receivable,
        rider_earning=earning.total if earning else charges.ZERO,
        platform_commission=split.commission,
        platform_fees=_charges(order, *charges.FEE_TYPES, beneficiary="PLATFORM"),
        gst_on_commission=split.gst_on_commission,
        gst_payable_by_platform=_charges(order, *charges.TAX_TYPES),
        tcs=split.tcs,
        tds=split.tds,
    )


# Money back ------------------------------------------------------------------------


def _refundable(order):
    """Captured and not yet refunded (live refunds count)."""
    paid = order.payments.filter(status__in=CAPTURED).aggregate(s=Sum("amount"))["s"]
    refunded = order.refunds.exclude(status__in=charges.DEAD_REFUND_STATUSES).aggregate(
        s=Sum("amount")
    )["s"]
    return (paid or charges.ZERO) - (refunded or charges.ZERO)


def _refund(locked, *, amount, user, reason, reason_code):
    """Refund ``amount`` of the locked order, payment by payment (largest
    first): to the wallet at once for wallet payments (REFUND_CREDIT naming
    the refund), to the source through the gateway otherwise (PROCESSING
    until ``confirm_refund``)."""
    from customers.models import CustomerWallet, CustomerWalletTransaction

    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise Refused(f"A refund of order {locked.order_number} must be positive.")
    if amount > _refundable(locked):
        raise Refused(
            f"orders.order_refunds: order {locked.order_number} has {_refundable(locked)} "
            f"captured and not refunded; {amount} cannot be refunded. Nothing was refunded."
        )
    refunds = []
    left = amount
    payments = locked.payments.select_for_update().filter(status__in=CAPTURED).order_by("-amount")
    for payment in payments:
        taken = (
            payment.refunds.exclude(status__in=charges.DEAD_REFUND_STATUSES).aggregate(
                s=Sum("amount")
            )["s"]
            or charges.ZERO
        )
        part = min(left, payment.amount - taken)
        if part <= 0:
            continue
        left -= part
        wallet = payment.method == PaymentMethod.PLATFORM_WALLET
        refund = OrderRefund.objects.create(
            order=locked,
            payment=payment,
            status=RefundStatus.REQUESTED,
            destination="PLATFORM_WALLET" if wallet else "SOURCE",
            amount=part,
            reason_code=reason_code,
            reason=reason,
            idempotency_key=f"rf-{payment.pk}-{payment.refunds.count() + 1}",
            requested_by=user,
        )
        if wallet:
            account, _ = CustomerWallet.objects.get_or_create(customer_id=locked.customer_id)
            credit = CustomerWalletTransaction.objects.create(
                wallet=account,
                direction="CREDIT",
                txn_type="REFUND_CREDIT",
                order=locked,
                refund=refund,
                amount=part,
                source_type="REFUND",
                source_id=str(refund.pk),
                idempotency_key=f"REFUND:{refund.pk}:REFUND_CREDIT",
                description=f"Refund for {locked.order_number}"[:200],
                created_by=user,
            )
            _stamp(
                refund,
                status=RefundStatus.SUCCEEDED,
                wallet_txn=credit,
                processed_at=timezone.now(),
            )
            _payment_refunded(payment)
        else:
            _stamp(refund, status=RefundStatus.PROCESSING)
        refunds.append(refund)
        if left <= 0:
            break
    return refunds


def _payment_refunded(payment):
    """PARTIALLY_REFUNDED or REFUNDED, by what its SUCCEEDED refunds add up to."""
    done = (
        payment.refunds.filter(status=RefundStatus.SUCCEEDED).aggregate(s=Sum("amount"))["s"]
        or charges.ZERO
    )
    status = PaymentStatus.REFUNDED if done >= payment.amount else PaymentStatus.PARTIALLY_REFUNDED
    if done > 0 and payment.status != status:
        _stamp(payment, status=status)


def refund_order(order, *, user, amount, reason, reason_code=RefundReason.OTHER):
    """Staff refund ``amount`` of what the order captured, filed under
    ``reason_code`` (``orders.choices.RefundReason``; ``reason`` is the text)."""
    if not reason or not reason.strip():
        raise Refused(f"Say why order {order.order_number} is refunded: nothing was refunded.")
    with transaction.atomic():
        locked = _lock(order)
        refunds = _refund(locked, amount=amount, user=user, reason=reason, reason_code=reason_code)
    return refunds


def confirm_refund(refund, *, gateway_refund_id, arn=""):
    """The gateway paid a PROCESSING refund back: SUCCEEDED, and its payment
    PARTIALLY_REFUNDED or REFUNDED."""
    with transaction.atomic():
        _lock(refund.order)
        refund = OrderRefund.objects.select_for_update().get(pk=refund.pk)
        _stamp(
            refund,
            status=RefundStatus.SUCCEEDED,
            gateway_refund_id=gateway_refund_id,
            arn=arn,
            processed_at=timezone.now(),
        )
        _payment_refunded(refund.payment)
    return refund
