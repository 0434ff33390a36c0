"""Admin pages that show a store, a menu item or a payout with what belongs
to it, and the write-only number fields."""

import pytest
from django.urls import reverse

from gatimitra.db.secrets import keyed_hash
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
