import datetime
import hashlib
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.enums import (
    DisputeStatus,
    InvoiceType,
    LedgerEntryDirection,
    PayoutAccountType,
    PayoutStatus,
    ServiceType,
    VerificationStatus,
)
from merchants.choices import SettlementCycle
from merchants.factories.documents import MerchantTaxRegistrationFactory
from merchants.factories.parents import MerchantParentFactory, MerchantUserFactory
from merchants.factories.stores import MerchantStoreFactory
from merchants.models import (
    MerchantBankAccount,
    MerchantCommissionPlan,
    MerchantContract,
    MerchantInvoice,
    MerchantPayoutAdjustment,
    MerchantPayoutDispute,
    MerchantStorePayout,
)


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


class MerchantBankAccountFactory(DjangoModelFactory):
    """A parent's current account, PENDING verification and not default.
    ``verification_status=VERIFIED`` also stamps ``verified_at``; ``upi=True``
    gives a UPI VPA instead."""

    parent = factory.SubFactory(MerchantParentFactory)
    store = None
    account_type = PayoutAccountType.BANK_ACCOUNT
    verification_status = VerificationStatus.PENDING
    account_holder_name = factory.LazyAttribute(
        lambda o: o.parent.legal_name if o.parent else o.store.name
    )
    account_number_masked = factory.LazyAttribute(lambda o: mask(o.number))
    account_number_hash = factory.LazyAttribute(lambda o: keyed_hash(o.number))
    ifsc = "HDFC0001234"
    bank_name = "HDFC Bank"
    verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.verification_status == VerificationStatus.VERIFIED else None
    )
    penny_drop_name_matched = factory.LazyAttribute(
        lambda o: True if o.verification_status == VerificationStatus.VERIFIED else None
    )
    is_default = False

    class Meta:
        model = MerchantBankAccount

    class Params:
        number = factory.Sequence(lambda n: f"50200{n:09d}")
        upi = factory.Trait(
            account_type=PayoutAccountType.UPI_VPA,
            account_number_masked="",
            account_number_hash=None,
            ifsc=None,
            bank_name="",
            upi_vpa=factory.Sequence(lambda n: f"merchant{n}@okhdfcbank"),
        )


class MerchantCommissionPlanFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"FOOD_STD_{n}")
    name = factory.Sequence(lambda n: f"Food standard {n}")
    service_type = ServiceType.FOOD
    settlement_cycle = SettlementCycle.WEEKLY
    commission_percent = Decimal("18.00")
    fixed_fee_per_order = Decimal("0.00")
    gateway_fee_percent = Decimal("1.80")
    valid_from = datetime.date(2024, 4, 1)

    class Meta:
        model = MerchantCommissionPlan
        django_get_or_create = ("code",)


class MerchantContractFactory(DjangoModelFactory):
    """An ACTIVE, signed contract that started a month ago."""

    contract_number = factory.Sequence(lambda n: f"GMC-{n:06d}")
    store = factory.SubFactory(MerchantStoreFactory)
    plan = factory.SubFactory(MerchantCommissionPlanFactory)
    status = "ACTIVE"
    settlement_cycle = SettlementCycle.WEEKLY
    valid_from = factory.LazyFunction(lambda: _days_ago(30))
    esign_reference = factory.Sequence(lambda n: f"LEEGALITY-{n:08d}")
    signed_by_name = factory.Faker("name", locale="en_IN")
    signed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))

    class Meta:
        model = MerchantContract


class MerchantStorePayoutFactory(DjangoModelFactory):
    """Last week's payout of a store to its parent's VERIFIED account:
    25,000 gross, 18 % commission, GST on it, TCS 0.5 %, TDS 0.1 %."""

    store = factory.SubFactory(MerchantStoreFactory)
    bank_account = factory.SubFactory(
        MerchantBankAccountFactory,
        parent=factory.SelfAttribute("..store.parent"),
        verification_status=VerificationStatus.VERIFIED,
    )
    contract = factory.SubFactory(MerchantContractFactory, store=factory.SelfAttribute("..store"))
    status = PayoutStatus.SCHEDULED
    cycle_start = factory.LazyFunction(lambda: _days_ago(14))
    cycle_end = factory.LazyFunction(lambda: _days_ago(8))
    gross_amount = Decimal("25000.00")
    commission_amount = Decimal("4500.00")
    gst_on_commission = Decimal("810.00")
    tcs_amount = Decimal("125.00")
    tds_amount = Decimal("25.00")
    refunds_recovered = Decimal("0.00")
    idempotency_key = factory.Faker("uuid4")
    scheduled_for = factory.LazyFunction(lambda: _days_ago(-1))

    class Meta:
        model = MerchantStorePayout


class MerchantPayoutAdjustmentFactory(DjangoModelFactory):
    payout = factory.SubFactory(MerchantStorePayoutFactory)
    adjustment_type = "CLAIM_CREDIT"
    direction = LedgerEntryDirection.CREDIT
    amount = Decimal("150.00")
    reason = "Customer claim for a missing item, credited back"
    created_by = factory.SubFactory("access_mgmt.factories.SystemUserFactory")

    class Meta:
        model = MerchantPayoutAdjustment


class MerchantPayoutDisputeFactory(DjangoModelFactory):
    payout = factory.SubFactory(MerchantStorePayoutFactory)
    raised_by = factory.SubFactory(
        MerchantUserFactory, parent=factory.SelfAttribute("..payout.store.parent")
    )
    status = DisputeStatus.OPEN
    disputed_amount = Decimal("500.00")
    reason = "Refund for order was debited although the food was delivered."

    class Meta:
        model = MerchantPayoutDispute


class MerchantInvoiceFactory(DjangoModelFactory):
    """An intra-state tax invoice for 4,500 of commission (9 % CGST + 9 % SGST)."""

    # invoice_number, serial and financial_year: the database assigns them.
    parent = factory.SubFactory(MerchantParentFactory)
    gst_registration = factory.SubFactory(
        MerchantTaxRegistrationFactory, parent=factory.SelfAttribute("..parent")
    )
    invoice_type = InvoiceType.TAX_INVOICE
    invoice_date = factory.LazyFunction(timezone.localdate)
    sac_code = "998599"
    taxable_value = Decimal("4500.00")
    cgst_amount = Decimal("405.00")
    sgst_amount = Decimal("405.00")
    igst_amount = Decimal("0.00")
    total_amount = Decimal("5310.00")
    # B2B (the registration has a GSTIN): the IRP's reference number.
    irn = factory.Sequence(lambda n: hashlib.sha256(f"merchant-invoice-{n}".encode()).hexdigest())
    irn_ack_number = factory.LazyAttributeSequence(
        lambda o, n: f"{112010000000000 + n}" if o.irn else ""
    )
    irn_ack_at = factory.LazyAttribute(lambda o: timezone.now() if o.irn else None)
    signed_qr_code = factory.LazyAttribute(lambda o: f"signed-qr.{o.irn}" if o.irn else "")

    class Meta:
        model = MerchantInvoice
