"""The operations console in headless Chromium, as three staff users see it:
a platform admin (SUPER_ADMIN), an ops manager of one city and a support
agent open the home page, a schema diagram and (the admin only) each
database operations page. Screenshots land in artifacts/screenshots/."""

import re

import pytest

from tests.e2e.helpers import PLAYWRIGHT_MISSING, STAFF

expect = pytest.importorskip("playwright.sync_api", reason=PLAYWRIGHT_MISSING).expect

OPERATIONS = ["migrations", "drift", "partitions", "roles", "backups", "audit"]


def shot_of(browse, locator, step):
    """A screenshot of one element (a diagram): the whole schema page is
    too tall for a full-page screenshot in time on a loaded machine."""
    # The diagram scrolls inside its box on the page; the screenshot shows all of it.
    browse.page.add_style_tag(content=".console-er { max-height: none; overflow: visible; }")
    browse.steps += 1
    name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    locator.screenshot(path=browse.folder / f"{browse.steps:02d}-{name}.png")


def _scope_ops_manager_to_one_city():
    """The seeded ops manager, scoped to the city of the demo orders."""
    from access_mgmt.backends import forget_access
    from access_mgmt.choices import ScopeType
    from access_mgmt.factories import UserAccessScopeFactory
    from access_mgmt.models import UserRole
    from orders.models import Order

    city = Order.objects.order_by("id").first().city
    assignment = UserRole.objects.get(user__email=STAFF["CITY_OPS_MANAGER"])
    UserAccessScopeFactory(user_role=assignment, scope_type=ScopeType.CITY, city=city)
    forget_access(assignment.user)
    return city


def test_platform_admin_sees_figures_schemas_and_operations(browse):
    page = browse.page
    browse.login(STAFF["SUPER_ADMIN"])
    expect(page.locator("#site-name")).to_have_text("GatiMitra operations")
    expect(page.locator("#section-orders .console-panel h3").first).to_have_text("Orders in flight")
    expect(page.locator("#section-orders svg.console-chart")).to_be_visible()
    expect(page.locator("#section-riders")).to_contain_text("Riders on duty")
    browse.shot("home page")

    browse.goto("/admin/schema/")
    expect(page.locator("svg.console-svg")).to_be_visible()
    browse.shot("schema map")
    with page.expect_navigation():
        page.locator("svg.console-svg a[href='/admin/schema/orders/']").first.click()
    diagram = page.locator(".console-er svg")
    expect(diagram.locator("#entity-orders-orders")).to_be_visible()
    expect(page.locator("#enums")).to_be_visible()
    shot_of(browse, diagram, "orders schema diagram")

    browse.goto("/admin/operations/")
    browse.shot("operations")
    for name in OPERATIONS:
        response = browse.goto(f"/admin/operations/{name}/")
        assert response.status == 200, name
        expect(page.locator("h1")).to_be_visible()
        if name == "roles":
            # The probe matrix is far wider than the window: a full-page
            # screenshot of its page timed out (15 s) at load 30.
            shot_of(browse, page.locator(".console-matrix"), f"operations {name}")
        else:
            browse.shot(f"operations {name}")


def test_ops_manager_of_one_city_sees_their_figures_and_no_operations(browse):
    page = browse.page
    city = _scope_ops_manager_to_one_city()
    browse.login(STAFF["CITY_OPS_MANAGER"])
    expect(page.locator("#section-orders")).to_contain_text("Orders in flight")
    expect(page.locator("#nav-sidebar")).not_to_contain_text("Database operations")
    browse.shot("home page one city")
    # A figure's link opens the changelist it counts, limited to their city.
    with page.expect_navigation():
        page.locator("#section-orders .figure a").first.click()
    expect(page).to_have_url(re.compile(r"/admin/orders/order/\?"))
    browse.shot("figure changelist")
    assert city.name  # the city the manager is scoped to
    browse.goto("/admin/schema/riders/")
    expect(page.locator(".console-er svg")).to_be_visible()
    shot_of(browse, page.locator(".console-er svg"), "riders schema diagram")
    assert browse.goto("/admin/operations/").status == 403


def test_support_agent_sees_their_sections_and_no_operations(browse):
    page = browse.page
    browse.login(STAFF["SUPPORT_AGENT"])
    expect(page.locator("#section-customers")).to_contain_text("Open tickets by priority")
    expect(page.locator("#section-merchants .console-panel", has_text="payouts")).to_have_count(0)
    browse.shot("home page support agent")
    browse.goto("/admin/schema/customers/")
    expect(page.locator(".console-er svg")).to_be_visible()
    shot_of(browse, page.locator(".console-er svg"), "customers schema diagram")
    for name in ["", *OPERATIONS]:
        path = f"/admin/operations/{name}/" if name else "/admin/operations/"
        assert browse.goto(path).status == 403, path
