"""Each invariant of the merchants domain, tried with a violating write that
PostgreSQL must refuse (CATALOG section 8, items 1, 3, 6, 10, 11, 13, 14, 15, 16).

Writes go through ``QuerySet.update`` or explicit values where model code
would otherwise fix the value first: the point is what the database allows.
Rules checked at commit (foreign keys, zones in the store's city) are tried
with ``refused_at_commit``, which runs the queued checks as a commit would.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from gatimitra.db.fields import EnumArrayField, EnumField, MoneyField
from gatimitra.db.tables import split_table
from gatimitra.enums import (
    LedgerEntryDirection,
    PayoutStatus,
    ServiceType,
    VerificationStatus,
)
from gatimitra.testing import factory_for
from merchants.choices import MerchantDocumentType, StoreStatus
from merchants.factories import (
    LiveMerchantStoreFactory,
    MerchantAdCampaignFactory,
    MerchantBankAccountFactory,
    MerchantCommissionPlanFactory,
    MerchantContractFactory,
    MerchantDocumentFactory,
    MerchantItemStockEventFactory,
    MerchantMenuAddonGroupFactory,
    MerchantMenuCategoryFactory,
    MerchantMenuItemAddonGroupFactory,
    MerchantMenuItemFactory,
    MerchantOfferFactory,
    MerchantOfferItemFactory,
    MerchantParentFactory,
    MerchantPayoutAdjustmentFactory,
    MerchantPayoutDisputeFactory,
    MerchantStoreAvailabilityLogFactory,
    MerchantStoreFactory,
    MerchantStorePayoutFactory,
    MerchantStoreServiceAreaFactory,
    MerchantTaxRegistrationFactory,
)
from merchants.models import (
    MerchantAdCampaign,
    MerchantBankAccount,
    MerchantDocument,
    MerchantItemStockEvent,
    MerchantMenuCategory,
    MerchantParent,
    MerchantPayoutAdjustment,
    MerchantStore,
    MerchantStoreAvailabilityLog,
    MerchantStoreHours,
    MerchantStorePayout,
    MerchantTaxRegistration,
)
from orders.factories import FoodOrderFactory, ServiceCityFactory, ServiceZoneFactory

pytestmark = pytest.mark.django_db

MERCHANT_MODELS = list(apps.get_app_config("merchants").get_models())


def _today():
    return timezone.localdate()


# Formats (item 11) ------------------------------------------------------------------


@pytest.mark.parametrize("pan", ["ABCDE1234", "abcde1234f", "ABCD01234F", "ABCDE12345"])
def test_parent_pan_format(refused, pan):
    parent = MerchantParentFactory()
    with refused("merchant_parents_pan_format"):
        MerchantParent.objects.filter(pk=parent.pk).update(pan=pan)


def test_parent_past_lead_needs_pan(refused):
    with refused("merchant_parents_pan_after_lead"):
        MerchantParentFactory(pan=None)


@pytest.mark.parametrize("template", ["29{pan}1Z", "29{pan}0Z5", "29{pan}1X5", "29{pan}1z5"])
def test_gstin_format(refused, template):
    registration = MerchantTaxRegistrationFactory()
    gstin = template.format(pan=registration.parent.pan)  # only the format is wrong
    with refused("merchant_tax_registrations_gstin_format"):
        MerchantTaxRegistration.objects.filter(pk=registration.pk).update(gstin=gstin)


def test_gstin_starts_with_its_state_code(refused):
    registration = MerchantTaxRegistrationFactory(state_code="29")
    with refused("merchant_tax_registrations_gstin_state"):
        MerchantTaxRegistration.objects.filter(pk=registration.pk).update(state_code="27")


def test_gstin_contains_the_parents_pan(refused):
    """Named by ids: a GSTIN holds a PAN, a proprietor's personal data."""
    parent = MerchantParentFactory(pan="AABCS7412M")
    name = "merchant_tax_registrations_gstin_of_parent_pan"
    with refused("merchants.merchant_tax_registrations", f"merchant parent {parent.pk}") as info:
        MerchantTaxRegistrationFactory(parent=parent, gstin="29AAGCK1111Q1Z5")
    assert info.value.__cause__.diag.constraint_name == name
    for personal in ("AABCS7412M", "AAGCK1111Q", "29AAGCK1111Q1Z5"):
        assert personal not in str(info.value)


