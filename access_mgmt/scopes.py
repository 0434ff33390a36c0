"""Which cities' rows a staff user may see or change: scoped data access.

``RoleBackend`` answers "may this user view orders?" (model permissions, as
Django's admin asks). The scopes of their role assignments
(``user_access_scopes``) answer "whose orders?": a CITY_OPS_MANAGER scoped
to Bengaluru sees Bengaluru's orders. For a permission, each role
assignment whose roles (with those they inherit) ALLOW it contributes its
scope, and the user's cities are the union:

* no scope rows, or a GLOBAL scope: every city (no restriction);
* CITY: that city;
* TEAM: the team's city; a central team (no city): every city;
* ZONE, MERCHANT_PARENT, MERCHANT_STORE: no city (they are narrower than a
  city; models filtered by city show such an assignment nothing).

An override ALLOW of the permission (break-glass, ``user_permission_overrides``)
is not scoped: every city. Active superusers: every city. Assignments are
taken as ``RoleBackend`` takes them (not revoked, valid now, active roles).

``city_scope(user, perm)`` returns ``None`` for "every city", else the
frozenset of city ids (possibly empty). ``restrict_to_city_scope()``
filters a queryset by it; ``access_mgmt.admin.mixins.CityScopedAdminMixin``
applies it to an admin. The scopes are read with one query per user object,
like the rules, and kept on it (``backends.forget_access`` drops both).
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_permission_codename
from django.db import connections, router
from django.utils import timezone

from access_mgmt.backends import SCOPES_CACHE_ATTRIBUTE, RuleLayer, access_for
from access_mgmt.choices import ScopeType
from gatimitra.db.tables import quote_table


@dataclass(frozen=True)
class AssignmentScope:
    """One current role assignment: the rules of its roles, and the cities
    its scope covers (``everywhere``: all of them)."""

    rules: RuleLayer
    everywhere: bool
    cities: frozenset

    def covers(self, perm):
        return self.rules.decide(perm) is True


@cache
def _scopes_sql():
    from access_mgmt.models import (
        RoleHierarchy,
        RolePermission,
        SystemPermission,
        SystemRole,
        Team,
        UserAccessScope,
        UserRole,
    )

    tables = {
        "user_roles": UserRole,
        "roles": SystemRole,
        "hierarchy": RoleHierarchy,
        "role_permissions": RolePermission,
        "permissions": SystemPermission,
        "scopes": UserAccessScope,
        "teams": Team,
    }
    names = {key: quote_table(model._meta.db_table) for key, model in tables.items()}
    # One row per rule of each assignment's roles (inherited ones included),
    # then one per scope of each assignment, with the city it stands for.
    return """
WITH RECURSIVE assignment AS (
    SELECT assignment.id, assignment.role_id
      FROM {user_roles} assignment
      JOIN {roles} role ON role.id = assignment.role_id
     WHERE assignment.user_id = %(user)s
       AND assignment.revoked_at IS NULL
       AND assignment.valid_from <= %(now)s
       AND (assignment.valid_to IS NULL OR assignment.valid_to > %(now)s)
       AND role.is_active
), held(assignment_id, role_id) AS (
    SELECT id, role_id FROM assignment
    UNION
    SELECT held.assignment_id, edge.child_role_id
      FROM {hierarchy} edge
      JOIN held ON held.role_id = edge.parent_role_id
      JOIN {roles} role ON role.id = edge.child_role_id
     WHERE role.is_active
)
SELECT held.assignment_id, 'rule', permission.code, rule.effect, NULL::bigint
  FROM {role_permissions} rule
  JOIN held ON held.role_id = rule.role_id
  JOIN {permissions} permission ON permission.id = rule.permission_id
UNION ALL
SELECT scope.user_role_id, 'scope', scope.scope_type, NULL, COALESCE(scope.city_id, team.city_id)
  FROM {scopes} scope
  JOIN assignment ON assignment.id = scope.user_role_id
  LEFT JOIN {teams} team ON team.id = scope.team_id
""".format(**names)


def load_assignment_scopes(user_id, now=None):
    """The current role assignments of ``user_id`` with their rules and
    cities (see the module docstring)."""
    from access_mgmt.models import UserRole

    connection = connections[router.db_for_read(UserRole)]
    with connection.cursor() as cursor:
        cursor.execute(_scopes_sql(), {"user": user_id, "now": now or timezone.now()})
        rows = cursor.fetchall()
    rules, scopes = {}, {}
    for assignment_id, kind, code_or_type, effect, city_id in rows:
        rules.setdefault(assignment_id, [])
        if kind == "rule":
            rules[assignment_id].append((code_or_type, effect))
        else:
            scopes.setdefault(assignment_id, []).append((code_or_type, city_id))
    assignments = []
    for assignment_id, assignment_rules in rules.items():
        own = scopes.get(assignment_id, [])
        everywhere = not own or any(
            scope_type == ScopeType.GLOBAL or (scope_type == ScopeType.TEAM and city_id is None)
            for scope_type, city_id in own
        )
        cities = frozenset(
            city_id
            for scope_type, city_id in own
            if scope_type in (ScopeType.CITY, ScopeType.TEAM) and city_id is not None
        )
        assignments.append(AssignmentScope(RuleLayer(assignment_rules), everywhere, cities))
    return assignments


def _assignment_scopes(user):
    scopes = getattr(user, SCOPES_CACHE_ATTRIBUTE, None)
    if scopes is None:
        scopes = load_assignment_scopes(user.pk)
        setattr(user, SCOPES_CACHE_ATTRIBUTE, scopes)
    return scopes


def city_scope(user, perm):
    """The ids of the cities whose rows ``user`` may act on with ``perm``
    (``"orders.change_order"``): ``None`` for every city, else a frozenset,
    empty when the permission is not granted at all."""
    if user.is_anonymous or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    access = access_for(user)
    if not access.allows(perm):
        return frozenset()
    if access.overrides.decide(perm) is True:
        return None  # break-glass overrides are not scoped
    cities = set()
    for assignment in _assignment_scopes(user):
        if assignment.covers(perm):
            if assignment.everywhere:
                return None
            cities |= assignment.cities
    return frozenset(cities)


def model_city_scope(user, model, *actions):
    """The union of ``city_scope`` over the model's ``actions`` (``"view"``,
    ``"change"``...): ``None`` when any of them reaches every city."""
    opts = model._meta
    cities = set()
    for action in actions:
        scope = city_scope(user, f"{opts.app_label}.{get_permission_codename(action, opts)}")
        if scope is None:
            return None
        cities |= scope
    return frozenset(cities)


def restrict_to_city_scope(queryset, cities, city_field="city"):
    """``queryset`` narrowed to rows whose ``city_field`` (a path such as
    ``"city"`` or ``"team__city"``) is one of ``cities``; unchanged for
    ``None`` (every city). Rows without a city are outside every city."""
    if cities is None:
        return queryset
    return queryset.filter(**{f"{city_field}__in": cities})
