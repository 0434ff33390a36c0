"""Which tables the audit trail captures: the one definition the triggers
are generated from (``manage.py audit_migrations``) and checked against
(system checks ``audit.W001``/``W002``).

Every model of a domain app is either tracked here or listed in UNTRACKED
with the reason, so a new table cannot escape auditing unnoticed (``audit.W003``).
Tracked: what holds money, status, identity, KYC, access rights or prices.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    model: str  # "app_label.ModelName"
    log_table: str  # the audit table its changes go to
    subject: str | None = None  # field naming the row's owner
    personal: tuple = ()  # fields masked and hashed in diffs

    @property
    def key(self):
        return (self.model, self.log_table, self.subject, tuple(self.personal))


ACCESS = "access_audit_logs"


def _access(model, subject=None, personal=()):
    return Track(f"access_mgmt.{model}", ACCESS, subject, tuple(personal))


TRACKED = [
    # access_mgmt: identity, access rights, secrets' lifecycle, approvals, settings.
    _access("SystemUser", "id", ("email", "mobile", "password")),
    _access("SystemRole"),
    _access("SystemPermission"),
    _access("RolePermission"),
    _access("RoleHierarchy"),
    _access("UserRole", "user"),
    _access("UserAccessScope"),
    _access("UserPermissionOverride", "user"),
    _access("UserCredential", "user"),
    _access("MfaFactor", "user", ("secret_ref", "public_key")),
    _access("UserInvitation", "accepted_user", ("email", "mobile")),
    _access("TeamMember", "user"),
    _access("ApiClient", None, ("contact_email",)),
    _access("ApiKey"),
    _access("ApiClientPermission"),
    _access("IpAllowlist"),
    _access("JwtSigningKey", None, ("private_key_ref",)),
    _access("AccessPolicy"),
    _access("PiiAccessGrant", "user"),
    _access("ImpersonationSession", "user"),
    _access("AccountLockout", "principal_id"),
    _access("BlockedIdentifier", None, ("identifier_masked",)),
    _access("ApprovalWorkflow"),
    _access("ApprovalWorkflowStep"),
    _access("ApprovalRequest", "requested_by"),
    _access("FeatureFlag"),
    _access("FeatureFlagRule"),
    _access("SystemSetting"),
]

UNTRACKED = {
    # Audit tables do not audit themselves.
    "audit.*": "the audit trail itself",
    # access_mgmt
    "access_mgmt.LoginAttempt": "append-only itself: every attempt is already a record",
    "access_mgmt.ApprovalAction": "append-only itself: every decision is already a record",
    "access_mgmt.AuthSession": "volume (10^6-10^7 live); sessions are logged by login_attempts",
    "access_mgmt.RefreshToken": "volume; rotation is recorded in the table itself",
    "access_mgmt.OtpRequest": "volume (2x10^7/yr), 90-day TTL; attempts are counted in the row",
    "access_mgmt.PasswordHistory": "append-only record of hashes; credentials are tracked",
    "access_mgmt.PasswordResetToken": "single-use tokens; the credential change is tracked",
    "access_mgmt.TrustedDevice": "device remembrance, no rights attached",
    "access_mgmt.PermissionGroup": "admin menu grouping only",
    "access_mgmt.Team": "organisation labels; memberships are tracked",
    "access_mgmt.RateLimitPolicy": "throttling configuration, no rights or money",
}


def history_url(model, pk):
    """The admin URL listing the audit entries of one tracked row, or None."""
    from django.apps import apps
    from django.urls import reverse
    from django.utils.http import urlencode

    from gatimitra.db.tables import split_table

    label = model._meta.label
    for track in TRACKED:
        if track.model == label:
            log_model = next(
                m
                for m in apps.get_app_config("audit").get_models()
                if split_table(m._meta.db_table)[1] == track.log_table
            )
            url = reverse(f"admin:audit_{log_model._meta.model_name}_changelist")
            query = urlencode({"table_name": split_table(model._meta.db_table)[1], "row_pk": pk})
            return f"{url}?{query}"
    return None
