"""Whole object graphs built through the services (``orders.services``):
the other factories are leaves that write rows; these place an order as the
app would (billed by ``orders.pricing``, numbered, paid) and can walk it
through its lifecycle, so a test starts from exactly what the flows produce.

Everything is in one city (the factories' home city, ``BLR``): the store,
the customer's address, the rider (dispatch refuses a rider of another city).
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from customers.factories import CustomerAddressFactory, CustomerFactory, CustomerWalletFactory
from gatimitra.db.secrets import mask
from gatimitra.enums import PaymentMethod, ServiceType, VehicleType, VerificationStatus
from merchants.factories import (
    LiveMerchantStoreFactory,
    MerchantMenuAddonFactory,
    MerchantMenuCategoryFactory,
    MerchantMenuItemFactory,
)
from orders import dispatch, services
from orders.choices import ParcelPackageType
from orders.factories.assignments import DEFAULT_VEHICLE_TYPES, riders_vehicle
from orders.factories.cities import (
    DeliveryFeeRuleFactory,
    RideFarePolicyFactory,
    ServiceZoneFactory,
)
from riders.choices import DutyStatus
from riders.factories import ActiveRiderFactory, RiderDocumentFactory, RiderLiveStatusFactory


class DispatchableRiderFactory(ActiveRiderFactory):
    """An ACTIVE rider whom dispatch accepts for ``service_type`` orders
    (``orders.dispatch``): the service enabled (FOOD and PARCEL together, or
    RIDE), an active vehicle of ``vehicle_type`` with its RC, every mandatory
    document VERIFIED and unexpired, and ONLINE in ``rider_live_status`` on
    that vehicle (``live_status__duty_status=...`` to change; ``live_status=False``
    for none)."""

    class Params:
        service_type = ServiceType.FOOD
        vehicle_type = factory.LazyAttribute(lambda o: DEFAULT_VEHICLE_TYPES[o.service_type])

    enabled_services = factory.LazyAttribute(  # type: ignore[assignment]
        lambda o: (
            list(dispatch.BATCHING_SERVICES)
            if o.service_type in dispatch.BATCHING_SERVICES
            else [o.service_type]
        )
    )
    vehicle_rc = factory.RelatedFactory(
        RiderDocumentFactory,
        factory_related_name="rider",
        vehicle_rc=True,
        verified=True,
        vehicle__vehicle_type=factory.SelfAttribute("...vehicle_type"),
    )

    @factory.post_generation
    def mandatory_documents(obj, create, extracted, **kwargs):
        """Whatever else ``orders.dispatch`` requires for the rider's
        services on their vehicle (a RIDE's permit, insurance, police
        verification), VERIFIED and valid for a year."""
        if not create or extracted is False:
            return
        vehicle = riders_vehicle(obj)
        expires_on = timezone.localdate() + timedelta(days=365)
        for service in obj.enabled_services:
            for document_type, per_vehicle in dispatch.required_documents(
                service, vehicle.vehicle_type
            ):
                held = obj.documents.filter(
                    document_type=document_type, verification_status=VerificationStatus.VERIFIED
                )
                if per_vehicle:
                    held = held.filter(vehicle=vehicle)
                if not held.exists():
                    RiderDocumentFactory(
                        rider=obj,
                        document_type=document_type,
                        vehicle=vehicle if per_vehicle else None,
                        verified=True,
                        issued_on=expires_on - timedelta(days=730),
                        expires_on=expires_on,
                    )

    @factory.post_generation
    def live_status(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        vehicle = riders_vehicle(obj)
        options = {"duty_status": DutyStatus.ONLINE, **kwargs}
        RiderLiveStatusFactory(
            rider=obj, vehicle=vehicle, vehicle_type=vehicle.vehicle_type, **options
        )


DROP_OTP = "4321"
START_OTP = "8642"


def _near(store_or_zone, north="0.012000", east="0.009000"):
    lat = getattr(store_or_zone, "latitude", None) or store_or_zone.center_latitude
    lng = getattr(store_or_zone, "longitude", None) or store_or_zone.center_longitude
    return {"latitude": lat + Decimal(north), "longitude": lng + Decimal(east)}


def _home(customer, near):
    """A saved address near ``near``, the default one if the customer has none."""
    first = not type(customer).objects.filter(pk=customer.pk, addresses__is_default=True).exists()
    return CustomerAddressFactory(customer=customer, is_default=first, **_near(near))


def placed_food_order(
    *, payment_method=PaymentMethod.UPI, customer=None, drop_otp=DROP_OTP, fee_rule=True
):
    """A FOOD order placed at a LIVE store: two dishes (one with an add-on),
    its delivery priced by a fee rule of the store's zone (none: refused)."""
    store = LiveMerchantStoreFactory()
    category = MerchantMenuCategoryFactory(menu__store=store)
    dal = MerchantMenuItemFactory(category=category, name="Dal Makhani", base_price=210)
    dosa = MerchantMenuItemFactory(category=category, name="Masala Dosa", base_price=90)
    butter = MerchantMenuAddonFactory(addon_group__store=store, price=20)
    if fee_rule:
        DeliveryFeeRuleFactory(zone=store.zone, service_type=ServiceType.FOOD)
    customer = customer or CustomerFactory()
    return services.place_order(
        customer=customer,
        service_type=ServiceType.FOOD,
        zone=store.zone,
        payment_method=payment_method,
        pickup=store,
        drop=_home(customer, store),
        items=[(dal, 1, [butter]), (dosa, 2, [])],
        drop_otp=drop_otp,
    )


