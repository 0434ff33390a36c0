"""The admin in a real browser: headless Chromium driven by Playwright
against pytest-django's live server.

The browser is the system's Chromium (Debian's ``chromium`` package,
``/usr/bin/chromium``; ``GATIMITRA_E2E_CHROMIUM`` names another), never one
downloaded by ``playwright install``. Without it, or without the
``playwright`` package, the tests are skipped, so the plain test command
still passes on a machine with only Python and PyPI; with
``GATIMITRA_E2E_REQUIRED=1`` (CI) a missing browser is an error instead.

Every step saves a full-page screenshot under ``artifacts/screenshots/<test>/``
(CI keeps ``artifacts/``); a failing test adds ``failure.png``.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.helpers import CHROMIUM, PASSWORD, SCREENSHOTS, SEEDS, STAFF, Browse, browser_missing

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    reason = browser_missing()
    if reason and os.environ.get("GATIMITRA_E2E_REQUIRED"):
        # CI installed the browser: a skip there would hide that they never ran.
        raise pytest.UsageError(f"{reason}; GATIMITRA_E2E_REQUIRED is set")
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and
    # Django refuses ORM calls from a thread with a running loop
    # (SynchronousOnlyOperation). The tests' own ORM calls (seeding, the
    # flush after each test) never overlap a browser call, so the check is
    # off while the browser is open, and only then.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            yield browser
            browser.close()


@pytest.fixture
def seeded(transactional_db):
    """Every seed in fixtures/ (as ``manage.py start`` loads them), plus a
    staff user per role in STAFF holding that seeded role. Committed, so the
    live server's threads see it."""
    from access_mgmt.factories import SystemUserFactory, UserRoleFactory
    from access_mgmt.models import SystemRole

    call_command("loaddata", *SEEDS, verbosity=0)
    for role_code, email in STAFF.items():
        user = SystemUserFactory(
            email=email,
            full_name=role_code.replace("_", " ").title(),
            is_staff=True,
            is_superuser=False,
            password=PASSWORD,
        )
        UserRoleFactory(user=user, role=SystemRole.objects.get(code=role_code))


@pytest.fixture
def browse(browser, live_server, seeded, request):
    """A fresh tab (own cookies) on the live server, seeded data committed."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield Browse(page, live_server.url, folder)
    finally:
        if getattr(request.node, "e2e_failed", False):
            page.screenshot(path=folder / "failure.png", full_page=True)
        context.close()
