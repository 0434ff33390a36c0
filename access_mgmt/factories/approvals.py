from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.choices import ApprovalDecision, PrincipalType
from access_mgmt.factories.roles import SystemRoleFactory
from access_mgmt.factories.users import SystemUserFactory
from access_mgmt.models import (
    ApprovalAction,
    ApprovalRequest,
    ApprovalWorkflow,
    ApprovalWorkflowStep,
    PiiAccessGrant,
)


class ApprovalWorkflowFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"HIGH_VALUE_REFUND_{n}")
    name = "High-value refund"
    target_entity_type = "orders.orderrefund"

    class Meta:
        model = ApprovalWorkflow
        django_get_or_create = ("code",)


class ApprovalWorkflowStepFactory(DjangoModelFactory):
    workflow = factory.SubFactory(ApprovalWorkflowFactory)
    step_no = factory.Sequence(lambda n: n + 1)
    name = "Finance review"
    approver_role = factory.SubFactory(SystemRoleFactory)
    sla_minutes = 240

    class Meta:
        model = ApprovalWorkflowStep


class ApprovalRequestFactory(DjangoModelFactory):
    workflow = factory.SubFactory(ApprovalWorkflowFactory)
    target_entity_type = factory.SelfAttribute("workflow.target_entity_type")
    target_entity_id = factory.Sequence(lambda n: n + 1)
    payload = factory.LazyFunction(lambda: {"amount": "4500.00", "reason": "Order not delivered"})
    requested_by = factory.SubFactory(SystemUserFactory)

    class Meta:
        model = ApprovalRequest


class ApprovalActionFactory(DjangoModelFactory):
    """An approval of the request's first step by someone other than the requester."""

    request = factory.SubFactory(ApprovalRequestFactory)
    step = factory.SubFactory(
        ApprovalWorkflowStepFactory, workflow=factory.SelfAttribute("..request.workflow")
    )
    actor = factory.SubFactory(SystemUserFactory)
    decision = ApprovalDecision.APPROVE

    class Meta:
        model = ApprovalAction


class PiiAccessGrantFactory(DjangoModelFactory):
    user = factory.SubFactory(SystemUserFactory)
    subject_type = PrincipalType.CUSTOMER
    subject_id = factory.Sequence(lambda n: n + 1)
    data_scope = "CONTACT"
    purpose = factory.Sequence(lambda n: f"Call back about ticket TKT-{n:06d}")
    valid_from = factory.LazyFunction(timezone.now)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from + timedelta(hours=4))

    class Meta:
        model = PiiAccessGrant
