from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import InvoiceType, OrderStatus, ServiceType
from orders.choices import CancellationActor, SettlementStatus
from orders.factories.orders import OrderFactory
from orders.models import CancellationReason, OrderCancellation, OrderInvoice, OrderSettlement


class CancellationReasonFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"CUSTOMER_CHANGED_MIND_{n}")
    service_type = ServiceType.FOOD
    actor = CancellationActor.CUSTOMER
    title = "Changed my mind"
    description = "The customer no longer wants the order."
    fee_statuses = factory.LazyFunction(
        lambda: [OrderStatus.PREPARING, OrderStatus.READY_FOR_PICKUP]
    )
    fee_percent = Decimal("50.00")
    fee_cap = Decimal("150.00")
    cost_borne_by = "CUSTOMER"

    class Meta:
        model = CancellationReason
        django_get_or_create = ("code",)


class OrderCancellationFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, status=OrderStatus.CANCELLED)
    reason = factory.SubFactory(CancellationReasonFactory)
    actor = CancellationActor.CUSTOMER
    status_at_cancel = OrderStatus.CONFIRMED
    fee = Decimal("0.00")
    cost_borne_by = "PLATFORM"
    note = "Cancelled before the kitchen started."
    cancelled_at = factory.SelfAttribute("order.cancelled_at")

    class Meta:
        model = OrderCancellation


class OrderInvoiceFactory(DjangoModelFactory):
    """The platform's s.9(5) tax invoice for a delivered FOOD order."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.DELIVERED)
    invoice_type = InvoiceType.TAX_INVOICE
    issuer = "PLATFORM_ECO"
    series = "GMF26"
    invoice_number = factory.Sequence(lambda n: f"F{n:08d}")
    issued_at = factory.LazyFunction(timezone.now)
    supplier_gstin = "29AAACG1234A1Z5"
    place_of_supply = "29"
    hsn_sac = "996331"
    taxable_value = Decimal("200.00")
    cgst = Decimal("5.00")
    sgst = Decimal("5.00")
    total = Decimal("210.00")

    class Meta:
        model = OrderInvoice


class OrderSettlementFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory, status=OrderStatus.DELIVERED)
    status = SettlementStatus.PENDING
    collected_amount = factory.SelfAttribute("order.total")
    merchant_receivable = factory.LazyAttribute(lambda o: o.order.subtotal - o.order.fees)
    rider_earning = Decimal("35.00")
    platform_commission = factory.LazyAttribute(
        lambda o: (o.merchant_receivable * Decimal("0.18")).quantize(Decimal("0.01"))
    )
    gst_on_commission = factory.LazyAttribute(
        lambda o: (o.platform_commission * Decimal("0.18")).quantize(Decimal("0.01"))
    )
    gst_payable_by_platform = factory.SelfAttribute("order.tax")

    class Meta:
        model = OrderSettlement
