"""What the browser tests share: where the browser and the screenshots are,
the staff users they sign in as, and a tab that screenshots each step."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SEEDS = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
CHROMIUM = os.environ.get("GATIMITRA_E2E_CHROMIUM", "/usr/bin/chromium")
#: Test-only password of the staff users the tests create.
PASSWORD = "e2e-only-password"
#: A staff user per seeded role (fixtures/003_access_default_roles.json).
STAFF = {
    "SUPER_ADMIN": "platform.admin@gatimitra.test",
    "CITY_OPS_MANAGER": "ops.manager@gatimitra.test",
    "SUPPORT_AGENT": "support.agent@gatimitra.test",
}
PLAYWRIGHT_MISSING = (
    "browser tests: the playwright package is not installed (pip install -r requirements/dev.txt)"
)


def browser_missing():
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return PLAYWRIGHT_MISSING
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"browser tests: no Chromium at {CHROMIUM} "
            "(apt-get install chromium, or set GATIMITRA_E2E_CHROMIUM)"
        )
    return None


class Browse:
    """One browser tab on the live server, with a full-page screenshot per step."""

    def __init__(self, page, base_url, folder):
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.steps = 0

    def goto(self, path):
        return self.page.goto(self.base_url + path)

    def shot(self, step):
        self.steps += 1
        name = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{name}.png", full_page=True)

    def login(self, email, password=PASSWORD):
        """Sign in through the admin's login form."""
        self.goto("/admin/login/?next=/admin/")
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", password)
        self.shot(f"login form {email.split('@')[0]}")
        with self.page.expect_navigation():
            self.page.click("input[type=submit]")

    def logout(self):
        # Django 5 logs out with a POST: the form in the user tools.
        with self.page.expect_navigation():
            self.page.click("#logout-form button")

    def search(self, term):
        """Type ``term`` in a changelist's search box and submit it."""
        self.page.fill("#searchbar", term)
        with self.page.expect_navigation():
            self.page.press("#searchbar", "Enter")

    def open_first_result(self):
        with self.page.expect_navigation():
            self.page.locator("#result_list tbody tr th a").first.click()
