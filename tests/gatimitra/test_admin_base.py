"""What the shared admin base (gatimitra/admin.py) does for every domain
admin: its search rules and its paginator."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access_mgmt.factories import LoginAttemptFactory
from access_mgmt.models import LoginAttempt
from customers.factories import CustomerFactory, CustomerTicketFactory
from customers.models import Customer, CustomerTicket
from gatimitra import admin as base
from orders.factories import OrderFactory
from orders.models import Order

pytestmark = pytest.mark.django_db


def search(model, term, rf, user):
    model_admin = admin.site._registry[model]
    request = rf.get("/", {"q": term})
    request.user = user
    queryset, duplicates = model_admin.get_search_results(
        request, model._default_manager.all(), term
    )
    assert duplicates is False
    return queryset


def test_exact_fields_match_as_typed_or_upper_cased(rf, superuser):
    order = OrderFactory()
    assert order.order_number == order.order_number.upper()
    for term in (order.order_number, order.order_number.lower(), f"  {order.order_number} "):
        assert list(search(Order, term, rf, superuser)) == [order]
    sql = str(search(Order, order.order_number.lower(), rf, superuser).query)
    assert "UPPER(" not in sql  # a plain btree lookup, not Django's iexact


def test_a_term_the_column_cannot_hold_skips_the_column(rf, superuser):
    order = OrderFactory()
    # "=id": a number also finds the order by id; a word skips the id column.
    assert list(search(Order, str(order.pk), rf, superuser)) == [order]
    assert list(search(Order, "no-such-order", rf, superuser)) == []


def test_every_word_must_match_some_field(rf, superuser):
    customer = CustomerFactory(full_name="Priya Raman")
    CustomerFactory(full_name="Priya Sharma")
    assert list(search(Customer, "raman priya", rf, superuser)) == [customer]
    assert list(search(Customer, f"priya {customer.mobile[-6:]}", rf, superuser)) == [customer]


def test_fields_in_other_tables_are_unioned(rf, superuser):
    ticket = CustomerTicketFactory()
    CustomerTicketFactory()
    queryset = search(CustomerTicket, ticket.customer.mobile[-7:], rf, superuser)
    assert list(queryset) == [ticket]
    # One lookup per field, each able to use its own index; no OR across tables.
    assert " UNION " in str(queryset.query)


def test_a_low_cardinality_index_lead_is_named(rf, superuser):
    attempt = LoginAttemptFactory(principal_id=424242)
    LoginAttemptFactory()
    queryset = search(LoginAttempt, "424242", rf, superuser)
    assert list(queryset) == [attempt]
    # Makes (principal_type, principal_id, created_at) usable for the id alone.
    assert '"principal_type" IN (' in str(queryset.query)


def _count(model, rf, user, **params):
    request = rf.get("/", params)
    request.user = user
    model_admin = admin.site._registry[model]
    with CaptureQueriesContext(connection) as queries:
        changelist = model_admin.get_changelist_instance(request)
    return changelist.result_count, [q["sql"] for q in queries.captured_queries]


def test_an_unfiltered_big_list_shows_the_planner_estimate(rf, superuser, monkeypatch):
    CustomerFactory.create_batch(3)
    monkeypatch.setattr(base, "EXACT_COUNT_LIMIT", 0)  # every table is "big"
    count, queries = _count(Customer, rf, superuser)
    assert not [sql for sql in queries if "COUNT(" in sql.upper()]
    assert [sql for sql in queries if sql.startswith("EXPLAIN")]
    assert count >= 1  # whatever the planner guesses for a never-analyzed table


def test_a_small_list_is_counted_exactly(rf, superuser):
    CustomerFactory.create_batch(3)
    count, _ = _count(Customer, rf, superuser)
    assert count == 3


def test_a_filtered_list_is_counted_up_to_the_cap(rf, superuser, monkeypatch):
    CustomerFactory.create_batch(3, cod_enabled=True)
    monkeypatch.setattr(base, "COUNT_CAP", 2)
    count, queries = _count(Customer, rf, superuser, cod_enabled__exact="1")
    assert count == 2
    assert [sql for sql in queries if "COUNT(" in sql.upper() and "LIMIT 2" in sql]
