"""Scoped data access: the CITY (and TEAM) scopes of a user's role
assignments limit the rows they see and change, per permission
(``access_mgmt.scopes``), and the admins that mix in
``CityScopedAdminMixin`` obey them: teams and team members, and the other
domains' orders, riders, stores and the rows that hang off them."""

from datetime import timedelta

import pytest
from django.contrib.admin import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access_mgmt.admin.mixins import CityScopedAdminMixin
from access_mgmt.backends import forget_access
from access_mgmt.factories import (
    SystemPermissionFactory,
    TeamFactory,
    TeamMemberFactory,
    UserAccessScopeFactory,
    UserPermissionOverrideFactory,
    UserRoleFactory,
)
from access_mgmt.models import SystemRole, Team, TeamMember
from access_mgmt.models.roles import SCOPE_TARGETS
from access_mgmt.scopes import city_scope, model_city_scope, restrict_to_city_scope
from gatimitra.admin import GatimitraModelAdmin
from merchants.factories import MerchantStoreFactory
from merchants.models import MerchantStore
from orders.factories import (
    FoodOrderFactory,
    OrderItemFactory,
    ServiceCityFactory,
    ServiceZoneFactory,
)
from orders.models import Order, OrderItem, ServiceZone
from riders.factories import LocationLogFactory, RiderFactory
from riders.models import LocationLog, Rider

pytestmark = pytest.mark.django_db

VIEW_ORDER = "orders.view_order"
SCOPE_TYPES = {column: scope_type for scope_type, column in SCOPE_TARGETS.items()}


@pytest.fixture
def blr():
    return ServiceCityFactory(code="BLRS", name="Bengaluru")


@pytest.fixture
def hyd():
    return ServiceCityFactory(code="HYDS", name="Hyderabad")


@pytest.fixture
def assign(default_roles, staff_with_roles):
    """``assign(user, "CITY_OPS_MANAGER", city=blr)``: a current assignment
    of the role, scoped to the city (or team, or zone) given; ``user=None``
    makes a new staff user."""

    def make(user, role_code, **scope):
        user = user or staff_with_roles()
        assignment = UserRoleFactory(user=user, role=SystemRole.objects.get(code=role_code))
        for column, target in scope.items():
            UserAccessScopeFactory(
                user_role=assignment, scope_type=SCOPE_TYPES[column], **{column: target}
            )
        forget_access(user)
        return user

    return make


# -- city_scope ----------------------------------------------------------------


def test_assignment_without_scope_reaches_every_city(assign):
    user = assign(None, "CITY_OPS_MANAGER")
    assert city_scope(user, VIEW_ORDER) is None


def test_city_scope_limits_to_the_city(assign, blr):
    user = assign(None, "CITY_OPS_MANAGER", city=blr)
    assert city_scope(user, VIEW_ORDER) == {blr.pk}
    assert city_scope(user, "orders.change_order") == {blr.pk}


def test_scopes_of_several_assignments_add_up(assign, blr, hyd):
    user = assign(None, "CITY_OPS_MANAGER", city=blr)
    assign(user, "SUPPORT_AGENT", city=hyd)
    assert city_scope(user, VIEW_ORDER) == {blr.pk, hyd.pk}
    # Only the ops manager assignment grants changing orders: only its city.
    assert city_scope(user, "orders.change_order") == {blr.pk}


def test_an_unscoped_assignment_that_grants_the_permission_wins(assign, blr):
    user = assign(None, "CITY_OPS_MANAGER", city=blr)
    assign(user, "SUPPORT_AGENT")
    assert city_scope(user, VIEW_ORDER) is None
    assert city_scope(user, "orders.change_order") == {blr.pk}


def test_inherited_permissions_carry_the_assignment_scope(assign, blr):
    # CITY_OPS_MANAGER includes SUPPORT_AGENT, which reads customers.
    user = assign(None, "CITY_OPS_MANAGER", city=blr)
    assert city_scope(user, "customers.change_customer") == {blr.pk}


def test_a_permission_not_granted_reaches_no_city(assign, blr):
    user = assign(None, "CITY_OPS_MANAGER", city=blr)
    assert city_scope(user, "riders.view_riderpayout") == frozenset()  # denied
    assert city_scope(user, "access_mgmt.view_systemrole") == frozenset()  # never allowed


def test_team_scope_is_the_teams_city_or_every_city(assign, blr):
    city_team = assign(None, "SUPPORT_AGENT", team=TeamFactory(city=blr))
    central = assign(None, "SUPPORT_AGENT", team=TeamFactory(central=True))
    assert city_scope(city_team, VIEW_ORDER) == {blr.pk}
    assert city_scope(central, VIEW_ORDER) is None


