"""Admin sign-in throttling (access_mgmt/throttle.py): every attempt in
login_attempts, lockouts in account_lockouts per identifier and per IP,
the same answers for accounts that exist and ones that do not, and release
as an audited admin action."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access_mgmt.choices import LoginResult
from access_mgmt.models import AccountLockout, LoginAttempt
from audit.models import AccessAuditLog
from gatimitra.db.secrets import keyed_hash

LOGIN = "/admin/login/?next=/admin/"
LOCKED = "Too many failed sign-in attempts"
PASSWORD = "right-password-1"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT = 3
    settings.GATIMITRA_LOGIN_MAX_FAILURES_PER_IP = 5
    settings.GATIMITRA_LOGIN_WINDOW_SECONDS = 600
    settings.GATIMITRA_LOGIN_LOCKOUT_SECONDS = 900


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user(
        email="ops.lead@gatimitra.test", password=PASSWORD, full_name="Ops Lead", is_staff=True
    )


def _login(client, email, password, ip="10.0.0.1"):
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT="t"
    )


def _errors(response):
    """The login page's error text, times blanked (they differ by seconds)."""
    text = " ".join(re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', response.text, re.S))
    return re.sub(r"\d\d:\d\d \S+ on \d\d \w+ \d{4}", "<time>", text)


def test_every_attempt_is_recorded_without_the_password(client, staff):
    _login(client, staff.email, "wrong-password-xyz")
    assert _login(client, staff.email, PASSWORD).status_code == 302  # signed in

    attempts = list(LoginAttempt.objects.order_by("id").values())
    assert [a["result"] for a in attempts] == [LoginResult.BAD_CREDENTIALS, LoginResult.SUCCESS]
    assert {a["identifier_hash"] for a in attempts} == {keyed_hash(staff.email)}
    assert {a["principal_id"] for a in attempts} == {staff.pk}
    assert {a["ip_address"] for a in attempts} == {"10.0.0.1"}
    stored = " ".join(str(value) for a in attempts for value in a.values())
    assert "wrong-password-xyz" not in stored and PASSWORD not in stored


def test_failures_lock_an_account_the_same_way_whether_it_exists_or_not(client, staff):
    pages = {}
    for ip, email in (("10.0.0.1", staff.email), ("10.0.0.2", "nobody.here@gatimitra.test")):
        answers = [_errors(_login(client, email, "wrong", ip)) for _ in range(3)]
        answers.append(_errors(_login(client, email, PASSWORD, ip)))  # even the right one
        pages[email] = answers
        lockout = AccountLockout.objects.get(identifier_hash=keyed_hash(email))
        assert lockout.reason == "FAILED_ATTEMPTS" and lockout.failed_attempts == 3
        assert lockout.released_at is None
        assert (
            timedelta(minutes=14) < lockout.locked_until - timezone.now() <= timedelta(minutes=15)
        )
    known, unknown = pages.values()
    assert known == unknown
    assert LOCKED not in known[0] and LOCKED not in known[1]
    assert LOCKED in known[2] and LOCKED in known[3] and "with this email" in known[3]
    # The locked attempt never checked the password: not signed in, recorded as LOCKED.
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(result=LoginResult.LOCKED).count() == 2
    # Another account is not affected.
    other = AccountLockout.objects.filter(identifier_hash=keyed_hash("x@gatimitra.test"))
    assert not other.exists()


def test_failures_from_one_ip_lock_that_ip_only(client, staff):
    for n in range(5):
        response = _login(client, f"guess{n}@gatimitra.test", "wrong", ip="203.0.113.9")
    assert "from this network address" in _errors(response)
    lockout = AccountLockout.objects.get(ip_address="203.0.113.9")
    assert lockout.principal_id is None and lockout.identifier_hash is None
    assert LOCKED in _errors(_login(client, staff.email, PASSWORD, ip="203.0.113.9"))
    assert _login(client, staff.email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_a_lockout_ends_at_its_expiry(client, staff):
    for _ in range(3):
        _login(client, staff.email, "wrong")
    lockout = AccountLockout.objects.get()
    AccountLockout.objects.filter(pk=lockout.pk).update(
        locked_until=lockout.locked_at + timedelta(milliseconds=1)
    )
    # The failures are still in the window, but the expired lockout stops nothing,
    # and they do not count again: a new lockout takes three new failures.
    assert _login(client, staff.email, "wrong").status_code == 200
    assert AccountLockout.objects.count() == 1
    assert _login(client, staff.email, PASSWORD).status_code == 302


def test_releasing_a_lockout_is_an_audited_admin_action(client, staff, superuser):
    for _ in range(3):
        _login(client, staff.email, "wrong")
    lockout = AccountLockout.objects.get()

    admin = client.__class__()
    admin.force_login(superuser)
    changelist = reverse("admin:access_mgmt_accountlockout_changelist")
    response = admin.post(
        changelist,
        {"action": "release_lockouts", "_selected_action": [lockout.pk]},
        follow=True,
    )
    assert "Released 1 lockout(s)." in response.text
    lockout.refresh_from_db()
    assert lockout.released_by == superuser and lockout.released_at is not None
    entry = AccessAuditLog.objects.filter(
        table_name="account_lockouts", row_pk=str(lockout.pk), action="UPDATE"
    ).latest("id")
    assert (entry.actor_id, entry.actor_label) == (superuser.pk, superuser.email)
    assert "released_at" in entry.changes

    # Released: the failures before it no longer count, the right password works.
    assert _login(client, staff.email, PASSWORD).status_code == 302
