"""The customers admin at scale: searches can use the trigram indexes,
secrets never reach a page, and the inlines the issue asks for are on the
customer and ticket pages. (No per-row queries in any list:
tests/gatimitra/test_admin_scale.py.)"""

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from access_mgmt.factories import TeamFactory
from customers.factories import (
    CustomerAddressFactory,
    CustomerConsentFactory,
    CustomerDeviceFactory,
    CustomerPaymentMethodFactory,
    CustomerTicketEventFactory,
    CustomerTicketMessageFactory,
)
from customers.models import Customer, CustomerTicket
from gatimitra.testing import domain_models

pytestmark = pytest.mark.django_db

CUSTOMER_MODELS = [m for m in domain_models() if m._meta.app_label == "customers"]


def changelist(model):
    return reverse(f"admin:customers_{model._meta.model_name}_changelist")


#: Tables small enough (CATALOG volumes: <= 10^4 rows) to scan when searched.
SMALL_TABLES = {
    "customer_business_profiles",
    "customer_coupons",
    "customer_data_requests",
    "customer_loyalty_tiers",
    "customer_rating_tags",
    "customer_segments",
    "customer_sos_alerts",
    "customer_subscription_plans",
}
SEARCHABLE = [m for m in CUSTOMER_MODELS if admin.site._registry[m].search_fields]


def search_plan(model, term, rf, user, *disabled):
    model_admin = admin.site._registry[model]
    request = rf.get("/", {"q": term})
    request.user = user
    queryset, _ = model_admin.get_search_results(request, model.objects.all(), term)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Test tables are tiny and cheaper to scan; ask what the indexes allow.
        for setting in ("enable_seqscan", *disabled):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("model", SEARCHABLE, ids=lambda m: m.__name__)
def test_admin_search_never_scans_a_big_table(model, rf, superuser):
    plan = search_plan(model, "9876", rf, superuser)
    scanned = {
        line.split("Seq Scan on ")[1].split()[0]
        for line in plan.splitlines()
        if "Seq Scan on " in line
    }
    assert not scanned - SMALL_TABLES, plan


@pytest.mark.parametrize(
    ("model", "index"),
    [
        (Customer, "customers_mobile_trgm"),
        (Customer, "customers_full_name_trgm"),
        (Customer, "customers_email_trgm"),
        (Customer, "customers_referral_code_trgm"),
        (CustomerTicket, "customer_tickets_number_trgm"),
        (CustomerTicket, "customers_mobile_trgm"),
    ],
)
def test_admin_search_uses_the_trigram_indexes(model, index, rf, superuser):
    # Without plain and index-only scans, an index can serve only through an
    # index condition: a full scan of some other index cannot stand in.
    plan = search_plan(model, "9876", rf, superuser, "enable_indexscan", "enable_indexonlyscan")
    assert f"Bitmap Index Scan on {index}" in plan, plan


def test_admin_search_finds_by_each_field(client, superuser):
    client.force_login(superuser)
    ticket = CustomerTicketMessageFactory().ticket
    url = changelist(CustomerTicket)
    for term in (ticket.ticket_number, ticket.customer.mobile[3:], "no-such-ticket"):
        found = ticket.ticket_number in client.get(url, {"q": term}).content.decode()
        assert found is (term != "no-such-ticket")


def test_payment_method_pages_never_show_token_or_hash(client, superuser):
    client.force_login(superuser)
    method = CustomerPaymentMethodFactory()
    url = reverse("admin:customers_customerpaymentmethod_change", args=[method.pk])
    page = client.get(url).content.decode()
    assert method.masked_display in page
    assert method.gateway_token_ref not in page
    assert method.fingerprint_hash not in page


def test_customer_page_shows_addresses_devices_and_consents(client, superuser):
    client.force_login(superuser)
    device = CustomerDeviceFactory()
    CustomerConsentFactory(customer=device.customer)
    page = client.get(
        reverse("admin:customers_customer_change", args=[device.customer.pk])
    ).content.decode()
    for prefix in ("addresses-TOTAL_FORMS", "devices-TOTAL_FORMS", "consents-TOTAL_FORMS"):
        assert prefix in page
    assert device.push_token not in page
    assert device.fingerprint_hash not in page


