from access_mgmt.models.api_clients import (
    ApiClient,
    ApiClientPermission,
    ApiKey,
    IpAllowlist,
    RateLimitPolicy,
)
from access_mgmt.models.approvals import (
    ApprovalAction,
    ApprovalRequest,
    ApprovalWorkflow,
    ApprovalWorkflowStep,
    PiiAccessGrant,
)
from access_mgmt.models.credentials import (
    MfaFactor,
    PasswordHistory,
    PasswordResetToken,
    TrustedDevice,
    UserCredential,
)
from access_mgmt.models.flags import FeatureFlag, FeatureFlagRule, SystemSetting
from access_mgmt.models.permissions import AccessPolicy, PermissionGroup, SystemPermission
from access_mgmt.models.roles import (
    RoleHierarchy,
    RolePermission,
    SystemRole,
    UserAccessScope,
    UserPermissionOverride,
    UserRole,
)
from access_mgmt.models.sessions import (
    AccountLockout,
    AuthSession,
    BlockedIdentifier,
    ImpersonationSession,
    JwtSigningKey,
    LoginAttempt,
    OtpRequest,
    RefreshToken,
)
from access_mgmt.models.users import SystemUser, Team, TeamMember, UserInvitation

__all__ = [
    "AccessPolicy",
    "AccountLockout",
    "ApiClient",
    "ApiClientPermission",
    "ApiKey",
    "ApprovalAction",
    "ApprovalRequest",
    "ApprovalWorkflow",
    "ApprovalWorkflowStep",
    "AuthSession",
    "BlockedIdentifier",
    "FeatureFlag",
    "FeatureFlagRule",
    "ImpersonationSession",
    "IpAllowlist",
    "JwtSigningKey",
    "LoginAttempt",
    "MfaFactor",
    "OtpRequest",
    "PasswordHistory",
    "PasswordResetToken",
    "PermissionGroup",
    "PiiAccessGrant",
    "RateLimitPolicy",
    "RefreshToken",
    "RoleHierarchy",
    "RolePermission",
    "SystemPermission",
    "SystemRole",
    "SystemSetting",
    "SystemUser",
    "Team",
    "TeamMember",
    "TrustedDevice",
    "UserAccessScope",
    "UserCredential",
    "UserInvitation",
    "UserPermissionOverride",
    "UserRole",
]
