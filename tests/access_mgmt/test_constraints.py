"""Each access_mgmt invariant: the violating write is refused by PostgreSQL,
with a message naming the table or constraint."""

import threading
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from access_mgmt import factories
from access_mgmt.choices import ApprovalDecision, PermissionEffect
from access_mgmt.models import (
    ApprovalAction,
    ApprovalRequest,
    LoginAttempt,
    OtpRequest,
    RoleHierarchy,
    SystemSetting,
    UserAccessScope,
)
from gatimitra.db.tables import quote_table
from merchants.factories import MerchantParentFactory, MerchantStoreFactory
from orders.factories import ServiceCityFactory, ServiceZoneFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PLAIN = "123456"  # a secret as a careless writer would store it


# -- role_hierarchy stays acyclic ---------------------------------------------


def _role(code):
    return factories.SystemRoleFactory(code=code)


def test_role_cannot_inherit_from_itself(refused):
    role = _role("SELF_LOVER")
    with refused("role_hierarchy_no_self_edge"):
        RoleHierarchy.objects.create(parent_role=role, child_role=role)


def test_two_role_cycle_is_refused_naming_both_roles(refused):
    a, b = _role("ALPHA_ROLE"), _role("BETA_ROLE")
    RoleHierarchy.objects.create(parent_role=a, child_role=b)
    with refused("role_hierarchy", "BETA_ROLE -> ALPHA_ROLE", "cycle"):
        RoleHierarchy.objects.create(parent_role=b, child_role=a)


def test_longer_cycle_is_refused(refused):
    a, b, c = _role("LEVEL_A"), _role("LEVEL_B"), _role("LEVEL_C")
    RoleHierarchy.objects.create(parent_role=a, child_role=b)
    RoleHierarchy.objects.create(parent_role=b, child_role=c)
    with refused("role_hierarchy", "LEVEL_C -> LEVEL_A", "LEVEL_A already inherits from LEVEL_C"):
        RoleHierarchy.objects.create(parent_role=c, child_role=a)


def test_update_that_closes_a_cycle_is_refused(refused):
    a, b, c = _role("UPD_A"), _role("UPD_B"), _role("UPD_C")
    RoleHierarchy.objects.create(parent_role=a, child_role=b)
    edge = RoleHierarchy.objects.create(parent_role=c, child_role=_role("UPD_D"))
    with refused("role_hierarchy", "UPD_B -> UPD_A"):
        RoleHierarchy.objects.filter(pk=edge.pk).update(parent_role=b, child_role=a)


def test_diamond_is_not_a_cycle():
    top, left, right, bottom = (_role(code) for code in ("TOP", "LEFT", "RIGHT", "BOTTOM"))
    for parent, child in [(top, left), (top, right), (left, bottom), (right, bottom)]:
        RoleHierarchy.objects.create(parent_role=parent, child_role=child)
    # Re-pointing an edge without creating a cycle is fine too.
    RoleHierarchy.objects.filter(parent_role=top, child_role=right).update(child_role=bottom)
    assert RoleHierarchy.objects.count() == 4


def _connect():
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port", "options")
    return psycopg.connect(**{key: params[key] for key in keys if params.get(key)})


def _writers_waiting_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_edges_cannot_close_a_cycle_together():
    """A -> B and B -> A written at the same time by two transactions: the
    second waits for the first and then sees its edge."""
    a, b = _role("RACE_A"), _role("RACE_B")
    insert = (
        'INSERT INTO "access_mgmt"."role_hierarchy" (parent_role_id, child_role_id) VALUES (%s, %s)'
    )
    first, second = _connect(), _connect()
    outcome = {}

    def write_reverse_edge():
        try:
            second.execute(insert, (b.pk, a.pk))
            second.commit()
            outcome["error"] = None
        except psycopg.Error as exc:
            second.rollback()
            outcome["error"] = str(exc)

    try:
        first.execute(insert, (a.pk, b.pk))  # uncommitted, holds the lock
        thread = threading.Thread(target=write_reverse_edge)
        thread.start()
        for _ in range(1000):
            if _writers_waiting_for_a_lock():
                break
            time.sleep(0.01)
        else:
            pytest.fail("the second writer never waited for the first")
        first.commit()
        thread.join()
    finally:
        first.close()
        second.close()
    assert "RACE_B -> RACE_A would close a cycle" in outcome["error"]
    assert RoleHierarchy.objects.count() == 1


