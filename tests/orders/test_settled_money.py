"""Money that has settled is final, and money agrees with its order
(issue 21): each final row refuses an edit and a delete and takes its
correction as a new row; settlements split their order's total, sent store
payouts pay their settlements, wallet refunds are one credit of the refund,
and COD collections are the total of the collecting rider's CASH order."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.choices import CustomerWalletTxnType
from customers.factories import CustomerWalletFactory
from gatimitra.enums import InvoiceType, OrderStatus, PaymentMethod, PayoutStatus
from merchants.factories import MerchantPayoutAdjustmentFactory, MerchantStorePayoutFactory
from merchants.models import MerchantStorePayout
from orders.choices import AssignmentStatus, RefundStatus, SettlementStatus
from orders.factories import (
    DispatchableRiderFactory,
    FoodOrderFactory,
    OrderInvoiceFactory,
    OrderRefundFactory,
    OrderRiderAssignmentFactory,
    OrderSettlementFactory,
)
from orders.models import OrderInvoice, OrderRefund, OrderSettlement
from riders.choices import WalletTxnType
from riders.factories import RiderPayoutFactory, WalletLedgerFactory
from riders.models import RiderOrderEarning, RiderPayout
from tests.fixtures.orders import check_deferred_now

pytestmark = pytest.mark.django_db


@contextmanager
def refused(rule, *words, deferred=False):
    """The block's write is refused (SQLSTATE 23514) under ``rule``, and the
    message names every word; rolled back in a savepoint."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
        if deferred:
            check_deferred_now()
    cause = caught.value.__cause__
    assert cause.sqlstate == "23514", str(caught.value)
    assert cause.diag.constraint_name == rule, str(caught.value)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def _delete(model, pk):
    """A plain SQL DELETE: the database's rule, not Django's PROTECT, answers."""
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE id = %s', [pk])


# Final rows --------------------------------------------------------------------


def test_an_issued_invoice_is_corrected_by_a_credit_note():
    invoice = OrderInvoiceFactory()
    with refused("order_invoices_issued_is_final", "orders.order_invoices", str(invoice.pk)):
        OrderInvoice.objects.filter(pk=invoice.pk).update(total=Decimal("1.00"))
    with refused("order_invoices_issued_is_final", "cannot be deleted"):
        _delete(OrderInvoice, invoice.pk)
    # Rendering the PDF later is not an edit of the invoice.
    OrderInvoice.objects.filter(pk=invoice.pk).update(document_url="https://docs.test/i.pdf")
    note = OrderInvoiceFactory(
        order=invoice.order,
        invoice_type=InvoiceType.CREDIT_NOTE,
        original_invoice=invoice,
        taxable_value=Decimal("20.00"),
        cgst=Decimal("0.50"),
        sgst=Decimal("0.50"),
        total=Decimal("21.00"),
    )
    assert note.original_invoice == invoice


def _processed_rider_payout():
    return RiderPayoutFactory(
        status=PayoutStatus.PROCESSED, utr="UTR000000000001", processed_at=timezone.now()
    )


def test_a_processed_rider_payout_is_corrected_by_a_new_payout():
    payout = _processed_rider_payout()
    with refused("rider_payouts_processed_is_final", "riders.rider_payouts", str(payout.pk)):
        RiderPayout.objects.filter(pk=payout.pk).update(amount=Decimal("1.00"))
    with refused("rider_payouts_processed_is_final", "cannot be deleted"):
        _delete(RiderPayout, payout.pk)
    extra = RiderPayoutFactory(
        rider=payout.rider, bank_account=payout.bank_account, amount=Decimal("10.00")
    )
    assert extra.status == PayoutStatus.SCHEDULED


def test_a_credited_earning_is_corrected_by_a_compensating_ledger_entry():
    entry = WalletLedgerFactory(for_earning=True)
    earning = entry.earning
    with refused(
        "rider_order_earnings_credited_is_final", "riders.rider_order_earnings", str(earning.pk)
    ):
        RiderOrderEarning.objects.filter(pk=earning.pk).update(base_pay=Decimal("999.00"))
    with refused("rider_order_earnings_credited_is_final", "cannot be deleted"):
        _delete(RiderOrderEarning, earning.pk)
    correction = WalletLedgerFactory(
        rider=entry.rider,
        txn_type=WalletTxnType.ADJUSTMENT,
        amount=Decimal("5.00"),
        source_type="EARNING",
        source_id=earning.pk,
    )
    correction.refresh_from_db()
    assert correction.balance_after == entry.balance_after - Decimal("5.00")