def test_parent_pan_cannot_diverge_from_its_gstins(refused):
    registration = MerchantTaxRegistrationFactory()
    parents = MerchantParent.objects.filter(pk=registration.parent_id)
    with refused("merchants.merchant_parents", f"its registration {registration.pk}") as info:
        parents.update(pan="ZZZPZ9999Z")
    assert (
        info.value.__cause__.diag.constraint_name
        == "merchant_tax_registrations_gstin_of_parent_pan"
    )
    for personal in (registration.gstin, "ZZZPZ9999Z", registration.gstin[2:12]):
        assert personal not in str(info.value)


@pytest.mark.parametrize("fssai", ["1234567890123", "1234567890123A", "0000 00000000"])
def test_store_fssai_format(refused, fssai):
    store = MerchantStoreFactory()
    with refused("merchant_stores_fssai_format"):
        MerchantStore.objects.filter(pk=store.pk).update(fssai_number=fssai)


@pytest.mark.parametrize("ifsc", ["HDFC1001234", "HDF00001234", "hdfc0001234", "HDFC000123"])
def test_bank_account_ifsc_format(refused, ifsc):
    account = MerchantBankAccountFactory()
    with refused("merchant_bank_accounts_ifsc_format"):
        MerchantBankAccount.objects.filter(pk=account.pk).update(ifsc=ifsc)


@pytest.mark.parametrize(
    ("model", "constraint"),
    [
        (MerchantParent, "merchant_parents_pin_code_format"),
        (MerchantStore, "merchant_stores_pin_code_format"),
    ],
)
@pytest.mark.parametrize("pin", ["056003", "56003", "56OO38", "56 038"])
def test_pin_code_format(refused, model, constraint, pin):
    obj = factory_for(model)()
    with refused(constraint):
        model.objects.filter(pk=obj.pk).update(pin_code=pin)


def test_store_mobile_is_e164(refused):
    store = MerchantStoreFactory()
    with refused("merchant_stores_mobile_e164"):
        MerchantStore.objects.filter(pk=store.pk).update(contact_mobile="9845012345")


# Uniqueness (item 10) ------------------------------------------------------------------


def test_gstin_unique_per_registration(refused):
    registration = MerchantTaxRegistrationFactory()
    with refused("merchant_tax_registrations_gstin"):
        MerchantTaxRegistrationFactory(parent=registration.parent, gstin=registration.gstin)


def test_fssai_number_unique_per_store(refused):
    store = MerchantStoreFactory()
    with refused("merchant_stores_fssai_number_unique"):
        MerchantStoreFactory(fssai_number=store.fssai_number)


def test_stores_without_fssai_number_do_not_collide():
    MerchantStoreFactory(fssai_number=None, service_types=[ServiceType.PARCEL])
    MerchantStoreFactory(fssai_number=None, service_types=[ServiceType.PARCEL])
    assert MerchantStore.objects.filter(fssai_number__isnull=True).count() == 2


# Enums (every merchants enum, and the shared ones the domain uses) --------------------


def _enum_columns():
    for model in MERCHANT_MODELS:
        for field in model._meta.concrete_fields:
            if isinstance(field, EnumField | EnumArrayField):
                yield pytest.param(model, field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(_enum_columns()))
def test_enum_values_checked_by_database(refused, model, field):
    bogus = ["NOT_A_VALUE"] if isinstance(field, EnumArrayField) else "NOT_A_VALUE"
    _, table = split_table(model._meta.db_table)
    # Inserted, not updated: append-only tables refuse any UPDATE first.
    with refused(f"{table}_{field.column}"[:50], "check"):
        factory_for(model)(**{field.name: bogus})


# Money is never negative (item 6) ---------------------------------------------------------


def _money_columns():
    for model in MERCHANT_MODELS:
        for field in model._meta.concrete_fields:
            if isinstance(field, MoneyField):
                yield pytest.param(model, field, id=f"{model.__name__}.{field.name}")


@pytest.mark.parametrize(("model", "field"), list(_money_columns()))
def test_money_never_negative(refused, model, field):
    obj = factory_for(model)()
    _, table = split_table(model._meta.db_table)
    # Triggers that recompute totals may speak first; any refusal names the table.
    with refused(table):
        model.objects.filter(pk=obj.pk).update(**{field.name: Decimal("-1.00")})


