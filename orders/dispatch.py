"""Who may be dispatched to an order: the one place that defines the rules of
CATALOG section 8, items 4 (rider capacity) and 5 (dispatch eligibility).

``orders.sql`` compiles these maps into IMMUTABLE SQL functions
(``orders.dispatch_vehicle_allowed``, ``orders.dispatch_required_documents``)
used by the trigger on ``order_rider_assignments``;
``tests/orders/test_dispatch.py`` compares the functions with the maps, so a
change here without a migration fails CI. To change a map: edit it, then add
a migration with ``migrations.RunSQL(sql.dispatch_map_functions(), ...)``
(CREATE OR REPLACE).

A rider may hold an order (an assignment becomes ASSIGNED or ACCEPTED) when:

* the rider's ``status`` and ``onboarding_stage`` are both ACTIVE;
* the order's service is in ``riders.enabled_services``;
* their duty (``riders.rider_live_status``) is ONLINE; ON_ORDER also passes
  for a FOOD/PARCEL order (it joins the rider's batch) and for the rider
  accepting an assignment they already hold; no live-status row is OFFLINE;
* the vehicle used (the assignment's ``vehicle_id``, else the live-status
  vehicle, else any of the rider's active vehicles) is the rider's, active,
  and of a type :data:`ALLOWED_VEHICLE_TYPES` allows for the service (for a
  RIDE, also the type the customer booked);
* every document of :func:`required_documents` is VERIFIED and unexpired
  (``expires_on`` empty or not before today); vehicle papers must be of the
  vehicle used;
* the order's customer has not blocked the rider
  (``customers.customer_blocked_riders``, while ``blocked_until`` is ahead);
* before a CASH order, their ``cash_in_hand`` is below the city's cap
  (setting :data:`COD_CAP_SETTING`; no setting, no cap);
* capacity: a RIDE driver holds at most one active assignment (and nothing
  else while on a ride); a FOOD/PARCEL batch holds at most
  :data:`MAX_BATCH_SIZE_SETTING` (default :data:`DEFAULT_MAX_BATCH_SIZE`).

Settings are rows of ``access_mgmt.system_settings`` in effect now: the
order's city's own value when there is one, else the platform-wide value.
"""

from gatimitra.enums import ServiceType, VehicleType
from riders.choices import UNREGISTERED_VEHICLE_TYPES, VEHICLE_DOCUMENT_TYPES
from riders.choices import RiderDocumentType as Doc

#: ``access_mgmt.system_settings`` key: orders in one FOOD/PARCEL batch.
MAX_BATCH_SIZE_SETTING = "dispatch.max_batch_size"
#: Batch size when no setting is in effect.
DEFAULT_MAX_BATCH_SIZE = 1
#: ``access_mgmt.system_settings`` key: COD cash (rupees) a rider may hold
#: and still be given a CASH order.
COD_CAP_SETTING = "cod.cash_in_hand_cap"

#: Services whose orders a rider may carry several of at once.
BATCHING_SERVICES = (ServiceType.FOOD, ServiceType.PARCEL)

_TWO_WHEELERS = (VehicleType.BICYCLE, VehicleType.EV_SCOOTER, VehicleType.MOTORCYCLE)

#: Vehicle types a rider may use for each service.
ALLOWED_VEHICLE_TYPES = {
    ServiceType.FOOD: _TWO_WHEELERS,
    ServiceType.PARCEL: _TWO_WHEELERS,
    # Bike taxis are rides too (service cities price MOTORCYCLE rides).
    ServiceType.RIDE: (
        VehicleType.MOTORCYCLE,
        VehicleType.AUTO_RICKSHAW,
        VehicleType.E_RICKSHAW,
        VehicleType.CAR_HATCHBACK,
        VehicleType.CAR_SEDAN,
        VehicleType.CAR_SUV,
    ),
}

#: Documents every rider of the service needs, whatever they ride.
RIDER_DOCUMENTS = {
    ServiceType.FOOD: (Doc.AADHAAR, Doc.PAN),
    ServiceType.PARCEL: (Doc.AADHAAR, Doc.PAN),
    # Aggregator guidelines: drivers carry passengers, so police verification too.
    ServiceType.RIDE: (Doc.AADHAAR, Doc.PAN, Doc.POLICE_VERIFICATION),
}

#: Papers needed on top when the vehicle is a motor vehicle (one that needs a
#: registration: not a bicycle or low-speed e-scooter). The licence is the
#: rider's; the others are the vehicle's own (``rider_documents.vehicle_id``).
MOTOR_VEHICLE_DOCUMENTS = {
    ServiceType.FOOD: (Doc.DRIVING_LICENCE, Doc.VEHICLE_RC),
    ServiceType.PARCEL: (Doc.DRIVING_LICENCE, Doc.VEHICLE_RC),
    # Commercial passenger vehicles: insured and permitted.
    ServiceType.RIDE: (Doc.DRIVING_LICENCE, Doc.VEHICLE_RC, Doc.VEHICLE_INSURANCE, Doc.PERMIT),
}


def is_motor_vehicle(vehicle_type):
    return vehicle_type not in UNREGISTERED_VEHICLE_TYPES


def required_documents(service_type, vehicle_type):
    """``[(document_type, of_the_vehicle)]`` a rider needs VERIFIED and
    unexpired to take an order of ``service_type`` on ``vehicle_type``."""
    types = list(RIDER_DOCUMENTS[service_type])
    if is_motor_vehicle(vehicle_type):
        types += MOTOR_VEHICLE_DOCUMENTS[service_type]
    return sorted({(str(t), t in VEHICLE_DOCUMENT_TYPES) for t in types})


def vehicle_rows():
    """Every allowed ``(service_type, vehicle_type)``, sorted."""
    return sorted(
        (str(service), str(vehicle))
        for service, vehicles in ALLOWED_VEHICLE_TYPES.items()
        for vehicle in vehicles
    )


def document_rows():
    """Every ``(service_type, vehicle_type, document_type, of_the_vehicle)``
    of :func:`required_documents` for the allowed vehicles, sorted."""
    return sorted(
        (str(service), str(vehicle), document, per_vehicle)
        for service, vehicles in ALLOWED_VEHICLE_TYPES.items()
        for vehicle in vehicles
        for document, per_vehicle in required_documents(service, vehicle)
    )
