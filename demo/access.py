"""Staff, roles and access control (``access_mgmt``).

``build_staff`` runs first and returns ``Staff`` (everything else names
staff users, approval requests or API clients); ``build_activity`` runs
last, when there are customers, riders and merchant users to sign in, scope
and block, and returns the personal-data grants it wrote (the audit trail
of the tail step reads them).

Every demo staff user can sign in to the admin with the password
``gatimitra-demo`` (one PBKDF2 hash with a fixed salt: deterministic).
"""

from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password

from access_mgmt.choices import (
    ApiClientType,
    ApprovalDecision,
    LoginResult,
    OtpPurpose,
    PermissionEffect,
    PrincipalType,
    ScopeType,
    SystemUserStatus,
)
from access_mgmt.models import (
    AccessPolicy,
    AccountLockout,
    ApiClient,
    ApiClientPermission,
    ApiKey,
    ApprovalAction,
    ApprovalRequest,
    ApprovalWorkflow,
    ApprovalWorkflowStep,
    AuthSession,
    BlockedIdentifier,
    FeatureFlag,
    FeatureFlagRule,
    ImpersonationSession,
    IpAllowlist,
    JwtSigningKey,
    LoginAttempt,
    MfaFactor,
    OtpRequest,
    PasswordHistory,
    PasswordResetToken,
    PiiAccessGrant,
    RateLimitPolicy,
    RefreshToken,
    SystemPermission,
    SystemRole,
    SystemSetting,
    SystemUser,
    Team,
    TeamMember,
    TrustedDevice,
    UserAccessScope,
    UserCredential,
    UserInvitation,
    UserPermissionOverride,
    UserRole,
)
from demo.context import Demo
from demo.geo import Places
from gatimitra.enums import (
    ApprovalStatus,
    DevicePlatform,
    IntegrationStatus,
    NotificationChannel,
    ServiceType,
)
from merchants.choices import MerchantUserRole

#: ``blocked_identifiers.kind``: access_mgmt's BLOCKED_IDENTIFIER_KINDS, a CHECK
#: list (no enum; "UPI_VPA" there is not ``PayoutAccountType``).
BLOCKED_KINDS = ("IP", "DEVICE_ID", "MOBILE", "UPI_VPA")

if TYPE_CHECKING:  # the steps the activity step follows take Staff from here
    from demo.customers import CustomerBase
    from demo.merchants import Merchants
    from demo.riders import RiderRoster

DEMO_STAFF_PASSWORD = "gatimitra-demo"

#: ``(role code, share of staff, team type)``
STAFF_MIX = (
    ("SUPER_ADMIN", 0.04, "ENGINEERING"),
    ("CITY_OPS_MANAGER", 0.22, "CITY_OPS"),
    ("SUPPORT_AGENT", 0.36, "SUPPORT_L1"),
    ("FINANCE", 0.1, "FINANCE"),
    ("KYC_REVIEWER", 0.12, "KYC_REVIEW"),
    ("MERCHANT_ONBOARDING", 0.12, "MERCHANT_ONBOARDING"),
    ("READ_ONLY_AUDITOR", 0.04, "SUPPORT_L2"),
)


def _ip(rng, private=False):
    if private:
        return f"10.{rng.randrange(10, 40)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return str(
        IPv4Address(rng.choice((0x31000000, 0x67000000, 0x7A000000)) + rng.randrange(1 << 22))
    )


def _public_key(rng):
    """A PEM-shaped public key (the CHECK refuses private keys)."""
    body = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + rng.hexdigits(48)
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----"


def _user_agent(rng):
    return rng.pick(
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Version/17.5 Safari/605.1.15",
            "GatiMitra/5.12.0 (Android 14; Redmi Note 13)",
            "GatiMitra/5.12.0 (iOS 17.5; iPhone 13)",
        )
    )


@dataclass(frozen=True)
class Staff:
    """What the staff step gives the steps after it."""

    #: role code -> system role id
    roles: dict
    #: role code -> the staff user rows holding it
    by_role: dict
    #: ids of the ACTIVE staff users
    ids: list
    admin_id: int
    user_roles: list
    #: approval workflow code -> ids of its approved requests
    approvals: dict
    approved_requests: list
    #: ``(id, code)`` of every system permission
    permissions: list