def test_zone_and_merchant_scopes_reach_no_whole_city(assign, blr):
    from merchants.factories import MerchantParentFactory
    from orders.factories import ServiceZoneFactory

    zoned = assign(None, "SUPPORT_AGENT", zone=ServiceZoneFactory(city=blr))
    merchant = assign(None, "MERCHANT_ONBOARDING", parent=MerchantParentFactory())
    assert city_scope(zoned, VIEW_ORDER) == frozenset()
    assert city_scope(merchant, "merchants.view_merchantstore") == frozenset()


def test_ended_and_revoked_assignments_do_not_count(assign, blr, hyd):
    user = assign(None, "SUPPORT_AGENT", city=blr)
    ended = UserRoleFactory(
        user=user,
        role=SystemRole.objects.get(code="CITY_OPS_MANAGER"),
        valid_from=timezone.now() - timedelta(days=10),
        valid_to=timezone.now() - timedelta(days=1),
    )
    UserAccessScopeFactory(user_role=ended, scope_type="CITY", city=hyd)
    revoked = UserRoleFactory(
        user=user, role=SystemRole.objects.get(code="FINANCE"), revoked_at=timezone.now()
    )
    UserAccessScopeFactory(user_role=revoked, scope_type="CITY", city=hyd)
    forget_access(user)
    assert city_scope(user, VIEW_ORDER) == {blr.pk}


def test_break_glass_override_is_not_scoped(assign, blr):
    user = assign(None, "SUPPORT_AGENT", city=blr)
    UserPermissionOverrideFactory(
        user=user, permission=SystemPermissionFactory(code="orders.change_order")
    )
    forget_access(user)
    assert city_scope(user, "orders.change_order") is None
    assert city_scope(user, VIEW_ORDER) == {blr.pk}


def test_superusers_and_inactive_users(superuser, assign, blr):
    assert city_scope(superuser, VIEW_ORDER) is None
    user = assign(None, "SUPPORT_AGENT")
    user.status = "DISABLED"
    assert city_scope(user, VIEW_ORDER) == frozenset()


def test_scopes_are_read_once_per_user_object(assign, blr, hyd):
    user = assign(None, "CITY_OPS_MANAGER", city=blr)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            model_city_scope(user, Order, "view", "change")
            model_city_scope(user, TeamMember, "view", "change")
    assert len(queries) == 2  # the rules, then the scopes


def test_querysets_of_other_domains_are_narrowed(assign, blr, hyd):
    user = assign(None, "SUPPORT_AGENT", city=blr)
    mine, theirs = FoodOrderFactory(zone__city=blr), FoodOrderFactory(zone__city=hyd)
    visible = restrict_to_city_scope(Order.objects.all(), city_scope(user, VIEW_ORDER))
    assert list(visible.values_list("pk", flat=True)) == [mine.pk]
    assert theirs.pk in restrict_to_city_scope(Order.objects.all(), None).values_list(
        "pk", flat=True
    )


# -- the admin (CityScopedAdminMixin on teams and team members) ---------------


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def teams(blr, hyd):
    return TeamFactory(city=blr), TeamFactory(city=hyd), TeamFactory(central=True)


def test_city_scoped_manager_lists_only_their_citys_teams(client, assign, blr, teams):
    client.force_login(assign(None, "CITY_OPS_MANAGER", city=blr))
    shown = client.get(_url(Team, "changelist")).context["cl"].result_list
    assert list(shown) == [teams[0]]
    for other in teams[1:]:
        assert client.get(_url(Team, "change", other.pk)).status_code == 302  # "not found"


def test_unscoped_manager_lists_every_team(client, assign, teams):
    client.force_login(assign(None, "CITY_OPS_MANAGER"))
    shown = client.get(_url(Team, "changelist")).context["cl"].result_list
    assert set(shown) == set(teams)


def test_members_of_other_cities_teams_are_out_of_reach(client, assign, blr, teams):
    mine, theirs = TeamMemberFactory(team=teams[0]), TeamMemberFactory(team=teams[1])
    client.force_login(assign(None, "CITY_OPS_MANAGER", city=blr))
    shown = client.get(_url(TeamMember, "changelist")).context["cl"].result_list
    assert list(shown) == [mine]
    assert client.get(_url(TeamMember, "change", theirs.pk)).status_code == 302
    page = client.get(_url(TeamMember, "change", mine.pk))
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()


