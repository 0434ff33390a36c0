import secrets

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from access_mgmt.choices import ScopeType, SystemUserStatus
from access_mgmt.models.roles import scope_target_matches_type
from access_mgmt.validators import UPPER_CODE, validate_upper_code
from gatimitra.db.constraints import values
from gatimitra.db.fields import CIEmailField, EnumField, HashField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import TimestampedModel
from gatimitra.db.secrets import keyed_hash
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, validate_mobile
from merchants.choices import MerchantUserRole


class SystemUserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A system user needs an email address")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("status", SystemUserStatus.ACTIVE)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # citext makes the lookup case-insensitive in the database.
        return self.get(email=email)


class SystemUser(AbstractBaseUser, TimestampedModel):
    """A member of GatiMitra's staff (ops, support, finance, onboarding,
    engineering). The project's ``AUTH_USER_MODEL``: staff sign in to the admin
    as system users. What they may do there comes from their roles
    (``user_roles``), not from Django's per-user permissions."""

    email = CIEmailField("email", unique=True)
    full_name = models.CharField(max_length=150)
    mobile = models.CharField(
        max_length=16,
        blank=True,
        null=True,
        unique=True,
        validators=[validate_mobile],
    )
    employee_id = models.CharField(max_length=32, blank=True, null=True, unique=True)
    status = EnumField(SystemUserStatus, default=SystemUserStatus.ACTIVE)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the user may sign in to the admin."
    )
    is_superuser = models.BooleanField(
        default=False, help_text="Has every permission without roles granting it."
    )
    primary_team = models.ForeignKey(
        "access_mgmt.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_members",
        help_text="The team whose queues the user works by default.",
    )

    objects = SystemUserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        db_table = schema_table("access_mgmt", "system_users")
        verbose_name = "system user"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mobile__regex=E164_INDIA),
                name="system_users_mobile_e164",
                violation_error_message="Mobile must be an Indian E.164 number (+91XXXXXXXXXX).",
            ),
        ]

    def __str__(self):
        return self.email

    def natural_key(self):
        return (self.email,)

    @property
    def is_active(self):
        """Only ACTIVE users can sign in (Django's backends read this)."""
        return self.status == SystemUserStatus.ACTIVE

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ", 1)[0] if self.full_name else self.email

    # Permissions: answered by the authentication backends, as PermissionsMixin
    # does, without its per-user permission and group tables.

    def get_user_permissions(self, obj=None):
        return _backend_permissions(self, obj, "user")

    def get_group_permissions(self, obj=None):
        return _backend_permissions(self, obj, "group")

    def get_all_permissions(self, obj=None):
        return _backend_permissions(self, obj, "all")

    def has_perm(self, perm, obj=None):
        if self.is_active and self.is_superuser:
            return True
        return any(
            hasattr(backend, "has_perm") and backend.has_perm(self, perm, obj)
            for backend in auth.get_backends()
        )

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        if self.is_active and self.is_superuser:
            return True
        return any(
            hasattr(backend, "has_module_perms") and backend.has_module_perms(self, app_label)
            for backend in auth.get_backends()
        )


def _backend_permissions(user, obj, from_name):
    permissions = set()
    name = f"get_{from_name}_permissions"
    for backend in auth.get_backends():
        if hasattr(backend, name):
            permissions.update(getattr(backend, name)(user, obj))
    return permissions


TEAM_TYPES = [
    ("CITY_OPS", "City operations"),
    ("SUPPORT_L1", "Support L1"),
    ("SUPPORT_L2", "Support L2"),
    ("KYC_REVIEW", "KYC review"),
    ("FINANCE", "Finance"),
    ("MERCHANT_ONBOARDING", "Merchant onboarding"),
    ("ENGINEERING", "Engineering"),
]


class Team(TimestampedModel):
    """An operational team (a city's ops, L1/L2 support including a BPO
    vendor's agents, KYC review, finance) whose members share work queues,
    and the city it works for (central teams have none; a city ops team
    always has one)."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_upper_code])
    name = models.CharField(max_length=150)
    team_type = models.CharField(max_length=32, choices=TEAM_TYPES)
    vendor_name = models.CharField(
        max_length=150,
        blank=True,
        default="",
        help_text="The BPO vendor staffing the team; blank for in-house teams.",
    )
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        help_text="The city the team works for; empty for a central team.",
    )
    description = models.TextField(blank=True, default="")
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "teams")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=UPPER_CODE), name="teams_code_format"),
            models.CheckConstraint(
                condition=Q(team_type__in=values(TEAM_TYPES)),
                name="teams_team_type_valid",
            ),
            models.CheckConstraint(
                condition=~Q(team_type="CITY_OPS") | Q(city__isnull=False),
                name="teams_city_ops_names_city",
                violation_error_message="A city operations team names its city.",
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class TeamMember(TimestampedModel):
    """One user's membership of one team, from ``joined_at`` until
    ``left_at``, with the queues and skills they work on."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    is_lead = models.BooleanField(default=False)
    queues = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    skills = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "team_members")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(left_at__isnull=True),
                name="team_members_one_current_membership",
                violation_error_message="The user is already a member of this team.",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(joined_at__lt=F("left_at")),
                name="team_members_left_after_joining",
                violation_error_message="A member leaves after joining.",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team}"