# Go-live gate (item 14) ---------------------------------------------------------------------


def _gate_rows(store, *, licence=True, account=True, contract=True):
    if licence:
        MerchantDocumentFactory(fssai=True, verified=True, store=store)
    if account:
        MerchantBankAccountFactory(
            parent=store.parent, is_default=True, verification_status=VerificationStatus.VERIFIED
        )
    if contract:
        MerchantContractFactory(store=store)


def _go_live(store):
    store.status = StoreStatus.LIVE
    store.save()


def test_food_store_cannot_go_live_without_anything(refused, store_under_review):
    with refused(
        "merchants.merchant_stores",
        store_under_review.code,
        "FSSAI licence",
        "bank account",
        "ACTIVE contract",
    ):
        _go_live(store_under_review)


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("licence", "FSSAI licence"),
        ("account", "bank account"),
        ("contract", "ACTIVE contract"),
    ],
)
def test_gate_names_what_is_missing(refused, store_under_review, missing, named):
    _gate_rows(store_under_review, **{missing: False})
    with refused("cannot go LIVE", named) as info:
        _go_live(store_under_review)
    reason = str(info.value).splitlines()[0]  # the message, before DETAIL/HINT
    others = {"FSSAI licence", "bank account", "ACTIVE contract"} - {named}
    assert not any(other in reason for other in others), reason


def test_expired_licence_does_not_open_the_gate(refused, store_under_review):
    _gate_rows(store_under_review, licence=False)
    MerchantDocumentFactory(
        fssai=True,
        verified=True,
        store=store_under_review,
        issued_on=_today() - datetime.timedelta(days=400),
        expires_on=_today() - datetime.timedelta(days=1),
    )
    with refused("FSSAI licence"):
        _go_live(store_under_review)


def test_unverified_licence_does_not_open_the_gate(refused, store_under_review):
    _gate_rows(store_under_review, licence=False)
    MerchantDocumentFactory(fssai=True, store=store_under_review)  # PENDING review
    with refused("FSSAI licence"):
        _go_live(store_under_review)


def test_unverified_account_does_not_open_the_gate(refused, store_under_review):
    _gate_rows(store_under_review, account=False)
    MerchantBankAccountFactory(parent=store_under_review.parent, is_default=True)
    with refused("bank account"):
        _go_live(store_under_review)


def test_lapsed_contract_does_not_open_the_gate(refused, store_under_review):
    _gate_rows(store_under_review, contract=False)
    MerchantContractFactory(
        store=store_under_review,
        valid_from=_today() - datetime.timedelta(days=365),
        valid_to=_today() - datetime.timedelta(days=1),
    )
    with refused("ACTIVE contract"):
        _go_live(store_under_review)


def test_food_store_cannot_be_inserted_live(refused):
    with refused("merchants.merchant_stores", "cannot go LIVE"):
        MerchantStoreFactory(status=StoreStatus.LIVE)


def test_parcel_store_turning_food_while_live_meets_the_gate(refused):
    store = MerchantStoreFactory(status=StoreStatus.LIVE, service_types=[ServiceType.PARCEL])
    with refused("cannot go LIVE"):
        MerchantStore.objects.filter(pk=store.pk).update(
            service_types=[ServiceType.PARCEL, ServiceType.FOOD]
        )


# Payout integrity (items 3, 15) -------------------------------------------------------------


def test_payout_net_must_add_up(refused):
    payout = MerchantStorePayoutFactory()
    with refused("merchant_store_payouts_net_formula"):
        MerchantStorePayout.objects.filter(pk=payout.pk).update(
            net_amount=payout.net_amount + Decimal("0.01")
        )


def test_payout_given_a_wrong_net_is_refused(refused):
    with refused("merchant_store_payouts_net_formula"):
        MerchantStorePayoutFactory(net_amount=Decimal("25000.00"))


def test_payout_idempotency_key_unique(refused):
    payout = MerchantStorePayoutFactory()
    with refused("merchant_store_payouts_idempotency_key"):
        MerchantStorePayoutFactory(idempotency_key=payout.idempotency_key)


