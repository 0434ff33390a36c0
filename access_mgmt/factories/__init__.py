from access_mgmt.factories.api_clients import (
    ApiClientFactory,
    ApiClientPermissionFactory,
    ApiKeyFactory,
    IpAllowlistFactory,
    RateLimitPolicyFactory,
)
from access_mgmt.factories.approvals import (
    ApprovalActionFactory,
    ApprovalRequestFactory,
    ApprovalWorkflowFactory,
    ApprovalWorkflowStepFactory,
    PiiAccessGrantFactory,
)
from access_mgmt.factories.credentials import (
    MfaFactorFactory,
    PasswordHistoryFactory,
    PasswordResetTokenFactory,
    TrustedDeviceFactory,
    UserCredentialFactory,
)
from access_mgmt.factories.flags import (
    FeatureFlagFactory,
    FeatureFlagRuleFactory,
    SystemSettingFactory,
)
from access_mgmt.factories.permissions import (
    AccessPolicyFactory,
    PermissionGroupFactory,
    SystemPermissionFactory,
)
from access_mgmt.factories.roles import (
    RoleHierarchyFactory,
    RolePermissionFactory,
    SystemRoleFactory,
    UserAccessScopeFactory,
    UserPermissionOverrideFactory,
    UserRoleFactory,
)
from access_mgmt.factories.sessions import (
    AccountLockoutFactory,
    AuthSessionFactory,
    BlockedIdentifierFactory,
    ImpersonationSessionFactory,
    JwtSigningKeyFactory,
    LoginAttemptFactory,
    OtpRequestFactory,
    RefreshTokenFactory,
)
from access_mgmt.factories.users import (
    SystemUserFactory,
    TeamFactory,
    TeamMemberFactory,
    UserInvitationFactory,
)

__all__ = [
    "AccessPolicyFactory",
    "AccountLockoutFactory",
    "ApiClientFactory",
    "ApiClientPermissionFactory",
    "ApiKeyFactory",
    "ApprovalActionFactory",
    "ApprovalRequestFactory",
    "ApprovalWorkflowFactory",
    "ApprovalWorkflowStepFactory",
    "AuthSessionFactory",
    "BlockedIdentifierFactory",
    "FeatureFlagFactory",
    "FeatureFlagRuleFactory",
    "ImpersonationSessionFactory",
    "IpAllowlistFactory",
    "JwtSigningKeyFactory",
    "LoginAttemptFactory",
    "MfaFactorFactory",
    "OtpRequestFactory",
    "PasswordHistoryFactory",
    "PasswordResetTokenFactory",
    "PermissionGroupFactory",
    "PiiAccessGrantFactory",
    "RateLimitPolicyFactory",
    "RefreshTokenFactory",
    "RoleHierarchyFactory",
    "RolePermissionFactory",
    "SystemPermissionFactory",
    "SystemRoleFactory",
    "SystemSettingFactory",
    "SystemUserFactory",
    "TeamFactory",
    "TeamMemberFactory",
    "TrustedDeviceFactory",
    "UserAccessScopeFactory",
    "UserCredentialFactory",
    "UserInvitationFactory",
    "UserPermissionOverrideFactory",
    "UserRoleFactory",
]
