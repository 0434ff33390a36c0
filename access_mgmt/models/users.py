from django.contrib import auth
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from access_mgmt.choices import SystemUserStatus
from gatimitra.db.fields import CIEmailField, EnumField
from gatimitra.db.models import TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.db.validators import E164_INDIA, validate_mobile


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