# -- maker-checker -----------------------------------------------------------


def test_requester_cannot_act_on_own_request(refused):
    request = factories.ApprovalRequestFactory()
    step = factories.ApprovalWorkflowStepFactory(workflow=request.workflow)
    with refused("approval_actions", "maker-checker", str(request.pk)):
        ApprovalAction.objects.create(
            request=request, step=step, actor=request.requested_by, decision="APPROVE"
        )


@pytest.mark.parametrize("decision", [ApprovalDecision.COMMENT, ApprovalDecision.REJECT])
def test_requester_cannot_comment_or_reject_either(refused, decision):
    request = factories.ApprovalRequestFactory()
    step = factories.ApprovalWorkflowStepFactory(workflow=request.workflow)
    with refused("maker-checker"):
        ApprovalAction.objects.create(
            request=request, step=step, actor=request.requested_by, decision=decision, comment="x"
        )


def test_another_user_may_approve():
    action = factories.ApprovalActionFactory()
    assert action.actor_id != action.request.requested_by_id


def test_action_on_a_step_of_another_workflow_is_refused(refused):
    request = factories.ApprovalRequestFactory()
    foreign_step = factories.ApprovalWorkflowStepFactory()
    with refused("approval_actions", "belongs to workflow"):
        factories.ApprovalActionFactory(request=request, step=foreign_step)


def test_requester_of_a_request_never_changes(refused):
    action = factories.ApprovalActionFactory()
    with refused("approval_requests", "keeps its requester"):
        # Making the approver the requester after the fact would defeat maker-checker.
        ApprovalRequest.objects.filter(pk=action.request_id).update(requested_by=action.actor)


def test_an_approver_decides_a_step_once(refused):
    action = factories.ApprovalActionFactory()
    with refused("approval_actions_one_decision_per_approver"):
        factories.ApprovalActionFactory(
            request=action.request, step=action.step, actor=action.actor
        )


# -- validity windows ----------------------------------------------------------

WINDOWS = [
    (factories.UserRoleFactory, {"valid_from": NOW, "valid_to": NOW}, "user_roles_valid_window"),
    (
        factories.UserPermissionOverrideFactory,
        {"valid_from": NOW, "valid_to": NOW - timedelta(hours=1)},
        "user_permission_overrides_valid_window",
    ),
    (
        factories.PiiAccessGrantFactory,
        {"valid_from": NOW, "valid_to": NOW - timedelta(days=1)},
        "pii_access_grants_valid_window",
    ),
    (
        factories.ImpersonationSessionFactory,
        {"started_at": NOW, "expires_at": NOW},
        "impersonation_sessions_valid_window",
    ),
    (
        factories.SystemSettingFactory,
        {"effective_from": NOW, "effective_to": NOW - timedelta(minutes=1)},
        "system_settings_valid_window",
    ),
    (
        factories.JwtSigningKeyFactory,
        {"activates_at": NOW, "retires_at": NOW - timedelta(days=1)},
        "jwt_signing_keys_valid_window",
    ),
    (
        factories.AccountLockoutFactory,
        {"locked_at": NOW, "locked_until": NOW - timedelta(minutes=1)},
        "account_lockouts_valid_window",
    ),
    (
        factories.TeamMemberFactory,
        {"joined_at": NOW, "left_at": NOW - timedelta(days=1)},
        "team_members_left_after_joining",
    ),
    (
        factories.UserInvitationFactory,
        {"expires_at": NOW - timedelta(days=1)},
        "user_invitations_expires_after_creation",
    ),
    (
        factories.AuthSessionFactory,
        {"expires_at": NOW - timedelta(hours=1)},
        "auth_sessions_expires_after_creation",
    ),
    (
        factories.RefreshTokenFactory,
        {"expires_at": NOW - timedelta(hours=1)},
        "refresh_tokens_expires_after_creation",
    ),
    (
        factories.TrustedDeviceFactory,
        {"expires_at": NOW - timedelta(hours=1)},
        "trusted_devices_expires_after_creation",
    ),
]


