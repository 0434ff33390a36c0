"""Database errors named without personal data (gatimitra/db/errors.py):
table, constraint, column and non-personal values; personal ones masked;
PostgreSQL's ``Failing row contains`` never shown. In the admin too."""

import pytest
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.urls import reverse

from customers.factories import CustomerFactory
from customers.models import Customer
from gatimitra.db.errors import describe_database_error, is_personal, masked_key_detail
from merchants.admin.stores import MerchantCuisineAdmin
from merchants.models import MerchantCuisine


def _error(make):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        make()
    return raised.value


@pytest.mark.parametrize(
    "column", ["mobile", "full_name", "email", "pan_number", "account_number", "contact_mobile"]
)
def test_personal_columns(column):
    assert is_personal(column)


@pytest.mark.parametrize("column", ["status", "referral_code", "city_id", "order_number"])
def test_columns_that_are_not_personal(column):
    assert not is_personal(column)


def test_key_details_mask_personal_values_and_drop_failing_rows():
    detail = masked_key_detail("Key (city_id, mobile)=(7, +919812345678) already exists.")
    assert detail == "Key (city_id, mobile)=(7, •••) already exists."
    assert masked_key_detail("Failing row contains (1, +919812345678, Kavya Iyer).") == ""


def test_a_unique_violation_names_table_and_constraint_and_masks_the_mobile(db):
    CustomerFactory(mobile="+919812345678", referral_code="KAVYA01")
    said = describe_database_error(
        _error(lambda: CustomerFactory(mobile="+919812345678", referral_code="KAVYA02"))
    )
    assert "customers.customers" in said and "customers_mobile" in said
    assert "Key (mobile)=(•••) already exists" in said and "9812345678" not in said

    value = describe_database_error(
        _error(lambda: CustomerFactory(mobile="+919812345679", referral_code="KAVYA01"))
    )
    assert "Key (referral_code)=(KAVYA01) already exists" in value  # not personal: shown


def test_a_check_violation_never_shows_the_failing_row(db):
    customer = CustomerFactory(full_name="Kavya Iyer", mobile="+919812345670")
    error = _error(lambda: Customer.objects.filter(pk=customer.pk).update(status="NOPE"))
    assert "Failing row contains" in str(error.__cause__.diag.message_detail)  # PostgreSQL's
    said = describe_database_error(error)
    assert "customers_status" in said and "customers.customers" in said
    assert "Failing row" not in said and "Kavya" not in said and "9812345670" not in said


@pytest.mark.parametrize("view", ["change", "delete"])
def test_the_admin_says_what_the_database_refused_without_the_row(
    client, superuser, monkeypatch, caplog, view
):
    taken = CustomerFactory(full_name="Kavya Iyer", mobile="+919812345671")
    other = CustomerFactory()
    cuisine = MerchantCuisine.objects.create(code="TEST_MASKED", name="Masked", display_order=1)

    def refused_write(*args):
        # What a trigger or a constraint the form cannot see would do.
        Customer.objects.filter(pk=other.pk).update(mobile=taken.mobile)

    monkeypatch.setattr(MerchantCuisineAdmin, "save_model", refused_write)
    monkeypatch.setattr(MerchantCuisineAdmin, "delete_model", refused_write)
    client.force_login(superuser)
    url = reverse(f"admin:merchants_merchantcuisine_{view}", args=[cuisine.pk])
    data = (
        {"code": "TEST_MASKED", "name": "Masked 2", "display_order": 2, "is_active": "on"}
        if view == "change"
        else {"post": "yes"}
    )
    with caplog.at_level("WARNING", logger="gatimitra.admin"):
        response = client.post(url, data)
    shown = [str(message) for message in messages.get_messages(response.wsgi_request)]
    assert response.status_code == 302 and response.url == url, shown
    assert len(shown) == 1 and shown[0].startswith("Not saved:"), shown
    assert "customers.customers" in shown[0] and "Key (mobile)=(•••)" in shown[0]
    assert "9812345671" not in shown[0] + caplog.text and "customers_mobile" in caplog.text
    other.refresh_from_db()
    cuisine.refresh_from_db()
    assert other.mobile != taken.mobile and cuisine.name == "Masked"  # rolled back
