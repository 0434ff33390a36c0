"""The shared base for every domain admin.

Domain admins subclass :class:`GatimitraModelAdmin` and declare only what
differs. The base does the common work, so that every page stays fast at
city scale (CATALOG section 9: tables of 10^6 to 10^10 rows):

* timestamps are read-only;
* every foreign key not listed in ``autocomplete_fields`` gets a raw-id
  widget (also in inlines), so no page ever renders a ``<select>`` over a
  big table;
* ``list_select_related`` follows the foreign keys shown in ``list_display``;
* enum and boolean columns become list filters when none are declared;
* the changelist never counts a whole big table (``show_full_result_count``
  off; the planner's estimate when the list is unfiltered, a count capped at
  ``COUNT_CAP`` rows when it is filtered);
* search is index-friendly (:meth:`GatimitraModelAdmin.get_search_results`).
"""

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connections, models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal

from gatimitra.apps import domain_hooks
from gatimitra.db.errors import database_error_parts, describe_database_error
from gatimitra.db.fields import EnumArrayField, EnumField
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.secrets import keyed_hash
from gatimitra.models import MigrationHistory

logger = logging.getLogger("gatimitra.admin")

#: Below this many rows (by the planner's estimate) an exact count is cheap.
EXACT_COUNT_LIMIT = 20_000

#: Most rows a filtered list counts: 200 pages of 50. More matches show as
#: this many; the pages beyond it are reached by narrowing the filter.
COUNT_CAP = 10_000


def planner_row_estimate(queryset):
    """PostgreSQL's estimate of the rows ``queryset`` returns, from
    ``EXPLAIN``: it sums the partitions of a partitioned table and guesses
    from the table's size when it was never analyzed, where
    ``pg_class.reltuples`` says -1."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Never counts a whole big table: an unfiltered list of more than
    ``EXACT_COUNT_LIMIT`` rows (by the planner's estimate) shows the estimate;
    a filtered list (one day of location pings is ~26M rows) is counted only
    up to ``COUNT_CAP``: ``SELECT COUNT(*) FROM (... LIMIT 10000)``."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if query.where or query.distinct or query.combinator:
            return queryset[:COUNT_CAP].count()
        estimate = planner_row_estimate(queryset)
        if estimate > EXACT_COUNT_LIMIT:
            return estimate
        return super().count


#: URLs typed without a scheme mean https (Django 6.0's default, chosen now).
URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def https_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` for model forms declared outside an admin
    (the admin applies ``URL_FIELDS`` itself)."""
    for field_class, defaults in URL_FIELDS.items():
        if isinstance(db_field, field_class):
            kwargs = {**defaults, **kwargs}
    return db_field.formfield(**kwargs)


def _search_target(model, path):
    """``(field, is_local)`` of a search path such as ``customer__mobile``:
    the column compared, and whether it is on ``model``'s own table."""
    opts, field, hops = model._meta, None, 0
    for part in path.split(LOOKUP_SEP):
        if field is not None and field.is_relation:
            opts = field.related_model._meta
            hops += 1
        field = opts.pk if part == "pk" else opts.get_field(part)
    if field.is_relation:
        field = field.target_field
    return field, hops == 0


class RawIdByDefaultMixin:
    """Every editable relation not in ``autocomplete_fields`` is a raw id: a
    plain select would load every row of the target table into the page."""

    if TYPE_CHECKING:
        # What Django's ModelAdmin declares; the property below computes it.
        raw_id_fields: ClassVar[list[str] | tuple[str, ...]]
    else:

        @cached_property
        def raw_id_fields(self):
            return self._default_raw_id_fields()

    def _default_raw_id_fields(self):
        autocompleted = set(self.autocomplete_fields)
        fk_name = getattr(self, "fk_name", None)
        return tuple(
            field.name
            for field in [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]
            if field.is_relation
            and field.editable
            and field.name not in autocompleted
            and field.name != fk_name
        )