def build_staff(demo: Demo, places: Places) -> Staff:
    rng = demo.rng("access", "staff")
    plan = demo.plan
    roles = {row["code"]: row["id"] for row in SystemRole.objects.values("code", "id")}

    # Teams: a city operations team per city, central teams for the rest.
    teams: list[dict[str, Any]] = []
    for city in places.cities:
        teams.append(
            {
                "code": f"OPS_{city.code}",
                "name": f"{city.name} city operations",
                "team_type": "CITY_OPS",
                "city_id": city.id,
                "is_active": True,
                "description": f"Store, rider and order operations in {city.name}.",
            }
        )
    for code, name, kind, vendor in (
        ("SUPPORT_L1_CENTRAL", "Customer support L1", "SUPPORT_L1", "Teleperf BPO"),
        ("SUPPORT_L2_CENTRAL", "Customer support L2 (escalations)", "SUPPORT_L2", ""),
        ("KYC_DESK", "KYC review desk", "KYC_REVIEW", ""),
        ("FINANCE_OPS", "Finance operations", "FINANCE", ""),
        ("MERCHANT_ONBOARDING", "Merchant onboarding", "MERCHANT_ONBOARDING", ""),
        ("PLATFORM_ENG", "Platform engineering", "ENGINEERING", ""),
    ):
        teams.append(
            {
                "code": code,
                "name": name,
                "team_type": kind,
                "vendor_name": vendor,
                "is_active": True,
                "description": "",
            }
        )
    for team in teams:
        team["created_at"] = demo.days_ago(700)
    demo.insert(Team, teams)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for team in teams:
        by_type.setdefault(team["team_type"], []).append(team)

    password = make_password(DEMO_STAFF_PASSWORD, salt="gatimitrademo01")
    users, members, user_roles = [], [], []
    by_role: dict[str, list[dict[str, Any]]] = {code: [] for code, _share, _team in STAFF_MIX}
    weights = [share for _code, share, _team in STAFF_MIX]
    for n in range(plan.staff):
        code, _share, team_type = (
            STAFF_MIX[n] if n < len(STAFF_MIX) else rng.choices(STAFF_MIX, weights)[0]
        )
        city = rng.pick(places.cities)
        first, surname, _female = demo.person(rng, city)
        joined = demo.days_ago(30 + rng.randrange(900))
        team = (
            # Every city has its operations team (above).
            next(t for t in by_type["CITY_OPS"] if t["city_id"] == city.id)
            if team_type == "CITY_OPS"
            else rng.pick(by_type[team_type])
        )
        status = (
            SystemUserStatus.ACTIVE
            if n < len(STAFF_MIX) or rng.chance(0.93)
            else rng.pick((SystemUserStatus.LOCKED, SystemUserStatus.DISABLED))
        )
        user = {
            "email": f"{first}.{surname}{n + 1}@gatimitra.in".lower().replace("'", ""),
            "full_name": f"{first} {surname}",
            "mobile": demo.mobile("staff"),
            "employee_id": f"GM{10001 + n}",
            "status": status,
            "is_staff": True,
            "is_superuser": code == "SUPER_ADMIN",
            "password": password,
            "primary_team_id": team["id"],
            "last_login": demo.now - timedelta(hours=rng.randrange(1, 240)),
            "created_at": joined,
        }
        users.append(user)
        members.append(
            {
                "user": user,
                "team_id": team["id"],
                "is_lead": rng.chance(0.15),
                "queues": rng.sample(
                    [
                        "order-issues",
                        "refunds",
                        "rider-kyc",
                        "merchant-kyc",
                        "payouts",
                        "escalations",
                    ],
                    2,
                ),
                "skills": rng.sample(
                    ["english", "hindi", "kannada", "telugu", "tamil", "marathi"], 2
                ),
                "joined_at": joined,
                "created_at": joined,
            }
        )
        user_roles.append(
            {"user": user, "role_id": roles[code], "valid_from": joined, "created_at": joined}
        )
        by_role[code].append(user)
    demo.insert(SystemUser, users)
    admin_id = by_role["SUPER_ADMIN"][0]["id"]
    for row in members + user_roles:
        row["user_id"] = row.pop("user")["id"]
    demo.insert(TeamMember, members)
    for row in user_roles:
        row["granted_by_id"] = admin_id if row["user_id"] != admin_id else None
    demo.insert(UserRole, user_roles)

    # Every staff user's role is scoped: ops to their city, the rest globally.
    scopes = []
    for user, role in zip(users, user_roles, strict=True):
        team = next(t for t in teams if t["id"] == user["primary_team_id"])
        if team.get("city_id"):
            scopes.append(
                {
                    "user_role_id": role["id"],
                    "scope_type": ScopeType.CITY,
                    "city_id": team["city_id"],
                }
            )
        elif rng.chance(0.2):
            scopes.append(
                {"user_role_id": role["id"], "scope_type": ScopeType.TEAM, "team_id": team["id"]}
            )
        else:
            scopes.append({"user_role_id": role["id"], "scope_type": ScopeType.GLOBAL})
    zone = places.zones[0]
    scopes.append(
        {"user_role_id": user_roles[1]["id"], "scope_type": ScopeType.ZONE, "zone_id": zone.id}
    )
    demo.insert(UserAccessScope, scopes)

    _credentials(demo, rng, users, password)
    workflows, approvals, approved_requests = _approvals(demo, rng, users, roles)
    permissions = _platform(demo, rng, places, admin_id, roles, workflows)
    return Staff(
        roles=roles,
        by_role=by_role,
        ids=[u["id"] for u in users if u["status"] == SystemUserStatus.ACTIVE],
        admin_id=admin_id,
        user_roles=user_roles,
        approvals=approvals,
        approved_requests=approved_requests,
        permissions=permissions,
    )