def test_payout_to_unverified_account_refused(refused):
    store = MerchantStoreFactory()
    account = MerchantBankAccountFactory(parent=store.parent)  # PENDING
    with refused("merchants.merchant_store_payouts", f"bank account {account.pk}", "PENDING"):
        MerchantStorePayoutFactory(store=store, bank_account=account)


def test_payout_to_another_merchants_account_refused(refused):
    store = MerchantStoreFactory()
    stranger = MerchantBankAccountFactory(verification_status=VerificationStatus.VERIFIED)
    with refused("merchants.merchant_store_payouts", "belongs to neither"):
        MerchantStorePayoutFactory(store=store, bank_account=stranger)


def test_payout_cannot_start_processing_once_account_is_unverified(refused):
    payout = MerchantStorePayoutFactory()
    MerchantBankAccount.objects.filter(pk=payout.bank_account_id).update(
        verification_status=VerificationStatus.REJECTED
    )
    with refused("merchants.merchant_store_payouts", "REJECTED"):
        MerchantStorePayout.objects.filter(pk=payout.pk).update(status=PayoutStatus.PROCESSING)


def test_payout_adjustments_amount_only_through_adjustment_rows(refused):
    payout = MerchantStorePayoutFactory()
    with refused("merchants.merchant_store_payouts", "merchant_payout_adjustments"):
        MerchantStorePayout.objects.filter(pk=payout.pk).update(
            adjustments_amount=Decimal("100.00"), net_amount=payout.net_amount + 100
        )


def test_processed_payout_cannot_be_adjusted(refused):
    payout = MerchantStorePayoutFactory(
        status=PayoutStatus.PROCESSED,
        utr="HDFCN52025040112345",
        processed_at=timezone.now(),
        # A processed payout pays its settlements: none here.
        **dict.fromkeys(
            ("gross_amount", "commission_amount", "gst_on_commission", "tcs_amount", "tds_amount"),
            Decimal("0.00"),
        ),
    )
    with refused("merchants.merchant_payout_adjustments", "PROCESSED"):
        MerchantPayoutAdjustmentFactory(payout=payout)


def test_adjustment_cannot_make_net_negative(refused):
    payout = MerchantStorePayoutFactory()
    with refused("merchants.merchant_payout_adjustments", "below 0"):
        MerchantPayoutAdjustmentFactory(
            payout=payout,
            adjustment_type="PENALTY",
            direction=LedgerEntryDirection.DEBIT,
            amount=payout.net_amount + Decimal("1.00"),
        )


def test_one_live_payout_per_store_cycle(refused):
    payout = MerchantStorePayoutFactory()
    with refused("merchant_store_payouts_one_per_cycle"):
        MerchantStorePayoutFactory(
            store=payout.store,
            bank_account=payout.bank_account,
            contract=payout.contract,
            cycle_start=payout.cycle_start,
            cycle_end=payout.cycle_end,
        )


# Validity windows (item 16) ------------------------------------------------------------------


def test_offer_valid_from_before_valid_to(refused):
    now = timezone.now()
    with refused("merchant_offers_valid_window"):
        MerchantOfferFactory(valid_from=now, valid_to=now)


def test_contract_valid_from_before_valid_to(refused):
    with refused("merchant_contracts_valid_window"):
        MerchantContractFactory(valid_from=_today(), valid_to=_today() - datetime.timedelta(1))


def test_no_two_active_contracts_overlap_for_a_store(refused):
    contract = MerchantContractFactory(valid_to=_today() + datetime.timedelta(days=30))
    with refused("merchant_contracts_no_overlapping_active"):
        MerchantContractFactory(
            store=contract.store, valid_from=_today() + datetime.timedelta(days=30)
        )


def test_back_to_back_contracts_are_fine():
    first = MerchantContractFactory(
        valid_from=_today() - datetime.timedelta(days=60),
        valid_to=_today() - datetime.timedelta(days=1),
    )
    MerchantContractFactory(store=first.store, valid_from=_today(), plan=first.plan)
    assert first.store.contracts.filter(status="ACTIVE").count() == 2


# One default account per owner (item 13) ------------------------------------------------------


def test_one_default_account_per_parent(refused):
    account = MerchantBankAccountFactory(is_default=True)
    with refused("merchant_bank_accounts_one_default_per_parent"):
        MerchantBankAccountFactory(parent=account.parent, is_default=True)