def test_members_are_added_only_to_teams_of_their_cities(client, assign, blr, teams):
    manager = assign(None, "CITY_OPS_MANAGER", city=blr)
    newcomer = TeamMemberFactory.build().user
    newcomer.save()
    client.force_login(manager)
    form = {
        "user": newcomer.pk,
        "is_lead": "",
        "queues": "order-issues",
        "skills": "kannada",
        "joined_at_0": "2026-01-01",
        "joined_at_1": "09:00:00",
        "left_at_0": "",
        "left_at_1": "",
    }
    refused = client.post(_url(TeamMember, "add"), {**form, "team": teams[1].pk})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    accepted = client.post(_url(TeamMember, "add"), {**form, "team": teams[0].pk})
    assert accepted.status_code == 302
    assert TeamMember.objects.get(user=newcomer).team == teams[0]


def test_viewing_everywhere_but_changing_in_one_city(client, assign, blr, teams):
    """Support agent everywhere (views members), ops manager of BLR (changes
    them): every member is listed, only BLR's can be changed."""
    mine, theirs = TeamMemberFactory(team=teams[0]), TeamMemberFactory(team=teams[1])
    user = assign(None, "SUPPORT_AGENT")
    assign(user, "CITY_OPS_MANAGER", city=blr)
    client.force_login(user)
    shown = client.get(_url(TeamMember, "changelist")).context["cl"].result_list
    assert set(shown) == {mine, theirs}
    assert 'name="_save"' not in client.get(_url(TeamMember, "change", theirs.pk)).content.decode()
    assert 'name="_save"' in client.get(_url(TeamMember, "change", mine.pk)).content.decode()
    response = client.post(_url(TeamMember, "change", theirs.pk), {"is_lead": "on"})
    assert response.status_code == 403


# -- the other domains' admins: orders, riders, stores and what hangs off them -


@pytest.fixture
def two_cities(blr, hyd):
    """Per city: an order (with its items), a rider (with a GPS ping) and a
    store, as ``{city code: {model: [rows]}}``."""
    rows = {}
    for city in (blr, hyd):
        zone = ServiceZoneFactory(city=city)
        order = FoodOrderFactory(zone=zone)
        OrderItemFactory(order=order)
        rider = RiderFactory(located=True, home_zone=zone)
        rows[city.code] = {
            Order: [order],
            OrderItem: list(order.items.all()),
            Rider: [rider],
            LocationLog: [LocationLogFactory(rider=rider)],
            MerchantStore: [MerchantStoreFactory(zone=zone)],
        }
    return rows


@pytest.mark.parametrize(
    "model", [Order, OrderItem, Rider, LocationLog, MerchantStore], ids=lambda m: m.__name__
)
def test_city_manager_lists_and_opens_only_their_citys_rows(client, assign, blr, two_cities, model):
    client.force_login(assign(None, "CITY_OPS_MANAGER", city=blr))
    mine, theirs = two_cities["BLRS"][model], two_cities["HYDS"][model]
    shown = client.get(_url(model, "changelist")).context["cl"].result_list
    assert {row.pk for row in shown} == {row.pk for row in mine}
    assert client.get(_url(model, "change", mine[0].pk)).status_code == 200
    assert client.get(_url(model, "change", theirs[0].pk)).status_code == 302  # "not found"


def test_manager_without_scope_lists_every_citys_orders(client, assign, two_cities):
    client.force_login(assign(None, "CITY_OPS_MANAGER"))
    shown = client.get(_url(Order, "changelist")).context["cl"].result_list
    assert {row.pk for row in shown} == {rows[Order][0].pk for rows in two_cities.values()}


def test_new_zones_only_in_the_managers_cities(rf, assign, blr, hyd):
    request = rf.get("/")
    request.user = assign(None, "CITY_OPS_MANAGER", city=blr)
    zone_admin = site._registry[ServiceZone]
    field = zone_admin.formfield_for_foreignkey(ServiceZone._meta.get_field("city"), request)
    assert list(field.queryset) == [blr]
    assert field.required


def test_every_scoped_admin_names_a_path_to_a_city():
    scoped = [a for a in site._registry.values() if isinstance(a, CityScopedAdminMixin)]
    assert {type(a).__module__.split(".")[0] for a in scoped} >= {"orders", "riders", "merchants"}
    assert [error for admin_ in scoped for error in admin_._check_city_scope_field()] == []


@pytest.mark.parametrize(
    ("path", "why"),
    [("zone__city", "has no foreign key 'zone'"), ("rider", "ends at riders.Rider")],
)
def test_a_path_that_misses_the_city_fails_the_admin_check(path, why):
    class MisScopedAdmin(CityScopedAdminMixin, GatimitraModelAdmin):
        city_scope_field = path

    errors = MisScopedAdmin(LocationLog, site)._check_city_scope_field()
    assert [error.id for error in errors] == ["access_mgmt.E001"]
    assert why in errors[0].msg