@pytest.mark.parametrize(("factory", "values", "constraint"), WINDOWS, ids=[w[2] for w in WINDOWS])
def test_window_that_ends_before_it_starts_is_refused(refused, factory, values, constraint):
    with refused(constraint):
        factory(**values)


def test_overlapping_assignments_of_one_role_are_refused(refused):
    first = factories.UserRoleFactory(valid_to=NOW + timedelta(days=30))
    with refused("user_roles_no_overlapping_assignments"):
        factories.UserRoleFactory(
            user=first.user, role=first.role, valid_from=NOW + timedelta(days=10)
        )


def test_assignment_after_a_revoked_or_ended_one_is_accepted():
    first = factories.UserRoleFactory(valid_to=NOW + timedelta(days=1))
    factories.UserRoleFactory(user=first.user, role=first.role, valid_from=NOW + timedelta(days=1))
    revoked = factories.UserRoleFactory(revoked_at=NOW)
    factories.UserRoleFactory(user=revoked.user, role=revoked.role)


def test_setting_versions_do_not_overlap(refused):
    first = factories.SystemSettingFactory(key="orders.cod_limit")
    with refused("system_settings_no_overlapping_versions"):
        factories.SystemSettingFactory(
            key="orders.cod_limit", version=2, effective_from=NOW + timedelta(days=1)
        )
    first.effective_to = NOW + timedelta(days=1)
    first.save()
    factories.SystemSettingFactory(
        key="orders.cod_limit", version=2, effective_from=NOW + timedelta(days=1)
    )


# -- secrets are stored only as hashes -----------------------------------------

SECRETS = [
    (factories.OtpRequestFactory, "code_hash", "otp_requests"),
    (factories.OtpRequestFactory, "destination_hash", "otp_requests"),
    (factories.ApiKeyFactory, "key_hash", "api_keys"),
    (factories.RefreshTokenFactory, "token_hash", "refresh_tokens"),
    (factories.PasswordResetTokenFactory, "token_hash", "password_reset_tokens"),
    (factories.UserInvitationFactory, "token_hash", "user_invitations"),
    (factories.AuthSessionFactory, "token_hash", "auth_sessions"),
    (factories.LoginAttemptFactory, "identifier_hash", "login_attempts"),
    (factories.TrustedDeviceFactory, "fingerprint_hash", "trusted_devices"),
    (factories.BlockedIdentifierFactory, "identifier_hash", "blocked_identifiers"),
]


@pytest.mark.parametrize(
    ("factory", "column", "table"), SECRETS, ids=[f"{s[2]}.{s[1]}" for s in SECRETS]
)
def test_plain_secret_is_refused(refused, factory, column, table):
    with refused(table, f"{column}_check"):
        factory(**{column: PLAIN})


def test_api_key_shows_only_a_prefix(refused):
    with refused("api_keys_prefix_format"):
        factories.ApiKeyFactory(key_prefix="3kD9xQ2a7Hs0PqLmZ")  # key, no prefix


def test_mfa_seed_is_a_vault_reference_not_the_seed(refused):
    with refused("mfa_factors_secret_ref_format"):
        factories.MfaFactorFactory(secret_ref="JBSWY3DPEHPK3PXP")


def test_signing_key_row_holds_no_private_key(refused):
    with refused("jwt_signing_keys_public_key_only"):
        factories.JwtSigningKeyFactory(
            public_key="-----BEGIN PUBLIC KEY-----\n-----BEGIN PRIVATE KEY-----\nMIGH..."
        )
    with refused("jwt_signing_keys_private_key_ref_format"):
        factories.JwtSigningKeyFactory(private_key_ref="MIGHAgEAMBMGByqGSM49AgEGCCqGSM49")


def test_password_history_holds_hashes_not_passwords(refused):
    with refused("password_history_hash_format"):
        factories.PasswordHistoryFactory(password_hash="Summer@2026")


# -- OTPs: at most 5 attempts, at most 5 minutes -------------------------------


def test_otp_attempts_cannot_exceed_the_maximum(refused):
    otp = factories.OtpRequestFactory(attempts=5)
    with refused("otp_requests_attempts_within_max"):
        OtpRequest.objects.filter(pk=otp.pk).update(attempts=6)