def test_one_default_account_per_store(refused):
    store = MerchantStoreFactory()
    MerchantBankAccountFactory(parent=None, store=store, is_default=True)
    with refused("merchant_bank_accounts_one_default_per_store"):
        MerchantBankAccountFactory(parent=None, store=store, is_default=True)


def test_bank_account_belongs_to_parent_or_store_not_both(refused):
    store = MerchantStoreFactory()
    with refused("merchant_bank_accounts_one_owner"):
        MerchantBankAccountFactory(parent=store.parent, store=store)


def test_upi_account_has_no_bank_number(refused):
    account = MerchantBankAccountFactory(upi=True)
    with refused("merchant_bank_accounts_shape"):
        MerchantBankAccount.objects.filter(pk=account.pk).update(ifsc="HDFC0001234")


def test_fssai_licence_belongs_to_a_store_and_expires(refused):
    with refused("merchant_documents_fssai_store_expiry"):
        MerchantDocumentFactory(document_type=MerchantDocumentType.FSSAI_LICENCE)


def test_document_number_is_only_a_hash(refused):
    document = MerchantDocumentFactory()
    with refused("merchant_documents_number_hash_check"):
        MerchantDocument.objects.filter(pk=document.pk).update(number_hash="AABCS7412M")


# Append-only logs (item 1) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "model", "table", "change"),
    [
        (
            MerchantStoreAvailabilityLogFactory,
            MerchantStoreAvailabilityLog,
            "merchants.merchant_store_availability_logs",
            {"note": "edited"},
        ),
        (
            MerchantItemStockEventFactory,
            MerchantItemStockEvent,
            "merchants.merchant_item_stock_events",
            {"reason": "edited"},
        ),
    ],
)
def test_logs_are_append_only(refused, factory, model, table, change):
    row = factory()
    with refused(table, "append-only", "UPDATE"):
        model.objects.filter(pk=row.pk).update(**change)
    with refused(table, "append-only", "DELETE"):
        model.objects.filter(pk=row.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [row.pk])
        assert cursor.fetchone()[0] == 1


# Menus hang together ---------------------------------------------------------------------------


def test_category_cannot_be_its_own_ancestor(refused):
    top = MerchantMenuCategoryFactory()
    child = MerchantMenuCategoryFactory(menu=top.menu, parent_category=top)
    grandchild = MerchantMenuCategoryFactory(menu=top.menu, parent_category=child)
    with refused("merchants.merchant_menu_categories", "cycle"):
        MerchantMenuCategory.objects.filter(pk=top.pk).update(parent_category=grandchild)


def test_subcategory_stays_on_its_parents_menu(refused):
    top = MerchantMenuCategoryFactory()
    with refused("merchants.merchant_menu_categories", "parent category"):
        MerchantMenuCategoryFactory(parent_category=top)


def test_item_category_is_on_the_items_store(refused):
    category = MerchantMenuCategoryFactory()
    other_store = MerchantStoreFactory()
    with refused("merchants.merchant_menu_items", f"store {other_store.pk}"):
        MerchantMenuItemFactory(category=category, store=other_store)


def test_item_addon_group_of_same_store(refused):
    item = MerchantMenuItemFactory()
    foreign_group = MerchantMenuAddonGroupFactory()
    with refused("merchants.merchant_menu_item_addon_groups"):
        MerchantMenuItemAddonGroupFactory(menu_item=item, addon_group=foreign_group)


def test_offer_covers_only_its_own_menus(refused):
    offer = MerchantOfferFactory()
    foreign_item = MerchantMenuItemFactory()
    with refused("merchants.merchant_offer_items"):
        MerchantOfferItemFactory(offer=offer, menu_item=foreign_item)


def test_brand_offer_covers_its_stores_menus():
    item = MerchantMenuItemFactory()
    offer = MerchantOfferFactory(store=None, parent=item.store.parent)
    assert MerchantOfferItemFactory(offer=offer, menu_item=item).pk


def test_store_gst_registration_is_its_parents(refused):
    foreign_registration = MerchantTaxRegistrationFactory()
    with refused("merchants.merchant_stores", "GST registration"):
        MerchantStoreFactory(gst_registration=foreign_registration)


