"""Every orders factory builds rows that pass the rules checked at commit
too (totals, service shape, composite foreign keys), not only the
immediate ones."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gatimitra.enums import OrderStatus, ServiceType
from gatimitra.testing import domain_models, factory_for
from orders.factories import (
    FoodOrderFactory,
    ParcelOrderFactory,
    RideFarePolicyFactory,
    RideOrderFactory,
)
from orders.models import OrderRiderAssignment, OrderTimeline

ORDERS_MODELS = [model for model in domain_models() if model._meta.app_label == "orders"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ORDERS_MODELS, ids=lambda model: model.__name__)
def test_factory_rows_pass_the_commit_time_checks(model, run_deferred_checks):
    factory_for(model)()
    run_deferred_checks()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "service", "detail"),
    [
        (FoodOrderFactory, ServiceType.FOOD, "food_details"),
        (ParcelOrderFactory, ServiceType.PARCEL, "parcel_details"),
        (RideOrderFactory, ServiceType.RIDE, "ride_details"),
    ],
)
def test_service_factory_builds_a_complete_order(factory, service, detail, run_deferred_checks):
    order = factory(status=OrderStatus.ACCEPTED, with_discount=Decimal("20.00"))
    run_deferred_checks()

    assert order.service_type == service
    assert getattr(order, detail).pk == order.pk
    assert {stop.stop_type for stop in order.stops.all()} == {"PICKUP", "DROP"}
    assert order.items.exists() is (service == ServiceType.FOOD)
    assert order.total == sum(charge.signed_amount for charge in order.charges.all())
    assert order.total == order.payments.get().amount
    assert order.discount == Decimal("20.00") == order.discounts.get().amount
    assert OrderRiderAssignment.objects.get(order=order).status == "ACCEPTED"
    # The database wrote the first timeline row when the order was inserted.
    entry = OrderTimeline.objects.get(order=order)
    assert (entry.event, entry.from_status, entry.status) == ("STATUS_CHANGE", None, "accepted")


@pytest.mark.django_db
@pytest.mark.parametrize("model", ORDERS_MODELS, ids=lambda model: model.__name__)
def test_factory_rows_pass_full_clean(model):
    """The admin validates with full_clean(): every constraint (CHECK, UNIQUE,
    EXCLUDE, JSON key lookups) can be evaluated in Python too."""
    factory_for(model)().full_clean()


@pytest.mark.django_db
def test_full_clean_reports_an_overlapping_fare_policy():
    first = RideFarePolicyFactory()
    second = RideFarePolicyFactory.build(
        city=first.city, vehicle_type=first.vehicle_type, version=2, created_by=None
    )
    with pytest.raises(ValidationError, match="already covers part of this validity window"):
        second.full_clean()
