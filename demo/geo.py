"""Cities, zones and pricing rules.

The service cities, their first zones, fare policies, fee rules and
cancellation reasons come from the fixtures; the demo adds a zone for every
other locality of its vocabulary (with a delivery fee ladder each, like the
fixtures' zones) and returns them, with the pricing rows the order step
prices with, as ``Places``.
"""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from demo import vocab
from demo.context import City, Demo, Zone
from gatimitra.enums import IntegrationStatus, ServiceType, VehicleType
from orders.models import (
    CancellationReason,
    DeliveryFeeRule,
    ExternalDeliveryProvider,
    ExternalProviderRateCard,
    RideFarePolicy,
    ServiceCity,
    ServiceZone,
    SurgePricingRule,
)

#: How the orders spread over the cities (by code).
CITY_WEIGHTS = {"BLR": 34, "HYD": 22, "MUM": 22, "CHE": 14, "DEL": 8}


def _zone_code(name):
    return "".join(c if c.isalnum() else "_" for c in name.upper()).strip("_").replace("__", "_")


def _square(latitude, longitude, half=0.018):
    corners = [
        (longitude - half, latitude - half),
        (longitude + half, latitude - half),
        (longitude + half, latitude + half),
        (longitude - half, latitude + half),
    ]
    ring = [[round(x, 6), round(y, 6)] for x, y in corners + corners[:1]]
    return {"type": "Polygon", "coordinates": [ring]}


def _nearest_locality(city_code, latitude, longitude):
    return min(
        vocab.CITIES[city_code]["localities"],
        key=lambda loc: (loc[2] - latitude) ** 2 + (loc[3] - longitude) ** 2,
    )


@dataclass(frozen=True)
class Places:
    """What the geography step gives the steps after it."""

    cities: list[City]  # with their usable zones
    zones: list[Zone]
    #: zone id -> the zone's surge rule row
    surge_rules: dict
    #: (city id, vehicle type) -> the current ride fare policy row
    fare_policies: dict
    #: service type -> active cancellation reason rows, in display order
    cancellation_reasons: dict
    #: the first active external delivery provider (or None)
    provider: ExternalDeliveryProvider | None
    #: zone id -> id of the provider's rate card there
    rate_cards: dict


def build(demo: Demo) -> Places:
    rng = demo.rng("geo")
    cities = {}
    for row in ServiceCity.objects.order_by("id").values():
        if row["code"] not in CITY_WEIGHTS or not row["services_enabled"]:
            continue
        center_latitude, center_longitude = row["center_latitude"], row["center_longitude"]
        if center_latitude is None or center_longitude is None:
            raise RuntimeError(f"orders.service_cities {row['code']} has no centre; fix fixtures/")
        cities[row["id"]] = City(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            state=row["state_name"],
            state_code=row["state_code"],
            services=tuple(row["services_enabled"]),
            latitude=float(center_latitude),
            longitude=float(center_longitude),
            weight=CITY_WEIGHTS[row["code"]],
        )
    if not cities:
        raise RuntimeError(
            "orders.service_cities has none of the fixture cities (BLR, HYD, MUM, CHE, DEL) "
            "with services enabled; load fixtures/ first"
        )

    existing = {}
    for zone_row in ServiceZone.objects.filter(city_id__in=cities).order_by("id").values():
        existing[(zone_row["city_id"], zone_row["code"])] = zone_row
        existing[(zone_row["city_id"], zone_row["name"])] = zone_row

    # A zone per vocabulary locality the fixtures do not have yet.
    new_zones = []
    for city in cities.values():
        for name, _pin, latitude, longitude in city.vocab["localities"]:
            code = _zone_code(name)
            if (city.id, code) in existing or (city.id, name) in existing:
                continue
            new_zones.append((city, code, name, latitude, longitude))
    first = demo.ids(ServiceZone, len(new_zones))
    rows = []
    for offset, (city, code, name, latitude, longitude) in enumerate(new_zones):
        rows.append(
            {
                "id": first + offset,
                "city_id": city.id,
                "code": code,
                "name": name,
                "kind": "PREMIUM" if name in ("Jubilee Hills", "Worli", "Juhu") else "SERVICEABLE",
                "services_enabled": list(city.services),
                "boundary": _square(latitude, longitude),
                "center_latitude": Decimal(str(latitude)),
                "center_longitude": Decimal(str(longitude)),
                "is_active": True,
                "created_at": demo.days_ago(400 + rng.randrange(200)),
            }
        )
    demo.copy(ServiceZone, rows)

    # Read every usable zone back (fixture ones included).
    for zone_row in (
        ServiceZone.objects.filter(city_id__in=cities, is_active=True).order_by("id").values()
    ):
        city = cities[zone_row["city_id"]]
        services = tuple(s for s in zone_row["services_enabled"] if s in city.services)
        center_latitude, center_longitude = (
            zone_row["center_latitude"],
            zone_row["center_longitude"],
        )
        if (
            zone_row["kind"] in ("NO_GO", "RESTRICTED")
            or not services
            or center_latitude is None
            or center_longitude is None
        ):
            continue
        latitude, longitude = float(center_latitude), float(center_longitude)
        locality = _nearest_locality(city.code, latitude, longitude)
        city.zones.append(
            Zone(
                id=zone_row["id"],
                city=city,
                code=zone_row["code"],
                name=zone_row["name"],
                services=services,
                latitude=latitude,
                longitude=longitude,
                pincode=locality[1],
            )
        )
    usable = [city for city in cities.values() if city.zones]
    zones = [zone for city in usable for zone in city.zones]

    surge_rules = _pricing(demo, rng, [row["id"] for row in rows], zones)
    provider = (
        ExternalDeliveryProvider.objects.filter(status=IntegrationStatus.ACTIVE)
        .order_by("id")
        .first()
    )
    return Places(
        cities=usable,
        zones=zones,
        surge_rules=surge_rules,
        fare_policies=_fare_policies(),
        cancellation_reasons=_cancellation_reasons(),
        provider=provider,
        rate_cards=_rate_cards(provider),
    )