def test_store_hours_use_iso_weekdays(refused):
    slot = factory_for(MerchantStoreHours)()
    with refused("merchant_store_hours_iso_weekday"):
        MerchantStoreHours.objects.filter(pk=slot.pk).update(weekday=0)


def test_commission_percent_within_100(refused):
    with refused("merchant_commission_plans_commission_range"):
        MerchantCommissionPlanFactory(commission_percent=Decimal("100.01"))


def test_upi_vpa_format(refused):
    account = MerchantBankAccountFactory(upi=True)
    with refused("merchant_bank_accounts_upi_vpa_format"):
        MerchantBankAccount.objects.filter(pk=account.pk).update(upi_vpa="merchant at okhdfc")


# Cross-schema references: zones, orders, approvals, API clients ------------------------------

CROSS_SCHEMA_FKS = [
    ("merchant_stores", "zone_id", "orders.service_zones"),
    ("merchant_store_service_areas", "zone_id", "orders.service_zones"),
    ("merchant_ad_campaigns", "zone_id", "orders.service_zones"),
    ("merchant_payout_adjustments", "order_id", "orders.orders"),
    ("merchant_payout_disputes", "order_id", "orders.orders"),
    ("merchant_menu_change_requests", "approval_id", "access_mgmt.approval_requests"),
    ("merchant_pos_integrations", "api_client_id", "access_mgmt.api_clients"),
]


@pytest.mark.parametrize(("table", "column", "target"), CROSS_SCHEMA_FKS)
def test_cross_schema_column_is_a_restricting_deferred_foreign_key(table, column, target):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.confrelid::regclass::text, c.confdeltype, c.condeferrable, c.condeferred
              FROM pg_constraint c
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND a.attname = %s
            """,
            [f"merchants.{table}", column],
        )
        assert cursor.fetchall() == [(target, "r", True, True)]


def test_referenced_zone_cannot_be_deleted(refused):
    store = MerchantStoreFactory()
    with refused("merchant_stores"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM orders.service_zones WHERE id = %s", [store.zone_id])


def test_adjustment_cannot_name_a_missing_order(refused_at_commit):
    adjustment = MerchantPayoutAdjustmentFactory()
    with refused_at_commit("merchant_payout_adjustments", "order_id"):
        MerchantPayoutAdjustment.objects.filter(pk=adjustment.pk).update(order_id=10**12)


# A LIVE store has a zone (go-live gate, item 14) -------------------------------------------------


def test_live_store_needs_a_zone(refused):
    with refused("merchant_stores_live_has_zone"):
        LiveMerchantStoreFactory(zone=None)


def test_live_store_cannot_drop_its_zone(refused, live_store):
    with refused("merchant_stores_live_has_zone"):
        MerchantStore.objects.filter(pk=live_store.pk).update(zone=None)


def test_live_parcel_point_needs_a_zone_too(refused):
    with refused("merchant_stores_live_has_zone"):
        MerchantStoreFactory(status=StoreStatus.LIVE, service_types=[ServiceType.PARCEL], zone=None)


def test_draft_store_may_wait_for_its_zone():
    assert MerchantStoreFactory(zone=None).zone_id is None


# Service areas and ad campaigns target zones of the store's city -------------------------------


def _zone_elsewhere():
    """A zone of another city than the factories' Bengaluru stores."""
    return ServiceZoneFactory(city=ServiceCityFactory(code="HYD", name="Hyderabad"))


def test_service_area_needs_a_shape(refused):
    with refused("merchant_store_service_areas_has_shape"):
        MerchantStoreServiceAreaFactory(radius_m=None, polygon_geojson=None, zone=None)


def test_service_area_may_be_a_whole_zone_of_the_stores_city(run_deferred_checks):
    store = MerchantStoreFactory()
    neighbour = ServiceZoneFactory(city=store.zone.city)
    area = MerchantStoreServiceAreaFactory(store=store, radius_m=None, zone=neighbour)
    run_deferred_checks()
    assert area.zone.city_id == store.zone.city_id