def _credentials(demo, rng, users, password):
    credentials, history, factors, devices = [], [], [], []
    for user in users:
        changed = user["created_at"] + timedelta(days=rng.randrange(1, 30))
        changed = min(changed, demo.now - timedelta(days=1))
        credentials.append(
            {
                "user_id": user["id"],
                "password_changed_at": changed,
                "must_change": False,
                "expires_at": changed + timedelta(days=90),
                "failed_attempts": 0,
                "created_at": user["created_at"],
            }
        )
        for k in range(rng.randrange(0, 3)):
            salt = rng.letters(22, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            history.append(
                {
                    "user_id": user["id"],
                    "password_hash": f"pbkdf2_sha256$870000${salt}${rng.hexdigits(44)}=",
                    "created_at": user["created_at"] + timedelta(days=90 * k),
                }
            )
        if rng.chance(0.7):
            if rng.chance(0.75):
                factors.append(
                    {
                        "user_id": user["id"],
                        "factor_type": "TOTP",
                        "label": "Authenticator app",
                        "secret_ref": f"vault://gatimitra/staff-mfa/{user['employee_id'].lower()}",
                        "sign_count": 0,
                        "is_primary": True,
                        "verified_at": user["created_at"],
                        "last_used_at": user["last_login"],
                        "created_at": user["created_at"],
                    }
                )
            else:
                factors.append(
                    {
                        "user_id": user["id"],
                        "factor_type": "WEBAUTHN",
                        "label": "YubiKey 5C",
                        "credential_id": f"wa-{rng.hexdigits(32)}",
                        "public_key": _public_key(rng),
                        "sign_count": rng.randrange(1, 400),
                        "is_primary": True,
                        "verified_at": user["created_at"],
                        "last_used_at": user["last_login"],
                        "created_at": user["created_at"],
                    }
                )
        if rng.chance(0.6):
            seen = user["last_login"]
            devices.append(
                {
                    "user_id": user["id"],
                    "fingerprint_hash": demo.hash(f"staff-device-{user['id']}"),
                    "platform": DevicePlatform.WEB,
                    "device_name": rng.pick(("Office laptop", "MacBook Air", "ThinkPad T14")),
                    "user_agent": _user_agent(rng),
                    "last_ip": _ip(rng, private=True),
                    "last_seen_at": seen,
                    "expires_at": seen + timedelta(days=30),
                    "created_at": seen - timedelta(days=5),
                }
            )
    demo.copy(UserCredential, credentials)
    demo.insert(PasswordHistory, history)
    demo.insert(MfaFactor, factors)
    demo.insert(TrustedDevice, devices)


def _approvals(demo, rng, users, roles):
    """Maker-checker workflows and a history of requests and decisions;
    returns the workflows by code, the approved requests by workflow code
    and all approved requests."""
    workflows = [
        ("RIDER_ACTIVATION", "Rider activation", "riders.rider", ["KYC_REVIEWER"]),
        (
            "LARGE_REFUND",
            "Refund above 2,000 rupees",
            "orders.orderrefund",
            ["SUPPORT_AGENT", "FINANCE"],
        ),
        (
            "MENU_PRICE_CHANGE",
            "Menu price change",
            "merchants.merchantmenuchangerequest",
            ["MERCHANT_ONBOARDING"],
        ),
        ("PII_ACCESS", "Access to personal data", "access_mgmt.piiaccessgrant", ["SUPER_ADMIN"]),
        ("ROLE_GRANT", "Staff role grant", "access_mgmt.userrole", ["SUPER_ADMIN"]),
    ]
    wf_rows, step_rows = [], []
    for code, name, target, _approvers in workflows:
        wf_rows.append(
            {
                "code": code,
                "name": name,
                "target_entity_type": target,
                "is_active": True,
                "description": f"{name}: maker-checker approval.",
                "created_at": demo.days_ago(600),
            }
        )
    demo.insert(ApprovalWorkflow, wf_rows)
    for wf, (_code, _name, _target, approvers) in zip(wf_rows, workflows, strict=True):
        wf["steps"] = []
        for number, role in enumerate(approvers, start=1):
            step = {
                "workflow_id": wf["id"],
                "step_no": number,
                "name": f"{role.replace('_', ' ').title()} review",
                "quorum": 1,
                "sla_minutes": 240 * number,
                "approver_role_id": roles[role],
                "created_at": demo.days_ago(600),
            }
            step_rows.append(step)
            wf["steps"].append(step)
    demo.insert(ApprovalWorkflowStep, step_rows)
    by_code = {wf["code"]: wf for wf in wf_rows}

    requests, actions = [], []
    active = [u for u in users if u["status"] == SystemUserStatus.ACTIVE]
    for n in range(demo.count(12, 600)):
        wf = rng.pick(wf_rows)
        requester = rng.pick(active)
        created = demo.now - timedelta(hours=rng.randrange(2, 24 * 60))
        status = rng.choices(
            (
                ApprovalStatus.APPROVED,
                ApprovalStatus.REJECTED,
                ApprovalStatus.PENDING,
                ApprovalStatus.EXPIRED,
            ),
            (70, 10, 15, 5),
        )[0]
        if n < len(wf_rows):  # every workflow has an approved request
            wf, status = wf_rows[n], ApprovalStatus.APPROVED
        decided = (
            created + timedelta(minutes=rng.randrange(10, 600))
            if status != ApprovalStatus.PENDING
            else None
        )
        request = {
            "workflow_id": wf["id"],
            "requested_by_id": requester["id"],
            "target_entity_type": wf["target_entity_type"],
            "target_entity_id": 1000 + n,
            "payload": {"reason": "demo", "ticket": f"OPS-{4000 + n}"},
            "status": status,
            "reason": rng.pick(
                (
                    "Customer escalation",
                    "Document re-verified",
                    "Price correction",
                    "Quarterly access review",
                )
            ),
            "decided_at": decided,
            "expires_at": created + timedelta(days=3),
            "current_step_id": wf["steps"][-1]["id"]
            if status != ApprovalStatus.PENDING
            else wf["steps"][0]["id"],
            "created_at": created,
        }
        requests.append(request)
    demo.insert(ApprovalRequest, requests)
    for request in requests:
        if request["status"] == ApprovalStatus.PENDING:
            continue
        wf = next(w for w in wf_rows if w["id"] == request["workflow_id"])
        checkers = [u for u in active if u["id"] != request["requested_by_id"]]
        for step in wf["steps"]:
            decision = (
                ApprovalDecision.REJECT
                if request["status"] == ApprovalStatus.REJECTED and step is wf["steps"][-1]
                else ApprovalDecision.APPROVE
            )
            if request["status"] == ApprovalStatus.EXPIRED:
                decision = ApprovalDecision.COMMENT
            actions.append(
                {
                    "request_id": request["id"],
                    "step_id": step["id"],
                    "actor_id": rng.pick(checkers)["id"],
                    "decision": decision,
                    "comment": ""
                    if decision == ApprovalDecision.APPROVE
                    else rng.pick(
                        (
                            "Evidence does not support the request",
                            "Waiting on the merchant; expiring",
                        )
                    ),
                    "created_at": request["decided_at"],
                }
            )
    demo.insert(ApprovalAction, actions)
    approvals = {
        code: [
            r["id"]
            for r in requests
            if r["workflow_id"] == wf["id"] and r["status"] == ApprovalStatus.APPROVED
        ]
        for code, wf in by_code.items()
    }
    approved_requests = [r["id"] for r in requests if r["status"] == ApprovalStatus.APPROVED]
    return by_code, approvals, approved_requests


def _platform(demo, rng, places, owner, roles, workflows):
    """Flags, settings, signing keys, rate limits, internal API clients;
    returns ``(id, code)`` of every system permission."""
    flags = [
        ("checkout.upi_intent", "UPI intent checkout", "BOOLEAN", True, False),
        ("dispatch.batching_v2", "Batched dispatch v2", "BOOLEAN", True, False),
        ("ride.bike_taxi", "Bike taxi booking", "BOOLEAN", True, False),
        ("home.banner_variant", "Home banner experiment", "VARIANT", "control", False),
        ("payments.kill_switch", "Stop online payments", "BOOLEAN", False, True),
    ]
    flag_rows = [
        {
            "key": key,
            "name": name,
            "flag_type": kind,
            "default_value": default,
            "is_kill_switch": kill,
            "is_enabled": not kill,
            "owner_id": owner,
            "description": name,
            "created_at": demo.days_ago(300),
        }
        for key, name, kind, default, kill in flags
    ]
    demo.insert(FeatureFlag, flag_rows)
    rules = []
    for flag in flag_rows[:4]:
        for priority, city in enumerate(places.cities[:2], start=1):
            rules.append(
                {
                    "flag_id": flag["id"],
                    "priority": priority,
                    "city_id": city.id,
                    "principal_type": PrincipalType.CUSTOMER,
                    "platform": rng.pick((DevicePlatform.ANDROID, DevicePlatform.IOS)),
                    "min_app_version": "5.11.0",
                    "rollout_percent": rng.pick((10, 25, 50, 100)),
                    "variant": "treatment" if flag["flag_type"] == "VARIANT" else "",
                    "service_type": ServiceType.RIDE if flag["key"] == "ride.bike_taxi" else None,
                    "is_active": True,
                }
            )
    demo.insert(FeatureFlagRule, rules)

    settings_rows = []
    for key, value, description in (
        ("otp.ttl_seconds", 300, "How long a one-time password is valid."),
        ("orders.auto_cancel_minutes", 20, "Unaccepted food orders are cancelled after this."),
        ("payouts.merchant_min_amount", 100, "Smaller merchant payouts roll over."),
    ):
        settings_rows.append(
            {
                "key": key,
                "value": value,
                "description": description,
                "version": 1,
                "effective_from": demo.days_ago(365),
                "updated_by_id": owner,
            }
        )
    for city in places.cities[:3]:
        settings_rows.append(
            {
                "key": "cod.cash_in_hand_cap",
                "city_id": city.id,
                "value": 4000 if city.code == "MUM" else 5000,
                "description": f"COD cash a rider may hold in {city.name}.",
                "version": 1,
                "effective_from": demo.days_ago(200),
                "updated_by_id": owner,
            }
        )
    demo.insert(SystemSetting, settings_rows)

    keys = []
    for n, algorithm in enumerate(("ES256", "ES256", "RS256")):
        activates = demo.days_ago(400 - 180 * n)
        keys.append(
            {
                "kid": f"gm-{activates:%Y%m}-{algorithm.lower()}",
                "algorithm": algorithm,
                "public_key": _public_key(rng),
                "private_key_ref": f"kms://ap-south-1/gatimitra/jwt/{activates:%Y%m}",
                "activates_at": activates,
                "retires_at": activates + timedelta(days=365) if n < 2 else None,
                "created_at": activates,
            }
        )
    demo.insert(JwtSigningKey, keys)

    clients = []
    for name, kind, email in (
        ("Order service", ApiClientType.INTERNAL_SERVICE, "platform@gatimitra.in"),
        ("Razorpay webhooks", ApiClientType.PAYMENT_GATEWAY, "integrations@razorpay.example"),
        ("Vayu Fleet", ApiClientType.LOGISTICS_PROVIDER, "api@vayufleet.example"),
        ("ONDC gateway", ApiClientType.ONDC_PARTICIPANT, "ondc@gatimitra.in"),
    ):
        clients.append(
            {
                "client_id": f"gmc_{rng.hexdigits(16)}",
                "name": name,
                "client_type": kind,
                "status": IntegrationStatus.ACTIVE,
                "contact_email": email,
                "webhook_url": f"https://{name.split()[0].lower()}.example/hooks",
                "created_by_id": owner,
                "description": name,
                "created_at": demo.days_ago(500),
            }
        )
    demo.insert(ApiClient, clients)
    _api_access(demo, rng, clients, owner)

    policies = [
        {
            "code": "CUSTOMER_OTP",
            "route_pattern": "/api/v1/auth/otp",
            "principal_type": PrincipalType.CUSTOMER,
            "requests_per_window": 5,
            "window_seconds": 600,
            "burst": 2,
            "is_active": True,
        },
        {
            "code": "RIDER_LOCATION",
            "route_pattern": "/api/v1/rider/location",
            "principal_type": PrincipalType.RIDER,
            "requests_per_window": 120,
            "window_seconds": 60,
            "burst": 30,
            "is_active": True,
        },
        {
            "code": "GATEWAY_WEBHOOKS",
            "route_pattern": "",
            "api_client_id": clients[1]["id"],
            "requests_per_window": 600,
            "window_seconds": 60,
            "burst": 100,
            "is_active": True,
        },
    ]
    demo.insert(RateLimitPolicy, policies)
    demo.insert(
        IpAllowlist,
        [
            {
                "cidr": "10.20.0.0/16",
                "purpose": "ADMIN_CONSOLE",
                "description": "Office VPN",
                "is_active": True,
                "created_by_id": owner,
                "role_id": roles["SUPER_ADMIN"],
            },
            {
                "cidr": "52.66.0.0/16",
                "purpose": "WEBHOOK",
                "description": "Razorpay webhook range",
                "is_active": True,
                "created_by_id": owner,
                "api_client_id": clients[1]["id"],
            },
        ],
    )
    permissions = list(SystemPermission.objects.order_by("id").values_list("id", "code"))
    refund = next(
        (pid for pid, code in permissions if code == "orders.change_orderrefund"), permissions[0][0]
    )
    demo.insert(
        AccessPolicy,
        [
            {
                "code": "REFUND_ABOVE_2000",
                "permission_id": refund,
                "condition": {"amount_gt": 2000},
                "max_amount": 2000,
                "requires_approval": True,
                "approval_workflow_id": workflows["LARGE_REFUND"]["id"],
                "priority": 10,
                "is_active": True,
                "description": "Refunds above 2,000 rupees need finance approval.",
            },
            {
                "code": "PII_EXPORT",
                "permission_id": permissions[0][0],
                "condition": {"action": "export"},
                "requires_approval": True,
                "approval_workflow_id": workflows["PII_ACCESS"]["id"],
                "priority": 20,
                "is_active": True,
                "description": "Exports of personal data need approval.",
            },
        ],
    )
    return permissions


def _api_access(demo, rng, clients, owner):
    keys, grants = [], []
    view = [
        pid
        for pid, code in SystemPermission.objects.order_by("id").values_list("id", "code")
        if ".view_" in code
    ]
    for client in clients:
        created = client["created_at"] + timedelta(days=2)
        keys.append(
            {
                "api_client_id": client["id"],
                "key_prefix": f"gm_live_{rng.letters(8, 'abcdefghjkmnpqrstuvwxyz23456789')}",
                "key_hash": demo.hash(f"api-key-{client['client_id']}"),
                "scopes": ["orders:read", "orders:write"],
                "expires_at": created + timedelta(days=730),
                "last_used_at": demo.now - timedelta(minutes=5),
                "created_by_id": owner,
                "created_at": created,
            }
        )
        for pid in rng.sample(view, min(3, len(view))):
            grants.append(
                {
                    "api_client_id": client["id"],
                    "permission_id": pid,
                    "effect": PermissionEffect.ALLOW,
                    "granted_by_id": owner,
                }
            )
    demo.insert(ApiKey, keys)
    demo.insert(ApiClientPermission, grants)


# After everything else ----------------------------------------------------------------


def build_activity(
    demo: Demo,
    staff: Staff,
    places: Places,
    merchants: "Merchants",
    riders: "RiderRoster",
    customers: "CustomerBase",
) -> list:
    """Sign-ins, OTPs, sessions, lockouts, invitations, PII grants; returns
    the PII grants."""
    rng = demo.rng("access", "activity")
    staff_ids = list(staff.ids)
    principals = (
        [(PrincipalType.CUSTOMER, c) for c in customers.ids[: demo.count(40, 30_000)]]
        + [(PrincipalType.RIDER, r.id) for r in riders.riders[: demo.count(20, 10_000)]]
        + [(PrincipalType.MERCHANT_USER, m) for m in merchants.user_ids[: demo.count(10, 5_000)]]
        + [(PrincipalType.SYSTEM_USER, s) for s in staff_ids]
    )
    sessions, attempts, tokens = [], [], []
    for kind, pid in principals:
        created = demo.now - timedelta(hours=rng.randrange(1, 24 * 20))
        revoked = rng.chance(0.2)
        platform = (
            DevicePlatform.WEB
            if kind == PrincipalType.SYSTEM_USER
            else rng.pick((DevicePlatform.ANDROID, DevicePlatform.ANDROID, DevicePlatform.IOS))
        )
        sessions.append(
            {
                "principal_type": kind,
                "principal_id": pid,
                "token_hash": demo.hash(f"session-{kind}-{pid}-{created.timestamp()}"),
                "device_platform": platform,
                "ip_address": _ip(rng),
                "user_agent": _user_agent(rng),
                "last_seen_at": created + timedelta(minutes=rng.randrange(1, 600)),
                "expires_at": created + timedelta(days=30),
                "revoked_at": created + timedelta(hours=3) if revoked else None,
                "revoke_reason": "LOGOUT" if revoked else "",
                "created_at": created,
            }
        )
    demo.insert(AuthSession, sessions)
    for session in sessions:
        method = "PASSWORD" if session["principal_type"] == PrincipalType.SYSTEM_USER else "OTP"
        if rng.chance(0.15):
            attempts.append(
                {
                    "principal_type": session["principal_type"],
                    "principal_id": session["principal_id"],
                    "identifier_hash": demo.hash(f"login-{session['principal_id']}"),
                    "method": method,
                    "result": (
                        LoginResult.BAD_OTP if method == "OTP" else LoginResult.BAD_CREDENTIALS
                    ),
                    "ip_address": session["ip_address"],
                    "user_agent": session["user_agent"],
                    "risk_score": rng.randrange(10, 60),
                    "created_at": session["created_at"] - timedelta(minutes=1),
                }
            )
        attempts.append(
            {
                "principal_type": session["principal_type"],
                "principal_id": session["principal_id"],
                "identifier_hash": demo.hash(f"login-{session['principal_id']}"),
                "method": method,
                "result": LoginResult.SUCCESS,
                "ip_address": session["ip_address"],
                "user_agent": session["user_agent"],
                "risk_score": rng.randrange(0, 20),
                "session_id": session["id"],
                "created_at": session["created_at"],
            }
        )
        first = {
            "session_id": session["id"],
            "family_id": _uuid(rng),
            "token_hash": demo.hash(f"refresh-{session['id']}-0"),
            "expires_at": session["created_at"] + timedelta(days=30),
            "used_at": session["created_at"] + timedelta(hours=1),
            "created_at": session["created_at"],
        }
        tokens.append(first)
        if rng.chance(0.5):
            tokens.append(
                {
                    "session_id": session["id"],
                    "family_id": first["family_id"],
                    "parent": first,
                    "token_hash": demo.hash(f"refresh-{session['id']}-1"),
                    "expires_at": session["created_at"] + timedelta(days=31),
                    "created_at": session["created_at"] + timedelta(hours=1),
                }
            )
    demo.insert(LoginAttempt, attempts)
    first_token = demo.ids(RefreshToken, len(tokens))
    for offset, token in enumerate(tokens):
        token["id"] = first_token + offset
    for token in tokens:
        if "parent" in token:
            token["parent_id"] = token.pop("parent")["id"]
    demo.copy(RefreshToken, tokens)

    otps = []
    for kind, pid in principals[: demo.count(50, 40_000)]:
        created = demo.now - timedelta(minutes=rng.randrange(10, 60 * 24 * 10))
        verified = rng.chance(0.85)
        otps.append(
            {
                "principal_type": kind,
                "principal_id": pid,
                "destination_hash": demo.hash(f"otp-dest-{kind}-{pid}"),
                "destination_masked": "XXXXXX" + rng.digits(4),
                "purpose": OtpPurpose.LOGIN,
                "channel": rng.pick(
                    (NotificationChannel.SMS, NotificationChannel.SMS, NotificationChannel.WHATSAPP)
                ),
                "code_hash": demo.hash(f"otp-{pid}-{created}"),
                "expires_at": created + timedelta(minutes=5),
                "attempts": 1 if verified else rng.randrange(0, 4),
                "max_attempts": 5,
                "verified_at": created + timedelta(seconds=40) if verified else None,
                "ip_address": _ip(rng),
                "created_at": created,
            }
        )
    demo.insert(OtpRequest, otps)

    resets = []
    for uid in staff_ids[:: max(1, len(staff_ids) // demo.count(4, 40))]:
        created = demo.now - timedelta(days=rng.randrange(1, 60))
        resets.append(
            {
                "user_id": uid,
                "token_hash": demo.hash(f"reset-{uid}-{created}"),
                "expires_at": created + timedelta(hours=2),
                "requested_ip": _ip(rng),
                "created_at": created,
            }
        )
    demo.insert(PasswordResetToken, resets)

    lockouts = []
    for kind, pid in rng.sample(principals, min(len(principals), demo.count(4, 300))):
        locked = demo.now - timedelta(hours=rng.randrange(2, 24 * 30))
        released = rng.chance(0.7)
        lockouts.append(
            {
                "principal_type": kind,
                "principal_id": pid,
                "reason": rng.pick(("FAILED_ATTEMPTS", "OTP_ABUSE")),
                "failed_attempts": 5,
                "locked_at": locked,
                "locked_until": locked + timedelta(minutes=30),
                "released_at": locked + timedelta(minutes=12) if released else None,
                "released_by_id": staff.admin_id if released else None,
                "note": "Released after identity check" if released else "",
                "created_at": locked,
            }
        )
    demo.insert(AccountLockout, lockouts)

    blocked = []
    for n in range(demo.count(4, 200)):
        kind = rng.pick(BLOCKED_KINDS)
        value = {
            "IP": _ip(rng),
            "DEVICE_ID": rng.hexdigits(16),
            "MOBILE": f"+91{9000000000 + n}",
            "UPI_VPA": f"fraud{n}@ybl",
        }[kind]
        blocked.append(
            {
                "kind": kind,
                "identifier_hash": demo.hash(f"blocked-{kind}-{value}"),
                "identifier_masked": demo.masked(value),
                "reason": "Chargeback fraud ring",
                "created_by_id": staff.admin_id,
                "created_at": demo.days_ago(rng.randrange(1, 200)),
            }
        )
    demo.insert(BlockedIdentifier, blocked)

    grants = _grants(demo, rng, staff, customers, sessions)
    _invitations(demo, rng, staff, places, merchants)
    return grants


def _uuid(rng):
    import uuid

    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _grants(demo, rng, staff, customers, sessions):
    approvals = staff.approvals
    grants, overrides, impersonations = [], [], []
    support = [
        u["id"] for u in staff.by_role["SUPPORT_AGENT"] if u["status"] == SystemUserStatus.ACTIVE
    ] or list(staff.ids)
    for _ in range(demo.count(5, 200)):
        start = demo.now - timedelta(days=rng.randrange(0, 40))
        grants.append(
            {
                "user_id": rng.pick(support),
                "subject_type": PrincipalType.CUSTOMER,
                "subject_id": rng.pick(customers.ids),
                "data_scope": rng.pick(("CONTACT", "ADDRESS", "FULL_PROFILE")),
                "purpose": "Investigating a delivery complaint",
                "valid_from": start,
                "valid_to": start + timedelta(hours=8),
                "approval_id": rng.pick(approvals["PII_ACCESS"])
                if approvals["PII_ACCESS"]
                else None,
                "granted_by_id": staff.admin_id,
                "created_at": start,
            }
        )
    demo.insert(PiiAccessGrant, grants)
    for _ in range(demo.count(3, 60)):
        start = demo.now - timedelta(days=rng.randrange(0, 60))
        overrides.append(
            {
                "user_id": rng.pick(support),
                "permission_id": rng.pick(staff.permissions)[0],
                "effect": rng.pick((PermissionEffect.ALLOW, PermissionEffect.DENY)),
                "reason": "Covering for the finance desk this week",
                "valid_from": start,
                "valid_to": start + timedelta(days=7),
                "granted_by_id": staff.admin_id,
                "approval_id": rng.pick(staff.approved_requests)
                if staff.approved_requests
                else None,
                "created_at": start,
            }
        )
    demo.insert(UserPermissionOverride, overrides)
    staff_sessions = [s for s in sessions if s["principal_type"] == PrincipalType.SYSTEM_USER]
    for session in staff_sessions[: demo.count(3, 50)]:
        start = session["created_at"] + timedelta(minutes=10)
        impersonations.append(
            {
                "user_id": session["principal_id"],
                "session_id": session["id"],
                "target_type": PrincipalType.CUSTOMER,
                "target_id": rng.pick(customers.ids),
                "reason": "Reproducing a checkout error for a ticket",
                "started_at": start,
                "expires_at": start + timedelta(minutes=30),
                "ended_at": start + timedelta(minutes=rng.randrange(3, 25)),
                "created_at": start,
            }
        )
    demo.insert(ImpersonationSession, impersonations)
    return grants


def _invitations(demo, rng, staff, places, merchants):
    invitations, scopes = [], []
    for n in range(demo.count(6, 200)):
        created = demo.now - timedelta(days=rng.randrange(1, 90))
        city = rng.pick(places.cities)
        first, surname, _ = demo.person(rng, city)
        accepted = n % 3 == 0
        merchant = n % 2 == 1
        invitation = {
            "email": f"{first}.{surname}.invite{n}@example.in".lower().replace("'", ""),
            "mobile": demo.mobile("contact"),
            "token_hash": demo.hash(f"invite-{n}-{created}"),
            "expires_at": created + timedelta(days=7),
            "invited_by_id": staff.admin_id,
            "created_at": created,
        }
        if merchant:
            parent = rng.pick(merchants.parents)
            invitation.update(
                invitee_type="MERCHANT_USER",
                merchant_role=rng.pick((MerchantUserRole.MANAGER, MerchantUserRole.STAFF)),
                scope_type=ScopeType.MERCHANT_PARENT,
                parent_id=parent["id"],
            )
        else:
            invitation.update(
                invitee_type="SYSTEM_USER",
                role_id=staff.roles["SUPPORT_AGENT"],
                scope_type=ScopeType.CITY,
                city_id=city.id,
            )
            if accepted:
                invitation.update(
                    accepted_at=created + timedelta(days=1),
                    accepted_user_id=rng.pick(staff.ids),
                )
        invitations.append(invitation)
    demo.insert(UserInvitation, invitations)
    # Merchant-facing staff roles scoped to the brands and stores they look after.
    onboarding = [r for r in staff.user_roles if r["role_id"] == staff.roles["MERCHANT_ONBOARDING"]]
    for role in onboarding:
        scopes.append(
            {
                "user_role_id": role["id"],
                "scope_type": ScopeType.MERCHANT_PARENT,
                "parent_id": rng.pick(merchants.parents)["id"],
            }
        )
        scopes.append(
            {
                "user_role_id": role["id"],
                "scope_type": ScopeType.MERCHANT_STORE,
                "store_id": rng.pick(merchants.store_rows)["id"],
            }
        )
    demo.insert(UserAccessScope, scopes)
