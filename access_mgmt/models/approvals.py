from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from access_mgmt.choices import ApprovalDecision, PrincipalType
from access_mgmt.validators import UPPER_CODE, validate_upper_code
from gatimitra.db.constraints import values
from gatimitra.db.fields import EnumField
from gatimitra.db.managers import NaturalKeyManager
from gatimitra.db.models import AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ApprovalStatus

#: ``<app_label>.<model_name>`` of the row an approval is about (soft reference).
ENTITY_TYPE = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"


class ApprovalWorkflow(TimestampedModel):
    """How one kind of action gets approved (rider activation, merchant
    go-live, menu QC, high-value refund, payout release, role grant): a
    sequence of steps, each approved by holders of one role."""

    code = models.CharField(max_length=64, unique=True, validators=[validate_upper_code])
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True, default="")
    target_entity_type = models.CharField(
        max_length=100, help_text="app_label.model_name of what is approved (orders.orderrefund)"
    )
    is_active = models.BooleanField(default=True)

    objects = NaturalKeyManager("code")

    class Meta:
        db_table = schema_table("access_mgmt", "approval_workflows")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=UPPER_CODE), name="approval_workflows_code_format"
            ),
            models.CheckConstraint(
                condition=Q(target_entity_type__regex=ENTITY_TYPE),
                name="approval_workflows_target_entity_type_format",
            ),
        ]

    def __str__(self):
        return self.code

    def natural_key(self):
        return (self.code,)


class ApprovalWorkflowStep(TimestampedModel):
    """Step ``step_no`` of a workflow: which role approves it, how many
    approvals it needs (quorum) and how soon (SLA)."""

    workflow = models.ForeignKey(ApprovalWorkflow, on_delete=models.CASCADE, related_name="steps")
    step_no = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=150)
    approver_role = models.ForeignKey(
        "access_mgmt.SystemRole", on_delete=models.PROTECT, related_name="approval_steps"
    )
    quorum = models.PositiveSmallIntegerField(default=1)
    sla_minutes = models.PositiveIntegerField(null=True, blank=True)

    objects = NaturalKeyManager("workflow__code", "step_no")

    class Meta:
        db_table = schema_table("access_mgmt", "approval_workflow_steps")
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "step_no"], name="approval_workflow_steps_unique_step_no"
            ),
            models.CheckConstraint(
                condition=Q(step_no__gte=1, quorum__gte=1),
                name="approval_workflow_steps_positive_numbers",
            ),
            models.CheckConstraint(
                condition=Q(sla_minutes__gt=0), name="approval_workflow_steps_sla_positive"
            ),
        ]

    def __str__(self):
        return f"{self.workflow} step {self.step_no}"

    def natural_key(self):
        return (*self.workflow.natural_key(), self.step_no)

    natural_key.dependencies = ["access_mgmt.approvalworkflow"]  # type: ignore[attr-defined]


class ApprovalRequest(TimestampedModel):
    """One run of a workflow for one target row (soft reference: entity type
    and id), with its payload, who asked, the step it is at and its status.
    Nobody approves their own request (maker-checker, trigger on
    ``approval_actions``); the requester never changes."""

    workflow = models.ForeignKey(
        ApprovalWorkflow, on_delete=models.PROTECT, related_name="requests"
    )
    target_entity_type = models.CharField(max_length=100)
    target_entity_id = models.BigIntegerField()
    payload = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_requests"
    )
    current_step = models.ForeignKey(
        ApprovalWorkflowStep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_requests",
    )
    status = EnumField(ApprovalStatus, default=ApprovalStatus.PENDING)
    reason = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "approval_requests")
        indexes = [
            # The admin searches requests by the target id alone (exact).
            models.Index(fields=["target_entity_id"], name="approval_requests_target_id"),
            models.Index(fields=["status", "-created_at"], name="approval_requests_status"),
            models.Index(
                fields=["target_entity_type", "target_entity_id"],
                name="approval_requests_target",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_entity_type__regex=ENTITY_TYPE),
                name="approval_requests_target_entity_type_format",
            ),
            models.CheckConstraint(
                condition=Q(status=ApprovalStatus.PENDING, decided_at__isnull=True)
                | (~Q(status=ApprovalStatus.PENDING) & Q(decided_at__isnull=False)),
                name="approval_requests_decided_iff_not_pending",
                violation_error_message="A decided request has decided_at; a pending one has not.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at")),
                name="approval_requests_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.target_entity_type} {self.target_entity_id} ({self.status})"


class ApprovalAction(AppendOnlyModel):
    """One decision or comment by an approver on one step of a request.
    Append-only. The database refuses an action by the request's requester
    (maker-checker) and an action on a step of another workflow."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="actions")
    step = models.ForeignKey(ApprovalWorkflowStep, on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_actions"
    )
    decision = EnumField(ApprovalDecision)
    comment = models.TextField(blank=True, default="")

    class Meta:
        db_table = schema_table("access_mgmt", "approval_actions")
        indexes = [
            models.Index(fields=["request", "created_at"], name="approval_actions_request_time"),
        ]
        constraints = [
            # Each approver counts once towards a step's quorum.
            models.UniqueConstraint(
                fields=["request", "step", "actor"],
                condition=Q(decision__in=[ApprovalDecision.APPROVE, ApprovalDecision.REJECT]),
                name="approval_actions_one_decision_per_approver",
                violation_error_message="This approver has already decided this step.",
            ),
            models.CheckConstraint(
                condition=Q(decision=ApprovalDecision.APPROVE) | ~Q(comment=""),
                name="approval_actions_comment_unless_approving",
                violation_error_message="Rejections, change requests and comments need a comment.",
            ),
        ]

    def __str__(self):
        return f"{self.decision} on request {self.request_id}"


PII_DATA_SCOPES = [
    ("CONTACT", "Contact details"),
    ("ADDRESS", "Addresses"),
    ("KYC_DOCUMENTS", "KYC documents"),
    ("BANK_DETAILS", "Bank details"),
    ("FULL_PROFILE", "Full profile"),
]


class PiiAccessGrant(TimestampedModel):
    """Permission for one staff user to see one subject's personal or KYC
    data unmasked, for a stated purpose, under an approval, for a limited
    time. Every use is logged in ``audit.pii_access_logs``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pii_grants"
    )
    subject_type = EnumField(PrincipalType)
    subject_id = models.BigIntegerField()
    data_scope = models.CharField(max_length=16, choices=PII_DATA_SCOPES)
    purpose = models.TextField()
    approval = models.ForeignKey(
        ApprovalRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pii_grants",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pii_grants_given",
    )
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("access_mgmt", "pii_access_grants")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="pii_access_grants_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_scope__in=values(PII_DATA_SCOPES)),
                name="pii_access_grants_data_scope_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")),
                name="pii_access_grants_valid_window",
                violation_error_message="valid_from must be before valid_to.",
            ),
            models.CheckConstraint(
                condition=~Q(purpose=""),
                name="pii_access_grants_purpose_given",
                violation_error_message="A PII grant states its purpose.",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.data_scope} of {self.subject_type} {self.subject_id}"
