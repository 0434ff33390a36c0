"""The order's admin page shows what hangs off the order, inline."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.factories import CustomerFactory
from gatimitra.enums import OrderStatus
from gatimitra.testing import admin_form_data
from merchants.factories import LiveMerchantStoreFactory
from orders.admin import actions as order_actions
from orders.factories import (
    DispatchableRiderFactory,
    FoodOrderFactory,
    OrderPaymentFactory,
    OrderRefundFactory,
    RideOrderFactory,
    ServiceCityFactory,
    ServiceZoneFactory,
)
from orders.models import Order

pytestmark = pytest.mark.django_db

INLINES = [
    "items",
    "stops",
    "charges",
    "payments",
    "refunds",
    "rider_assignments",
    "timeline",
]


def change_page(client, superuser, order):
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_order_page_shows_its_parts_inline(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    OrderRefundFactory(payment=order.payments.get(), order=order)
    page = change_page(client, superuser, order)
    for prefix in [*INLINES, "food_details"]:
        assert f'id="{prefix}-group"' in page, prefix
    assert "parcel_details-group" not in page and "ride_details-group" not in page
    assert order.charges.first().get_charge_type_display() in page


def test_ride_page_shows_its_ride_detail_and_no_items(client, superuser):
    page = change_page(client, superuser, RideOrderFactory())
    assert 'id="ride_details-group"' in page
    assert 'id="items-group"' not in page


def test_search_finds_an_order_by_its_number(client, superuser):
    order, other = FoodOrderFactory(), FoodOrderFactory()
    client.force_login(superuser)
    response = client.get(
        reverse("admin:orders_order_changelist"), {"q": order.order_number.lower()}
    )
    page = response.content.decode()
    assert order.order_number in page and other.order_number not in page


def test_payment_page_shows_its_events_and_refunds(client, superuser):
    payment = OrderPaymentFactory()
    OrderRefundFactory(payment=payment)
    client.force_login(superuser)
    page = client.get(reverse("admin:orders_orderpayment_change", args=[payment.pk])).content
    assert b'id="events-group"' in page and b'id="refunds-group"' in page


def test_a_complete_order_can_be_created_in_one_admin_submit(
    client, superuser, run_deferred_checks
):
    zone = ServiceZoneFactory()
    customer, store = CustomerFactory(), LiveMerchantStoreFactory()
    client.force_login(superuser)
    url = reverse("admin:orders_order_add")
    page = client.get(url)
    data = {
        "order_number": "FD2512310001",
        "service_type": "FOOD",
        "status": "created",
        "channel": "APP",
        "city": zone.city_id,
        "zone": zone.pk,
        "customer": customer.pk,
        "merchant_store": store.pk,
        "payment_method": "UPI",
        "placed_at_0": "2025-12-31",
        "placed_at_1": "20:30:00",
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update({"food_details-TOTAL_FORMS": 1, "food_details-0-prep_status": "ACCEPTED"})
    data["items-TOTAL_FORMS"] = 1
    data.update(
        {
            "items-0-name": "Veg Thali",
            "items-0-food_type": "VEG",
            "items-0-quantity": 2,
            "items-0-unit_price": "180.00",
            "items-0-packaging_charge": "0.00",
        }
    )
    data["stops-TOTAL_FORMS"] = 2
    for index, stop_type in enumerate(["PICKUP", "DROP"]):
        data.update(
            {
                f"stops-{index}-sequence": index + 1,
                f"stops-{index}-stop_type": stop_type,
                f"stops-{index}-address_line": "12, 80 Feet Road, Koramangala",
                f"stops-{index}-pin_code": "560034",
                f"stops-{index}-latitude": "12.935000",
                f"stops-{index}-longitude": "77.624000",
            }
        )
    charges = [("ITEM_TOTAL", "DEBIT", "360.00"), ("GST", "DEBIT", "18.00")]
    charges.append(("DISCOUNT", "CREDIT", "30.00"))
    data["charges-TOTAL_FORMS"] = len(charges)
    for index, (charge_type, direction, amount) in enumerate(charges):
        data.update(
            {
                f"charges-{index}-charge_type": charge_type,
                f"charges-{index}-direction": direction,
                f"charges-{index}-amount": amount,
                f"charges-{index}-payer": "CUSTOMER",
                f"charges-{index}-beneficiary": "PLATFORM",
            }
        )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    order = Order.objects.get(order_number="FD2512310001")
    assert order.food_details.store == store == order.merchant_store  # the kitchen follows
    assert (order.subtotal, order.tax, order.discount, order.total) == (
        Decimal("360.00"),
        Decimal("18.00"),
        Decimal("30.00"),
        Decimal("348.00"),
    )
    run_deferred_checks()  # detail, items, stops and totals hold as at commit


def test_order_page_links_to_its_customer_store_and_rider(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    rider = order.rider_assignments.get().rider
    page = change_page(client, superuser, order)
    for url in (
        reverse("admin:customers_customer_change", args=[order.customer_id]),
        reverse("admin:merchants_merchantstore_change", args=[order.merchant_store_id]),
        reverse("admin:riders_rider_change", args=[rider.pk]),
    ):
        assert f'href="{url}"' in page, url


def test_the_assignment_form_reports_a_rider_dispatch_refuses(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.SEARCHING_RIDER)
    offline = DispatchableRiderFactory(live_status__duty_status="OFFLINE")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:orders_orderriderassignment_add"),
        {
            "order": order.pk,
            "rider": offline.pk,
            "status": "ASSIGNED",
            "assigned_at_0": "2026-01-06",
            "assigned_at_1": "11:00:00",
        },
    )
    assert response.status_code == 200
    assert "the rider is OFFLINE; dispatch needs ONLINE" in str(response.context["errors"])


def test_changing_the_store_in_the_admin_moves_the_kitchen(client, superuser, run_deferred_checks):
    order = FoodOrderFactory()
    client.force_login(superuser)
    url = reverse("admin:orders_order_change", args=[order.pk])
    data = admin_form_data(client.get(url))
    for name in ("placed_at", "promised_by"):  # split date/time widgets
        data.pop(name, None)
        moment = timezone.localtime(getattr(order, name))
        data[f"{name}_0"], data[f"{name}_1"] = moment.date(), moment.strftime("%H:%M:%S")
    other = LiveMerchantStoreFactory()
    data["merchant_store"] = other.pk

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    order.refresh_from_db()
    assert order.merchant_store == other == order.food_details.store
    run_deferred_checks()  # the composite FK holds


# An order's parts are history: read-only tables, not inline forms -----------


def test_an_order_in_flight_is_editable_only_where_staff_may_correct_it(client, superuser):
    from orders.admin.orders import OrderAdmin

    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert set(response.context["adminform"].form.fields) == set(OrderAdmin.EDITABLE_IN_FLIGHT)
    assert response.context["inline_admin_formsets"] == []
    page = response.content.decode()
    # The parts are shown, as display values with no form inputs.
    for prefix in ["items", "stops", "charges", "payments", "rider_assignments", "timeline"]:
        assert f'id="{prefix}-group"' in page, prefix
    assert 'name="charges-TOTAL_FORMS"' not in page and 'name="items-0-name"' not in page
    item = order.items.first()
    item_url = reverse("admin:orders_orderitem_change", args=[item.pk])
    assert f'<a href="{item_url}">{item.name}</a>' in page


def test_saving_an_order_in_flight_ignores_what_is_fixed_at_placing(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    before = Order.objects.values().get(pk=order.pk)
    client.force_login(superuser)
    url = reverse("admin:orders_order_change", args=[order.pk])
    data = admin_form_data(client.get(url))
    data.pop("promised_by", None)
    moment = timezone.localtime(order.promised_by)
    data["promised_by_0"], data["promised_by_1"] = moment.date(), moment.strftime("%H:%M:%S")
    data["customer_note"] = "ring twice"
    other = CustomerFactory()
    data.update(
        customer=other.pk, status=OrderStatus.CANCELLED, payment_method="CASH", total="1.00"
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    after = Order.objects.values().get(pk=order.pk)
    assert after["customer_note"] == "ring twice"
    for column in ("customer_id", "status", "payment_method", "total", "order_number"):
        assert after[column] == before[column], column


def test_a_long_part_is_trimmed_with_a_link_to_all_its_rows(client, superuser, monkeypatch):
    from orders.admin import parts

    monkeypatch.setattr(parts, "ROWS_SHOWN", 2)
    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    charges = order.charges.count()
    assert charges > 2
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    (table,) = [part for part in response.context["order_parts"] if part.prefix == "charges"]
    assert (len(table.rows), table.total) == (2, charges)
    page = response.content.decode()
    assert f"Charges (2 of {charges})" in page
    assert f'href="{table.all_rows_url}"' in page.replace("&amp;", "&")

    listed = client.get(table.all_rows_url)

    assert listed.status_code == 200
    assert {row.order_id for row in listed.context["cl"].result_list} == {order.pk}
    assert listed.context["cl"].result_count == charges


def test_a_part_is_shown_only_to_staff_who_may_view_its_model(client, superuser, monkeypatch):
    from django.contrib import admin as django_admin

    from orders.models import OrderCharge

    charge_admin = django_admin.site._registry[OrderCharge]
    monkeypatch.setattr(charge_admin, "has_view_permission", lambda request, obj=None: False)
    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    page = response.content.decode()
    shown = [part.prefix for part in response.context["order_parts"]]
    assert "charges" not in shown and 'id="charges-group"' not in page
    assert reverse("admin:orders_ordercharge_change", args=[order.charges.first().pk]) not in page
    # The other parts are still there, their rows linked to their pages.
    assert "stops" in shown
    assert reverse("admin:orders_orderstop_change", args=[order.stops.first().pk]) in page


def test_a_support_agent_sees_the_parts_their_role_may_view(
    client, default_roles, staff_with_roles
):
    from orders.admin.parts import PARTS

    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    agent = staff_with_roles("SUPPORT_AGENT")
    client.force_login(agent)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    shown = {part.prefix for part in response.context["order_parts"]}
    for part in PARTS:
        opts = part.model._meta
        may_view = agent.has_perm(f"{opts.app_label}.view_{opts.model_name}") or agent.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )
        if not may_view:
            assert part.prefix not in shown, part.prefix
    assert shown  # the agent reads the order's history


# Settled orders are read-only; staff act through the domain's actions -------


def test_a_settled_order_is_shown_read_only_with_a_refund_button(client, superuser):
    from tests.gatimitra.test_every_model import assert_view_only

    order = FoodOrderFactory(status=OrderStatus.DELIVERED)
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    assert_view_only(response)
    titles = [button["title"] for button in response.context["order_actions"]]
    assert titles == ["Refund"]
    # Saving anyway is refused.
    assert client.post(reverse("admin:orders_order_change", args=[order.pk]), {}).status_code == 403


def test_an_order_in_flight_shows_its_status_read_only_and_its_actions(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.CREATED)
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert {"status", "service_type"} <= set(response.context["adminform"].readonly_fields)
    titles = [button["title"] for button in response.context["order_actions"]]
    # No rider holds it yet: nothing to reassign.
    assert titles == ["Cancel the order"]


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (OrderStatus.ACCEPTED, True),  # a rider holds it, not picked up
        (OrderStatus.SEARCHING_RIDER, False),  # no rider yet
        (OrderStatus.PICKED_UP, False),  # the rider has it in hand
    ],
)
def test_reassign_is_offered_only_while_a_rider_holds_the_order_before_pickup(
    client, superuser, status, offered
):
    order = FoodOrderFactory(status=status)
    client.force_login(superuser)
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    titles = [button["title"] for button in response.context["order_actions"]]
    assert ("Reassign the rider" in titles) is offered
    url = reverse("admin:orders_order_act", args=[order.pk, "reassign"])
    assert (client.get(url).status_code == 200) is offered


@pytest.fixture
def staff_reason(db):
    """The PLATFORM reason a staff cancellation of a FOOD order is filed under."""
    from orders.choices import CancellationActor
    from orders.factories import CancellationReasonFactory

    return CancellationReasonFactory(
        code="FOOD_CANCELLED_BY_STAFF",
        actor=CancellationActor.PLATFORM,
        fee_statuses=[],
        cost_borne_by="PLATFORM",
    )


def test_cancelling_from_the_order_page_records_who_and_why(client, superuser, staff_reason):
    order = FoodOrderFactory(status=OrderStatus.CREATED, with_payment=False)
    client.force_login(superuser)
    url = reverse("admin:orders_order_act", args=[order.pk, "cancel"])
    assert client.get(url).status_code == 200
    assert "Say why" in client.post(url, {"reason": ""}).content.decode()

    response = client.post(url, {"reason": "customer called"})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancelled_at is not None
    entry = order.timeline.order_by("-id").first()
    assert entry.status == OrderStatus.CANCELLED
    assert entry.actor_user == superuser
    assert "customer called" in entry.note
    cancellation = order.cancellation
    assert (cancellation.reason, cancellation.actor_user) == (staff_reason, superuser)
    assert cancellation.note == "customer called"
    # Settled now: no more cancelling.
    assert client.post(url, {"reason": "again"}).status_code == 403


def test_refund_without_the_service_refuses_and_changes_nothing(client, superuser, monkeypatch):
    from orders.admin import actions

    monkeypatch.setattr(actions, "_service", lambda name: None)
    order = FoodOrderFactory(status=OrderStatus.DELIVERED)
    client.force_login(superuser)
    url = reverse("admin:orders_order_act", args=[order.pk, "refund"])
    response = client.post(url, {"reason": "cold food", "amount": "50"})
    assert response.status_code == 200
    assert "nothing was refunded" in response.content.decode()
    assert not order.refunds.exists()


def test_actions_call_the_order_services_when_they_exist(client, superuser, monkeypatch):
    from orders.admin import actions

    calls = []
    monkeypatch.setattr(
        actions, "_service", lambda name: lambda order, **kw: calls.append((name, order, kw))
    )
    order = FoodOrderFactory(status=OrderStatus.DELIVERED)
    client.force_login(superuser)
    url = reverse("admin:orders_order_act", args=[order.pk, "refund"])
    assert client.post(url, {"reason": "cold food", "amount": "50.00"}).status_code == 302
    ((name, called_order, kwargs),) = calls
    assert (name, called_order) == ("refund_order", order)
    assert kwargs == {"user": superuser, "amount": Decimal("50.00"), "reason": "cold food"}


def test_refunding_from_the_order_page_issues_the_refund(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.DELIVERED)
    client.force_login(superuser)
    url = reverse("admin:orders_order_act", args=[order.pk, "refund"])
    too_much = client.post(url, {"reason": "cold food", "amount": str(order.total + 1)})
    assert too_much.status_code == 200
    assert "cannot be refunded" in too_much.content.decode()
    assert not order.refunds.exists()

    assert client.post(url, {"reason": "cold food", "amount": "50.00"}).status_code == 302

    refund = order.refunds.get()
    assert (refund.amount, refund.requested_by, refund.reason) == (
        Decimal("50.00"),
        superuser,
        "cold food",
    )


def test_reassigning_from_the_order_page_releases_the_rider(client, superuser):
    from orders.choices import AssignmentStatus

    order = FoodOrderFactory(status=OrderStatus.ACCEPTED)
    assignment = order.rider_assignments.get()
    client.force_login(superuser)
    url = reverse("admin:orders_order_act", args=[order.pk, "reassign"])

    assert client.post(url, {"reason": "rider not moving"}).status_code == 302

    order.refresh_from_db()
    assignment.refresh_from_db()
    assert order.status == OrderStatus.SEARCHING_RIDER
    assert assignment.status == AssignmentStatus.UNASSIGNED
    assert "rider not moving" in assignment.end_reason
    entry = order.timeline.order_by("-id").first()
    assert (entry.status, entry.actor_user) == (OrderStatus.SEARCHING_RIDER, superuser)


def test_reassigning_a_picked_up_order_is_refused_and_changes_nothing(client, superuser):
    order = FoodOrderFactory(status=OrderStatus.PICKED_UP)
    client.force_login(superuser)
    url = reverse("admin:orders_order_act", args=[order.pk, "reassign"])
    # Not offered (the service would refuse: the rider has it in hand).
    assert client.post(url, {"reason": "rider not moving"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED_UP
    # Should the rider pick it up after the page was opened, the service's
    # refusal is what staff see.
    with pytest.raises(order_actions.ActionRefused, match="cannot be replaced"):
        order_actions.reassign_order(order, user=superuser, reason="rider not moving")
    order.refresh_from_db()
    assert order.status == OrderStatus.PICKED_UP


def test_bulk_cancel_skips_settled_orders(client, superuser, staff_reason):
    live = FoodOrderFactory(status=OrderStatus.CREATED, with_payment=False)
    settled = FoodOrderFactory(status=OrderStatus.DELIVERED)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "cancel_selected", "_selected_action": [live.pk, settled.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "Cancelled 1 order(s)." in page and settled.order_number in page
    live.refresh_from_db()
    settled.refresh_from_db()
    assert (live.status, settled.status) == (OrderStatus.CANCELLED, OrderStatus.DELIVERED)


def test_a_city_manager_cannot_act_on_another_citys_order(client, default_roles, staff_with_roles):
    from access_mgmt.backends import forget_access
    from access_mgmt.choices import ScopeType
    from access_mgmt.factories import UserAccessScopeFactory, UserRoleFactory
    from access_mgmt.models import SystemRole

    home, other = ServiceZoneFactory(), ServiceZoneFactory(city=ServiceCityFactory())
    order = FoodOrderFactory(zone=other, status=OrderStatus.CREATED)
    manager = staff_with_roles()
    assignment = UserRoleFactory(user=manager, role=SystemRole.objects.get(code="CITY_OPS_MANAGER"))
    UserAccessScopeFactory(user_role=assignment, scope_type=ScopeType.CITY, city=home.city)
    forget_access(manager)
    client.force_login(manager)
    url = reverse("admin:orders_order_act", args=[order.pk, "cancel"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED
