from gatimitra.apps import DomainConfig


class AccessMgmtConfig(DomainConfig):
    name = "access_mgmt"
    verbose_name = "Access management"
    db_schema = "access_mgmt"
    admin_order = 5
    admin_description = (
        "Staff users and teams, the roles and permissions that grant them access, "
        "sessions, approvals, API clients, feature flags and settings."
    )
    # models/ files without a docstring of their own.
    admin_groups = {
        "api_clients": (
            "Partner and service API clients: their keys, permissions, rate limits and IP "
            "allowlists."
        ),
        "approvals": (
            "Maker-checker approvals: workflows, their steps, requests and actions, and PII "
            "access grants."
        ),
        "credentials": (
            "How staff prove who they are: credentials, password history and resets, MFA "
            "factors, trusted devices."
        ),
        "flags": (
            "Feature flags with their targeting rules, and system settings in effect over time."
        ),
        "permissions": "The permission catalogue, its groups and attribute-based access policies.",
        "roles": (
            "Roles, what they allow or deny, their hierarchy, who holds them where (scopes) "
            "and overrides."
        ),
        "sessions": (
            "Signing in: sessions, refresh tokens, signing keys, OTPs, login attempts, "
            "lockouts, impersonation."
        ),
        "users": "Staff users, their teams and invitations.",
    }