def test_otp_maximum_is_at_most_five(refused):
    with refused("otp_requests_max_attempts_capped"):
        factories.OtpRequestFactory(max_attempts=6)


def test_otp_expires_within_five_minutes(refused):
    with refused("otp_requests_expiry_within_5_minutes"):
        factories.OtpRequestFactory(
            created_at=NOW, expires_at=NOW + timedelta(minutes=5, seconds=1)
        )
    factories.OtpRequestFactory(created_at=NOW, expires_at=NOW + timedelta(minutes=5))


def test_expired_otp_cannot_be_verified(refused):
    otp = factories.OtpRequestFactory()
    with refused("otp_requests_verified_before_expiry"):
        OtpRequest.objects.filter(pk=otp.pk).update(verified_at=otp.expires_at + timedelta(1))


def test_expired_reset_token_cannot_be_used(refused):
    token = factories.PasswordResetTokenFactory()
    with refused("password_reset_tokens_used_before_expiry"):
        token.used_at = token.expires_at + timedelta(seconds=1)
        token.save()


# -- append-only tables --------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "table"),
    [
        (factories.LoginAttemptFactory, "access_mgmt.login_attempts"),
        (factories.ApprovalActionFactory, "access_mgmt.approval_actions"),
    ],
    ids=["login_attempts", "approval_actions"],
)
def test_append_only_tables_refuse_update_and_delete(refused, factory, table):
    row = factory()
    model = type(row)
    with refused(table, "append-only", "UPDATE"):
        model.objects.filter(pk=row.pk).update(created_at=NOW)
    with refused(table, "append-only", "DELETE"):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()


# -- every access_mgmt enum is checked by PostgreSQL --------------------------


ENUM_COLUMNS = [
    (factories.SystemUserFactory, "status", "system_users_status_check"),
    (factories.AuthSessionFactory, "principal_type", "auth_sessions_principal_type_check"),
    (factories.OtpRequestFactory, "purpose", "otp_requests_purpose_check"),
    (factories.RolePermissionFactory, "effect", "role_permissions_effect_check"),
    (factories.UserAccessScopeFactory, "scope_type", "user_access_scopes_scope_type_check"),
    (factories.ApiClientFactory, "client_type", "api_clients_client_type_check"),
]


@pytest.mark.parametrize(
    ("factory", "column", "constraint"), ENUM_COLUMNS, ids=[e[2] for e in ENUM_COLUMNS]
)
def test_enum_column_refuses_unknown_value(refused, factory, column, constraint):
    row = factory()
    with refused(constraint):
        type(row).objects.filter(pk=row.pk).update(**{column: "NOT_A_VALUE"})


def test_append_only_enums_are_checked_on_insert(refused):
    with refused("login_attempts_result_check"):
        factories.LoginAttemptFactory(result="MAYBE")
    with refused("approval_actions_decision_check"):
        factories.ApprovalActionFactory(decision="SHRUG", comment="?")


# -- other constraints ---------------------------------------------------------


def test_scope_target_matches_its_type(refused):
    with refused("user_access_scopes_target_matches_type"):
        factories.UserAccessScopeFactory(scope_type="TEAM")
    with refused("user_access_scopes_target_matches_type"):
        factories.UserAccessScopeFactory(team=factories.TeamFactory())
    with refused("user_access_scopes_target_matches_type"):
        factories.UserAccessScopeFactory(scope_type="CITY")


def test_permission_code_grammar(refused):
    factories.SystemPermissionFactory(code="*.*payout*")
    for bad in ("orders", "orders.view order", "Orders.view_order", "orders..x"):
        with refused("system_permissions_code_format"):
            factories.SystemPermissionFactory(code=bad)


def test_staff_invitation_names_a_role(refused):
    with refused("user_invitations_role_for_staff_only"):
        factories.UserInvitationFactory(role=None)


def test_override_says_why(refused):
    with refused("user_permission_overrides_reason_given"):
        factories.UserPermissionOverrideFactory(reason="")


def test_one_rule_per_role_and_permission(refused):
    rule = factories.RolePermissionFactory()
    with refused("role_permissions_one_rule_per_permission"):
        factories.RolePermissionFactory(
            role=rule.role, permission=rule.permission, effect=PermissionEffect.DENY
        )


