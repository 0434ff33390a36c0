"""National caps on ride fares: the Motor Vehicle Aggregator Guidelines 2025
(MVAG 2025), issued by the Ministry of Road Transport and Highways on
1 July 2025 under s.93 of the Motor Vehicles Act 1988 (as amended in 2019).
States adopt them (and may add to them); a city's ``ride_fare_policies``
version configures fares inside these caps, never beyond them. The same
numbers are written into the database CHECKs and triggers of
orders/migrations/0017_enforce_ride_fare_guidelines.py; tests compare them.

Clause 17 (fares):
- 17.1: the base fare is the fare the State Government notifies for the
  class of vehicle;
- the base fare is chargeable for a minimum of 3 km, to compensate for dead
  mileage (the distance driven without a passenger and to pick them up); no
  dead mileage is charged otherwise: the fare runs from pick-up to drop;
- dynamic pricing: at least 50% of the base fare, at most two times it;
- cancellation without a valid reason: 10% of the fare, at most Rs 100, for
  the driver and likewise for the passenger.
Driver's share: at least 80% of the fare when the driver owns the vehicle,
at least 60% when the aggregator owns it.
Vehicles: none onboarded more than eight years after its initial
registration.
"""

import datetime
from decimal import Decimal

from gatimitra.enums import VehicleType
from orders.choices import RideVehicleOwner

#: The day the guideline was issued; fare policy versions still in force on
#: or after it must keep its caps (older, closed versions are history).
GUIDELINES_ISSUED_ON = datetime.date(2025, 7, 1)

#: Dynamic pricing floor and cap, as multipliers of the base fare.
SURGE_FLOOR = Decimal("0.50")
SURGE_CAP = Decimal("2.00")

#: The base fare covers at least this distance (dead mileage).
MIN_BASE_DISTANCE_M = 3000

#: Cancellation without a valid reason: this share of the fare, at most the cap.
CANCELLATION_FEE_MAX_PERCENT = Decimal("10.00")
CANCELLATION_FEE_CAP = Decimal("100.00")

#: The driver's minimum share of the fare, by who owns the vehicle.
DRIVER_SHARE_FLOOR_PERCENT = {
    RideVehicleOwner.DRIVER: Decimal("80.00"),
    RideVehicleOwner.AGGREGATOR: Decimal("60.00"),
}

#: No vehicle older than this (years since initial registration) is
#: activated for rides.
MAX_VEHICLE_AGE_YEARS = 8

#: The vehicle types that carry passengers (RIDE); bicycles, EV scooters
#: below the registration threshold and goods carriers never do.
RIDE_VEHICLE_TYPES = (
    VehicleType.MOTORCYCLE,
    VehicleType.AUTO_RICKSHAW,
    VehicleType.E_RICKSHAW,
    VehicleType.CAR_HATCHBACK,
    VehicleType.CAR_SEDAN,
    VehicleType.CAR_SUV,
)


def cancellation_fee_limit(fare):
    """The most a ride cancellation may cost: 10% of the fare, at most Rs 100."""
    return min(
        (Decimal(fare) * CANCELLATION_FEE_MAX_PERCENT / 100).quantize(Decimal("0.01")),
        CANCELLATION_FEE_CAP,
    )


def driver_share_floor(fare, owner):
    """The least the driver keeps of ``fare``."""
    percent = DRIVER_SHARE_FLOOR_PERCENT[RideVehicleOwner(owner)]
    return (Decimal(fare) * percent / 100).quantize(Decimal("0.01"))
