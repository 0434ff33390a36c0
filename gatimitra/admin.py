"""The shared base for every domain admin.

Domain admins subclass :class:`GatimitraModelAdmin` and declare only what
differs. The base does the common work:

* timestamps are read-only;
* every foreign key not listed in ``autocomplete_fields`` gets a raw-id
  widget, so no change page ever renders a ``<select>`` over a big table;
* ``list_select_related`` follows the foreign keys shown in ``list_display``;
* enum and boolean columns become list filters when none are declared;
* the changelist never counts a whole big table (``show_full_result_count``
  off, and an estimated count when the list is unfiltered).
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections, models
from django.utils.functional import cached_property

from gatimitra.db.fields import EnumArrayField, EnumField
from gatimitra.db.models import AppendOnlyModel
from gatimitra.db.tables import quote_table
from gatimitra.models import MigrationHistory

#: Below this many rows (by the planner's estimate) an exact count is cheap.
EXACT_COUNT_LIMIT = 20_000


class EstimatedCountPaginator(Paginator):
    """Counts exactly when the list is filtered or the table is small;
    otherwise uses PostgreSQL's row estimate (``pg_class.reltuples``; for a
    partitioned table, the sum over its partitions: autovacuum never
    analyzes the parent itself)."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            model = queryset.model
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT sum(greatest(c.reltuples, 0))::bigint "
                    "FROM pg_partition_tree(to_regclass(%s)) t "
                    "JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf",
                    [quote_table(model._meta.db_table)],
                )
                row = cursor.fetchone()
            if row and row[0] is not None and row[0] > EXACT_COUNT_LIMIT:
                return row[0]
        return super().count


#: URLs typed without a scheme mean https (Django 6.0's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class GatimitraModelAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    timestamp_fields = ("created_at", "updated_at")

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from audit.tracked import history_url

        extra_context = {
            **(extra_context or {}),
            "audit_history_url": history_url(self.model, object_id),
        }
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
        except Exception:
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

    @cached_property
    def raw_id_fields(self):
        # Every relation that is not autocompleted is a raw id: a plain select
        # would load every row of the target table into the page.
        autocompleted = set(self.autocomplete_fields)
        return tuple(
            field.name
            for field in [*self.model._meta.concrete_fields, *self.model._meta.many_to_many]
            if field.is_relation and field.name not in autocompleted and field.editable
        )


class ReadOnlyModelAdmin(GatimitraModelAdmin):
    """For append-only tables (ledgers, event logs): viewable, never edited
    through the admin; corrections are new rows written by service code."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GatimitraTabularInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS
    extra = 0
    show_change_link = True

    @cached_property
    def raw_id_fields(self):
        autocompleted = set(self.autocomplete_fields)
        fk_name = self.fk_name
        return tuple(
            field.name
            for field in self.model._meta.concrete_fields
            if field.is_relation
            and field.editable
            and field.name not in autocompleted
            and field.name != fk_name
        )


class ReadOnlyTabularInline(GatimitraTabularInline):
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MigrationHistory)
class MigrationHistoryAdmin(ReadOnlyModelAdmin):
    """What ``migrate`` recorded (gatimitra/db/deploy.py); written only by migrate."""

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