def test_impersonating_staff_is_refused(refused):
    with refused("impersonation_sessions_target_not_staff"):
        factories.ImpersonationSessionFactory(target_type="SYSTEM_USER")


def test_tables_live_in_the_access_mgmt_schema():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'access_mgmt'")
        assert cursor.fetchone()[0] == 39
    assert LoginAttempt._meta.db_table == 'access_mgmt"."login_attempts'


# -- links into orders and merchants -------------------------------------------

SCOPE_TARGETS = {
    "CITY": ("city", ServiceCityFactory),
    "ZONE": ("zone", ServiceZoneFactory),
    "MERCHANT_PARENT": ("parent", MerchantParentFactory),
    "MERCHANT_STORE": ("store", MerchantStoreFactory),
    "TEAM": ("team", factories.TeamFactory),
}


@pytest.mark.parametrize("scope_type", SCOPE_TARGETS)
def test_each_scope_type_names_exactly_its_target(refused, scope_type):
    column, target_factory = SCOPE_TARGETS[scope_type]
    target = target_factory()
    scope = factories.UserAccessScopeFactory(scope_type=scope_type, **{column: target})
    assert scope.target == target
    with refused("user_access_scopes_target_matches_type"):
        factories.UserAccessScopeFactory(scope_type=scope_type)  # no target
    with refused("user_access_scopes_target_matches_type"):
        factories.UserAccessScopeFactory(**{column: target})  # GLOBAL with a target
    other_column, other_factory = next(
        value for key, value in SCOPE_TARGETS.items() if key != scope_type
    )
    with refused("user_access_scopes_target_matches_type"):
        factories.UserAccessScopeFactory(
            scope_type=scope_type, **{column: target, other_column: other_factory()}
        )


def test_an_assignment_holds_each_scope_once(refused):
    scope = factories.UserAccessScopeFactory(city_scope=True)
    with refused("user_access_scopes_unique_target"):
        UserAccessScope.objects.create(
            user_role=scope.user_role, scope_type="CITY", city=scope.city
        )
    # Another city, and GLOBAL once (NULL targets are not distinct).
    factories.UserAccessScopeFactory(user_role=scope.user_role, city_scope=True)
    factories.UserAccessScopeFactory(user_role=scope.user_role)
    with refused("user_access_scopes_unique_target"):
        factories.UserAccessScopeFactory(user_role=scope.user_role)


def test_city_ops_team_names_its_city(refused):
    with refused("teams_city_ops_names_city"):
        factories.TeamFactory(city=None)
    assert factories.TeamFactory(central=True).city is None


def test_merchant_pos_client_names_its_merchant(refused):
    with refused("api_clients_pos_names_parent"):
        factories.ApiClientFactory(client_type="MERCHANT_POS")
    assert factories.ApiClientFactory(merchant_pos=True).parent is not None


def test_merchant_user_invitation_names_merchant_and_merchant_role(refused):
    invitation = factories.UserInvitationFactory(merchant_user=True)
    assert (invitation.parent, invitation.merchant_role) != (None, None)
    with refused("user_invitations_merchant_names_parent"):
        factories.UserInvitationFactory(merchant_user=True, merchant_role=None)
    with refused("user_invitations_merchant_names_parent"):
        # A merchant user's scope is their merchant, not a city.
        factories.UserInvitationFactory(
            merchant_user=True, scope_type="CITY", parent=None, city=ServiceCityFactory()
        )
    with refused("user_invitations_merchant_names_parent"):
        factories.UserInvitationFactory(merchant_user=True, parent=None)
    with refused("user_invitations_merchant_names_parent"):
        factories.UserInvitationFactory(merchant_role="OWNER")  # staff with a merchant role
    with refused("user_invitations_merchant_names_parent"):
        factories.UserInvitationFactory(invitee_type="MERCHANT_USER", role=None)
    with refused("user_invitations_merchant_names_parent"):
        factories.UserInvitationFactory(merchant_role="CASHIER")


def test_staff_invitation_scope_names_its_target(refused):
    assert factories.UserInvitationFactory(city_scope=True).city is not None
    factories.UserInvitationFactory(scope_type="MERCHANT_STORE", store=MerchantStoreFactory())
    with refused("user_invitations_target_matches_scope"):
        factories.UserInvitationFactory(scope_type="CITY")
    with refused("user_invitations_target_matches_scope"):
        factories.UserInvitationFactory(scope_type="TEAM")
    with refused("user_invitations_target_matches_scope"):
        factories.UserInvitationFactory(city=ServiceCityFactory())  # GLOBAL with a city


