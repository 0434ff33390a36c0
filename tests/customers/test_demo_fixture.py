"""fixtures/004_customers_demo.json: loads into a fresh database (with the
orders reference seed its addresses' zones come from), loading it again
changes nothing, its wallets and loyalty accounts agree with their (empty)
ledgers, and it loads with every other seed in one call, as ``manage.py
start`` loads them."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from customers.factories import CustomerFactory, CustomerTicketFactory
from customers.models import (
    Customer,
    CustomerAddress,
    CustomerLoyalty,
    CustomerTicket,
    CustomerWallet,
)

pytestmark = pytest.mark.django_db

#: The demo and the seed it points into (service zones of addresses).
FIXTURES = ("005_orders_reference", "004_customers_demo")
CUSTOMERS_MODELS = list(apps.get_app_config("customers").get_models())


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in CUSTOMERS_MODELS
    }


def load(*fixtures):
    call_command("loaddata", *(fixtures or FIXTURES), verbosity=0)


def test_loading_twice_changes_nothing():
    load()
    first = snapshot()
    load()
    assert snapshot() == first


def test_demo_data_is_browsable_and_consistent():
    load()
    assert Customer.objects.count() >= 5
    customer = Customer.objects.get(mobile="+919876543210")
    assert customer.addresses.filter(is_default=True).count() == 1
    assert customer.wallet.balance == 0 and not customer.wallet.transactions.exists()
    assert customer.loyalty.points_balance == 0 and customer.loyalty.tier.code == "BRONZE"
    ticket = CustomerTicket.objects.get(ticket_number="TKT00000001")
    assert ticket.messages.count() == 3
    assert ticket.order is None  # a payment issue with no order placed
    assert CustomerWallet.objects.count() == CustomerLoyalty.objects.count() == 5


def test_new_rows_after_the_demo_get_fresh_identifiers():
    load()
    assert CustomerFactory().pk > 5
    assert CustomerTicketFactory().ticket_number != "TKT00000001"


def test_demo_wallets_take_credits_through_the_ledger():
    load()
    wallet = CustomerWallet.objects.get(customer__mobile="+919845012345")
    wallet.credit("GOODWILL_CREDIT", Decimal("75.00"), source_type="TICKET", source_id="1")
    assert wallet.balance == Decimal("75.00")


def test_reloading_after_postings_keeps_the_ledger_balances():
    """``manage.py start`` reloads every seed: a demo wallet credited since
    keeps its ledger balance instead of failing on the seed's zero."""
    load()
    wallet = CustomerWallet.objects.get(customer__mobile="+919876543210")
    wallet.credit("CASHBACK", Decimal("40.00"), source_type="ORDER", source_id="demo-1")
    loyalty = CustomerLoyalty.objects.get(customer=wallet.customer)
    loyalty.earn(300, source_type="ORDER", source_id="demo-1")

    load()

    wallet.refresh_from_db()
    loyalty.refresh_from_db()
    assert wallet.balance == Decimal("40.00")
    assert (loyalty.points_balance, loyalty.lifetime_points) == (300, 300)


def test_addresses_carry_the_zone_their_pin_falls_in():
    load()
    zones = dict(CustomerAddress.objects.values_list("locality", "zone__code"))
    assert zones["Koramangala 5th Block"] == "KORAMANGALA"
    assert zones["Andheri West"] == "ANDHERI_WEST"
    assert zones["Gachibowli"] == "GACHIBOWLI"
    assert zones["Kothrud"] is None  # outside every zone


def test_every_seed_loads_together_and_reloading_changes_nothing(run_deferred_checks):
    """As ``manage.py start`` does: every seed in one loaddata call."""
    seeds = sorted(str(path) for path in Path(settings.BASE_DIR, "fixtures").glob("*.json"))
    load(*seeds)
    run_deferred_checks()
    first = snapshot()
    load(*seeds)
    run_deferred_checks()
    assert snapshot() == first