def placed_parcel_order(*, payment_method=PaymentMethod.PLATFORM_WALLET, drop_otp=None):
    """A PARCEL of documents, paid from a wallet funded for it by default."""
    zone = ServiceZoneFactory()
    DeliveryFeeRuleFactory(zone=zone, service_type=ServiceType.PARCEL, base_fee=Decimal("50.00"))
    customer = CustomerFactory()
    if payment_method == PaymentMethod.PLATFORM_WALLET:
        CustomerWalletFactory(customer=customer, credits=["500.00"])
    return services.place_order(
        customer=customer,
        service_type=ServiceType.PARCEL,
        zone=zone,
        payment_method=payment_method,
        pickup={
            "address_line": "12, 4th Cross, HAL 2nd Stage",
            "locality": "Indiranagar",
            "pin_code": "560038",
            "contact_name": "Sender",
            **_near(zone, "0.000000", "0.000000"),
        },
        drop=_home(customer, zone),
        parcel={
            "package_type": ParcelPackageType.DOCUMENTS,
            "description": "Signed agreement in an envelope",
            "weight_g": 400,
            "declared_value": Decimal("500.00"),
            "sender_name": "Sender",
            "sender_phone_masked": mask("+919800000001"),
            "receiver_name": "Receiver",
            "receiver_phone_masked": mask("+919800000002"),
            "prohibited_items_declared": True,
        },
        drop_otp=drop_otp,
    )


def placed_ride_order(*, payment_method=PaymentMethod.CASH, vehicle_type=VehicleType.AUTO_RICKSHAW):
    """An auto-rickshaw ride on the city's fare policy, started by START_OTP."""
    zone = ServiceZoneFactory()
    policy = RideFarePolicyFactory(city=zone.city, vehicle_type=vehicle_type)
    stop = {"address_line": "Metro station gate 2", "locality": "Koramangala", "pin_code": "560034"}
    return services.place_order(
        customer=CustomerFactory(),
        service_type=ServiceType.RIDE,
        zone=zone,
        payment_method=payment_method,
        pickup={**stop, **_near(zone, "0.000000", "0.000000")},
        drop={**stop, "address_line": "Tech park, tower B", **_near(zone)},
        ride={"vehicle_type": vehicle_type, "fare_policy": policy, "start_otp": START_OTP},
    )


def rider_for(order):
    """A rider dispatch accepts for ``order`` (its service, its booked vehicle)."""
    kwargs = {"service_type": order.service_type}
    if order.service_type == ServiceType.RIDE:
        kwargs["vehicle_type"] = order.ride_details.vehicle_type
    return DispatchableRiderFactory(**kwargs)


def dispatched(order, rider=None):
    """Offered to a rider, assigned and accepted: returns the assignment."""
    rider = rider or rider_for(order)
    if order.status != "searching_rider":
        services.search_rider(order)
    offer = services.offer_order(order, rider, payout_shown=Decimal("40.00"))
    assignment = services.assign_rider(order, rider, offer=offer)
    services.accept_assignment(order, rider=rider)
    assignment.refresh_from_db()
    return assignment


def delivered_food_order(**kwargs):
    """A FOOD order through kitchen, dispatch and delivery (OTP)."""
    order = placed_food_order(**kwargs)
    services.confirm_order(order)
    services.start_preparing(order)
    services.search_rider(order)
    dispatched(order)
    services.mark_ready(order)
    for step in (services.reach_pickup, services.pick_up, services.start_trip, services.reach_drop):
        step(order)
    services.deliver_order(order, otp=DROP_OTP)
    order.refresh_from_db()
    return order
