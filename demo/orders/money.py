"""An order's money: its bill (``orders.pricing`` fees and GST,
``orders.charges`` totals), discounts, payment with its events, and
refunds."""

from datetime import timedelta
from decimal import Decimal

from customers.choices import CustomerWalletTxnType
from customers.models import CustomerWalletTransaction
from demo.customers import wallet_txn
from demo.orders.common import GATEWAYS, ONLINE_METHODS, ZERO
from demo.rng import money
from gatimitra.enums import (
    LedgerEntryDirection,
    OfferType,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    ServiceType,
)
from orders import charges, pricing
from orders.choices import (
    ChargeType,
    PaymentEventType,
    PaymentFailureCode,
    RefundReason,
    RefundStatus,
)
from orders.models import (
    OrderCharge,
    OrderDiscount,
    OrderPayment,
    OrderPaymentEvent,
    OrderRefund,
)


class OrderMoney:
    """Mixed into ``OrderGenerator``: the bill, payment and refunds of one order."""

    # Money ------------------------------------------------------------------------------

    def bill(self, batch, ctx):
        rng = self.rng
        order, service = ctx["order"], ctx["order"]["service_type"]
        lines = []

        def line(
            kind,
            amount,
            description,
            payer="CUSTOMER",
            beneficiary="PLATFORM",
            direction=None,
            rate=None,
        ):
            amount = money(amount)
            if amount <= 0:
                return
            direction = direction or (
                LedgerEntryDirection.CREDIT
                if kind == ChargeType.DISCOUNT
                else LedgerEntryDirection.DEBIT
            )
            lines.append((kind, direction, amount, description, payer, beneficiary, rate))

        if service == ServiceType.FOOD:
            items, packaging = ctx["items_total"], ctx["packaging"]
            line(ChargeType.ITEM_TOTAL, items, "Item total", beneficiary="MERCHANT")
            line(ChargeType.PACKAGING_FEE, packaging, "Packaging", beneficiary="MERCHANT")
            delivery = pricing.food_delivery_fee(ctx["distance"])
            if ctx["customer"].id in self.inputs.subscribers and items >= 199:
                delivery = ZERO
            line(ChargeType.DELIVERY_FEE, delivery, "Delivery fee")
            line(ChargeType.PLATFORM_FEE, pricing.FOOD_PLATFORM_FEE, "Platform fee")
            if items < pricing.SMALL_CART_BELOW:
                line(ChargeType.SMALL_CART_FEE, pricing.SMALL_CART_FEE, "Small cart fee")
            if 19 <= ctx["placed"].hour <= 22 and rng.chance(0.15):
                line(ChargeType.SURGE_FEE, Decimal("10.00"), "High demand fee")
            fees = sum(
                (
                    amt
                    for kind, _d, amt, *_ in lines
                    if kind not in (ChargeType.ITEM_TOTAL, ChargeType.PACKAGING_FEE)
                ),
                ZERO,
            )
            gst = pricing.food_gst(items + packaging, fees)
            line(ChargeType.GST, gst, description="GST", beneficiary="GOVERNMENT")
            discount = self.discount(batch, ctx, items)
            if discount:
                line(ChargeType.DISCOUNT, **discount, beneficiary="CUSTOMER")
        elif service == ServiceType.PARCEL:
            fee = pricing.parcel_delivery_fee(ctx["distance"])
            line(ChargeType.DELIVERY_FEE, fee, "Delivery fee")
            if ctx["distance"] > pricing.LONG_DISTANCE_FROM_M:
                line(ChargeType.LONG_DISTANCE_FEE, pricing.LONG_DISTANCE_FEE, "Long distance fee")
            line(ChargeType.PLATFORM_FEE, pricing.PARCEL_PLATFORM_FEE, "Platform fee")
            fees = sum((amt for _k, _d, amt, *_ in lines), ZERO)
            line(
                ChargeType.GST,
                pricing.percent(fees, pricing.SERVICE_GST_RATE),
                description="GST",
                beneficiary="GOVERNMENT",
            )
            discount = self.discount(batch, ctx, fee)
            if discount:
                line(ChargeType.DISCOUNT, **discount, beneficiary="CUSTOMER")
        else:
            line(ChargeType.DELIVERY_FEE, ctx["fare"], "Trip fare", beneficiary="RIDER")
            line(ChargeType.PLATFORM_FEE, ctx["policy"]["platform_fee"], "Platform fee")
            if ctx["status"] == OrderStatus.COMPLETED and rng.chance(0.2):
                minutes = rng.randrange(1, 8)
                ctx["ride"]["waiting_minutes"] = minutes + int(
                    ctx["policy"]["free_waiting_minutes"]
                )
                line(
                    ChargeType.WAITING_CHARGE,
                    Decimal("1.50") * minutes,
                    "Waiting charge",
                    beneficiary="RIDER",
                )
            fare = sum((amt for _k, _d, amt, *_ in lines), ZERO)
            line(
                ChargeType.GST,
                pricing.percent(fare, ctx["policy"]["gst_rate_percent"]),
                description="GST",
                beneficiary="GOVERNMENT",
                rate=ctx["policy"]["gst_rate_percent"],
            )
            discount = self.discount(batch, ctx, ctx["fare"])
            if discount:
                line(ChargeType.DISCOUNT, **discount, beneficiary="CUSTOMER")
        if (
            ctx["status"] in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
            and service != ServiceType.PARCEL
            and rng.chance(0.12)
        ):
            line(
                ChargeType.TIP,
                rng.choice(
                    (Decimal("10.00"), Decimal("20.00"), Decimal("30.00"), Decimal("50.00"))
                ),
                "Tip for the rider",
                beneficiary="RIDER",
            )
        signed = sum(
            (charges.signed(kind, direction, amount) for kind, direction, amount, *_ in lines), ZERO
        )
        rounding = pricing.round_off(signed)
        if rounding:
            direction, amount = rounding
            line(ChargeType.ROUND_OFF, amount, "Round off", direction=direction)
        for kind, direction, amount, description, payer, beneficiary, rate in lines:
            batch.add(
                OrderCharge,
                {
                    "id": self.demo.next_id(OrderCharge),
                    "order_id": order["id"],
                    "charge_type": kind,
                    "direction": direction,
                    "amount": amount,
                    "description": description,
                    "rate_percent": rate,
                    "payer": payer,
                    "beneficiary": beneficiary,
                    "created_at": ctx["placed"],
                },
            )
        ctx["totals"] = charges.totals(
            (kind, direction, amount) for kind, direction, amount, *_ in lines
        )
        ctx["tip"] = next(
            (amount for kind, _d, amount, *_ in lines if kind == ChargeType.TIP), ZERO
        )
        ctx["fees"] = {kind: amount for kind, _d, amount, *_ in lines}

    def discount(self, batch, ctx, base):
        """A coupon or the store's offer: the discount line's ``amount``,
        ``description`` and ``payer``, or None."""
        rng = self.rng
        service, order = ctx["order"]["service_type"], ctx["order"]
        store = ctx.get("store")
        if (
            store is not None
            and store.offer
            and base >= store.offer["min_order_value"]
            and rng.chance(0.3)
        ):
            offer = store.offer
            amount = (
                offer["flat_discount"]
                if offer["offer_type"] == OfferType.FLAT_OFF
                else min(pricing.percent(base, offer["discount_percent"]), offer["max_discount"])
            )
            batch.add(
                OrderDiscount,
                {
                    "id": self.demo.next_id(OrderDiscount),
                    "order_id": order["id"],
                    "offer_type": offer["offer_type"],
                    "code": offer["code"],
                    "description": offer["title"],
                    "amount": amount,
                    "merchant_share": amount,
                    "platform_share": ZERO,
                    "merchant_offer_id": offer["id"],
                    "created_at": ctx["placed"],
                },
            )
            return {"amount": amount, "description": offer["title"], "payer": "MERCHANT"}
        coupon = self.inputs.coupons.get(service)
        if coupon and base >= coupon["min_order_value"] and rng.chance(0.12):
            amount = (
                coupon["flat_amount"]
                if coupon["offer_type"] == OfferType.FLAT_OFF
                else min(pricing.percent(base, coupon["discount_percent"]), coupon["max_discount"])
            )
            amount = min(amount, base)
            batch.add(
                OrderDiscount,
                {
                    "id": self.demo.next_id(OrderDiscount),
                    "order_id": order["id"],
                    "offer_type": coupon["offer_type"],
                    "code": coupon["code"],
                    "description": coupon["title"],
                    "amount": amount,
                    "merchant_share": ZERO,
                    "platform_share": amount,
                    "coupon_id": coupon["id"],
                    "created_at": ctx["placed"],
                },
            )
            return {
                "amount": amount,
                "description": f"Coupon {coupon['code']}",
                "payer": "PLATFORM",
            }
        return None

    def pay(self, batch, ctx):
        rng = self.rng
        order, customer, status = ctx["order"], ctx["customer"], ctx["status"]
        total = ctx["totals"]["total"]
        placed = ctx["placed"]
        finished = status in (
            OrderStatus.DELIVERED,
            OrderStatus.COMPLETED,
            OrderStatus.RTO_DELIVERED,
        )
        if (
            customer.cod
            and rng.chance(0.42 if order["service_type"] == ServiceType.RIDE else 0.16)
            and not ctx.get("external")
        ):
            method, gateway = PaymentMethod.CASH, "CASH"
        elif customer.wallet_balance >= total and rng.chance(0.5):
            method, gateway = PaymentMethod.PLATFORM_WALLET, "PLATFORM_WALLET"
        else:
            method = ONLINE_METHODS.draw(rng)
            if (
                method in (PaymentMethod.CREDIT_CARD, PaymentMethod.DEBIT_CARD)
                and method not in customer.methods
            ):
                method = PaymentMethod.UPI
            gateway = GATEWAYS.draw(rng)
        order["payment_method"] = method
        payment_id = self.demo.next_id(OrderPayment)
        ctx["payment"] = payment_id
        base = {
            "order_id": order["id"],
            "method": method,
            "gateway": gateway,
            "amount": total,
            "idempotency_key": f"pay-{order['id']}",
            "gateway_order_id": f"order_{order['id']:012d}",
            "payment_method_id": customer.methods.get(method),
            "created_at": placed,
        }
        if method == PaymentMethod.CASH:
            paid = ctx.get("completed_at") if finished else None
            payment = {
                **base,
                "status": PaymentStatus.CAPTURED
                if paid
                else (
                    PaymentStatus.CANCELLED
                    if status == OrderStatus.CANCELLED
                    else PaymentStatus.PENDING
                ),
                "gateway_payment_id": f"cash_{order['id']:012d}" if paid else None,
                "captured_at": paid,
            }
        else:
            if rng.chance(0.02):  # a first attempt that failed
                failed_id = self.demo.next_id(OrderPayment)
                batch.add(
                    OrderPayment,
                    {
                        **base,
                        "id": failed_id,
                        "idempotency_key": f"pay-{order['id']}-1",
                        "gateway_order_id": f"order_{order['id']:012d}_1",
                        "status": PaymentStatus.FAILED,
                        "failed_at": placed + timedelta(seconds=40),
                        "failure_code": PaymentFailureCode.BAD_REQUEST_ERROR,
                        "failure_reason": "Payment declined by the bank",
                    },
                )
                self.event(
                    batch, failed_id, PaymentEventType.FAILED, total, placed + timedelta(seconds=40)
                )
            at = self.demo.before_now(placed + timedelta(seconds=rng.randrange(15, 90)), placed)
            payment = {
                **base,
                "status": PaymentStatus.CAPTURED,
                "gateway_payment_id": f"pay_{order['id']:014d}",
                "authorized_at": at,
                "captured_at": at,
            }
            if method == PaymentMethod.PLATFORM_WALLET:
                batch.add(
                    CustomerWalletTransaction,
                    wallet_txn(
                        customer,
                        LedgerEntryDirection.DEBIT,
                        CustomerWalletTxnType.ORDER_DEBIT,
                        total,
                        "ORDER",
                        order["id"],
                        f"Paid for order {order['order_number']}",
                        at,
                        order_id=order["id"],
                    ),
                )
            self.event(batch, payment_id, PaymentEventType.INITIATED, total, placed)
            self.event(batch, payment_id, PaymentEventType.CAPTURED, total, at)
        ctx["payment_row"] = batch.add(OrderPayment, {**payment, "id": payment_id})
        self.refunds(batch, ctx)

    def event(self, batch, payment_id, kind, amount, at):
        n = self.demo.next_id(OrderPaymentEvent)
        batch.add(
            OrderPaymentEvent,
            {
                "id": n,
                "payment_id": payment_id,
                "event_type": kind,
                "gateway_event_id": f"evt_{n:014d}",
                "amount": amount,
                "signature_verified": True,
                "occurred_at": at,
                "payload": {"event": f"payment.{kind.lower()}", "amount_paise": int(amount * 100)},
                "created_at": at,
            },
        )

    def refunds(self, batch, ctx):
        """Cancelled online orders are refunded in full; a few delivered food
        orders get part of it back (a missing item)."""
        rng = self.rng
        payment, order, customer = ctx["payment_row"], ctx["order"], ctx["customer"]
        if payment["status"] != PaymentStatus.CAPTURED:
            return
        if ctx["status"] == OrderStatus.CANCELLED:
            amount, reason_code, reason = (
                payment["amount"],
                RefundReason.ORDER_CANCELLED,
                "Order cancelled",
            )
            payment["status"] = PaymentStatus.REFUNDED
        elif (
            ctx["status"] == OrderStatus.DELIVERED
            and order["service_type"] == ServiceType.FOOD
            and rng.chance(0.025)
        ):
            amount = min(payment["amount"], money(rng.randrange(40, 200)))
            reason_code, reason = RefundReason.ITEM_MISSING, "An item was missing from the bag"
            payment["status"] = (
                PaymentStatus.PARTIALLY_REFUNDED
                if amount < payment["amount"]
                else PaymentStatus.REFUNDED
            )
            ctx["merchant_refund"] = amount
        else:
            return
        to_wallet = payment["method"] == PaymentMethod.PLATFORM_WALLET or rng.chance(0.2)
        ended = ctx.get("cancelled_at") or ctx.get("completed_at")
        at = self.demo.before_now(ended + timedelta(minutes=rng.randrange(5, 60)), floor=ended)
        refund_id = self.demo.next_id(OrderRefund)
        refund = {
            "id": refund_id,
            "order_id": order["id"],
            "payment_id": payment["id"],
            "status": RefundStatus.SUCCEEDED,
            "destination": "PLATFORM_WALLET" if to_wallet else "SOURCE",
            "amount": amount,
            "reason_code": reason_code,
            "reason": reason,
            "idempotency_key": f"refund-{order['id']}",
            "gateway_refund_id": None if to_wallet else f"rfnd_{refund_id:014d}",
            "arn": "" if to_wallet else rng.digits(14),
            "processed_at": at,
            "created_at": at,
        }
        if to_wallet:
            txn = batch.add(
                CustomerWalletTransaction,
                wallet_txn(
                    customer,
                    LedgerEntryDirection.CREDIT,
                    CustomerWalletTxnType.REFUND_CREDIT,
                    amount,
                    "REFUND",
                    refund_id,
                    f"Refund for order {order['order_number']}",
                    at,
                    order_id=order["id"],
                    refund_id=refund_id,
                    id=self.demo.next_id(CustomerWalletTransaction),
                ),
            )
            refund["wallet_txn_id"] = txn["id"]
        batch.add(OrderRefund, refund)
        self.event(batch, payment["id"], PaymentEventType.REFUNDED, amount, at)
        ctx["refund"] = refund