def test_a_settled_settlement_and_a_processed_store_payout_are_final():
    settlement = OrderSettlementFactory()
    payout = MerchantStorePayoutFactory(store=settlement.order.merchant_store, contract=None)
    sales = (
        settlement.merchant_receivable
        + settlement.platform_commission
        + settlement.gst_on_commission
        + settlement.tcs
        + settlement.tds
    )
    OrderSettlement.objects.filter(pk=settlement.pk).update(
        payout=payout, status=SettlementStatus.SETTLED, settled_at=timezone.now()
    )
    MerchantStorePayout.objects.filter(pk=payout.pk).update(
        gross_amount=sales,
        commission_amount=settlement.platform_commission,
        gst_on_commission=settlement.gst_on_commission,
        tcs_amount=settlement.tcs,
        tds_amount=settlement.tds,
        net_amount=sales
        - settlement.platform_commission
        - settlement.gst_on_commission
        - settlement.tcs
        - settlement.tds,
        status=PayoutStatus.PROCESSING,
    )
    MerchantStorePayout.objects.filter(pk=payout.pk).update(
        status=PayoutStatus.PROCESSED, utr="UTR000000000777", processed_at=timezone.now()
    )
    check_deferred_now()
    with refused("order_settlements_settled_is_final", "orders.order_settlements"):
        OrderSettlement.objects.filter(pk=settlement.pk).update(
            merchant_receivable=settlement.merchant_receivable + 500
        )
    with refused("order_settlements_settled_is_final", "cannot be deleted"):
        _delete(OrderSettlement, settlement.pk)
    with refused("merchant_store_payouts_processed_is_final", "merchants.merchant_store_payouts"):
        MerchantStorePayout.objects.filter(pk=payout.pk).update(gross_amount=sales + 1000)
    # The correction: an adjustment on the store's next payout.
    later = MerchantStorePayoutFactory(
        store=payout.store,
        bank_account=payout.bank_account,
        contract=None,
        cycle_start=payout.cycle_end + timezone.timedelta(days=1),
        cycle_end=payout.cycle_end + timezone.timedelta(days=7),
    )
    MerchantPayoutAdjustmentFactory(payout=later)


def test_a_succeeded_refund_is_corrected_by_a_new_refund():
    refund = OrderRefundFactory(status=RefundStatus.SUCCEEDED, processed_at=timezone.now())
    with refused("order_refunds_succeeded_is_final", "orders.order_refunds", str(refund.pk)):
        OrderRefund.objects.filter(pk=refund.pk).update(amount=Decimal("1.00"))
    with refused("order_refunds_succeeded_is_final", "cannot be deleted"):
        _delete(OrderRefund, refund.pk)
    OrderRefundFactory(payment=refund.payment, amount=Decimal("1.00"))


# Money agrees with its order -----------------------------------------------------


def test_a_settlement_splits_its_orders_total():
    settlement = OrderSettlementFactory()
    check_deferred_now()
    with refused("order_settlements_merchant_split", "orders.order_settlements", deferred=True):
        OrderSettlement.objects.filter(pk=settlement.pk).update(
            merchant_receivable=settlement.merchant_receivable + 500
        )
    with refused("order_settlements_collects_order_total", deferred=True):
        OrderSettlement.objects.filter(pk=settlement.pk).update(
            collected_amount=settlement.collected_amount + 1
        )
    with refused("order_settlements_gst_of_order", deferred=True):
        OrderSettlement.objects.filter(pk=settlement.pk).update(
            gst_payable_by_platform=settlement.gst_payable_by_platform + 1
        )


def test_a_sent_store_payout_pays_its_settlements():
    settlement = OrderSettlementFactory()
    payout = MerchantStorePayoutFactory(store=settlement.order.merchant_store, contract=None)
    OrderSettlement.objects.filter(pk=settlement.pk).update(payout=payout)
    check_deferred_now()  # SCHEDULED: still being filled
    with refused(
        "merchant_store_payouts_gross_of_settlements",
        "merchants.merchant_store_payouts",
        str(payout.pk),
        deferred=True,
    ):
        MerchantStorePayout.objects.filter(pk=payout.pk).update(status=PayoutStatus.PROCESSING)


def _wallet_refund(amount):
    refund = OrderRefundFactory(amount=amount, destination="PLATFORM_WALLET")
    wallet = CustomerWalletFactory(customer=refund.order.customer)
    credit = wallet.credit(
        CustomerWalletTxnType.REFUND_CREDIT,
        amount,
        source_type="REFUND",
        source_id=refund.pk,
        refund=refund,
        order=refund.order,
    )
    OrderRefund.objects.filter(pk=refund.pk).update(wallet_txn=credit)
    refund.refresh_from_db()
    return refund, credit


def test_a_wallet_refund_is_one_credit_of_its_amount():
    refund, _credit = _wallet_refund(Decimal("40.00"))
    check_deferred_now()
    with refused("order_refunds_wallet_credit", "orders.order_refunds", deferred=True):
        OrderRefund.objects.filter(pk=refund.pk).update(amount=Decimal("1.00"))
    other, _ = _wallet_refund(Decimal("40.00"))
    with refused("order_refunds_wallet_credit", "not a REFUND_CREDIT", deferred=True):
        OrderRefund.objects.filter(pk=refund.pk).update(wallet_txn=other.wallet_txn)


def _cash_order_of(rider, method=PaymentMethod.CASH):
    order = FoodOrderFactory(status=OrderStatus.SEARCHING_RIDER, payment_method=method)
    assignment = OrderRiderAssignmentFactory(order=order, rider=rider)
    assignment.status, assignment.accepted_at = AssignmentStatus.ACCEPTED, timezone.now()
    assignment.save()
    return order


def _collect(rider, order, amount=None):
    return WalletLedgerFactory(
        rider=rider,
        txn_type=WalletTxnType.COD_COLLECTED,
        order=order,
        amount=order.total if amount is None else amount,
        source_type="ORDER",
        source_id=order.pk,
    )


def test_a_cod_collection_is_the_total_of_the_riders_cash_order():
    rider, other = DispatchableRiderFactory(), DispatchableRiderFactory()
    order = _cash_order_of(rider)
    rule = "wallet_ledger_cod_collection_of_order"
    with refused(rule, "riders.wallet_ledger", "not that rider's", deferred=True):
        _collect(other, order)
    with refused(rule, "totals", deferred=True):
        _collect(rider, order, amount=Decimal("1.00"))
    upi = _cash_order_of(other, method=PaymentMethod.UPI)
    with refused(rule, "paid by UPI", deferred=True):
        _collect(other, upi)
    _collect(rider, order)
    check_deferred_now()
