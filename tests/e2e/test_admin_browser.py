"""The admin as staff use it, in headless Chromium: signing in through the
form, each domain's section, finding a rider by mobile, an order with its
inlines, a store's status change and the audit entry the database filed for
it, and a support agent kept away from payouts.

Run them alone with ``pytest tests/e2e``; screenshots land in artifacts/screenshots/.
"""

import re

import pytest

from tests.e2e.helpers import PLAYWRIGHT_MISSING, STAFF

expect = pytest.importorskip("playwright.sync_api", reason=PLAYWRIGHT_MISSING).expect

ADMIN = STAFF["SUPER_ADMIN"]
OPS = STAFF["CITY_OPS_MANAGER"]
SUPPORT = STAFF["SUPPORT_AGENT"]

#: Each domain's admin section: its title and a model it lists.
SECTIONS = {
    "riders": ("Riders", "rider"),
    "orders": ("Orders", "order"),
    "merchants": ("Merchants", "merchantstore"),
    "customers": ("Customers", "customer"),
    "access_mgmt": ("Access management", "systemuser"),
    "audit": ("Audit", "merchantauditlog"),
}


def test_staff_user_signs_in_and_opens_every_domain_section(browse):
    page = browse.page
    browse.login(ADMIN)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    # A staff user who is no superuser: the SUPER_ADMIN role grants it all.
    expect(page.locator("#user-tools")).to_contain_text("Welcome, Super")
    browse.shot("admin index")

    for app_label, (title, model_name) in SECTIONS.items():
        response = browse.goto(f"/admin/{app_label}/")
        assert response.status == 200, app_label
        expect(page.locator("h1")).to_have_text(f"{title} administration")
        expect(page.locator(f"th#{app_label}-{model_name} a")).to_have_attribute(
            "href", f"/admin/{app_label}/{model_name}/"
        )
        browse.shot(f"section {app_label}")


def test_rider_found_by_mobile(browse):
    page = browse.page
    browse.login(OPS)
    browse.goto("/admin/riders/rider/")
    browse.search("+919845000105")

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ravi Kumar")
    expect(rows.first).to_contain_text("+919845000105")
    browse.shot("rider search result")

    browse.open_first_result()
    expect(page.locator("#id_mobile")).to_have_value("+919845000105")
    browse.shot("rider page")


def test_order_page_shows_its_inlines(browse):
    page = browse.page
    browse.login(OPS)
    browse.goto("/admin/orders/order/")
    browse.search("FD2601040001")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    browse.shot("order search result")

    browse.open_first_result()
    # The seeded order is delivered: shown read-only, with the refund action.
    expect(page.locator(".field-order_number .readonly")).to_have_text("FD2601040001")
    expect(page.locator("#id_status")).to_have_count(0)
    expect(page.locator(".object-tools a", has_text="Refund")).to_be_visible()
    # The seeded FOOD order: 3 items, 2 stops, 7 charges, 1 payment, 1 rider,
    # each part a read-only table.
    for prefix, count in {
        "items": 3,
        "stops": 2,
        "charges": 7,
        "payments": 1,
        "rider_assignments": 1,
    }.items():
        group = page.locator(f"#{prefix}-group")
        expect(group).to_be_visible()
        expect(group.locator("tbody tr")).to_have_count(count)
    # Of the service details, only the FOOD order's own.
    expect(page.locator("#food_details-group")).to_be_visible()
    expect(page.locator("#parcel_details-group")).to_have_count(0)
    expect(page.locator("#ride_details-group")).to_have_count(0)
    browse.shot("order page with inlines")


def test_store_status_change_is_saved_and_audited(browse):
    page = browse.page
    browse.login(OPS)
    browse.goto("/admin/merchants/merchantstore/")
    browse.search("MS00001")
    browse.open_first_result()
    expect(page.locator("#id_status")).to_have_value("LIVE")
    page.select_option("#id_status", "PAUSED")
    browse.shot("store status set to paused")

    with page.expect_navigation():
        page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")
    expect(page.locator("#id_status")).to_have_value("PAUSED")
    browse.shot("store saved")
    store_url = page.url

    # The audit trail is for admins and auditors, not the ops manager.
    browse.logout()
    browse.login(ADMIN)
    page.goto(store_url)
    expect(page.locator("#id_status")).to_have_value("PAUSED")
    with page.expect_navigation():
        page.click("a.historylink:text-is('Audit history')")
    # The trigger filed the change next to the seed's insert, attributed to
    # the ops manager (the admin passes who is acting to the database). The
    # audit trail outlives flush (it refuses TRUNCATE), so the inserts of
    # earlier tests' seed loads are listed too: the change is the newest entry.
    rows = page.locator("#result_list tbody tr")
    change = rows.filter(has_text="Status change")
    expect(change).to_have_count(1)
    expect(rows.first).to_contain_text("Status change")
    expect(change).to_contain_text("merchant_stores")
    expect(change).to_contain_text(OPS)
    browse.shot("store audit history")

    with page.expect_navigation():
        change.locator("th a").click()
    status = page.locator(".field-changes_table tr", has_text="status")
    expect(status).to_contain_text('"LIVE"')
    expect(status).to_contain_text('"PAUSED"')
    browse.shot("store audit entry")


def test_support_agent_cannot_reach_payouts(browse):
    page = browse.page
    browse.login(SUPPORT)
    index = page.locator("#content-main")
    # What a support agent may see is there...
    expect(index.locator("#section-orders")).to_be_visible()
    expect(index.locator("#section-customers")).to_be_visible()
    # ...payouts, in any domain, are not (nor their figures).
    expect(index.locator('a[href*="payout"]')).to_have_count(0)
    browse.shot("support agent index")
    browse.goto("/admin/orders/")
    expect(page.locator("th#orders-order")).to_be_visible()
    browse.goto("/admin/find/?q=payout")
    expect(page.locator("#content-main a[href*='payout']")).to_have_count(0)

    for path in ("/admin/merchants/merchantstorepayout/", "/admin/riders/riderpayout/"):
        response = browse.goto(path)
        assert response.status == 403, path
        browse.shot(f"forbidden {path}")