def test_setting_versions_are_per_city(refused):
    blr, hyd = ServiceCityFactory(), ServiceCityFactory()
    factories.SystemSettingFactory(key="dispatch.max_batch_size", value=2)
    # A city's own value may be in effect alongside the platform-wide one...
    factories.SystemSettingFactory(key="dispatch.max_batch_size", city=blr, value=3)
    factories.SystemSettingFactory(key="dispatch.max_batch_size", city=hyd, value=1)
    # ...but two of the same city never overlap.
    with refused("system_settings_no_overlapping_versions"):
        factories.SystemSettingFactory(
            key="dispatch.max_batch_size",
            city=blr,
            version=2,
            value=4,
            effective_from=NOW + timedelta(days=1),
        )


def test_setting_version_numbers_are_unique_per_city(refused):
    city = ServiceCityFactory()
    earlier = {"effective_from": NOW - timedelta(days=9), "effective_to": NOW - timedelta(days=8)}
    factories.SystemSettingFactory(key="otp.ttl_seconds", value=300)
    factories.SystemSettingFactory(key="otp.ttl_seconds", city=city, value=240)
    with refused("system_settings_unique_version"):
        factories.SystemSettingFactory(key="otp.ttl_seconds", value=120, **earlier)
    with refused("system_settings_unique_version"):
        factories.SystemSettingFactory(key="otp.ttl_seconds", city=city, value=120, **earlier)


@pytest.mark.parametrize(
    ("key", "value", "constraint"),
    [
        ("dispatch.max_batch_size", "2", "system_settings_max_batch_size_value"),
        ("dispatch.max_batch_size", 2.5, "system_settings_max_batch_size_value"),
        ("dispatch.max_batch_size", 0, "system_settings_max_batch_size_value"),
        ("dispatch.max_batch_size", {"FOOD": 2}, "system_settings_max_batch_size_value"),
        ("cod.cash_in_hand_cap", "5000", "system_settings_cash_in_hand_cap_value"),
        ("cod.cash_in_hand_cap", -1, "system_settings_cash_in_hand_cap_value"),
        ("cod.cash_in_hand_cap", [5000], "system_settings_cash_in_hand_cap_value"),
    ],
)
def test_settings_read_by_triggers_hold_numbers(refused, key, value, constraint):
    with refused(constraint):
        factories.SystemSettingFactory(key=key, value=value)


def test_settings_read_by_triggers_accept_numbers():
    factories.SystemSettingFactory(key="dispatch.max_batch_size", value=3)
    factories.SystemSettingFactory(key="cod.cash_in_hand_cap", value=7500.50)
    factories.SystemSettingFactory(key="orders.anything_else", value="free text")
    assert SystemSetting.objects.count() == 3


@pytest.mark.parametrize(
    ("factory", "target", "table"),
    [
        (lambda: factories.TeamFactory(), "city", "service_cities"),
        (lambda: factories.UserAccessScopeFactory(zone_scope=True), "zone", "service_zones"),
        (lambda: factories.ApiClientFactory(merchant_pos=True), "parent", "merchant_parents"),
        (lambda: factories.UserAccessScopeFactory(store_scope=True), "store", "merchant_stores"),
    ],
    ids=["teams.city", "user_access_scopes.zone", "api_clients.parent", "user_access_scopes.store"],
)
def test_referenced_rows_of_other_schemas_cannot_be_deleted(refused, factory, target, table):
    """ON DELETE RESTRICT in the database, not only Django's PROTECT."""
    row = factory()
    referenced = getattr(row, target)
    with refused(table, "still referenced"), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote_table(referenced._meta.db_table)} WHERE id = %s",
            [referenced.pk],
        )


def test_a_link_to_a_missing_row_is_refused_at_commit(refused):
    scope = factories.UserAccessScopeFactory(city_scope=True)
    with refused("user_access_scopes", "service_cities"):
        UserAccessScope.objects.filter(pk=scope.pk).update(city_id=2**40)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
