from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.enums import LedgerEntryDirection, OfferType, PaymentMethod, PaymentStatus
from orders.choices import ChargeType, PaymentEventType, RefundStatus
from orders.factories.orders import OrderFactory
from orders.models import OrderCharge, OrderDiscount, OrderPayment, OrderPaymentEvent, OrderRefund


class OrderChargeFactory(DjangoModelFactory):
    """A bill line; standalone it adds a tip to a complete order and updates
    the order's totals so they still match its charges."""

    order = factory.SubFactory(OrderFactory)
    charge_type = ChargeType.TIP
    direction = LedgerEntryDirection.DEBIT
    amount = Decimal("20.00")
    description = "Tip for the rider"
    payer = "CUSTOMER"
    beneficiary = "RIDER"

    class Meta:
        model = OrderCharge
        skip_postgeneration_save = True

    @factory.post_generation
    def refresh_order_totals(obj, create, extracted, **kwargs):
        # OrderFactory passes False: it sets the totals once, after every line.
        if create and extracted is not False:
            obj.order.apply_charge_totals()


class OrderDiscountFactory(DjangoModelFactory):
    order = factory.SubFactory(OrderFactory)
    offer_type = OfferType.FLAT_OFF
    code = "WELCOME50"
    description = "Flat Rs 50 off on the first order"
    amount = Decimal("50.00")
    merchant_share = Decimal("20.00")
    platform_share = Decimal("30.00")

    class Meta:
        model = OrderDiscount


class OrderPaymentFactory(DjangoModelFactory):
    """A captured UPI payment of the order's total."""

    order = factory.SubFactory(OrderFactory, with_payment=False)
    method = PaymentMethod.UPI
    gateway = "RAZORPAY"
    status = PaymentStatus.CAPTURED
    amount = factory.SelfAttribute("order.total")
    idempotency_key = factory.Sequence(lambda n: f"pay-attempt-{n:08d}")
    gateway_order_id = factory.Sequence(lambda n: f"order_{n:012d}")
    gateway_payment_id = factory.Sequence(lambda n: f"pay_{n:012d}")
    authorized_at = factory.LazyFunction(timezone.now)
    captured_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = OrderPayment


class OrderPaymentEventFactory(DjangoModelFactory):
    payment = factory.SubFactory(OrderPaymentFactory)
    event_type = PaymentEventType.CAPTURED
    gateway_event_id = factory.Sequence(lambda n: f"evt_{n:012d}")
    amount = factory.SelfAttribute("payment.amount")
    signature_verified = True
    occurred_at = factory.LazyFunction(timezone.now)
    payload = factory.LazyAttribute(
        lambda o: {"event": "payment.captured", "payment_id": o.payment.gateway_payment_id}
    )

    class Meta:
        model = OrderPaymentEvent


class OrderRefundFactory(DjangoModelFactory):
    """A partial refund (at most Rs 50) of a captured payment."""

    payment = factory.SubFactory(OrderPaymentFactory)
    order = factory.SelfAttribute("payment.order")
    status = RefundStatus.REQUESTED
    destination = "SOURCE"
    amount = factory.LazyAttribute(lambda o: min(Decimal("50.00"), o.payment.amount))
    reason_code = "ITEM_MISSING"
    reason = "One item was missing from the bag."
    idempotency_key = factory.Sequence(lambda n: f"refund-{n:08d}")
    requested_by = factory.SubFactory("access_mgmt.factories.SystemUserFactory")

    class Meta:
        model = OrderRefund
