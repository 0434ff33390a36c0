"""Flows on a customer's personal data that staff run: erasure under the
DPDP Act 2023 s.12 (a data principal's right to erasure), recorded against
the customer's own erasure request.

Erasure anonymises, it never deletes what the law keeps: orders, invoices
(CGST Act 2017 s.36 and Rule 56: 72 months), payments and refunds, wallet
and loyalty ledgers (money), consents (proof that processing was lawful,
DPDP Rules 2025) and the audit trail (which holds personal columns only
masked and hashed, audit/tracked.py). The customer row stays, as the
target of those references."""

from django.db import transaction
from django.utils import timezone

from audit.context import acting_as
from customers.choices import CustomerStatus, DataRequestType
from customers.models import (
    Customer,
    CustomerAddress,
    CustomerDataRequest,
    CustomerDevice,
    CustomerEmergencyContact,
    CustomerSavedContact,
)
from gatimitra.enums import OrderStatus

#: Address columns kept after erasure: where a supply went (GST place of
#: supply, CGST s.12 / IGST s.10) and the zone. Cleared: who and exactly where.
ADDRESS_KEPT = ("locality", "city", "state", "pincode", "zone")
#: An address pin is kept to two decimals (about a kilometre): enough for the
#: zone, not the house.
PIN_DECIMALS = 2
ERASED = "ERASED"

_OPEN_ORDER_STATUSES = [
    status
    for status in OrderStatus.values
    if status not in {"completed", "delivered", "cancelled", "rto_delivered"}
]


class ErasureRefused(Exception):
    """Erasure cannot run; the message says why and that nothing changed."""


def erase_customer(customer, *, user, request):
    """Anonymise ``customer`` for their ERASURE ``request``
    (``customers.customer_data_requests``), as staff ``user``: the profile,
    addresses, saved and emergency contacts, device push tokens; the request
    is resolved FULFILLED. Refused (nothing changed) without staff, for
    another customer's or another kind of request, for a request already
    resolved, or while the customer has an order in progress."""
    if user is None or not getattr(user, "is_active", False):
        raise ErasureRefused("Erasure is run by an active staff user: nothing was erased.")
    if request is None or request.customer_id != customer.pk:
        raise ErasureRefused(
            f"Erasure needs customer {customer.pk}'s own erasure request: nothing was erased."
        )
    if request.request_type != DataRequestType.ERASURE:
        raise ErasureRefused(
            f"{request.request_number} is a {request.request_type} request, not ERASURE: "
            "nothing was erased."
        )
    if request.resolved_at is not None:
        raise ErasureRefused(f"{request.request_number} is already resolved: nothing was erased.")
    with transaction.atomic(), acting_as(user, request_id=f"erasure {request.request_number}"):
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        if locked.status == CustomerStatus.ANONYMISED:
            raise ErasureRefused(f"Customer {locked.pk} is already anonymised.")
        open_orders = locked.orders.filter(status__in=_OPEN_ORDER_STATUSES).count()
        if open_orders:
            raise ErasureRefused(
                f"Customer {locked.pk} has {open_orders} order(s) in progress: finish or cancel "
                "them first. Nothing was erased."
            )
        for address in CustomerAddress.objects.filter(customer=locked):
            address.label_name = ""
            address.recipient_name = ""
            address.recipient_mobile = None
            address.house_number = ERASED
            address.building_name = ""
            address.floor = ""
            address.street = ""
            address.landmark = ""
            address.delivery_instructions = ""
            address.latitude = round(address.latitude, PIN_DECIMALS)
            address.longitude = round(address.longitude, PIN_DECIMALS)
            address.is_default = False
            address.archived_at = address.archived_at or timezone.now()
            address.save()
        CustomerSavedContact.objects.filter(customer=locked).delete()
        CustomerEmergencyContact.objects.filter(customer=locked).delete()
        CustomerDevice.objects.filter(customer=locked).update(push_token="")
        locked.anonymise()
        CustomerDataRequest.objects.filter(pk=request.pk).update(
            status="RESOLVED",
            resolved_at=timezone.now(),
            handled_by=user,
            outcome="FULFILLED",
            outcome_notes="Personal data anonymised; orders, invoices, ledgers, consents "
            "and the audit trail kept as the law requires.",
        )
    return locked
