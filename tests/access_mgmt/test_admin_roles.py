"""Staff users see in the admin exactly what their seeded roles grant.

The seed (fixtures/003_access_default_roles.json) is loaded as in
production; the users are staff, not superusers, and hold only their role.
Within this app only access_mgmt models have admin pages, so the pages are
checked for every access_mgmt model and the other domains' permissions are
checked through ``has_perm``.
"""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access_mgmt.backends import RoleBackend
from access_mgmt.factories import TeamFactory
from gatimitra.testing import factory_for

pytestmark = pytest.mark.django_db

ACCESS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "access_mgmt"),
    key=lambda model: str(model._meta.model_name),
)

#: What each role may see and add among the access_mgmt admin pages.
EXPECTED_PAGES = {
    "SUPPORT_AGENT": {"view": {"team", "teammember"}, "add": set()},
    "FINANCE": {
        "view": {"approvalworkflow", "approvalworkflowstep", "approvalrequest", "approvalaction"},
        "add": set(),
    },
    # Through role_hierarchy: SUPPORT_AGENT's team pages and MERCHANT_ONBOARDING's invitations.
    "CITY_OPS_MANAGER": {
        "view": {"team", "teammember", "userinvitation"},
        "add": {"teammember", "userinvitation"},
    },
    "READ_ONLY_AUDITOR": {"view": {m._meta.model_name for m in ACCESS_MODELS}, "add": set()},
}


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("role", EXPECTED_PAGES)
def test_role_sees_exactly_its_admin_pages(client, default_roles, staff_with_roles, role):
    client.force_login(staff_with_roles(role))
    assert client.get(reverse("admin:index")).status_code == 200
    expected = EXPECTED_PAGES[role]
    seen, added = set(), set()
    for model in ACCESS_MODELS:
        name = model._meta.model_name
        if client.get(_url(model, "changelist")).status_code == 200:
            seen.add(name)
        status = client.get(_url(model, "add")).status_code
        assert status in (200, 403), (name, status)
        if status == 200:
            added.add(name)
    assert seen == expected["view"]
    assert added == expected["add"]


@pytest.mark.parametrize("role", ["SUPPORT_AGENT", "FINANCE"])
def test_refused_pages_answer_403(client, default_roles, staff_with_roles, role):
    client.force_login(staff_with_roles(role))
    for model in ACCESS_MODELS:
        if model._meta.model_name in EXPECTED_PAGES[role]["view"]:
            continue
        obj = factory_for(model)()
        for url in (_url(model, "changelist"), _url(model, "change", obj.pk)):
            assert client.get(url).status_code == 403, url


def test_support_agent_reads_teams_but_cannot_change_them(client, default_roles, staff_with_roles):
    team = TeamFactory()
    client.force_login(staff_with_roles("SUPPORT_AGENT"))
    page = client.get(_url(type(team), "change", team.pk))
    assert page.status_code == 200
    assert team.code in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # view-only
    response = client.post(_url(type(team), "change", team.pk), {"name": "Renamed"})
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.name != "Renamed"


def test_index_lists_only_the_granted_models(client, default_roles, staff_with_roles):
    client.force_login(staff_with_roles("FINANCE"))
    app_list = client.get(reverse("admin:index")).context["app_list"]
    shown = {
        model["object_name"].lower()
        for app in app_list
        if app["app_label"] == "access_mgmt"
        for model in app["models"]
    }
    assert shown == EXPECTED_PAGES["FINANCE"]["view"]


SUPPORT_AGENT_PERMS = {
    "customers.view_customer": True,
    "customers.change_customer": True,
    "customers.change_customeraddress": True,
    "customers.delete_customer": False,
    "customers.view_customerwallet": True,
    "customers.change_customerwallet": False,
    "customers.add_customerwallettransaction": False,
    "orders.view_order": True,
    "orders.view_orderrefund": True,
    "orders.change_order": False,
    "orders.view_ordersettlement": False,
    "merchants.view_merchantstorepayout": False,
    "merchants.view_merchantpayoutadjustment": False,
    "riders.view_riderpayout": False,
    "riders.view_rider": False,
    "access_mgmt.view_team": True,
    "access_mgmt.view_systemuser": False,
    "access_mgmt.change_team": False,
}

FINANCE_PERMS = {
    "merchants.view_merchantstorepayout": True,
    "merchants.change_merchantstorepayout": True,
    "merchants.add_merchantpayoutadjustment": True,
    "merchants.delete_merchantstorepayout": False,
    "riders.view_riderpayout": True,
    "riders.change_riderpayout": True,
    "orders.view_orderrefund": True,
    "orders.change_orderrefund": True,
    "orders.view_ordersettlement": True,
    "orders.change_ordersettlement": True,
    "orders.view_order": True,
    "orders.change_order": False,
    "riders.view_walletledger": True,
    "customers.add_customerwallettransaction": True,
    "customers.view_customer": False,
    "customers.change_customer": False,
    "merchants.view_merchantbankaccount": True,
    "merchants.change_merchantbankaccount": False,
    "orders.view_orderinvoice": True,
    "access_mgmt.view_approvalrequest": True,
    "access_mgmt.change_approvalrequest": False,
    "access_mgmt.view_team": False,
}

AUDITOR_PERMS = {
    "orders.view_order": True,
    "merchants.view_merchantstorepayout": True,
    "access_mgmt.view_systemuser": True,
    "orders.change_order": False,
    "customers.add_customer": False,
    "riders.delete_rider": False,
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("SUPPORT_AGENT", SUPPORT_AGENT_PERMS),
        ("FINANCE", FINANCE_PERMS),
        ("READ_ONLY_AUDITOR", AUDITOR_PERMS),
    ],
)
def test_role_permissions_in_other_domains(default_roles, staff_with_roles, role, expected):
    user = staff_with_roles(role)
    backend = RoleBackend()
    answers = {perm: backend.has_perm(user, perm) for perm in expected}
    assert answers == expected


def test_auditor_stays_read_only_whatever_else_they_hold(default_roles, staff_with_roles):
    user = staff_with_roles("READ_ONLY_AUDITOR", "FINANCE")
    assert user.has_perm("merchants.view_merchantstorepayout")
    assert not user.has_perm("merchants.change_merchantstorepayout")


def test_super_admin_role_grants_everything_without_superuser_flag(default_roles, staff_with_roles):
    user = staff_with_roles("SUPER_ADMIN")
    assert not user.is_superuser
    assert user.has_perm("riders.delete_rider")
    assert user.has_perm("access_mgmt.change_systemrole")


def test_module_permissions_of_seeded_roles(default_roles, staff_with_roles):
    support, finance = staff_with_roles("SUPPORT_AGENT"), staff_with_roles("FINANCE")
    assert support.has_module_perms("customers")
    assert not support.has_module_perms("merchants")
    assert finance.has_module_perms("merchants")
    assert finance.has_module_perms("access_mgmt")


def test_superuser_sees_everything(client, superuser):
    client.force_login(superuser)
    for model in ACCESS_MODELS:
        assert client.get(_url(model, "changelist")).status_code == 200


def test_one_permission_query_per_admin_page(client, default_roles, staff_with_roles):
    client.force_login(staff_with_roles("CITY_OPS_MANAGER"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    rule_reads = [q for q in queries.captured_queries if "WITH RECURSIVE held" in q["sql"]]
    assert len(rule_reads) == 1