def test_ticket_page_shows_messages_and_events(client, superuser):
    client.force_login(superuser)
    message = CustomerTicketMessageFactory(body="Where is my refund?")
    CustomerTicketEventFactory(ticket=message.ticket)
    page = client.get(
        reverse("admin:customers_customerticket_change", args=[message.ticket.pk])
    ).content.decode()
    assert "Where is my refund?" in page
    assert "events-TOTAL_FORMS" in page


def test_ledgers_are_read_only_in_the_admin(rf, superuser):
    from customers.models import CustomerLoyaltyTransaction, CustomerWalletTransaction

    request = rf.get("/")
    request.user = superuser
    for model in (CustomerWalletTransaction, CustomerLoyaltyTransaction):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def management_forms(*prefixes):
    data = {}
    for prefix in prefixes:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_staff_can_add_a_customer_and_the_database_assigns_the_referral_code(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:customers_customer_add"),
        {
            "mobile": "+919812345678",
            "full_name": "Meera Nair",
            "email": "",
            "status": "ACTIVE",
            "preferred_language": "ml",
            "signup_source": "SUPPORT",
            "cod_enabled": "on",
            **management_forms("addresses", "devices", "consents"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(mobile="+919812345678")
    assert customer.email is None
    assert len(customer.referral_code) == 8


def test_staff_can_open_a_ticket_and_the_database_numbers_it(client, superuser):
    client.force_login(superuser)
    customer = CustomerDeviceFactory().customer
    response = client.post(
        reverse("admin:customers_customerticket_add"),
        {
            "customer": customer.pk,
            "category": "PAYMENT",
            "sub_category_code": "PMT01",
            "channel": "PHONE",
            "priority": "2",
            "status": "OPEN",
            "subject": "Charged twice for one order",
            "first_response_due_at_0": "2030-01-01",
            "first_response_due_at_1": "10:00:00",
            "resolution_due_at_0": "2030-01-02",
            "resolution_due_at_1": "10:00:00",
            "reopen_count": "0",
            **management_forms("messages", "events"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = CustomerTicket.objects.get(customer=customer)
    assert ticket.ticket_number == f"TKT{ticket.pk:08d}"


def test_admin_form_reports_a_second_default_address(client, superuser):
    """The partial unique index is also checked by the form (full_clean)."""
    client.force_login(superuser)
    address = CustomerAddressFactory(is_default=True)
    other = CustomerAddressFactory(customer=address.customer)
    url = reverse("admin:customers_customeraddress_change", args=[other.pk])
    data = {
        field: getattr(other, field)
        for field in (
            "label",
            "house_number",
            "locality",
            "city",
            "state",
            "pincode",
            "latitude",
            "longitude",
        )
    }
    response = client.post(url, {**data, "customer": other.customer_id, "is_default": "on"})
    assert response.status_code == 200
    assert "already has a default address" in response.content.decode()


def ticket_form(customer, **fields):
    return {
        "customer": customer.pk,
        "category": "ITEM",
        "sub_category_code": "ITM02",
        "channel": "APP_CHAT",
        "priority": "3",
        "status": "OPEN",
        "subject": "Raita missing",
        "first_response_due_at_0": "2030-01-01",
        "first_response_due_at_1": "10:00:00",
        "resolution_due_at_0": "2030-01-02",
        "resolution_due_at_1": "10:00:00",
        "reopen_count": "0",
        **management_forms("messages", "events"),
        **fields,
    }


def test_ticket_form_asks_for_the_order_of_an_item_issue(client, superuser, order_of):
    client.force_login(superuser)
    customer = CustomerDeviceFactory().customer
    url = reverse("admin:customers_customerticket_add")

    response = client.post(url, ticket_form(customer))
    assert response.status_code == 200
    assert "An order, item or fulfilment issue names its order." in response.content.decode()

    order = order_of(customer, status="delivered")
    team = TeamFactory(team_type="SUPPORT_L1")
    response = client.post(url, ticket_form(customer, order=order.pk, team=team.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = CustomerTicket.objects.get(customer=customer)
    assert (ticket.order, ticket.team) == (order, team)

    page = client.get(reverse("admin:customers_customerticket_change", args=[ticket.pk]))
    assert order.order_number in page.content.decode()


def test_ticket_order_is_picked_by_its_order_number(client, superuser, order_of):
    """The order field autocompletes through the orders admin's exact search."""
    client.force_login(superuser)
    order = order_of(CustomerDeviceFactory().customer)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "customers",
            "model_name": "customerticket",
            "field_name": "order",
            "term": order.order_number,
        },
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(order.pk)]
