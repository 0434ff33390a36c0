"""Django permissions decided by GatiMitra's roles.

``RoleBackend`` signs staff in like Django's ``ModelBackend`` (email and
password), but answers ``user.has_perm("riders.change_rider")`` from the
access_mgmt tables instead of Django's per-user permission tables:

1. The roles a user holds now: ``user_roles`` rows that are not revoked and
   whose window contains the present, of active ``system_roles``.
2. Plus every role they inherit through ``role_hierarchy``: a parent role
   includes its child roles (transitively), so a CITY_OPS_MANAGER that is the
   parent of SUPPORT_AGENT can do what a support agent can. Inheritance
   carries a child's DENY rules as well as its ALLOW rules.
3. The ``role_permissions`` of all those roles decide: a permission is granted
   when an ALLOW rule matches it and no DENY rule does (DENY beats ALLOW).
4. ``user_permission_overrides`` valid now are applied on top, as a layer of
   their own: an override DENY refuses, an override ALLOW grants even what a
   role denies (break-glass); between overrides, DENY beats ALLOW.

A rule's permission code is a Django permission, ``<app_label>.<codename>``,
or a pattern in which ``*`` matches any run of characters (within the app
label: any label): ``riders.*``, ``*.view_*``, ``*.*payout*``. The grammar is
documented in docs/schema/access_mgmt.md.

The rules are read with one query the first time a user object is asked,
and kept on that object: once per request in the admin. Superusers (active)
have every permission, as with Django's backends.
"""

import re
from functools import cache

from django.apps import apps
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models import Q
from django.utils import timezone

from access_mgmt.choices import PermissionEffect, SystemUserStatus
from gatimitra.db.tables import quote_table

#: Where the computed access is kept on the user object.
CACHE_ATTRIBUTE = "_gatimitra_access"
#: Where ``access_mgmt.scopes`` keeps the assignments' scopes on it.
SCOPES_CACHE_ATTRIBUTE = "_gatimitra_city_scopes"


def code_regex(code):
    """The regular expression a permission code matches, e.g. ``*.view_*``
    -> ``[^.]+\\.view_.*``."""
    app_label, _, codename = code.partition(".")
    app_part = "[^.]+" if app_label == "*" else re.escape(app_label)
    codename_part = ".*".join(re.escape(piece) for piece in codename.split("*"))
    return rf"{app_part}\.{codename_part}"


def _compile(codes):
    if not codes:
        return None
    return re.compile("|".join(f"(?:{code_regex(code)})" for code in sorted(codes)))


class RuleLayer:
    """The ALLOW and DENY codes of one layer (roles, or overrides)."""

    def __init__(self, rules):
        self.allow = frozenset(code for code, effect in rules if effect == PermissionEffect.ALLOW)
        self.deny = frozenset(code for code, effect in rules if effect == PermissionEffect.DENY)
        self._allow = _compile(self.allow)
        self._deny = _compile(self.deny)

    def decide(self, perm):
        """False when a DENY matches, True when an ALLOW does, else None."""
        if self._deny is not None and self._deny.fullmatch(perm):
            return False
        if self._allow is not None and self._allow.fullmatch(perm):
            return True
        return None


class Access:
    """What one user may do: role rules, with overrides on top."""

    def __init__(self, role_rules=(), override_rules=()):
        self.roles = RuleLayer(role_rules)
        self.overrides = RuleLayer(override_rules)

    def allows(self, perm):
        decision = self.overrides.decide(perm)
        if decision is None:
            decision = self.roles.decide(perm)
        return bool(decision)

    def source(self, perm):
        """Which layer grants ``perm``: "override", "role", or None."""
        decision = self.overrides.decide(perm)
        if decision is not None:
            return "override" if decision else None
        return "role" if self.roles.decide(perm) else None

    def candidates(self):
        """The permissions worth asking about: every installed model's, plus
        the exact (wildcard-free) codes this user's ALLOW rules name, which
        count even when their model is not installed (yet)."""
        named = {code for code in self.roles.allow | self.overrides.allow if "*" not in code}
        return installed_permissions() | named

    def patterns_for(self, app_label):
        """The ALLOW codes that can match a permission of ``app_label``, with
        their app part set to it: ``*.view_*`` -> ``customers.view_*``."""
        patterns = set()
        for code in self.roles.allow | self.overrides.allow:
            app_part, _, codename = code.partition(".")
            if app_part in ("*", app_label):
                patterns.add(f"{app_label}.{codename}")
        return patterns


NO_ACCESS = Access()


