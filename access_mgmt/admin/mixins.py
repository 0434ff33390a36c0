"""Behaviour shared by several access_mgmt admins (and, for city scopes,
by other domains' admins).

(Index-friendly search, exact and hashed, is in the shared base:
``gatimitra.admin.GatimitraModelAdmin.get_search_results``.)
"""

from django.core import checks
from django.core.exceptions import FieldDoesNotExist

from access_mgmt.scopes import model_city_scope, restrict_to_city_scope


class PrefillRequestUserMixin:
    """Prefills ``request_user_field`` (who grants, invites, requests or
    creates) with the signed-in user on the add form."""

    request_user_field: str | None = None

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault(self.request_user_field, request.user.pk)
        return initial


class CityScopedAdminMixin:
    """Limits a city-scoped staff user to their cities' rows
    (``access_mgmt.scopes``): lists and pages show the rows of the cities
    their view or change permission reaches; they change and delete only
    rows of the cities those permissions reach; and the form offers only
    their cities (the first step of ``city_scope_field``: a city, or a team
    of their cities), required. Users whose permissions reach every city
    (GLOBAL scope, no scope, superusers) see no difference.

    ``city_scope_field`` is the path from the model to its city: ``"city"``,
    ``"team__city"``, ``"order__city"``. Rows without a city are outside
    every city, so only unrestricted users see them."""

    city_scope_field = "city"

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_city_scope_field()]

    def _check_city_scope_field(self):
        """``city_scope_field`` must walk foreign keys to ``orders.ServiceCity``:
        a typo would otherwise surface only when a scoped user opens the page."""
        model, steps = self.model, self.city_scope_field.split("__")
        for step in steps:
            try:
                field = model._meta.get_field(step)
            except FieldDoesNotExist:
                field = None
            if field is None or not (field.many_to_one or field.one_to_one):
                return [self._scope_field_error(f"{model._meta.label} has no foreign key {step!r}")]
            model = field.related_model
        if model._meta.label != "orders.ServiceCity":
            return [self._scope_field_error(f"it ends at {model._meta.label}")]
        return []

    def _scope_field_error(self, why):
        return checks.Error(
            f"city_scope_field {self.city_scope_field!r} does not lead to a city: {why}.",
            hint="Name foreign keys from the model to orders.ServiceCity, e.g. 'order__city'.",
            obj=self.__class__,
            id="access_mgmt.E001",
        )

    def _cities(self, request, *actions):
        return model_city_scope(request.user, self.model, *actions)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        cities = self._cities(request, "view", "change")
        return restrict_to_city_scope(queryset, cities, self.city_scope_field)

    def _city_of(self, obj):
        *steps, last = self.city_scope_field.split("__")
        for step in steps:
            obj = getattr(obj, step)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id")

    def _in_scope(self, request, obj, action):
        if obj is None:
            return True
        cities = self._cities(request, action)
        return cities is None or self._city_of(obj) in cities

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(
            request, obj, "change"
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(
            request, obj, "delete"
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        first, _, rest = self.city_scope_field.partition("__")
        if db_field.name == first:
            cities = self._cities(request, "add", "change")
            if cities is not None:
                lookup = f"{rest}__in" if rest else "pk__in"
                related = db_field.remote_field.model._default_manager
                kwargs["queryset"] = related.filter(**{lookup: cities})
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
