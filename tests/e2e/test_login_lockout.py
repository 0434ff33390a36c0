"""Admin sign-in throttling in the browser: failed sign-ins lock the email,
the login page says so in the same words whether or not the account exists,
and staff release the lockout with the admin action (audited)."""

import re

import pytest
from django.contrib.auth import get_user_model

from access_mgmt.models import AccountLockout
from audit.models import AccessAuditLog
from tests.e2e.helpers import PASSWORD, PLAYWRIGHT_MISSING, STAFF

expect = pytest.importorskip("playwright.sync_api", reason=PLAYWRIGHT_MISSING).expect

ADMIN = STAFF["SUPER_ADMIN"]
OPS = STAFF["CITY_OPS_MANAGER"]
GHOST = "nobody.at.all@gatimitra.test"
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def three_failures(settings):
    settings.GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3


def _error_text(page):
    text = page.locator(".errornote").inner_text()
    return re.sub(r"\d\d:\d\d \S+ on \d\d \w+ \d{4}", "<time>", text)


def test_failed_sign_ins_lock_the_email_and_staff_release_it(browse):
    page = browse.page
    answers = {}
    for email in (OPS, GHOST):
        said = []
        for _attempt in range(3):
            browse.login(email, "not-the-password")
            said.append(_error_text(page))
        browse.shot(f"locked {email.split('@')[0]}")
        browse.login(email, PASSWORD)  # the right password changes nothing now
        said.append(_error_text(page))
        expect(page).to_have_url(re.compile(r"/admin/login/"))
        answers[email] = said
    # Same words whether or not the account exists.
    assert answers[OPS] == answers[GHOST]
    assert LOCKED not in answers[OPS][1]
    assert LOCKED in answers[OPS][2] and LOCKED in answers[OPS][3]

    ops = get_user_model().objects.get(email=OPS)
    lockout = AccountLockout.objects.get(principal_id=ops.pk)
    assert lockout.reason == "FAILED_ATTEMPTS" and lockout.locked_until is not None

    browse.login(ADMIN)
    browse.goto("/admin/access_mgmt/accountlockout/")
    row = page.locator(
        "#result_list tbody tr",
        has=page.locator("td.field-principal_id", has_text=re.compile(rf"^{ops.pk}$")),
    )
    expect(row).to_have_count(1)
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "release_lockouts")
    browse.shot("release the lockout")
    with page.expect_navigation():
        page.click("button[name=index]")
    expect(page.locator("ul.messagelist")).to_contain_text("Released 1 lockout(s).")
    browse.shot("released")
    browse.logout()

    browse.login(OPS)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    browse.shot("signed in after release")

    lockout.refresh_from_db()
    admin = get_user_model().objects.get(email=ADMIN)
    assert lockout.released_by == admin
    entry = AccessAuditLog.objects.filter(
        table_name="account_lockouts", row_pk=str(lockout.pk), action="UPDATE"
    ).latest("id")
    assert (entry.actor_id, entry.actor_label) == (admin.pk, ADMIN)
