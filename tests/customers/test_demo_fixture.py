"""fixtures/004_customers_demo.json: loads into a fresh database, loading it
again changes nothing, and its wallets and loyalty accounts agree with their
(empty) ledgers."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command

from customers.factories import CustomerFactory, CustomerTicketFactory
from customers.models import Customer, CustomerLoyalty, CustomerTicket, CustomerWallet

pytestmark = pytest.mark.django_db

FIXTURE = "004_customers_demo"


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("customers").get_models()
    }


def test_loading_twice_changes_nothing():
    call_command("loaddata", FIXTURE, verbosity=0)
    first = snapshot()
    call_command("loaddata", FIXTURE, verbosity=0)
    assert snapshot() == first


def test_demo_data_is_browsable_and_consistent():
    call_command("loaddata", FIXTURE, verbosity=0)
    assert Customer.objects.count() >= 5
    customer = Customer.objects.get(mobile="+919876543210")
    assert customer.addresses.filter(is_default=True).count() == 1
    assert customer.wallet.balance == 0 and not customer.wallet.transactions.exists()
    assert customer.loyalty.points_balance == 0 and customer.loyalty.tier.code == "BRONZE"
    ticket = CustomerTicket.objects.get(ticket_number="TKT00000001")
    assert ticket.messages.count() == 3
    assert CustomerWallet.objects.count() == CustomerLoyalty.objects.count() == 5


def test_new_rows_after_the_demo_get_fresh_identifiers():
    call_command("loaddata", FIXTURE, verbosity=0)
    assert CustomerFactory().pk > 5
    assert CustomerTicketFactory().ticket_number != "TKT00000001"


def test_demo_wallets_take_credits_through_the_ledger():
    call_command("loaddata", FIXTURE, verbosity=0)
    wallet = CustomerWallet.objects.get(customer__mobile="+919845012345")
    wallet.credit("GOODWILL_CREDIT", Decimal("75.00"), source_type="TICKET", source_id="1")
    assert wallet.balance == Decimal("75.00")


def test_reloading_after_postings_keeps_the_ledger_balances():
    """``manage.py start`` reloads every seed: a demo wallet credited since
    keeps its ledger balance instead of failing on the seed's zero."""
    call_command("loaddata", FIXTURE, verbosity=0)
    wallet = CustomerWallet.objects.get(customer__mobile="+919876543210")
    wallet.credit("CASHBACK", Decimal("40.00"), source_type="ORDER", source_id="demo-1")
    loyalty = CustomerLoyalty.objects.get(customer=wallet.customer)
    loyalty.earn(300, source_type="ORDER", source_id="demo-1")

    call_command("loaddata", FIXTURE, verbosity=0)

    wallet.refresh_from_db()
    loyalty.refresh_from_db()
    assert wallet.balance == Decimal("40.00")
    assert (loyalty.points_balance, loyalty.lifetime_points) == (300, 300)
