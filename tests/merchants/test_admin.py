"""Admin pages that show a store, a menu item or a payout with what belongs
to it, and the write-only number fields."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gatimitra.db.secrets import keyed_hash
from gatimitra.testing import factory_for
from merchants.admin.forms import MerchantBankAccountForm
from merchants.factories import (
    MerchantMenuFactory,
    MerchantMenuItemAddonGroupFactory,
    MerchantMenuItemVariantFactory,
    MerchantParentFactory,
    MerchantPayoutAdjustmentFactory,
    MerchantStoreCuisineFactory,
    MerchantStoreHoursFactory,
)

pytestmark = pytest.mark.django_db


def _change_page(client, superuser, obj):
    client.force_login(superuser)
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_store_page_shows_hours_cuisines_and_menus(client, superuser):
    hours = MerchantStoreHoursFactory()
    store = hours.store
    MerchantStoreCuisineFactory(store=store)
    menu = MerchantMenuFactory(store=store)
    page = _change_page(client, superuser, store)
    assert 'id="hours-group"' in page
    assert 'id="cuisines-group"' in page
    assert 'id="menus-group"' in page
    assert menu.name in page


def test_menu_item_page_shows_variants_and_addon_groups(client, superuser):
    variant = MerchantMenuItemVariantFactory()
    link = MerchantMenuItemAddonGroupFactory(menu_item=variant.menu_item)
    page = _change_page(client, superuser, variant.menu_item)
    assert 'id="variants-group"' in page
    assert 'id="addon_group_links-group"' in page
    assert variant.name in page
    assert str(link.addon_group_id) in page


def test_payout_page_shows_adjustments(client, superuser):
    adjustment = MerchantPayoutAdjustmentFactory()
    page = _change_page(client, superuser, adjustment.payout)
    assert 'id="adjustments-group"' in page
    assert adjustment.reason in page


def test_bank_account_number_is_kept_only_hashed_and_masked():
    parent = MerchantParentFactory()
    form = MerchantBankAccountForm(
        data={
            "parent": parent.pk,
            "account_type": "BANK_ACCOUNT",
            "account_holder_name": parent.legal_name,
            "number": "50100012345678",
            "ifsc": "HDFC0001234",
            "verification_status": "PENDING",
            "is_active": "on",
        }
    )
    assert form.is_valid(), form.errors
    account = form.save()
    assert account.account_number_masked == "XXXXXXXXXX5678"
    assert account.account_number_hash == keyed_hash("50100012345678")
    assert "50100012345678" not in str(type(account).objects.filter(pk=account.pk).values().get())


def test_bank_account_form_needs_a_number():
    parent = MerchantParentFactory()
    form = MerchantBankAccountForm(
        data={
            "parent": parent.pk,
            "account_type": "BANK_ACCOUNT",
            "account_holder_name": parent.legal_name,
            "ifsc": "HDFC0001234",
            "verification_status": "PENDING",
        }
    )
    assert not form.is_valid()
    assert "number" in form.errors


def _merchant_admin_models():
    return [
        pytest.param(model, id=model.__name__)
        for model in apps.get_app_config("merchants").get_models()
        if model in admin.site._registry
    ]


@pytest.mark.parametrize("model", _merchant_admin_models())
def test_changelist_queries_do_not_grow_with_rows(client, superuser, model):
    client.force_login(superuser)
    url = reverse(f"admin:merchants_{model._meta.model_name}_changelist")
    factory = factory_for(model)
    factory()
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    factory.create_batch(3)
    with CaptureQueriesContext(connection) as four_rows:
        assert client.get(url).status_code == 200
    assert len(four_rows) == len(one_row), [q["sql"] for q in four_rows.captured_queries]
