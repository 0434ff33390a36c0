from django.contrib import admin

from access_mgmt.admin.mixins import PrefillRequestUserMixin
from access_mgmt.models import (
    ApprovalAction,
    ApprovalRequest,
    ApprovalWorkflow,
    ApprovalWorkflowStep,
    PiiAccessGrant,
)
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline, ReadOnlyTabularInline


class ApprovalWorkflowStepInline(GatimitraTabularInline):
    model = ApprovalWorkflowStep
    fields = ("step_no", "name", "approver_role", "quorum", "sla_minutes")
    autocomplete_fields = ("approver_role",)
    ordering = ("step_no",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("workflow")


@admin.register(ApprovalWorkflow)
class ApprovalWorkflowAdmin(GatimitraModelAdmin):
    list_display = ("code", "name", "target_entity_type", "is_active")
    search_fields = ("code", "name")
    ordering = ("code",)
    inlines = (ApprovalWorkflowStepInline,)


@admin.register(ApprovalWorkflowStep)
class ApprovalWorkflowStepAdmin(GatimitraModelAdmin):
    list_display = ("workflow", "step_no", "name", "approver_role", "quorum", "sla_minutes")
    search_fields = ("workflow__code", "name")
    ordering = ("workflow", "step_no")
    autocomplete_fields = ("workflow", "approver_role")


class ApprovalActionInline(ReadOnlyTabularInline):
    model = ApprovalAction
    fields = ("created_at", "step", "actor", "decision", "comment")
    readonly_fields = fields
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("request", "step__workflow", "actor")


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(PrefillRequestUserMixin, GatimitraModelAdmin):
    list_display = (
        "id",
        "workflow",
        "target_entity_type",
        "target_entity_id",
        "requested_by",
        "status",
        "created_at",
        "decided_at",
    )
    list_filter = ("status", "workflow")
    search_fields = ("=target_entity_id", "requested_by__email")
    ordering = ("-id",)
    autocomplete_fields = ("workflow", "requested_by")
    inlines = (ApprovalActionInline,)
    request_user_field = "requested_by"


@admin.register(ApprovalAction)
class ApprovalActionAdmin(GatimitraModelAdmin):
    list_display = ("request", "step", "actor", "decision", "created_at")
    list_filter = ("decision",)
    search_fields = ("actor__email", "=request__id")
    ordering = ("-id",)
    list_select_related = ("request", "step__workflow", "actor")


@admin.register(PiiAccessGrant)
class PiiAccessGrantAdmin(GatimitraModelAdmin):
    list_display = (
        "user",
        "subject_type",
        "subject_id",
        "data_scope",
        "valid_from",
        "valid_to",
        "revoked_at",
    )
    list_filter = ("subject_type", "data_scope")
    search_fields = ("user__email", "=subject_id")
    ordering = ("-id",)
    autocomplete_fields = ("user", "granted_by")