INVITEE_TYPES = [("SYSTEM_USER", "Staff user"), ("MERCHANT_USER", "Merchant user")]


class UserInvitation(TimestampedModel):
    """An invitation for a new staff user (with the role and the scope they
    will get: its type and target, as in ``user_access_scopes``) or for a
    merchant user (with their merchant parent and merchant role). The
    invitation link carries a token; only its keyed hash is stored. Pending
    until accepted, revoked or expired."""

    email = CIEmailField()
    mobile = models.CharField(max_length=16, null=True, blank=True, validators=[validate_mobile])
    invitee_type = models.CharField(max_length=16, choices=INVITEE_TYPES, default="SYSTEM_USER")
    role = models.ForeignKey(
        "access_mgmt.SystemRole",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    merchant_role = EnumField(
        MerchantUserRole,
        null=True,
        blank=True,
        help_text="The merchant user's role (merchant-user invitations only).",
    )
    scope_type = EnumField(ScopeType, default=ScopeType.GLOBAL)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    city = models.ForeignKey(
        "orders.ServiceCity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_invitations",
    )
    zone = models.ForeignKey(
        "orders.ServiceZone",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_invitations",
    )
    parent = models.ForeignKey(
        "merchants.MerchantParent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_invitations",
        help_text="The merchant a merchant user joins, or a MERCHANT_PARENT scope's merchant.",
    )
    store = models.ForeignKey(
        "merchants.MerchantStore",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_invitations",
    )
    token_hash = HashField(unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "user_invitations")
        indexes = [models.Index(fields=["email"], name="user_invitations_email")]
        constraints = [
            models.CheckConstraint(
                condition=Q(mobile__regex=E164_INDIA), name="user_invitations_mobile_e164"
            ),
            models.CheckConstraint(
                condition=Q(invitee_type__in=values(INVITEE_TYPES)),
                name="user_invitations_invitee_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="user_invitations_expires_after_creation",
                violation_error_message="An invitation expires after it is created.",
            ),
            # Staff invitations say which role the user gets; merchant users'
            # roles are the merchants domain's, not a system role.
            models.CheckConstraint(
                condition=Q(invitee_type="SYSTEM_USER", role__isnull=False)
                | Q(invitee_type="MERCHANT_USER", role__isnull=True),
                name="user_invitations_role_for_staff_only",
                violation_error_message="A staff invitation names a role; a merchant one does not.",
            ),
            models.CheckConstraint(
                condition=scope_target_matches_type(),
                name="user_invitations_target_matches_scope",
                violation_error_message="The invitation's scope target must match its type.",
            ),
            # A merchant user joins one merchant parent with a merchant role:
            # their scope is that merchant.
            models.CheckConstraint(
                condition=Q(invitee_type="SYSTEM_USER", merchant_role__isnull=True)
                | Q(
                    invitee_type="MERCHANT_USER",
                    merchant_role__isnull=False,
                    scope_type=ScopeType.MERCHANT_PARENT,
                    parent__isnull=False,
                ),
                name="user_invitations_merchant_names_parent",
                violation_error_message=(
                    "A merchant-user invitation names its merchant parent and merchant role; "
                    "a staff one has no merchant role."
                ),
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_user__isnull=True)
                | Q(accepted_at__isnull=False, accepted_user__isnull=False),
                name="user_invitations_acceptance_complete",
                violation_error_message="An accepted invitation records who accepted it.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="user_invitations_accepted_or_revoked",
                violation_error_message="An invitation is either accepted or revoked, not both.",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.invitee_type})"

    def set_new_token(self):
        """Give the invitation a new token and return it: it goes into the
        invitation link and is never stored, only its keyed hash."""
        token = secrets.token_urlsafe(32)
        self.token_hash = keyed_hash(token)
        return token
