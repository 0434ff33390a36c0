"""What is ordered, per service: a FOOD order's store and items, a
PARCEL's package and receiver, a RIDE's vehicle, quote and fare (the
domain's ``orders.pricing.ride_fare``), and every order's stops."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from demo import vocab
from demo.orders.common import ZERO, road_distance_m
from demo.rng import money
from gatimitra.enums import (
    ServiceType,
)
from orders import pricing
from orders.choices import ChargeType, ParcelPackageType, StopType
from orders.models import (
    OrderItem,
    OrderItemAddon,
    OrderParcelDetails,
    OrderQuote,
    OrderRideDetails,
    OrderStop,
)


class ServiceOrders:
    """Mixed into ``OrderGenerator``: the service-specific rows of one order."""

    def food(self, batch, ctx):
        rng = self.rng
        customer, order = ctx["customer"], ctx["order"]
        address = rng.pick(customer.addresses)
        zone = address["_zone"]
        picker = self.store_pickers.get(("z", zone.id)) if rng.chance(0.8) else None
        picker = picker or self.store_pickers.get(("c", ctx["city"].id))
        if picker is None:
            return False
        store = picker.draw(rng)
        order.update(
            merchant_store_id=store.id,
            zone_id=store.zone.id,
            drop_address_id=address["id"],
            customer_note=rng.pick(vocab.CUSTOMER_NOTES),
        )
        ctx.update(
            store=store,
            address=address,
            pickup=(store.latitude, store.longitude),
            drop=(address["latitude"], address["longitude"]),
        )
        distance = road_distance_m(
            store.latitude, store.longitude, address["latitude"], address["longitude"]
        )
        order["distance_m"] = distance
        items_total = packaging = ZERO
        for item in rng.sample(
            store.items, min(len(store.items), rng.choices((1, 2, 3, 4), (35, 40, 18, 7))[0])
        ):
            quantity = rng.choices((1, 2, 3), (78, 18, 4))[0]
            variant = rng.pick(item.variants) if item.variants else None
            price = variant[2] if variant else item.price
            line = batch.add(
                OrderItem,
                {
                    "id": self.demo.next_id(OrderItem),
                    "order_id": order["id"],
                    "menu_item_id": item.id,
                    "variant_id": variant[0] if variant else None,
                    "name": item.name,
                    "variant_name": variant[1] if variant else "",
                    "food_type": item.food_type,
                    "quantity": quantity,
                    "unit_price": price,
                    "packaging_charge": item.packaging,
                    "gst_rate_percent": Decimal("5.00"),
                    "special_instructions": "",
                    "created_at": ctx["placed"],
                },
            )
            items_total += price * quantity
            packaging += item.packaging * quantity
            ctx.setdefault("item", item.id)
            if item.addons and rng.chance(0.35):
                addon = rng.pick(item.addons)
                batch.add(
                    OrderItemAddon,
                    {
                        "id": self.demo.next_id(OrderItemAddon),
                        "order_item_id": line["id"],
                        "addon_id": addon[0],
                        "name": addon[1],
                        "group_name": addon[2],
                        "quantity": 1,
                        "unit_price": addon[3],
                        "created_at": ctx["placed"],
                    },
                )
                items_total += addon[3] * quantity
        ctx.update(items_total=money(items_total), packaging=money(packaging), distance=distance)
        # Stops: the kitchen, then the customer's door.
        self.stops(
            batch,
            ctx,
            pickup={
                "store_id": store.id,
                "address_line": f"{store.name}, {store.address}",
                "locality": store.locality,
                "pin_code": store.pincode,
                "latitude": store.latitude,
                "longitude": store.longitude,
                "contact_name": "Store desk",
            },
            drop=self._address_stop(customer, address),
        )
        return True

    def _address_stop(self, customer, address):
        return {
            "address_id": address["id"],
            "address_line": ", ".join(
                filter(None, (address["house_number"], address["building_name"], address["street"]))
            ),
            "landmark": address["landmark"],
            "locality": address["locality"],
            "pin_code": address["pincode"],
            "latitude": address["latitude"],
            "longitude": address["longitude"],
            "contact_name": customer.name,
            "instructions": address["delivery_instructions"],
        }

    def _point_stop(self, ctx, name):
        rng = self.rng
        city = ctx["city"]
        locality, pincode, lat, lng = rng.pick(city.vocab["localities"])
        return {
            "address_line": f"{rng.randrange(1, 300)}, {rng.pick(city.vocab['streets'])}",
            "landmark": rng.pick(vocab.LANDMARKS),
            "locality": locality,
            "pin_code": pincode,
            "latitude": rng.near(lat, 0.01),
            "longitude": rng.near(lng, 0.01),
            "contact_name": name,
        }

    def stops(self, batch, ctx, pickup, drop):
        placed, order = ctx["placed"], ctx["order"]
        ctx["stops"] = []
        for sequence, (kind, stop) in enumerate(
            ((StopType.PICKUP, pickup), (StopType.DROP, drop)), start=1
        ):
            row = batch.add(
                OrderStop,
                {
                    "id": self.demo.next_id(OrderStop),
                    "order_id": order["id"],
                    "sequence": sequence,
                    "stop_type": kind,
                    "landmark": "",
                    "instructions": "",
                    "contact_phone_masked": "XXXXXX" + self.rng.digits(4),
                    "created_at": placed,
                    **stop,
                },
            )
            ctx["stops"].append(row)

    def parcel(self, batch, ctx):
        rng = self.rng
        customer, order, city = ctx["customer"], ctx["order"], ctx["city"]
        address = rng.pick(customer.addresses)
        zone = (
            address["_zone"]
            if ServiceType.PARCEL in address["_zone"].services
            else rng.pick([z for z in city.zones if ServiceType.PARCEL in z.services] or city.zones)
        )
        receiver = rng.pick(customer.saved) if customer.saved and rng.chance(0.5) else None
        first, surname, _ = self.demo.person(rng, city)
        drop = (
            self._address_stop(
                customer, next(a for a in customer.addresses if a["id"] == receiver["address_id"])
            )
            if receiver
            else self._point_stop(ctx, f"{first} {surname}")
        )
        if receiver:
            drop["contact_name"] = receiver["name"]
            drop.pop("address_id")
        pickup = self._address_stop(customer, address)
        distance = road_distance_m(
            pickup["latitude"], pickup["longitude"], drop["latitude"], drop["longitude"]
        )
        order.update(zone_id=zone.id, distance_m=distance)
        kind = rng.choices(
            (
                ParcelPackageType.DOCUMENTS,
                ParcelPackageType.FOOD,
                ParcelPackageType.CLOTHING,
                ParcelPackageType.ELECTRONICS,
                ParcelPackageType.MEDICINES,
                ParcelPackageType.OTHER,
            ),
            (30, 20, 15, 10, 10, 15),
        )[0]
        weight = {
            ParcelPackageType.DOCUMENTS: 300,
            ParcelPackageType.FOOD: 2000,
            ParcelPackageType.CLOTHING: 1500,
            ParcelPackageType.ELECTRONICS: 2500,
            ParcelPackageType.MEDICINES: 400,
            ParcelPackageType.OTHER: 3000,
        }[kind]
        batch.add(
            OrderParcelDetails,
            {
                "order_id": order["id"],
                "package_type": kind,
                "description": {
                    ParcelPackageType.DOCUMENTS: "Signed agreement",
                    ParcelPackageType.FOOD: "Home-cooked tiffin",
                    ParcelPackageType.CLOTHING: "Kurta set",
                    ParcelPackageType.ELECTRONICS: "Phone charger and earphones",
                    ParcelPackageType.MEDICINES: "Prescription medicines",
                    ParcelPackageType.OTHER: "Books",
                }[kind],
                "weight_g": rng.randrange(weight // 2, weight * 2),
                "declared_value": money(rng.randrange(0, 3000)),
                "sender_name": customer.name,
                "sender_phone_masked": "XXXXXX" + customer.mobile[-4:],
                "receiver_name": drop["contact_name"],
                "receiver_phone_masked": "XXXXXX" + rng.digits(4),
                "prohibited_items_declared": True,
                "requires_delivery_otp": rng.chance(0.7),
                "is_rto": False,
                "receiver_contact_id": receiver["id"] if receiver else None,
                "created_at": ctx["placed"],
                "_ctx": ctx,
            },
        )
        ctx.update(
            pickup=(pickup["latitude"], pickup["longitude"]),
            drop=(drop["latitude"], drop["longitude"]),
            distance=distance,
            parcel=batch.rows[OrderParcelDetails][-1],
        )
        self.stops(batch, ctx, pickup=pickup, drop=drop)

    def ride(self, batch, ctx):
        rng = self.rng
        customer, order, city = ctx["customer"], ctx["order"], ctx["city"]
        vehicles = self.ride_vehicles(city)
        if ctx["age"] < 60:  # in flight: book what an online driver drives
            online = {
                r.vehicle_type
                for r in self.riders.get((city.id, ServiceType.RIDE), [])
                if r.online and not r.holds_active and r.vehicle_type in vehicles
            }
            vehicles = sorted(online) or vehicles
        vehicle = rng.pick(vehicles)
        policy = self.inputs.fare_policies[(city.id, vehicle)]
        address = rng.pick(customer.addresses)
        zone = (
            address["_zone"]
            if ServiceType.RIDE in address["_zone"].services
            else rng.pick([z for z in city.zones if ServiceType.RIDE in z.services] or city.zones)
        )
        pickup = self._address_stop(customer, address)
        drop = self._point_stop(ctx, customer.name)
        distance = road_distance_m(
            pickup["latitude"], pickup["longitude"], drop["latitude"], drop["longitude"]
        )
        duration = int(distance / 1000 * rng.uniform(150, 260))
        order.update(zone_id=zone.id, distance_m=distance)
        surge = self.inputs.surge_rules.get(zone.id)
        multiplier = (
            Decimal("1.20")
            if surge and surge["service_type"] == ServiceType.RIDE and rng.chance(0.3)
            else Decimal("1.00")
        )
        fare = pricing.ride_fare(SimpleNamespace(**policy), distance, duration, multiplier)
        quote = batch.add(
            OrderQuote,
            {
                "id": self.demo.next_id(OrderQuote),
                "customer_id": customer.id,
                "service_type": ServiceType.RIDE,
                "vehicle_type": vehicle,
                "zone_id": zone.id,
                "fare_policy_id": policy["id"],
                "order_id": order["id"],
                "pickup_latitude": pickup["latitude"],
                "pickup_longitude": pickup["longitude"],
                "drop_latitude": drop["latitude"],
                "drop_longitude": drop["longitude"],
                "distance_m": distance,
                "duration_s": duration,
                "surge_multiplier": multiplier,
                "breakdown": {ChargeType.DELIVERY_FEE: str(fare)},
                "estimated_total": fare,
                "expires_at": ctx["placed"] + timedelta(minutes=8),
                "created_at": ctx["placed"] - timedelta(minutes=2),
            },
        )
        ride = batch.add(
            OrderRideDetails,
            {
                "order_id": order["id"],
                "vehicle_type": vehicle,
                "quote_id": quote["id"],
                "fare_policy_id": policy["id"],
                "surge_multiplier": multiplier,
                "passenger_count": rng.choices((1, 2, 3), (70, 22, 8))[0],
                "quoted_distance_m": distance,
                "quoted_duration_s": duration,
                "waiting_minutes": 0,
                "start_otp_hash": self.demo.hash(f"ride-otp-{order['id']}"),
                "created_at": ctx["placed"],
            },
        )
        ctx.update(
            pickup=(pickup["latitude"], pickup["longitude"]),
            drop=(drop["latitude"], drop["longitude"]),
            distance=distance,
            fare=fare,
            policy=policy,
            vehicle=vehicle,
            ride=ride,
            duration=duration,
        )
        self.stops(batch, ctx, pickup=pickup, drop=drop)
