from decimal import Decimal

import factory
from django.db.models import Sum
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.db.validators import make_gstin
from gatimitra.enums import InvoiceType, OrderStatus, ServiceType
from orders.choices import CancellationActor, SettlementStatus
from orders.factories.orders import OrderFactory
from orders.models import (
    CancellationReason,
    InvoiceSeriesCounter,
    OrderCancellation,
    OrderInvoice,
    OrderSettlement,
)


def accepted_assignment(order):
    """The last assignment of ``order`` its rider accepted (who earns for it)."""
    return order.rider_assignments.filter(accepted_at__isnull=False).order_by("-id").first()


def order_charges(order, *charge_types):
    """The sum of ``order``'s charges of those types."""
    total = order.charges.filter(charge_type__in=charge_types).aggregate(total=Sum("amount"))
    return total["total"] or Decimal("0.00")


def merchant_sales(order):
    """What the merchant sold in ``order`` (items and packaging): a
    settlement splits it into the receivable, commission, GST on it, TCS and
    TDS (``order_settlements_merchant_split``)."""
    return order_charges(order, "ITEM_TOTAL", "PACKAGING_FEE")


def earning_for(assignment, **kwargs):
    """The rider's earning for an accepted assignment, naming its order and
    the assignment."""
    # Imported here: factories import no other app's factories at module level.
    from riders.factories import RiderOrderEarningFactory

    return RiderOrderEarningFactory(
        rider=assignment.rider,
        service_type=assignment.order.service_type,
        order=assignment.order,
        assignment=assignment,
        **kwargs,
    )


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
    # The cancellation is written with (or before) the order's move to cancelled.
    cancelled_at = factory.LazyAttribute(lambda o: o.order.cancelled_at or timezone.now())

    class Meta:
        model = OrderCancellation


class OrderInvoiceFactory(DjangoModelFactory):
    """The platform's s.9(5) tax invoice for a delivered FOOD order."""

    order = factory.SubFactory(OrderFactory, status=OrderStatus.DELIVERED)
    invoice_type = InvoiceType.TAX_INVOICE
    issuer = "PLATFORM_ECO"
    series = "GMF26"
    # invoice_number, serial and financial_year: the database assigns them.
    issued_at = factory.LazyFunction(timezone.now)
    supplier_gstin = make_gstin("29", "AAACG1234A")
    place_of_supply = "29"
    hsn_sac = "996331"
    taxable_value = Decimal("200.00")
    cgst = Decimal("5.00")
    sgst = Decimal("5.00")
    total = Decimal("210.00")

    class Meta:
        model = OrderInvoice


class OrderSettlementFactory(DjangoModelFactory):
    """The pending settlement of a delivered order, with the earning of the
    rider who delivered it (no payout yet: that comes with the cycle)."""

    order = factory.SubFactory(
        OrderFactory, status=OrderStatus.DELIVERED, with_earning=False, with_settlement=False
    )
    status = SettlementStatus.PENDING
    collected_amount = factory.SelfAttribute("order.total")
    merchant_receivable = factory.LazyAttribute(
        lambda o: merchant_sales(o.order) - o.platform_commission - o.gst_on_commission
    )
    rider_earning = Decimal("35.00")
    earning = factory.Maybe(
        factory.LazyAttribute(lambda o: accepted_assignment(o.order) is not None),
        yes_declaration=factory.SubFactory(
            "riders.factories.RiderOrderEarningFactory",
            rider=factory.LazyAttribute(
                lambda e: accepted_assignment(e.factory_parent.order).rider
            ),
            service_type=factory.SelfAttribute("..order.service_type"),
            base_pay=factory.SelfAttribute("..rider_earning"),
            distance_pay=Decimal("0.00"),
            wait_pay=Decimal("0.00"),
            tip=Decimal("0.00"),
            # The earning names the settlement's order and its accepted assignment.
            order=factory.SelfAttribute("..order"),
            assignment=factory.LazyAttribute(lambda e: accepted_assignment(e.factory_parent.order)),
        ),
        no_declaration=None,
    )
    platform_commission = factory.LazyAttribute(
        lambda o: (merchant_sales(o.order) * Decimal("0.18")).quantize(Decimal("0.01"))
    )
    gst_on_commission = factory.LazyAttribute(
        lambda o: (o.platform_commission * Decimal("0.18")).quantize(Decimal("0.01"))
    )
    gst_payable_by_platform = factory.LazyAttribute(lambda o: order_charges(o.order, "GST"))

    class Meta:
        model = OrderSettlement


class InvoiceSeriesCounterFactory(DjangoModelFactory):
    """The counter an invoice's issue leaves behind."""

    class Meta:
        model = InvoiceSeriesCounter

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invoice = OrderInvoiceFactory()
        return model_class.objects.get(
            document_table="order_invoices",
            issuer=invoice.supplier_gstin,
            series=invoice.series,
            financial_year=invoice.financial_year,
        )
