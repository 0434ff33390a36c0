"""Where an order stands now: finished (delivered, completed, cancelled,
returned) or in flight, and the minute of each step."""

from datetime import timedelta

from gatimitra.enums import (
    OrderStatus,
    ServiceType,
)


class OrderTimeline:
    """Mixed into ``OrderGenerator``: an order's status and its timeline."""

    # Status ----------------------------------------------------------------------------

    def outcome(self, ctx):
        """Where the order stands now, and when it got there."""
        rng = self.rng
        service, age, placed = ctx["order"]["service_type"], ctx["age"], ctx["placed"]
        trip = max(8, ctx["distance"] // 250)  # minutes on the road
        prep = ctx["store"].prep_minutes if service == ServiceType.FOOD else 0
        wait = rng.randrange(2, 9)
        done_after = prep + wait + trip + rng.randrange(3, 10)
        ctx["timeline"] = {
            OrderStatus.ASSIGNED: wait,
            OrderStatus.ACCEPTED: wait + 1,
            OrderStatus.REACHED_PICKUP: wait + 6,
            OrderStatus.PICKED_UP: max(prep, wait + 8) + 1,
            "dropped": done_after,
        }
        if age > done_after + 5:
            roll = rng.random()
            cancel = {ServiceType.FOOD: 0.07, ServiceType.PARCEL: 0.06, ServiceType.RIDE: 0.12}[
                service
            ]
            if roll < cancel:
                stage = rng.choices(
                    (
                        OrderStatus.CREATED,
                        OrderStatus.CONFIRMED,
                        OrderStatus.SEARCHING_RIDER,
                        OrderStatus.ASSIGNED,
                        OrderStatus.ACCEPTED,
                    ),
                    (25, 30, 20, 15, 10),
                )[0]
                if service == ServiceType.RIDE and stage == OrderStatus.CONFIRMED:
                    stage = OrderStatus.SEARCHING_RIDER
                ctx.update(
                    status=OrderStatus.CANCELLED,
                    cancelled_from=stage,
                    cancelled_at=placed + timedelta(minutes=rng.randrange(1, 12)),
                )
            elif service == ServiceType.PARCEL and roll < cancel + 0.015 and age > done_after + 45:
                ctx.update(
                    status=OrderStatus.RTO_DELIVERED,
                    completed_at=placed + timedelta(minutes=done_after + 40),
                    rto=True,
                )
            elif (
                service == ServiceType.PARCEL
                and self.inputs.provider is not None
                and (roll < cancel + 0.035 or not self.stats.get("external"))
            ):
                self.stats["external"] = self.stats.get("external", 0) + 1
                ctx.update(
                    status=OrderStatus.DELIVERED,
                    completed_at=placed + timedelta(minutes=done_after),
                    external=True,
                )
            else:
                ctx.update(
                    status=OrderStatus.COMPLETED
                    if service == ServiceType.RIDE
                    else OrderStatus.DELIVERED,
                    completed_at=placed + timedelta(minutes=done_after),
                )
        else:
            # In flight: the furthest milestone reached by now.
            t = ctx["timeline"]
            if service == ServiceType.FOOD:
                steps = [
                    (0, OrderStatus.CONFIRMED),
                    (1, OrderStatus.PREPARING),
                    (t[OrderStatus.ASSIGNED], OrderStatus.ASSIGNED),
                    (t[OrderStatus.ACCEPTED], OrderStatus.ACCEPTED),
                    (t[OrderStatus.PICKED_UP], OrderStatus.PICKED_UP),
                    (t[OrderStatus.PICKED_UP] + 2, OrderStatus.IN_TRANSIT),
                    (done_after - 2, OrderStatus.REACHED_DROP),
                ]
            elif service == ServiceType.PARCEL:
                steps = [
                    (0, OrderStatus.SEARCHING_RIDER),
                    (t[OrderStatus.ASSIGNED], OrderStatus.ASSIGNED),
                    (t[OrderStatus.ACCEPTED], OrderStatus.ACCEPTED),
                    (t[OrderStatus.REACHED_PICKUP], OrderStatus.REACHED_PICKUP),
                    (t[OrderStatus.PICKED_UP], OrderStatus.PICKED_UP),
                    (t[OrderStatus.PICKED_UP] + 2, OrderStatus.IN_TRANSIT),
                ]
            else:
                steps = [
                    (0, OrderStatus.SEARCHING_RIDER),
                    (t[OrderStatus.ASSIGNED], OrderStatus.ASSIGNED),
                    (t[OrderStatus.ACCEPTED], OrderStatus.ACCEPTED),
                    (t[OrderStatus.REACHED_PICKUP], OrderStatus.REACHED_PICKUP),
                    (t[OrderStatus.PICKED_UP], OrderStatus.IN_TRANSIT),
                ]
            status = OrderStatus.CREATED
            for minute, name in steps:
                if age >= minute:
                    status = name
            ctx["status"] = status
            self.stats["in_flight"] += 1
