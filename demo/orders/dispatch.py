"""Dispatch: the rider offered and assigned (one the dispatch trigger
accepts), external delivery partners, and the GPS pings of a trip."""

from datetime import timedelta

from demo.orders.common import driver_share
from demo.rng import money
from gatimitra.enums import (
    OrderStatus,
    ServiceType,
)
from orders.choices import (
    AssignmentStatus,
    DispatchOfferStatus,
    ExternalDeliveryStatus,
    RideVehicleOwner,
)
from orders.models import (
    ExternalProviderCallback,
    OrderDispatchOffer,
    OrderExternalDelivery,
    OrderRiderAssignment,
)
from riders.models import (
    LocationLog,
)


class OrderDispatch:
    """Mixed into ``OrderGenerator``: who carries an order."""

    # Dispatch ------------------------------------------------------------------------------

    def pick_rider(self, ctx, in_flight):
        rng = self.rng
        service, city = ctx["order"]["service_type"], ctx["city"]
        pool = self.riders.get((city.id, service), [])
        if service == ServiceType.RIDE:
            pool = self.drivers.get((city.id, ctx["vehicle"]), [])
        if not pool:
            return None
        placed = ctx["placed"]
        for _ in range(8):
            rider = rng.pick(pool)
            if in_flight:
                if rider.online and not rider.holds_active:
                    rider.holds_active = True
                    return rider
                continue
            if rider.busy_until is None or rider.busy_until <= placed:
                return rider
        if in_flight:
            for rider in pool:
                if rider.online and not rider.holds_active:
                    rider.holds_active = True
                    return rider
            return None
        return rng.pick(pool)

    def dispatch(self, batch, ctx):
        rng = self.rng
        status, order, placed = ctx["status"], ctx["order"], ctx["placed"]
        t = ctx["timeline"]
        if ctx.get("external"):
            self.external(batch, ctx)
            return
        active = status in (
            OrderStatus.ASSIGNED,
            OrderStatus.ACCEPTED,
            OrderStatus.REACHED_PICKUP,
            OrderStatus.PICKED_UP,
            OrderStatus.IN_TRANSIT,
            OrderStatus.REACHED_DROP,
        )
        reached = (
            status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED)
            or active
            or (
                status == OrderStatus.CANCELLED
                and ctx["cancelled_from"] in (OrderStatus.ASSIGNED, OrderStatus.ACCEPTED)
            )
        )
        if not reached:
            return
        rider = self.pick_rider(ctx, in_flight=active)
        if rider is None:
            if active:  # nobody online to hold it: still looking
                ctx["status"] = OrderStatus.SEARCHING_RIDER
            return
        ctx["rider"] = rider.id
        ctx["rider_obj"] = rider
        assigned = placed + timedelta(minutes=t[OrderStatus.ASSIGNED])
        declined = rng.randrange(0, 3) if not active else 0
        candidates = self.riders.get((ctx["city"].id, order["service_type"]), [])
        for rank in range(1, declined + 1):
            other = rng.pick(candidates)
            if other is rider:
                continue
            sent = assigned - timedelta(seconds=40 * (declined - rank + 1))
            batch.add(
                OrderDispatchOffer,
                {
                    "id": self.demo.next_id(OrderDispatchOffer),
                    "order_id": order["id"],
                    "rider_id": other.id,
                    "status": rng.pick((DispatchOfferStatus.DECLINED, DispatchOfferStatus.EXPIRED)),
                    "rank": rank,
                    "distance_to_pickup_m": rng.randrange(300, 4000),
                    "eta_to_pickup_s": rng.randrange(120, 900),
                    "payout_shown": money(rng.randrange(30, 60)),
                    "sent_at": sent,
                    "expires_at": sent + timedelta(seconds=30),
                    "responded_at": sent + timedelta(seconds=12),
                    "response_latency_ms": 12_000,
                    "decline_reason": "Too far" if rng.chance(0.5) else "",
                    "created_at": sent,
                },
            )
        offer = batch.add(
            OrderDispatchOffer,
            {
                "id": self.demo.next_id(OrderDispatchOffer),
                "order_id": order["id"],
                "rider_id": rider.id,
                "status": (
                    DispatchOfferStatus.ACCEPTED
                    if status != OrderStatus.ASSIGNED
                    else DispatchOfferStatus.SEEN
                ),
                "rank": declined + 1,
                "distance_to_pickup_m": rng.randrange(200, 3000),
                "eta_to_pickup_s": rng.randrange(60, 600),
                "payout_shown": money(rng.randrange(30, 70)),
                "sent_at": assigned,
                "expires_at": assigned + timedelta(seconds=30),
                "responded_at": assigned + timedelta(seconds=8)
                if status != OrderStatus.ASSIGNED
                else None,
                "response_latency_ms": 8000 if status != OrderStatus.ASSIGNED else None,
                "created_at": assigned,
            },
        )
        accepted = assigned + timedelta(seconds=20)
        row = {
            "id": self.demo.next_id(OrderRiderAssignment),
            "order_id": order["id"],
            "rider_id": rider.id,
            "vehicle_id": rider.vehicle_id,
            "offer_id": offer["id"],
            "assigned_at": assigned,
            "batch_ref": "",
            "created_at": assigned,
        }
        if active:
            row["status"] = (
                AssignmentStatus.ASSIGNED
                if status == OrderStatus.ASSIGNED
                else AssignmentStatus.ACCEPTED
            )
            if status != OrderStatus.ASSIGNED:
                row["accepted_at"] = accepted
            if status in (OrderStatus.PICKED_UP, OrderStatus.IN_TRANSIT, OrderStatus.REACHED_DROP):
                row["reached_pickup_at"] = placed + timedelta(minutes=t[OrderStatus.REACHED_PICKUP])
                row["picked_up_at"] = placed + timedelta(minutes=t[OrderStatus.PICKED_UP])
            ctx["active_rider"] = rider
        elif status == OrderStatus.CANCELLED:
            row.update(
                status=AssignmentStatus.CANCELLED,
                ended_at=ctx["cancelled_at"],
                end_reason="Order cancelled",
                accepted_at=accepted if ctx["cancelled_from"] == OrderStatus.ACCEPTED else None,
            )
            if ctx["cancelled_at"] < assigned:
                row.update(assigned_at=placed, created_at=placed, accepted_at=None)
                offer.update(
                    sent_at=placed,
                    expires_at=placed + timedelta(seconds=30),
                    responded_at=None,
                    response_latency_ms=None,
                    status=DispatchOfferStatus.WITHDRAWN,
                    created_at=placed,
                )
        else:
            done = ctx["completed_at"]
            row.update(
                status=AssignmentStatus.COMPLETED,
                accepted_at=accepted,
                reached_pickup_at=placed + timedelta(minutes=t[OrderStatus.REACHED_PICKUP]),
                picked_up_at=placed + timedelta(minutes=t[OrderStatus.PICKED_UP]),
                dropped_at=done,
                ended_at=done,
            )
            rider.busy_until = done
        assignment = batch.add(OrderRiderAssignment, row)
        ctx["assignment"] = assignment
        if order["service_type"] == ServiceType.RIDE and status in (
            OrderStatus.IN_TRANSIT,
            OrderStatus.COMPLETED,
        ):
            ride = ctx["ride"]
            ride.update(
                start_otp_verified_at=assignment.get("picked_up_at") or placed,
                started_at=assignment.get("picked_up_at") or placed,
            )
            if status == OrderStatus.COMPLETED:
                ride.update(
                    ended_at=ctx["completed_at"],
                    actual_distance_m=max(100, ctx["distance"] + rng.randrange(-300, 800)),
                    actual_duration_s=max(60, ctx["duration"] + rng.randrange(-120, 400)),
                    # MVAG 2025: the driver of their own vehicle keeps >= 80%.
                    fare_amount=ctx["fare"],
                    driver_share_amount=driver_share(ctx["fare"]),
                    vehicle_owner=RideVehicleOwner.DRIVER,
                )
        self.pings(batch, ctx, assignment, rider)

    def external(self, batch, ctx):
        """A parcel handed to a logistics partner: no rider of ours."""
        rng = self.rng
        provider = self.inputs.provider
        order = ctx["order"]
        handed = ctx["placed"] + timedelta(minutes=6)
        delivery = batch.add(
            OrderExternalDelivery,
            {
                "id": self.demo.next_id(OrderExternalDelivery),
                "order_id": order["id"],
                "provider_id": provider.pk,
                "rate_card_id": self.inputs.rate_cards.get(order["zone_id"]),
                "provider_task_id": f"VF-{order['id']:010d}",
                "status": ExternalDeliveryStatus.DELIVERED,
                "tracking_url": f"https://track.vayufleet.example/VF-{order['id']:010d}",
                "agent_name": " ".join(self.demo.person(rng, ctx["city"], female=False)[:2]),
                "agent_phone_masked": "XXXXXX" + rng.digits(4),
                "quoted_cost": money(40 + ctx["distance"] / 200),
                "billed_cost": money(40 + ctx["distance"] / 200),
                "handed_over_at": handed,
                "delivered_at": ctx["completed_at"],
                "created_at": handed,
            },
        )
        for minutes, status in (
            (2, ExternalDeliveryStatus.AGENT_ASSIGNED),
            (12, ExternalDeliveryStatus.PICKED_UP),
            (None, ExternalDeliveryStatus.DELIVERED),
        ):
            at = handed + timedelta(minutes=minutes) if minutes else ctx["completed_at"]
            n = self.demo.next_id(ExternalProviderCallback)
            batch.add(
                ExternalProviderCallback,
                {
                    "id": n,
                    "provider_id": provider.pk,
                    "external_delivery_id": delivery["id"],
                    "provider_event_id": f"vf-evt-{n:012d}",
                    "event_status": status,
                    "signature_valid": True,
                    "payload": {"task_id": delivery["provider_task_id"], "status": status},
                    "created_at": at,
                },
            )

    def pings(self, batch, ctx, assignment, rider):
        """GPS pings from pickup to drop while the rider carries the order."""
        rng = self.rng
        start = assignment.get("picked_up_at")
        if start is None:
            return
        end = assignment.get("dropped_at") or self.now
        if end <= start:
            return
        (lat1, lng1), (lat2, lng2) = ctx["pickup"], ctx["drop"]
        count = self.pings_per_trip
        span = (end - start).total_seconds()
        status = OrderStatus.IN_TRANSIT
        for k in range(count):
            f = (k + 1) / (count + 1)
            batch.add(
                LocationLog,
                {
                    "id": self.demo.next_id(LocationLog, 20_000),
                    "rider_id": rider.id,
                    "order_id": ctx["order"]["id"],
                    "recorded_at": start + timedelta(seconds=int(span * f)),
                    "latitude": rng.near(float(lat1) + (float(lat2) - float(lat1)) * f, 0.0008),
                    "longitude": rng.near(float(lng1) + (float(lng2) - float(lng1)) * f, 0.0008),
                    "accuracy_m": rng.randrange(3, 25),
                    "speed_kmph": rng.randrange(8, 38),
                    "bearing_deg": rng.randrange(360),
                    "battery_pct": rng.randrange(15, 100),
                    "order_status": status,
                },
            )
        self.pings_written += count
