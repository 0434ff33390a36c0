"""The access_mgmt admin: secrets never shown, generated once, searchable by
their plain value. (No per-row queries in any list:
tests/gatimitra/test_admin_scale.py.)"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from access_mgmt import factories
from access_mgmt.models import (
    ApiClient,
    ApiKey,
    ApprovalRequest,
    BlockedIdentifier,
    FeatureFlagRule,
    SystemSetting,
    Team,
    UserAccessScope,
    UserInvitation,
    UserRole,
)
from gatimitra.db.fields import HashField
from gatimitra.db.secrets import keyed_hash
from gatimitra.testing import factory_for
from merchants.factories import MerchantParentFactory, MerchantStoreFactory
from orders.factories import ServiceCityFactory, ServiceZoneFactory

pytestmark = pytest.mark.django_db

ACCESS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "access_mgmt"),
    key=lambda model: str(model._meta.model_name),
)
MODELS_WITH_SECRETS = [
    model
    for model in ACCESS_MODELS
    if any(isinstance(field, HashField) for field in model._meta.concrete_fields)
]


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", MODELS_WITH_SECRETS, ids=lambda m: m._meta.model_name)
def test_hashes_are_never_displayed(admin_client, model):
    obj = factory_for(model)()
    hashes = [
        getattr(obj, field.attname)
        for field in model._meta.concrete_fields
        if isinstance(field, HashField)
    ]
    for url in (_url(model, "changelist"), _url(model, "change", obj.pk)):
        page = admin_client.get(url).content.decode()
        assert not any(value in page for value in hashes), url


def test_otps_are_found_by_the_plain_mobile(admin_client):
    wanted = factories.OtpRequestFactory(mobile="+919812345678")
    factories.OtpRequestFactory(mobile="+919800000000")
    url = _url(type(wanted), "changelist")
    response = admin_client.get(url, {"q": "+91 98123 45678"})
    assert [otp.pk for otp in response.context["cl"].result_list] == [wanted.pk]
    response = admin_client.get(url, {"q": str(wanted.principal_id)})
    assert [otp.pk for otp in response.context["cl"].result_list] == [wanted.pk]
    assert not admin_client.get(url, {"q": "nobody"}).context["cl"].result_list


def test_login_attempts_are_found_by_the_typed_email(admin_client):
    attempt = factories.LoginAttemptFactory(identifier_hash=keyed_hash("priya@gatimitra.test"))
    factories.LoginAttemptFactory(ip_address="198.51.100.7")
    url = _url(type(attempt), "changelist")
    found = admin_client.get(url, {"q": "Priya@GatiMitra.test"}).context["cl"].result_list
    assert [row.pk for row in found] == [attempt.pk]
    by_ip = admin_client.get(url, {"q": "198.51.100.7"}).context["cl"].result_list
    assert len(by_ip) == 1


def test_blocking_an_identifier_keeps_only_hash_and_mask(admin_client, superuser):
    data = {
        "kind": "MOBILE",
        "identifier": "+919876543210",
        "reason": "Chargeback fraud ring",
        "expires_at_0": "",
        "expires_at_1": "",
        "created_by": superuser.pk,
    }
    response = admin_client.post(_url(BlockedIdentifier, "add"), data)
    assert response.status_code == 302
    blocked = BlockedIdentifier.objects.get()
    assert blocked.identifier_hash == keyed_hash("+919876543210")
    assert blocked.identifier_masked == "XXXXXXXXX3210"
    again = admin_client.post(_url(BlockedIdentifier, "add"), data)
    assert again.status_code == 200
    assert "already blocked" in again.content.decode()


def test_api_key_is_generated_and_shown_once(admin_client, superuser):
    client_row = factories.ApiClientFactory()
    response = admin_client.post(
        _url(ApiKey, "add"),
        {
            "api_client": client_row.pk,
            "scopes": "orders:read",
            "expires_at_0": "",
            "expires_at_1": "",
            "rotated_at_0": "",
            "rotated_at_1": "",
            "revoked_at_0": "",
            "revoked_at_1": "",
            "created_by": superuser.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"(gm_live_[A-Za-z0-9]{8}\.[A-Za-z0-9_-]+)", response.content.decode())
    assert shown, "the new key is shown"
    key = ApiKey.objects.get()
    assert shown.group(1).startswith(key.key_prefix)
    assert key.key_hash == keyed_hash(shown.group(1))
    page = admin_client.get(_url(ApiKey, "change", key.pk)).content.decode()
    assert key.key_prefix in page
    assert shown.group(1) not in page


def test_invitation_token_is_generated_and_shown_once(admin_client, superuser):
    role = factories.SystemRoleFactory()
    response = admin_client.post(
        _url(UserInvitation, "add"),
        {
            "email": "new.hire@gatimitra.test",
            "mobile": "",
            "invitee_type": "SYSTEM_USER",
            "role": role.pk,
            "team": "",
            "scope_type": "GLOBAL",
            "invited_by": superuser.pk,
            "expires_at_0": "2099-01-01",
            "expires_at_1": "10:00:00",
            "accepted_at_0": "",
            "accepted_at_1": "",
            "accepted_user": "",
            "revoked_at_0": "",
            "revoked_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = re.search(
        r"shown once, send it to new.hire@gatimitra.test\): (\S+)<", response.content.decode()
    )
    assert token
    assert UserInvitation.objects.get().token_hash == keyed_hash(token.group(1))


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (UserInvitation, "invited_by"),
        (ApiKey, "created_by"),
        (BlockedIdentifier, "created_by"),
        (UserRole, "granted_by"),
        (ApprovalRequest, "requested_by"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_add_forms_name_the_signed_in_user_as_actor(admin_client, superuser, model, field):
    form = admin_client.get(_url(model, "add")).context["adminform"].form
    assert form.initial[field] == superuser.pk


# -- links into orders and merchants -------------------------------------------


def _invitation_form(superuser, **values):
    return {
        "email": "ops.lead@gatimitra.test",
        "mobile": "",
        "invitee_type": "SYSTEM_USER",
        "invited_by": superuser.pk,
        "expires_at_0": "2099-01-01",
        "expires_at_1": "10:00:00",
        "role": "",
        "merchant_role": "",
        "scope_type": "GLOBAL",
        **dict.fromkeys(("city", "zone", "team", "parent", "store"), ""),
        "accepted_user": "",
        "accepted_at_0": "",
        "accepted_at_1": "",
        "revoked_at_0": "",
        "revoked_at_1": "",
        **values,
    }


def test_city_scoped_staff_invitation_is_added(admin_client, superuser):
    city = ServiceCityFactory()
    role = factories.SystemRoleFactory()
    response = admin_client.post(
        _url(UserInvitation, "add"),
        _invitation_form(superuser, role=role.pk, scope_type="CITY", city=city.pk),
    )
    assert response.status_code == 302
    assert UserInvitation.objects.get().city == city


def test_invitation_with_a_scope_missing_its_target_is_explained(admin_client, superuser):
    role = factories.SystemRoleFactory()
    response = admin_client.post(
        _url(UserInvitation, "add"),
        _invitation_form(superuser, role=role.pk, scope_type="CITY"),
    )
    assert response.status_code == 200
    assert "scope target must match its type" in response.content.decode()
    assert not UserInvitation.objects.exists()


def test_merchant_user_invitation_is_added(admin_client, superuser):
    parent = MerchantParentFactory()
    response = admin_client.post(
        _url(UserInvitation, "add"),
        _invitation_form(
            superuser,
            invitee_type="MERCHANT_USER",
            merchant_role="MANAGER",
            scope_type="MERCHANT_PARENT",
            parent=parent.pk,
        ),
    )
    assert response.status_code == 302
    assert UserInvitation.objects.get().parent == parent


def test_scopes_are_edited_with_the_role_assignment(admin_client):
    assignment = factories.UserRoleFactory()
    zone = ServiceZoneFactory()
    factories.UserAccessScopeFactory(user_role=assignment, zone=zone, scope_type="ZONE")
    page = admin_client.get(_url(UserRole, "change", assignment.pk)).content.decode()
    for column in ("city", "zone", "parent", "store", "team"):
        assert f'name="scopes-0-{column}"' in page
    assert f"/{zone.code})" in page  # the selected zone, as str(zone) shows it
    listing = admin_client.get(_url(UserAccessScope, "changelist")).content.decode()
    assert f"/{zone.code})" in listing  # the target column


@pytest.mark.parametrize(
    ("model", "field", "target_factory"),
    [
        (UserAccessScope, "city", ServiceCityFactory),
        (UserAccessScope, "store", MerchantStoreFactory),
        (Team, "city", ServiceCityFactory),
        (ApiClient, "parent", MerchantParentFactory),
        (SystemSetting, "city", ServiceCityFactory),
        (FeatureFlagRule, "city", ServiceCityFactory),
        (UserInvitation, "zone", ServiceZoneFactory),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_links_to_other_domains_are_autocompleted(admin_client, model, field, target_factory):
    """The target admins have search fields, so the links autocomplete:
    no select over a big table, and a search by the target's code."""
    target = target_factory()
    form = admin_client.get(_url(model, "add")).context["adminform"].form
    assert type(form.fields[field].widget.widget).__name__ == "AutocompleteSelect"
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": target.code,
        },
    )
    assert [result["id"] for result in found.json()["results"]] == [str(target.pk)]


def test_djangos_groups_are_not_offered(admin_client):
    """Roles grant permissions here; a Group page would grant nothing."""
    assert not admin.site.is_registered(Group)
    assert "/admin/auth/group/" not in admin_client.get(reverse("admin:index")).content.decode()