class GatimitraModelAdmin(RawIdByDefaultMixin, admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    timestamp_fields = ("created_at", "updated_at")
    #: Search fields whose column holds ``keyed_hash(value)`` (OTP
    #: destinations, typed identifiers): the term is hashed, then matched
    #: exactly, so staff find rows by a value that is never stored.
    hashed_search_fields: tuple[str, ...] = ()
    #: ``{search field: leading column}`` for exact search fields whose index
    #: leads with a column of a few values (``(principal_type, principal_id)``):
    #: the search adds ``leading IN (every value)``, so PostgreSQL probes the
    #: index once per value instead of reading all of it.
    search_index_leads: dict[str, str] = {}

    def _append_only(self):
        return issubclass(self.model, AppendOnlyModel)

    # Append-only tables (ledgers, event logs) are viewable, never edited here:
    # the database refuses UPDATE/DELETE, corrections are compensating rows.
    def has_add_permission(self, request, *args):
        return not self._append_only() and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return not self._append_only() and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._append_only() and super().has_delete_permission(request, obj)

    def _refused_by_database(self, request, exc):
        """A constraint or trigger refused the save or delete (the form's own
        validation let it through): say which table, constraint and column,
        with personal values masked and PostgreSQL's ``Failing row contains``
        left out, instead of a server error whose text and log carry the row."""
        if database_error_parts(exc) is None:
            raise exc
        said = describe_database_error(exc)
        logger.warning(
            "admin %s %s refused by the database: %s", request.method, request.path, said
        )
        self.message_user(request, f"Not saved: {said}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DatabaseError as exc:
            return self._refused_by_database(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DatabaseError as exc:
            return self._refused_by_database(request, exc)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The history link comes from the audit app (``history_log_model``
        # and ``history_url`` of its AppConfig), shown only to those who may
        # open it: a support agent or ops manager would otherwise be shown a
        # button that answers 403.
        url = None
        for log_model_of, history_url in zip(
            domain_hooks("history_log_model"), domain_hooks("history_url"), strict=True
        ):
            log_model = log_model_of(self.model)
            log_admin = self.admin_site._registry.get(log_model) if log_model else None
            if log_admin is not None and log_admin.has_view_permission(request):
                url = history_url(self.model, object_id)
        extra_context = {**(extra_context or {}), "audit_history_url": url}
        return super().change_view(request, object_id, form_url, extra_context)

    def _concrete_field_names(self):
        return {field.name for field in self.model._meta.concrete_fields}

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        present = self._concrete_field_names()
        readonly += [
            name for name in self.timestamp_fields if name in present and name not in readonly
        ]
        return readonly

    def get_list_select_related(self, request):
        declared = super().get_list_select_related(request)
        if declared is not False:
            return declared
        related = [
            name
            for name in self.get_list_display(request)
            if isinstance(name, str) and self._is_forward_fk(name)
        ]
        return related or False

    def _is_forward_fk(self, name):
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return (
            isinstance(field, models.ForeignKey | models.OneToOneField) and not field.auto_created
        )

    def get_list_filter(self, request):
        declared = super().get_list_filter(request)
        if declared:
            return declared
        return [
            field.name
            for field in self.model._meta.concrete_fields
            if isinstance(field, EnumField | models.BooleanField)
            and not isinstance(field, EnumArrayField)
        ]

    def get_search_results(self, request, queryset, search_term):
        """Search that stays on indexes at 10^6 to 10^9 rows.

        What a ``search_fields`` entry matches:

        * ``=field``: the whole term exactly, as typed or upper-cased
          (identifiers such as order numbers, GSTINs and UTRs are stored
          upper-case), which the column's btree index serves. Django's own
          ``=`` is ``UPPER(col) = UPPER(term)``, which no plain index serves.
          A term that is no valid value of the column ("abc" for an id, an IP
          address or an enum) skips that column instead of failing.
        * a name in ``hashed_search_fields``: the keyed hash of the whole term.
        * ``^field``: each word as a case-insensitive prefix, and a bare
          ``field``: each word as a case-insensitive substring. Both are
          ``UPPER(col::text) LIKE ...``, which a trigram GIN index on exactly
          ``UPPER(col::text)`` serves (one on the plain column is not used).

        As in Django, every word must match some field. Conditions on the
        list's own table are ORed, and PostgreSQL combines their indexes;
        when a field lives in another table (``customer__mobile``), each
        condition becomes its own ``SELECT pk`` and they are UNIONed: an OR
        across tables can use none of their indexes and scans the list.
        """
        fields = self.get_search_fields(request)
        term = search_term.strip()
        if not fields or not term:
            return queryset, False
        model = queryset.model
        hashed = {name.lstrip("=^@") for name in self.hashed_search_fields}
        whole, fuzzy = [], []
        for spec in map(str, fields):
            path = spec.lstrip("=^@")
            field, local = _search_target(model, path)
            if path in hashed or spec.startswith("="):
                lead = models.Q()
                if path in self.search_index_leads:
                    column = self.search_index_leads[path]
                    if values := self.search_lead_values(column):
                        lead = models.Q(**{f"{column}__in": values})
                whole += [
                    (models.Q(**{path: value}) & lead, local)
                    for value in self._exact_values(field, term, hashed=path in hashed)
                ]
            else:
                lookup = "istartswith" if spec.startswith("^") else "icontains"
                fuzzy.append((f"{path}__{lookup}", local))

        words = [
            unescape_string_literal(bit) if bit[0] in "\"'" and bit[0] == bit[-1] else bit
            for bit in smart_split(term)
        ]
        if fuzzy and len(words) == 1:
            whole += [(models.Q(**{lookup: words[0]}), local) for lookup, local in fuzzy]
        elif fuzzy:
            each_word = models.Q()
            for word in words:
                each_word &= _any_of(model, [(models.Q(**{lk: word}), lc) for lk, lc in fuzzy])
            whole.append((each_word, all(local for _, local in fuzzy)))
        if not whole:
            return queryset.none(), False
        return queryset.filter(_any_of(model, whole)), False

    @staticmethod
    def _exact_values(field, term, hashed):
        """The values an exact search compares: the term as typed and
        upper-cased, each if the column accepts it."""
        if hashed:
            return [keyed_hash(term)]
        values = []
        for candidate in dict.fromkeys((term, term.upper())):
            try:
                value = field.clean(candidate, None)
            except ValidationError:
                continue
            if value not in values:
                values.append(value)
        return values

    def search_lead_values(self, column):
        """Every value of ``column`` (see ``search_index_leads``): its choices."""
        field = self.model._meta.get_field(column)
        return [value for value, _ in field.flatchoices]


def _any_of(model, conditions):
    """One condition true when any of ``conditions`` (``(Q, is_local)``) is:
    an OR when all are on the table itself, else ``pk IN (a UNION b ...)``."""
    if all(local for _, local in conditions):
        combined = models.Q()
        for condition, _ in conditions:
            combined |= condition
        return combined
    manager = model._base_manager
    branches = [manager.filter(condition).values("pk") for condition, _ in conditions]
    return models.Q(pk__in=branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0])


class ReadOnlyModelAdmin(GatimitraModelAdmin):
    """For append-only tables (ledgers, event logs): viewable, never edited
    through the admin; corrections are new rows written by service code."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GatimitraTabularInline(RawIdByDefaultMixin, admin.TabularInline):
    formfield_overrides = URL_FIELDS
    extra = 0
    show_change_link = True


class GatimitraStackedInline(RawIdByDefaultMixin, admin.StackedInline):
    formfield_overrides = URL_FIELDS
    extra = 0
    show_change_link = True


class ReadOnlyTabularInline(GatimitraTabularInline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MigrationHistory)
class MigrationHistoryAdmin(ReadOnlyModelAdmin):
    """What ``migrate`` recorded (gatimitra/ops/deploy.py); written only by migrate."""

    list_display = (
        "recorded_at",
        "app",
        "name",
        "direction",
        "success",
        "duration_ms",
        "db_user",
        "host",
        "project_version",
    )
    list_filter = ("direction", "success", "app")
    search_fields = ("app", "name", "project_version")
    ordering = ("-id",)
