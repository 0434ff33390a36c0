"""Payouts: the net adds up, and adjustments move it through the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gatimitra.enums import LedgerEntryDirection, PayoutStatus, VerificationStatus
from merchants.factories import (
    MerchantBankAccountFactory,
    MerchantPayoutAdjustmentFactory,
    MerchantStoreFactory,
    MerchantStorePayoutFactory,
)
from merchants.models import MerchantStorePayout

pytestmark = pytest.mark.django_db


def test_net_is_computed_when_not_given():
    payout = MerchantStorePayoutFactory()
    # 25,000 - 4,500 commission - 810 GST - 125 TCS - 25 TDS
    assert payout.net_amount == Decimal("19540.00")
    assert MerchantStorePayout.objects.get(pk=payout.pk).net_amount == Decimal("19540.00")


def test_adjustments_move_the_payout_net():
    payout = MerchantStorePayoutFactory()
    credit = MerchantPayoutAdjustmentFactory(payout=payout, amount=Decimal("150.00"))
    MerchantPayoutAdjustmentFactory(
        payout=payout,
        adjustment_type="ADS_DEDUCTION",
        direction=LedgerEntryDirection.DEBIT,
        amount=Decimal("400.00"),
    )
    payout.refresh_from_db()
    assert payout.adjustments_amount == Decimal("-250.00")
    assert payout.net_amount == Decimal("19290.00")

    credit.delete()
    payout.refresh_from_db()
    assert payout.adjustments_amount == Decimal("-400.00")
    assert payout.net_amount == Decimal("19140.00")


def test_editing_a_payout_keeps_its_adjustments():
    payout = MerchantStorePayoutFactory()
    MerchantPayoutAdjustmentFactory(payout=payout, amount=Decimal("100.00"))
    payout.refresh_from_db()
    payout.refunds_recovered = Decimal("60.00")
    payout.full_clean()  # recomputes the net, as the admin form does
    payout.save()
    payout.refresh_from_db()
    assert payout.net_amount == Decimal("19580.00")


def test_payout_to_the_stores_own_verified_account():
    store = MerchantStoreFactory()
    account = MerchantBankAccountFactory(
        parent=None, store=store, verification_status=VerificationStatus.VERIFIED
    )
    payout = MerchantStorePayoutFactory(store=store, bank_account=account)
    assert payout.bank_account.store == store


def test_a_failed_payout_frees_its_cycle_for_a_retry():
    failed = MerchantStorePayoutFactory(status=PayoutStatus.FAILED, failure_reason="IMPS timeout")
    retry = MerchantStorePayoutFactory(
        store=failed.store,
        bank_account=failed.bank_account,
        contract=failed.contract,
        cycle_start=failed.cycle_start,
        cycle_end=failed.cycle_end,
    )
    assert retry.idempotency_key != failed.idempotency_key


NO_SETTLEMENTS = {
    name: Decimal("0.00")
    for name in (
        "gross_amount",
        "commission_amount",
        "gst_on_commission",
        "tcs_amount",
        "tds_amount",
    )
}


def test_adjusting_a_processed_payout_is_explained_to_forms():
    # A processed payout pays its settlements (none here, so nothing).
    payout = MerchantStorePayoutFactory(
        status=PayoutStatus.PROCESSED,
        utr="UTIBR52025040100042",
        processed_at=timezone.now(),
        **NO_SETTLEMENTS,
    )
    adjustment = MerchantPayoutAdjustmentFactory.build(payout=payout, created_by=None)
    with pytest.raises(ValidationError, match="only SCHEDULED or ON_HOLD"):
        adjustment.full_clean()
