"""Sessions end when a role is removed or a password is reset (triggers)."""

import pytest
from django.utils import timezone

from access_mgmt import factories
from access_mgmt.choices import PrincipalType
from access_mgmt.models import AuthSession, RefreshToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_sessions():
    """A staff user with two live sessions (one with a refresh token), an
    ended session, and a customer's session that happens to share the id."""
    user = factories.SystemUserFactory()
    live = [
        factories.AuthSessionFactory(principal_id=user.pk),
        factories.AuthSessionFactory(principal_id=user.pk),
    ]
    token = factories.RefreshTokenFactory(session=live[0])
    ended = factories.AuthSessionFactory(
        principal_id=user.pk, revoked_at=timezone.now(), revoke_reason="LOGOUT"
    )
    customer = factories.AuthSessionFactory(
        principal_type=PrincipalType.CUSTOMER, principal_id=user.pk
    )
    return user, live, token, ended, customer


def _reasons(sessions):
    return [AuthSession.objects.get(pk=s.pk).revoke_reason for s in sessions]


def test_revoking_a_role_revokes_the_users_sessions(staff_sessions):
    user, live, token, ended, customer = staff_sessions
    assignment = factories.UserRoleFactory(user=user)
    assignment.revoked_at = timezone.now()
    assignment.save()
    assert _reasons(live) == ["ROLE_REMOVED", "ROLE_REMOVED"]
    assert RefreshToken.objects.get(pk=token.pk).revoked_at is not None
    assert _reasons([ended, customer]) == ["LOGOUT", ""]


def test_deleting_a_role_assignment_revokes_the_users_sessions(staff_sessions):
    user, live, *_ = staff_sessions
    factories.UserRoleFactory(user=user).delete()
    assert _reasons(live) == ["ROLE_REMOVED", "ROLE_REMOVED"]


def test_using_a_reset_token_revokes_the_users_sessions(staff_sessions):
    user, live, _token, _ended, customer = staff_sessions
    reset = factories.PasswordResetTokenFactory(user=user)
    assert _reasons(live) == ["", ""]
    reset.used_at = timezone.now()
    reset.save()
    assert _reasons(live) == ["PASSWORD_RESET", "PASSWORD_RESET"]
    assert _reasons([customer]) == [""]


def test_other_changes_leave_sessions_alone(staff_sessions):
    user, live, *_ = staff_sessions
    assignment = factories.UserRoleFactory(user=user)
    assignment.revoke_reason = "typo"
    assignment.save()
    assert _reasons(live) == ["", ""]
