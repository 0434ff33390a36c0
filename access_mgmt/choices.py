"""Enums owned by the access_mgmt domain (CATALOG.md section 7)."""

from django.db import models


class SystemUserStatus(models.TextChoices):
    INVITED = "INVITED", "Invited"
    ACTIVE = "ACTIVE", "Active"
    LOCKED = "LOCKED", "Locked"
    DISABLED = "DISABLED", "Disabled"
    OFFBOARDED = "OFFBOARDED", "Offboarded"


class PrincipalType(models.TextChoices):
    """Who authenticates: the ``principal_type`` of the polymorphic
    ``principal_type`` + ``principal_id`` pairs (no FK behind them)."""

    SYSTEM_USER = "SYSTEM_USER", "Staff user"
    CUSTOMER = "CUSTOMER", "Customer"
    RIDER = "RIDER", "Rider"
    MERCHANT_USER = "MERCHANT_USER", "Merchant user"
    API_CLIENT = "API_CLIENT", "API client"


class OtpPurpose(models.TextChoices):
    LOGIN = "LOGIN", "Login"
    SIGNUP = "SIGNUP", "Sign-up"
    MOBILE_CHANGE = "MOBILE_CHANGE", "Mobile change"
    PASSWORD_RESET = "PASSWORD_RESET", "Password reset"
    ACCOUNT_DELETION = "ACCOUNT_DELETION", "Account deletion"
    HIGH_VALUE_ACTION = "HIGH_VALUE_ACTION", "High-value action"


class LoginResult(models.TextChoices):
    SUCCESS = "SUCCESS", "Success"
    BAD_CREDENTIALS = "BAD_CREDENTIALS", "Bad credentials"
    BAD_OTP = "BAD_OTP", "Bad OTP"
    OTP_EXPIRED = "OTP_EXPIRED", "OTP expired"
    MFA_REQUIRED = "MFA_REQUIRED", "MFA required"
    MFA_FAILED = "MFA_FAILED", "MFA failed"
    LOCKED = "LOCKED", "Locked"
    BLOCKED = "BLOCKED", "Blocked"
    RATE_LIMITED = "RATE_LIMITED", "Rate limited"


class PermissionEffect(models.TextChoices):
    """What a permission rule does; a DENY always beats an ALLOW."""

    ALLOW = "ALLOW", "Allow"
    DENY = "DENY", "Deny"


class ScopeType(models.TextChoices):
    GLOBAL = "GLOBAL", "Global"
    CITY = "CITY", "City"
    ZONE = "ZONE", "Zone"
    MERCHANT_PARENT = "MERCHANT_PARENT", "Merchant parent"
    MERCHANT_STORE = "MERCHANT_STORE", "Merchant store"
    TEAM = "TEAM", "Team"


class ApiClientType(models.TextChoices):
    INTERNAL_SERVICE = "INTERNAL_SERVICE", "Internal service"
    MERCHANT_POS = "MERCHANT_POS", "Merchant POS"
    LOGISTICS_PROVIDER = "LOGISTICS_PROVIDER", "Logistics provider"
    PAYMENT_GATEWAY = "PAYMENT_GATEWAY", "Payment gateway"
    ONDC_PARTICIPANT = "ONDC_PARTICIPANT", "ONDC participant"
    PARTNER = "PARTNER", "Partner"


class ApprovalDecision(models.TextChoices):
    APPROVE = "APPROVE", "Approve"
    REJECT = "REJECT", "Reject"
    REQUEST_CHANGES = "REQUEST_CHANGES", "Request changes"
    COMMENT = "COMMENT", "Comment"