def _pricing(demo, rng, new_zone_ids, usable_zones):
    """Fee ladders for the new zones, a few surge rules, provider rate cards;
    returns the surge rules by zone id."""
    zones = {zone.id: zone for zone in usable_zones}
    valid_from = demo.days_ago(365)
    fee_rows = []
    for zone_id in new_zone_ids:
        zone = zones.get(zone_id)
        if zone is None:
            continue
        if ServiceType.FOOD in zone.services:
            for low, high, base, per_km in (
                (0, 3000, "20.00", "0.00"),
                (3000, 7000, "30.00", "6.00"),
            ):
                fee_rows.append(
                    {
                        "zone_id": zone_id,
                        "service_type": ServiceType.FOOD,
                        "min_distance_m": low,
                        "max_distance_m": high,
                        "base_fee": Decimal(base),
                        "per_km_fee": Decimal(per_km),
                    }
                )
        if ServiceType.PARCEL in zone.services:
            for low, high, base, per_km in (
                (0, 5000, "50.00", "8.00"),
                (5000, 15000, "70.00", "10.00"),
            ):
                fee_rows.append(
                    {
                        "zone_id": zone_id,
                        "service_type": ServiceType.PARCEL,
                        "vehicle_type": VehicleType.MOTORCYCLE,
                        "min_distance_m": low,
                        "max_distance_m": high,
                        "base_fee": Decimal(base),
                        "per_km_fee": Decimal(per_km),
                    }
                )
    first = demo.ids(DeliveryFeeRule, len(fee_rows))
    for offset, row in enumerate(fee_rows):
        row.update(
            id=first + offset,
            version=1,
            priority=100,
            valid_from=valid_from,
            active=True,
            created_at=valid_from,
        )
    demo.copy(DeliveryFeeRule, fee_rows)

    surge = []
    for zone in rng.sample(usable_zones, min(4, len(usable_zones))):
        service = rng.pick(zone.services)
        surge.append(
            {
                "zone_id": zone.id,
                "service_type": service,
                "trigger": "PEAK_HOUR",
                "multiplier": Decimal("1.20"),
                "max_multiplier": Decimal("2.00"),
                "max_surge_fee": Decimal("40.00"),
                "reason": f"Evening peak in {zone.name}",
                "valid_from": demo.days_ago(90),
                "active": True,
                "created_at": demo.days_ago(90),
            }
        )
    first = demo.ids(SurgePricingRule, len(surge))
    for offset, row in enumerate(surge):
        row["id"] = first + offset
    demo.copy(SurgePricingRule, surge)

    provider = (
        ExternalDeliveryProvider.objects.filter(status=IntegrationStatus.ACTIVE)
        .order_by("id")
        .values("id")
        .first()
    )
    cards = []
    if provider:
        for zone in usable_zones[:: max(1, len(usable_zones) // 6)]:
            if ServiceType.PARCEL not in zone.services:
                continue
            cards.append(
                {
                    "provider_id": provider["id"],
                    "zone_id": zone.id,
                    "vehicle_type": VehicleType.MOTORCYCLE,
                    "min_distance_m": 0,
                    "max_distance_m": 8000,
                    "base_price": Decimal("38.00"),
                    "per_km_price": Decimal("7.50"),
                    "per_kg_price": Decimal("0.00"),
                    "band_starts_at": time(8),
                    "band_ends_at": time(23),
                    "valid_from": demo.days_ago(200),
                    "active": True,
                    "created_at": demo.days_ago(200),
                }
            )
    first = demo.ids(ExternalProviderRateCard, len(cards))
    for offset, row in enumerate(cards):
        row["id"] = first + offset
    demo.copy(ExternalProviderRateCard, cards)
    return {row["zone_id"]: row for row in surge}


# Fixture reference rows the order generator uses.


def _fare_policies():
    policies = {}
    for row in (
        RideFarePolicy.objects.filter(active=True, valid_to__isnull=True)
        .order_by("city_id", "vehicle_type", "-version")
        .values()
    ):
        policies.setdefault((row["city_id"], row["vehicle_type"]), row)
    return policies


def _cancellation_reasons():
    reasons = {}
    for row in (
        CancellationReason.objects.filter(is_active=True).order_by("display_order", "id").values()
    ):
        reasons.setdefault(row["service_type"], []).append(row)
    return reasons


def _rate_cards(provider):
    cards = {}
    if provider:
        for row in (
            ExternalProviderRateCard.objects.filter(provider=provider, active=True)
            .order_by("id")
            .values("id", "zone_id")
        ):
            cards.setdefault(row["zone_id"], row["id"])
    return cards
