"""After the drop: proof of delivery, the food order's kitchen status,
cancellations, the rider's earning (``riders.services.delivery_pay``),
the merchant's settlement (``merchants.services.sales_split``), the
invoice, loyalty points and cashback."""

from datetime import timedelta
from decimal import Decimal

from customers.choices import CustomerWalletTxnType, LoyaltyTxnType
from customers.models import CustomerLoyaltyTransaction, CustomerWalletTransaction
from demo import vocab
from demo.customers import loyalty_txn, wallet_txn
from demo.orders.common import PLATFORM_PAN, ZERO
from demo.riders import wallet_entry
from demo.rng import money
from gatimitra.db.validators import make_gstin
from gatimitra.enums import (
    InvoiceType,
    LedgerEntryDirection,
    OrderStatus,
    PaymentMethod,
    ServiceType,
)
from merchants.services import sales_split
from orders import pricing
from orders.choices import CancellationActor, ChargeType, FoodPrepStatus, SettlementStatus
from orders.models import (
    OrderCancellation,
    OrderDeliveryProof,
    OrderFoodDetails,
    OrderInvoice,
    OrderSettlement,
)
from riders.choices import WalletTxnType
from riders.models import (
    RiderOrderEarning,
    RiderWelfareFeeAccrual,
    WalletLedger,
)
from riders.services import delivery_pay
from riders.tax import welfare_fee


