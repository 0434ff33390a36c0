import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from audit.models import (
    AccessAuditLog,
    CustomerAuditLog,
    MerchantAuditLog,
    OrderAuditLog,
    PiiAccessLog,
    RiderAuditLog,
    SystemAuditLog,
    VerificationRun,
)
from audit.tracked import TRACKED
from gatimitra.admin import ReadOnlyModelAdmin


def tracked_tables(log_model):
    """The tables whose changes ``log_model`` records, from the tracked list."""
    from django.apps import apps

    log_table = log_model._meta.db_table.split('"."')[-1]
    return sorted(
        {
            apps.get_model(track.model)._meta.db_table.split('"."')[-1]
            for track in TRACKED
            if track.log_table == log_table
        }
    )


class TrackedTableFilter(admin.SimpleListFilter):
    """Tables from the tracked list, not a DISTINCT over millions of rows."""

    title = "table"
    parameter_name = "table_name"

    def lookups(self, request, model_admin):
        return [(name, name) for name in tracked_tables(model_admin.model)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(table_name=self.value())
        return queryset


class ChangeLogAdmin(ReadOnlyModelAdmin):
    """Read-only browsing of one audit log."""

    list_display = ("created_at", "action", "table_name", "row_pk", "actor_column", "db_role")
    list_filter = ("action", TrackedTableFilter, "actor_type", "created_at")
    # Each served by an index: (table_name, row_pk), (subject_id), (actor_id).
    # A row's whole history is the "History" link on its own admin page.
    search_fields = ("=row_pk", "=subject_id", "=actor_id")
    search_index_leads = {"row_pk": "table_name"}
    ordering = ("-id",)
    readonly_fields = ("changes_table",)
    fieldsets = (
        (None, {"fields": ("created_at", "action", "table_schema", "table_name", "row_pk")}),
        ("Who", {"fields": ("actor_type", "actor_id", "actor_label", "db_role")}),
        ("Where", {"fields": ("application_name", "request_id", "client_ip", "transaction_id")}),
        ("What changed", {"fields": ("changes_table",)}),
    )

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if not self.search_lead_values("table_name"):
            # A log of untracked tables (admin actions): no list of its
            # table names to lead the (table_name, row_pk) index with.
            self.search_fields = tuple(f for f in self.search_fields if f != "=row_pk")

    def search_lead_values(self, column):
        if column == "table_name":
            return tracked_tables(self.model)
        return super().search_lead_values(column)

    @admin.display(description="actor")
    def actor_column(self, obj):
        return obj.actor

    @admin.display(description="changes")
    def changes_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (
                    column,
                    json.dumps(before, ensure_ascii=False),
                    json.dumps(after, ensure_ascii=False),
                )
                for column, (before, after) in sorted(obj.changes.items())
            ),
        )
        return format_html(
            "<table><tr><th>column</th><th>before</th><th>after</th></tr>{}</table>", rows
        )


for log_model in (
    SystemAuditLog,
    MerchantAuditLog,
    CustomerAuditLog,
    RiderAuditLog,
    OrderAuditLog,
    AccessAuditLog,
):
    admin.site.register(log_model, ChangeLogAdmin)


@admin.register(PiiAccessLog)
class PiiAccessLogAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "action", "subject_type", "subject_id", "actor_label", "purpose")
    list_filter = ("action", "subject_type", "created_at")
    search_fields = ("=subject_id", "=actor_id")
    search_index_leads = {"subject_id": "subject_type"}
    ordering = ("-id",)


@admin.register(VerificationRun)
class VerificationRunAdmin(ReadOnlyModelAdmin):
    """Every sealing and verification of the chains; the audit operations
    page shows the last one."""

    list_display = ("created_at", "kind", "ok", "findings_count", "sealed_total", "run_by")
    list_filter = ("kind", "ok", "created_at")
    ordering = ("-id",)
    readonly_fields = ("findings_list",)
    fieldsets = (
        (None, {"fields": ("kind", "started_at", "created_at", "duration_ms", "since")}),
        ("Who", {"fields": ("run_by", "db_role")}),
        (
            "Result",
            {"fields": ("ok", "findings_count", "finding_kinds", "findings_list", "notes")},
        ),
        ("Sealed", {"fields": ("sealed_total", "sealed")}),
    )

    @admin.display(description="findings")
    def findings_list(self, obj):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((f,) for f in obj.findings))
        )