@cache
def installed_permissions():
    """Every Django permission of every installed model, ``app_label.codename``."""
    permissions = set()
    for model in apps.get_models():
        opts = model._meta
        for action in opts.default_permissions:
            permissions.add(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for codename, _name in opts.permissions:
            permissions.add(f"{opts.app_label}.{codename}")
    return frozenset(permissions)


@cache
def _rules_sql():
    from access_mgmt.models import (
        RoleHierarchy,
        RolePermission,
        SystemPermission,
        SystemRole,
        UserPermissionOverride,
        UserRole,
    )

    tables = {
        "user_roles": UserRole,
        "roles": SystemRole,
        "hierarchy": RoleHierarchy,
        "role_permissions": RolePermission,
        "permissions": SystemPermission,
        "overrides": UserPermissionOverride,
    }
    names = {key: quote_table(model._meta.db_table) for key, model in tables.items()}
    # UNION (not UNION ALL) in the recursive part visits each role once.
    return """
WITH RECURSIVE held(role_id) AS (
    SELECT assignment.role_id
      FROM {user_roles} assignment
      JOIN {roles} role ON role.id = assignment.role_id
     WHERE assignment.user_id = %(user)s
       AND assignment.revoked_at IS NULL
       AND assignment.valid_from <= %(now)s
       AND (assignment.valid_to IS NULL OR assignment.valid_to > %(now)s)
       AND role.is_active
    UNION
    SELECT edge.child_role_id
      FROM {hierarchy} edge
      JOIN held ON held.role_id = edge.parent_role_id
      JOIN {roles} role ON role.id = edge.child_role_id
     WHERE role.is_active
)
SELECT 'role', permission.code, rule.effect
  FROM {role_permissions} rule
  JOIN held ON held.role_id = rule.role_id
  JOIN {permissions} permission ON permission.id = rule.permission_id
UNION ALL
SELECT 'override', permission.code, override.effect
  FROM {overrides} override
  JOIN {permissions} permission ON permission.id = override.permission_id
 WHERE override.user_id = %(user)s
   AND override.revoked_at IS NULL
   AND override.valid_from <= %(now)s
   AND override.valid_to > %(now)s
""".format(**names)


def load_access(user_id, now=None):
    """Read the rules that apply to ``user_id`` at ``now`` (default: now)."""
    from access_mgmt.models import UserRole

    connection = connections[router.db_for_read(UserRole)]
    with connection.cursor() as cursor:
        cursor.execute(_rules_sql(), {"user": user_id, "now": now or timezone.now()})
        rows = cursor.fetchall()
    return Access(
        role_rules=[(code, effect) for layer, code, effect in rows if layer == "role"],
        override_rules=[(code, effect) for layer, code, effect in rows if layer == "override"],
    )


def access_for(user_obj):
    """What ``user_obj`` may do (read the first time, then kept on the object)."""
    if user_obj.is_anonymous or not user_obj.is_active:
        return NO_ACCESS
    access = getattr(user_obj, CACHE_ATTRIBUTE, None)
    if access is None:
        access = load_access(user_obj.pk)
        setattr(user_obj, CACHE_ATTRIBUTE, access)
    return access


def forget_access(user_obj):
    """Drop the rules (and the scopes, ``access_mgmt.scopes``) kept on
    ``user_obj``, after changing its roles."""
    user_obj.__dict__.pop(CACHE_ATTRIBUTE, None)
    user_obj.__dict__.pop(SCOPES_CACHE_ATTRIBUTE, None)


class RoleBackend(ModelBackend):
    """Authentication as ``ModelBackend``; permissions from GatiMitra's roles
    (see the module docstring). Object-level permissions are not granted by
    this backend (``obj`` given: nothing), like ``ModelBackend``."""

    def _access(self, user_obj):
        return access_for(user_obj)

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or user_obj.is_anonymous or not user_obj.is_active:
            return set()
        if user_obj.is_superuser:
            return set(installed_permissions())
        access = self._access(user_obj)
        return {perm for perm in access.candidates() if access.allows(perm)}

    def get_user_permissions(self, user_obj, obj=None):
        """The permissions granted by the user's own overrides."""
        return self._from_source(user_obj, obj, "override")

    def get_group_permissions(self, user_obj, obj=None):
        """The permissions granted by the user's roles (roles are the groups)."""
        return self._from_source(user_obj, obj, "role")

    def _from_source(self, user_obj, obj, source):
        if obj is not None or user_obj.is_anonymous or not user_obj.is_active:
            return set()
        access = self._access(user_obj)
        return {perm for perm in access.candidates() if access.source(perm) == source}

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None or user_obj.is_anonymous or not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        return self._access(user_obj).allows(perm)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_anonymous or not user_obj.is_active:
            return False
        if user_obj.is_superuser:
            return True
        access = self._access(user_obj)
        prefix = f"{app_label}."
        candidates = [perm for perm in access.candidates() if perm.startswith(prefix)]
        if not any(perm.startswith(prefix) for perm in installed_permissions()):
            # An app with no models installed (yet) has no permission to ask
            # about; ask about the rules' own patterns narrowed to the app.
            candidates += access.patterns_for(app_label)
        return any(access.allows(perm) for perm in candidates)

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        """Users who have ``perm``. Rules are patterns, so each candidate (a
        superuser, or a user with a current role or override) is evaluated;
        fine for a staff directory of thousands, not for hot paths."""
        UserModel = get_user_model()
        if obj is not None:
            return UserModel._default_manager.none()
        if not isinstance(perm, str):
            perm = f"{perm.content_type.app_label}.{perm.codename}"
        users = UserModel._default_manager.all()
        if is_active is not None:
            active = Q(status=SystemUserStatus.ACTIVE)
            users = users.filter(active if is_active else ~active)
        now = timezone.now()
        has_rules = Q(
            role_assignments__revoked_at__isnull=True,
            role_assignments__valid_from__lte=now,
        ) | Q(permission_overrides__revoked_at__isnull=True, permission_overrides__valid_to__gt=now)
        candidates = users.filter(has_rules | Q(is_superuser=True)).distinct()
        matching = [
            user.pk
            for user in candidates
            if (include_superusers and user.is_superuser) or load_access(user.pk, now).allows(perm)
        ]
        return users.filter(pk__in=matching)