def test_service_area_zone_must_be_in_the_stores_city(refused_at_commit):
    store = MerchantStoreFactory()
    with refused_at_commit(
        "merchants.merchant_store_service_areas", store.code, "outside city"
    ) as info:
        MerchantStoreServiceAreaFactory(store=store, radius_m=None, zone=_zone_elsewhere())
    assert info.value.__cause__.diag.constraint_name == (
        "merchant_store_service_areas_zone_in_store_city"
    )


def test_service_area_zone_needs_the_store_to_have_a_zone(refused_at_commit):
    store = MerchantStoreFactory(zone=None)
    with refused_at_commit("merchants.merchant_store_service_areas", "has no service zone"):
        MerchantStoreServiceAreaFactory(store=store, zone=ServiceZoneFactory())


def test_ad_campaign_zone_must_be_in_the_stores_city(refused_at_commit):
    campaign = MerchantAdCampaignFactory()
    with refused_at_commit("merchants.merchant_ad_campaigns", "outside city") as info:
        MerchantAdCampaign.objects.filter(pk=campaign.pk).update(zone=_zone_elsewhere())
    assert info.value.__cause__.diag.constraint_name == "merchant_ad_campaigns_zone_in_store_city"


def test_ad_campaign_may_target_another_zone_of_the_city_or_every_zone(run_deferred_checks):
    campaign = MerchantAdCampaignFactory()
    MerchantAdCampaignFactory(store=campaign.store, zone=None)
    campaign.zone = ServiceZoneFactory(city=campaign.store.zone.city)
    campaign.save()
    run_deferred_checks()
    assert campaign.store.ad_campaigns.count() == 2


def test_ad_campaign_moved_to_a_store_of_another_city_is_refused(refused_at_commit):
    campaign = MerchantAdCampaignFactory()
    elsewhere = MerchantStoreFactory(zone=_zone_elsewhere())
    with refused_at_commit("merchants.merchant_ad_campaigns", elsewhere.code, "outside city"):
        MerchantAdCampaign.objects.filter(pk=campaign.pk).update(store=elsewhere)


def test_store_cannot_move_to_a_city_its_targets_are_not_in(refused_at_commit, run_deferred_checks):
    campaign = MerchantAdCampaignFactory()
    store = campaign.store
    run_deferred_checks()  # the campaign's own check passes; the store's move is tried next
    with refused_at_commit("merchants.merchant_stores", "ad campaign", "outside city"):
        MerchantStore.objects.filter(pk=store.pk).update(zone=_zone_elsewhere())


def test_store_cannot_drop_the_zone_its_targets_depend_on(refused_at_commit, run_deferred_checks):
    store = MerchantStoreFactory()
    MerchantStoreServiceAreaFactory(store=store, radius_m=None, zone=store.zone)
    run_deferred_checks()
    with refused_at_commit("merchants.merchant_stores", "service area", "has no service zone"):
        MerchantStore.objects.filter(pk=store.pk).update(zone=None)


def test_store_and_its_targets_may_move_city_together(run_deferred_checks):
    """Checked at commit: the store's zone and its campaign's zone change in
    one transaction, and only the final state counts."""
    campaign = MerchantAdCampaignFactory()
    run_deferred_checks()
    hyderabad = _zone_elsewhere()
    MerchantStore.objects.filter(pk=campaign.store_id).update(zone=hyderabad)
    MerchantAdCampaign.objects.filter(pk=campaign.pk).update(zone=hyderabad)
    run_deferred_checks()
    campaign.refresh_from_db()
    assert campaign.zone == hyderabad


# An adjustment or dispute names an order of the payout's store (CATALOG 8.15)


def test_adjustment_order_is_of_the_payouts_store(refused_at_commit):
    adjustment = MerchantPayoutAdjustmentFactory()
    other_store_order = FoodOrderFactory(merchant_store=LiveMerchantStoreFactory())
    with refused_at_commit("merchants.merchant_payout_adjustments", "not of store"):
        MerchantPayoutAdjustment.objects.filter(pk=adjustment.pk).update(order=other_store_order)


def test_dispute_order_is_of_the_payouts_store(refused_at_commit):
    payout = MerchantStorePayoutFactory()
    other_store_order = FoodOrderFactory(merchant_store=LiveMerchantStoreFactory())
    with refused_at_commit("merchants.merchant_payout_disputes", "not of store"):
        MerchantPayoutDisputeFactory(payout=payout, order=other_store_order)