class AfterDrop:
    """Mixed into ``OrderGenerator``: what follows an order's outcome."""

    # After the drop --------------------------------------------------------------------------

    def after_delivery(self, batch, ctx):
        rng = self.rng
        order, status, customer = ctx["order"], ctx["status"], ctx["customer"]
        placed = ctx["placed"]
        service = order["service_type"]
        if status == OrderStatus.CANCELLED:
            self.cancellation(batch, ctx)
            return
        if status not in (OrderStatus.DELIVERED, OrderStatus.COMPLETED, OrderStatus.RTO_DELIVERED):
            if service == ServiceType.FOOD:
                self.food_details(batch, ctx)
            return
        done = ctx["completed_at"]
        if service == ServiceType.FOOD:
            self.food_details(batch, ctx)
        if service == ServiceType.PARCEL and ctx.get("rto"):
            ctx["parcel"].update(
                is_rto=True, rto_reason="Receiver not reachable; returned to sender"
            )
        drop = ctx["stops"][1]
        drop.update(arrived_at=done - timedelta(minutes=2), completed_at=done)
        ctx["stops"][0].update(
            arrived_at=placed + timedelta(minutes=ctx["timeline"][OrderStatus.REACHED_PICKUP]),
            completed_at=placed + timedelta(minutes=ctx["timeline"][OrderStatus.PICKED_UP]),
        )
        rider = ctx.get("rider_obj")
        earning = None
        if rider is not None and (service != ServiceType.RIDE or status == OrderStatus.COMPLETED):
            otp = rng.chance(0.6)
            if service != ServiceType.RIDE:
                if otp:
                    drop["otp_hash"] = self.demo.hash(f"drop-otp-{order['id']}")
                batch.add(
                    OrderDeliveryProof,
                    {
                        "id": self.demo.next_id(OrderDeliveryProof),
                        "order_id": order["id"],
                        "stop_id": drop["id"],
                        "rider_id": rider.id,
                        "kind": "OTP" if otp else "PHOTO",
                        "otp_verified": otp,
                        "media_url": ""
                        if otp
                        else f"https://files.gatimitra.example/proofs/{order['id']}.jpg",
                        "latitude": drop["latitude"],
                        "longitude": drop["longitude"],
                        "captured_at": done,
                        "created_at": done,
                    },
                )
            earning = self.earn(batch, ctx, rider, done)
        payment = ctx["payment_row"]
        if payment["method"] == PaymentMethod.CASH and rider is not None:
            rider.cash += payment["amount"]
            batch.add(
                WalletLedger,
                wallet_entry(
                    rider,
                    LedgerEntryDirection.DEBIT,
                    WalletTxnType.COD_COLLECTED,
                    payment["amount"],
                    "ORDER",
                    order["id"],
                    f"Cash collected for {order['order_number']}",
                    done,
                    order_id=order["id"],
                ),
            )
        if status != OrderStatus.RTO_DELIVERED:
            self.settle(batch, ctx, earning, done)
            self.invoice(batch, ctx, done)
            # Loyalty points are earned on food orders of 199 rupees or more.
            if (
                service == ServiceType.FOOD
                and customer.loyalty_id
                and ctx["totals"]["total"] >= 199
            ):
                points = int(ctx["totals"]["total"] // 10)
                if points > 0:
                    batch.add(
                        CustomerLoyaltyTransaction,
                        loyalty_txn(
                            customer,
                            LedgerEntryDirection.CREDIT,
                            LoyaltyTxnType.EARN,
                            points,
                            "ORDER",
                            order["id"],
                            f"Points for {order['order_number']}",
                            done,
                            order_id=order["id"],
                            points_expire_at=done + timedelta(days=365),
                        ),
                    )
            if payment["method"] != PaymentMethod.CASH and rng.chance(0.03):
                cashback = money(min(50, ctx["totals"]["total"] * Decimal("0.05")))
                if cashback > 0:
                    batch.add(
                        CustomerWalletTransaction,
                        wallet_txn(
                            customer,
                            LedgerEntryDirection.CREDIT,
                            CustomerWalletTxnType.CASHBACK,
                            cashback,
                            "ORDER",
                            order["id"],
                            f"Cashback on {order['order_number']}",
                            done + timedelta(minutes=2),
                            order_id=order["id"],
                            credit_expires_at=done + timedelta(days=60),
                        ),
                    )

    def food_details(self, batch, ctx):
        order, status, placed = ctx["order"], ctx["status"], ctx["placed"]
        store = ctx["store"]
        t = ctx["timeline"]
        prep = {
            OrderStatus.CREATED: FoodPrepStatus.AWAITING_ACCEPTANCE,
            OrderStatus.CONFIRMED: FoodPrepStatus.ACCEPTED,
            OrderStatus.PREPARING: FoodPrepStatus.PREPARING,
            OrderStatus.ASSIGNED: FoodPrepStatus.PREPARING,
            OrderStatus.ACCEPTED: (
                FoodPrepStatus.READY
                if ctx["age"] > store.prep_minutes
                else FoodPrepStatus.PREPARING
            ),
            OrderStatus.SEARCHING_RIDER: FoodPrepStatus.PREPARING,
        }.get(status, FoodPrepStatus.HANDED_OVER)
        row = {
            "order_id": order["id"],
            "store_id": store.id,
            "prep_status": prep,
            "kot_number": f"KOT-{order['id'] % 100000:05d}",
            "prep_eta_minutes": store.prep_minutes,
            "cutlery_requested": self.rng.chance(0.3),
            "cooking_instructions": self.rng.pick(vocab.COOKING_INSTRUCTIONS),
            "accepted_at": (
                placed + timedelta(minutes=1)
                if prep != FoodPrepStatus.AWAITING_ACCEPTANCE
                else None
            ),
            "created_at": placed,
        }
        if prep in (FoodPrepStatus.READY, FoodPrepStatus.HANDED_OVER):
            row["ready_at"] = placed + timedelta(minutes=store.prep_minutes)
        if prep == FoodPrepStatus.HANDED_OVER:
            row["handed_over_at"] = placed + timedelta(minutes=t[OrderStatus.PICKED_UP])
        if status == OrderStatus.CANCELLED:
            merchant = ctx.get("cancel_actor") == CancellationActor.MERCHANT
            row.update(
                prep_status=FoodPrepStatus.REJECTED if merchant else FoodPrepStatus.ACCEPTED,
                rejected_at=ctx["cancelled_at"] if merchant else None,
                rejection_reason="Kitchen too busy" if merchant else "",
                ready_at=None,
                handed_over_at=None,
                accepted_at=placed + timedelta(minutes=1) if not merchant else None,
            )
        batch.add(OrderFoodDetails, row)

    def cancellation(self, batch, ctx):
        rng = self.rng
        order = ctx["order"]
        reasons = self.inputs.cancellation_reasons.get(order["service_type"], [])
        if ctx["cancelled_from"] not in (OrderStatus.ASSIGNED, OrderStatus.ACCEPTED):
            reasons = [
                r
                for r in reasons
                if r["actor"] not in (CancellationActor.RIDER, CancellationActor.EXTERNAL_PROVIDER)
            ] or reasons
        reason = rng.pick(reasons)
        ctx["cancel_actor"] = reason["actor"]
        if order["service_type"] == ServiceType.FOOD:
            self.food_details(batch, ctx)
        batch.add(
            OrderCancellation,
            {
                "id": self.demo.next_id(OrderCancellation),
                "order_id": order["id"],
                "reason_id": reason["id"],
                "actor": reason["actor"],
                "status_at_cancel": ctx["cancelled_from"],
                "fee": ZERO,
                "cost_borne_by": reason["cost_borne_by"],
                "note": reason["title"],
                "cancelled_at": ctx["cancelled_at"],
                "created_at": ctx["cancelled_at"],
            },
        )

    def earn(self, batch, ctx, rider, done):
        rng = self.rng
        order, assignment = ctx["order"], ctx["assignment"]
        # The pay rule is the riders domain's (the order services use it too).
        pay = delivery_pay(order["service_type"], ctx["distance"], ctx.get("fare", ZERO))
        base, distance_pay = pay.base_pay, pay.distance_pay
        wait = money(rng.choice((0, 0, 0, 5, 10)))
        earning = batch.add(
            RiderOrderEarning,
            {
                "id": self.demo.next_id(RiderOrderEarning),
                "rider_id": rider.id,
                "order_id": order["id"],
                "assignment_id": assignment["id"],
                "service_type": order["service_type"],
                "base_pay": base,
                "distance_pay": distance_pay,
                "wait_pay": wait,
                "surge_pay": ZERO,
                "return_pay": ZERO,
                "tip": ctx["tip"],
                "distance_m": ctx["distance"],
                "wait_minutes": int(wait // 5) * 3,
                "pay_rule_version": "2025.3",
                "earned_at": done,
                "created_at": done,
            },
        )
        total = base + distance_pay + wait + ctx["tip"]
        earning["_total"] = total
        rate = self.inputs.welfare_rates.get(ctx["city"].state_code)
        if rate is not None:
            batch.add(
                RiderWelfareFeeAccrual,
                {
                    "earning_id": earning["id"],
                    "rider_id": rider.id,
                    "rate_id": rate["id"],
                    "base_amount": total,
                    "rate_percent": rate["rate_percent"],
                    "fee_amount": welfare_fee(total, rate["rate_percent"]),
                    "accrued_at": done,
                    "created_at": done,
                },
            )
        batch.add(
            WalletLedger,
            wallet_entry(
                rider,
                LedgerEntryDirection.CREDIT,
                WalletTxnType.ORDER_EARNING,
                total,
                "EARNING",
                earning["id"],
                f"Earning for {order['order_number']}",
                done,
                earning_id=earning["id"],
            ),
        )
        rider.week_orders += 1
        return earning

    def settle(self, batch, ctx, earning, done):
        order, store = ctx["order"], ctx.get("store")
        fees = ctx["fees"]
        total = ctx["totals"]["total"]
        payout = None
        merchant = commission = gst_on_commission = tcs = tds = ZERO
        recovered = ctx.get("merchant_refund", ZERO)
        if store is not None:
            # The split is the merchants domain's (the order services use it too).
            split = sales_split(
                fees.get(ChargeType.ITEM_TOTAL, ZERO),
                fees.get(ChargeType.PACKAGING_FEE, ZERO),
                store.commission,
                bool(store.gstin),
            )
            merchant, commission = split.merchant_receivable, split.commission
            gst_on_commission, tcs, tds = split.gst_on_commission, split.tcs, split.tds
            payout = self.payouts.get(store.id)
        # Settled when the payout of its week has been paid out (by now).
        settled = self.paid_out_at(self.week)
        settled = settled if self.week < self.anchor_week and settled <= self.now else None
        row = {
            "id": self.demo.next_id(OrderSettlement),
            "order_id": order["id"],
            "status": SettlementStatus.SETTLED if settled else SettlementStatus.READY,
            "collected_amount": total,
            "merchant_receivable": merchant,
            "rider_earning": earning["_total"] if earning else ZERO,
            "platform_commission": commission,
            "platform_fees": fees.get(ChargeType.PLATFORM_FEE, ZERO)
            + fees.get(ChargeType.DELIVERY_FEE, ZERO),
            "gst_on_commission": gst_on_commission,
            "gst_payable_by_platform": fees.get(ChargeType.GST, ZERO),
            "tcs": tcs,
            "tds": tds,
            "settled_at": settled,
            "earning_id": earning["id"] if earning else None,
            "payout_id": payout["id"] if payout else None,
            "created_at": done,
        }
        batch.add(OrderSettlement, row)
        if payout is not None:
            totals = payout["_totals"]
            for k, value in enumerate(
                (
                    merchant + commission + gst_on_commission + tcs + tds,
                    commission,
                    gst_on_commission,
                    tcs,
                    tds,
                    recovered,
                )
            ):
                totals[k] += value

    def invoice(self, batch, ctx, done):
        order, city = ctx["order"], ctx["city"]
        fees = ctx["fees"]
        state = city.state_code
        if order["service_type"] == ServiceType.FOOD:
            taxable = fees.get(ChargeType.ITEM_TOTAL, ZERO) + fees.get(
                ChargeType.PACKAGING_FEE, ZERO
            )
            rate, issuer = pricing.FOOD_GST_RATE, "PLATFORM_ECO"
            hsn, series = "996331", f"GMDF{state}"
        else:
            taxable = sum(
                (
                    amount
                    for kind, amount in fees.items()
                    if kind
                    not in (
                        ChargeType.GST,
                        ChargeType.TIP,
                        ChargeType.DISCOUNT,
                        ChargeType.ROUND_OFF,
                    )
                ),
                ZERO,
            )
            rate = (
                ctx["policy"]["gst_rate_percent"]
                if order["service_type"] == ServiceType.RIDE
                else pricing.SERVICE_GST_RATE
            )
            issuer, hsn = (
                "PLATFORM_SERVICE",
                "996412" if order["service_type"] == ServiceType.RIDE else "996812",
            )
            series = f"GMD{order['service_type'][0]}{state}"
        cgst, sgst = pricing.intra_state_gst(taxable, rate)
        batch.add(
            OrderInvoice,
            {
                "id": self.demo.next_id(OrderInvoice),
                "order_id": order["id"],
                "invoice_type": InvoiceType.TAX_INVOICE,
                "issuer": issuer,
                "series": series,
                "issued_at": done,
                "supplier_gstin": make_gstin(state, PLATFORM_PAN),
                "place_of_supply": state,
                "hsn_sac": hsn,
                "taxable_value": taxable,
                "cgst": cgst,
                "sgst": sgst,
                "igst": ZERO,
                "cess": ZERO,
                "total": taxable + cgst + sgst,
                "document_url": f"https://files.gatimitra.example/invoices/{order['id']}.pdf",
                "created_at": done,
            },
        )
