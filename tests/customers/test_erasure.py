"""Erasure of a customer's or a rider's personal data (DPDP Act 2023 s.12):
which columns are cleared, which rows and columns the law keeps, the audit
trail keeping only masked values, and the refusals (fail closed)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from access_mgmt.factories import SystemUserFactory
from audit.models import CustomerAuditLog, RiderAuditLog
from customers.choices import CustomerStatus, DataRequestType
from customers.factories import CustomerAddressFactory, CustomerFactory
from customers.factories.consents import CustomerDataRequestFactory
from customers.factories.customers import CustomerDeviceFactory, CustomerSavedContactFactory
from customers.factories.safety import CustomerEmergencyContactFactory
from customers.models import (
    Customer,
    CustomerAddress,
    CustomerDataRequest,
    CustomerDevice,
    CustomerEmergencyContact,
    CustomerSavedContact,
)
from customers.services import ErasureRefused, erase_customer
from gatimitra.enums import OrderStatus
from orders.factories import FoodOrderFactory
from orders.models import Order
from riders import services as rider_services
from riders.choices import RiderStatus
from riders.factories import RiderFactory, RiderPayoutFactory
from riders.factories.riders import RiderDeviceFactory
from riders.models import Rider, RiderBankAccount, RiderPayout, RiderStatusHistory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return SystemUserFactory()


def _erasure_request(customer):
    return CustomerDataRequestFactory(
        customer=customer, request_type=DataRequestType.ERASURE, details="Delete my account."
    )


def test_erasing_a_customer_clears_the_person_and_keeps_what_law_requires(staff):
    customer = CustomerFactory(full_name="Asha Rao", date_of_birth=datetime.date(1990, 4, 2))
    address = CustomerAddressFactory(
        customer=customer, recipient_name="Asha", street="12th Main", landmark="Near the temple"
    )
    CustomerSavedContactFactory(customer=customer)
    CustomerEmergencyContactFactory(customer=customer)
    CustomerDeviceFactory(customer=customer, push_token="push-token-abc")
    order = FoodOrderFactory(customer=customer, status=OrderStatus.DELIVERED)
    request = _erasure_request(customer)

    erase_customer(customer, user=staff, request=request)

    erased = Customer.objects.get(pk=customer.pk)
    assert (erased.status, erased.mobile, erased.email, erased.full_name, erased.date_of_birth) == (
        CustomerStatus.ANONYMISED,
        None,
        None,
        "",
        None,
    )
    assert erased.anonymised_at is not None
    kept = CustomerAddress.objects.get(pk=address.pk)
    assert (kept.recipient_name, kept.street, kept.landmark, kept.house_number) == (
        "",
        "",
        "",
        "ERASED",
    )
    # Kept: the place of supply and the zone (GST), a pin to about a kilometre.
    assert (kept.city, kept.state, kept.pincode, kept.zone_id) == (
        address.city,
        address.state,
        address.pincode,
        address.zone_id,
    )
    assert kept.latitude == round(Decimal(str(address.latitude)), 2)
    assert not CustomerSavedContact.objects.filter(customer=customer).exists()
    assert not CustomerEmergencyContact.objects.filter(customer=customer).exists()
    assert CustomerDevice.objects.get(customer=customer).push_token == ""
    # Kept: the order (and through it its invoices and payments).
    assert Order.objects.filter(pk=order.pk, customer=customer).exists()
    resolved = CustomerDataRequest.objects.get(pk=request.pk)
    assert (resolved.status, resolved.outcome, resolved.handled_by) == (
        "RESOLVED",
        "FULFILLED",
        staff,
    )
    # The audit trail names the request and holds the erased values only masked.
    entries = CustomerAuditLog.objects.filter(request_id=f"erasure {request.request_number}")
    assert entries.filter(table_name="customers", row_pk=str(customer.pk)).exists()
    written = json.dumps([entry.changes for entry in entries])
    for personal in ("Asha Rao", "1990-04-02", "12th Main", "Near the temple"):
        assert personal not in written


def test_customer_erasure_fails_closed(staff):
    customer = CustomerFactory()
    access = CustomerDataRequestFactory(customer=customer)
    with pytest.raises(ErasureRefused, match="not ERASURE"):
        erase_customer(customer, user=staff, request=access)
    with pytest.raises(ErasureRefused, match="own erasure request"):
        erase_customer(customer, user=staff, request=_erasure_request(CustomerFactory()))
    with pytest.raises(ErasureRefused, match="active staff user"):
        erase_customer(customer, user=None, request=_erasure_request(customer))
    FoodOrderFactory(customer=customer, status=OrderStatus.PREPARING)
    with pytest.raises(ErasureRefused, match="in progress"):
        erase_customer(customer, user=staff, request=_erasure_request(customer))
    assert Customer.objects.get(pk=customer.pk).status == CustomerStatus.ACTIVE


def test_the_database_refuses_a_half_anonymised_customer():
    from django.db import IntegrityError, transaction

    customer = CustomerFactory()
    with (
        pytest.raises(IntegrityError, match="customers_anonymised_without_pii"),
        transaction.atomic(),
    ):
        Customer.objects.filter(pk=customer.pk).update(
            status=CustomerStatus.ANONYMISED, anonymised_at=timezone.now()
        )


# Riders ------------------------------------------------------------------------------------


def _offboarded_rider():
    rider = RiderFactory(
        full_name="Ravi Kumar",
        date_of_birth=datetime.date(1992, 7, 9),
        eshram_uan="123456789012",
    )
    Rider.objects.filter(pk=rider.pk).update(status=RiderStatus.OFFBOARDED)
    rider.refresh_from_db()
    return rider


def test_erasing_a_rider_clears_the_person_and_keeps_payouts_and_tds(staff):
    rider = _offboarded_rider()
    payout = RiderPayoutFactory(
        rider=rider,
        tds_section="194C",
        tds_rate_percent=Decimal("1.00"),
        tds_base_amount=Decimal("2150.00"),
        tds_amount=Decimal("21.50"),
    )
    RiderDeviceFactory(rider=rider, push_token="push-1")

    rider_services.erase_rider(rider, user=staff, reason="Rider asked to delete the account.")

    erased = Rider.objects.get(pk=rider.pk)
    assert (erased.full_name, erased.mobile, erased.date_of_birth, erased.eshram_uan) == (
        "",
        None,
        None,
        None,
    )
    assert erased.anonymised_at is not None and erased.status == RiderStatus.OFFBOARDED
    account = RiderBankAccount.objects.get(pk=payout.bank_account_id)
    assert account.account_holder_name == "ERASED"
    assert account.account_number_masked == payout.bank_account.account_number_masked
    assert rider.devices.get().push_token is None
    kept = RiderPayout.objects.get(pk=payout.pk)
    assert (kept.amount, kept.tds_section, kept.tds_amount) == (
        payout.amount,
        "194C",
        Decimal("21.50"),
    )
    note = RiderStatusHistory.objects.filter(rider=rider).latest("id")
    assert note.reason.endswith("Rider asked to delete the account.") and note.actor == staff
    written = json.dumps(
        [e.changes for e in RiderAuditLog.objects.filter(request_id=f"erasure rider {rider.pk}")]
    )
    assert written != "[]"
    for personal in ("Ravi Kumar", "1992-07-09", "123456789012"):
        assert personal not in written


def test_rider_erasure_fails_closed(staff):
    active = RiderFactory()
    with pytest.raises(rider_services.ErasureRefused, match="offboard them first"):
        rider_services.erase_rider(active, user=staff, reason="asked")
    rider = _offboarded_rider()
    with pytest.raises(rider_services.ErasureRefused, match="Say why"):
        rider_services.erase_rider(rider, user=staff, reason=" ")
    assert Rider.objects.get(pk=rider.pk).full_name == "Ravi Kumar"


def test_the_command_runs_the_same_flows(staff):
    customer = CustomerFactory()
    request = _erasure_request(customer)
    with pytest.raises(CommandError, match="No active staff user"):
        call_command("erase_personal_data", customer=customer.pk, request="X", by="nobody@x.in")
    with pytest.raises(CommandError, match="give --request"):
        call_command("erase_personal_data", customer=customer.pk, by=staff.email)
    call_command(
        "erase_personal_data", customer=customer.pk, request=request.request_number, by=staff.email
    )
    assert Customer.objects.get(pk=customer.pk).status == CustomerStatus.ANONYMISED
    rider = _offboarded_rider()
    with pytest.raises(CommandError, match="Say why"):
        call_command("erase_personal_data", rider=rider.pk, by=staff.email)
    call_command("erase_personal_data", rider=rider.pk, reason="Account closed", by=staff.email)
    assert Rider.objects.get(pk=rider.pk).anonymised_at is not None
