"""Customer support: tickets, their conversation, their append-only event
log, and NPS/CSAT responses."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from customers.choices import (
    SURVEY_TOUCHPOINTS,
    SURVEY_TYPES,
    TICKET_CHANNELS,
    TICKET_EVENT_TYPES,
    TICKET_PRIORITIES,
    TICKET_RESOLUTION_CODES,
    TicketCategory,
    TicketStatus,
    one_of,
)
from customers.models.customers import trigram_index
from gatimitra.db.fields import EnumField
from gatimitra.db.models import ASSIGNED_BY_DATABASE, AppendOnlyModel, TimestampedModel
from gatimitra.db.tables import schema_table
from gatimitra.enums import ActorType, ServiceType

#: Statuses after which a ticket carries its resolution.
RESOLVED_STATUSES = [TicketStatus.RESOLVED, TicketStatus.CLOSED]
#: ONDC IGM categories whose issues are about one order, which they name.
ORDER_ISSUE_CATEGORIES = [TicketCategory.ORDER, TicketCategory.ITEM, TicketCategory.FULFILLMENT]


class CustomerTicket(TimestampedModel):
    """A support ticket raised by or for a customer: ONDC-IGM-style category
    and sub-category, the customer's order it is about (required for ORDER,
    ITEM and FULFILLMENT issues), channel, priority, SLA deadlines, the team
    and agent on it and how it was resolved. ``ticket_number`` is its public
    identifier."""

    ticket_number = models.CharField(
        max_length=16,
        unique=True,
        db_default=ASSIGNED_BY_DATABASE,
        editable=False,
        help_text="TKT + id, assigned by the database.",
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    category = EnumField(TicketCategory)
    sub_category_code = models.CharField(
        max_length=8, help_text="ONDC IGM sub-category, e.g. ORD01, ITM02, FLM03, PMT01."
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_tickets",
        help_text="One of the customer's orders (checked by the database); "
        "required for ORDER, ITEM and FULFILLMENT issues.",
    )
    channel = models.CharField(max_length=10, choices=TICKET_CHANNELS, default="APP_CHAT")
    priority = models.PositiveSmallIntegerField(choices=TICKET_PRIORITIES, default=3)
    status = EnumField(TicketStatus, default=TicketStatus.OPEN)
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    team = models.ForeignKey(
        "access_mgmt.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_tickets",
        help_text="The support team the ticket is queued for.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_customer_tickets",
    )
    first_response_due_at = models.DateTimeField()
    resolution_due_at = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolution_code = models.CharField(
        max_length=20, choices=TICKET_RESOLUTION_CODES, null=True, blank=True
    )
    resolution_notes = models.TextField(blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = schema_table("customers", "customer_tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket_number__regex=r"^TKT[0-9]{8,}$"),
                name="customer_tickets_ticket_number_format",
            ),
            models.CheckConstraint(
                condition=Q(sub_category_code__regex=r"^[A-Z]{3}[0-9]{2,3}$"),
                name="customer_tickets_sub_category_format",
            ),
            one_of("customer_tickets", "channel", TICKET_CHANNELS),
            one_of("customer_tickets", "priority", TICKET_PRIORITIES, "Priority is 1 (P1) to 4."),
            one_of("customer_tickets", "resolution_code", TICKET_RESOLUTION_CODES),
            models.CheckConstraint(
                condition=Q(first_response_due_at__lte=F("resolution_due_at")),
                name="customer_tickets_sla_order",
                violation_error_message="The first response is due before the resolution.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=RESOLVED_STATUSES)
                | Q(resolved_at__isnull=False, resolution_code__isnull=False),
                name="customer_tickets_resolution",
                violation_error_message="A resolved ticket needs resolved_at and a resolution.",
            ),
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.CLOSED) | Q(closed_at__isnull=False),
                name="customer_tickets_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(category__in=ORDER_ISSUE_CATEGORIES) | Q(order__isnull=False),
                name="customer_tickets_order_issue_names_order",
                violation_error_message="An order, item or fulfilment issue names its order.",
            ),
        ]
        indexes = [
            trigram_index("customer_tickets", "ticket_number", name="customer_tickets_number_trgm"),
            models.Index(
                fields=["status", "resolution_due_at"],
                condition=~Q(status__in=RESOLVED_STATUSES),
                name="customer_tickets_open_queue",
            ),
        ]

    def __str__(self):
        return self.ticket_number if self.pk else "new ticket"


class CustomerTicketMessage(TimestampedModel):
    """One message in a ticket's conversation, from the customer, an agent
    or the bot, with attachments; internal notes are visible to staff only."""

    ticket = models.ForeignKey(CustomerTicket, on_delete=models.CASCADE, related_name="messages")
    sender_type = EnumField(ActorType)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_ticket_messages",
    )
    body = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="Object-storage keys.")
    is_internal_note = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_ticket_messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    sender_type__in=[ActorType.CUSTOMER, ActorType.SYSTEM_USER, ActorType.SYSTEM]
                ),
                name="customer_ticket_messages_sender_type",
                violation_error_message="Messages come from the customer, an agent or the bot.",
            ),
            models.CheckConstraint(
                condition=Q(sender_type=ActorType.SYSTEM_USER, sender_user__isnull=False)
                | (~Q(sender_type=ActorType.SYSTEM_USER) & Q(sender_user__isnull=True)),
                name="customer_ticket_messages_agent_named",
                violation_error_message="An agent's message names the agent; others name none.",
            ),
            models.CheckConstraint(
                condition=Q(is_internal_note=False) | Q(sender_type=ActorType.SYSTEM_USER),
                name="customer_ticket_messages_notes_by_agents",
            ),
            models.CheckConstraint(
                condition=~Q(body="") | ~Q(attachments=[]),
                name="customer_ticket_messages_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.get_sender_type_display()}: {self.body[:40]}"


class CustomerTicketEvent(AppendOnlyModel):
    """One thing that happened to a ticket: a status change, assignment,
    escalation, SLA breach or resolution action (with the refund, of the
    ticket's customer's order, or wallet credit it issued). Append-only."""

    ticket = models.ForeignKey(CustomerTicket, on_delete=models.PROTECT, related_name="events")
    event_type = models.CharField(max_length=16, choices=TICKET_EVENT_TYPES)
    from_status = EnumField(TicketStatus, null=True, blank=True)
    to_status = EnumField(TicketStatus, null=True, blank=True)
    actor_type = EnumField(ActorType)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_ticket_events",
    )
    wallet_txn = models.ForeignKey(
        "customers.CustomerWalletTransaction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ticket_events",
    )
    refund = models.ForeignKey(
        "orders.OrderRefund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_ticket_events",
        help_text="The refund a REFUND_ISSUED event issued (checked by the database to be "
        "of the ticket's order, or of one of its customer's orders).",
    )
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_ticket_events")
        constraints = [
            one_of("customer_ticket_events", "event_type", TICKET_EVENT_TYPES),
            models.CheckConstraint(
                condition=~Q(event_type="STATUS_CHANGED")
                | (Q(to_status__isnull=False) & ~Q(from_status=F("to_status"))),
                name="customer_ticket_events_status_change",
                violation_error_message="A status change needs a new, different status.",
            ),
            models.CheckConstraint(
                condition=~Q(event_type="WALLET_CREDITED") | Q(wallet_txn__isnull=False),
                name="customer_ticket_events_wallet_credit_txn",
            ),
            models.CheckConstraint(
                condition=~Q(event_type="REFUND_ISSUED") | Q(refund__isnull=False),
                name="customer_ticket_events_refund_issued_names_refund",
            ),
            models.CheckConstraint(
                condition=Q(actor_type=ActorType.SYSTEM_USER, actor_user__isnull=False)
                | (~Q(actor_type=ActorType.SYSTEM_USER) & Q(actor_user__isnull=True)),
                name="customer_ticket_events_agent_named",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_type_display()} on ticket {self.ticket_id}"


class CustomerNpsResponse(TimestampedModel):
    """One NPS (0-10) or CSAT (1-5) answer from a customer after one of
    their orders, after a ticket or in a periodic survey."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="nps_responses"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_nps_responses",
        help_text="One of the same customer's orders (checked by the database).",
    )
    ticket = models.ForeignKey(
        CustomerTicket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nps_responses",
        help_text="One of the same customer's tickets (checked by the database).",
    )
    survey_type = models.CharField(max_length=4, choices=SURVEY_TYPES, default="NPS")
    touchpoint = models.CharField(max_length=12, choices=SURVEY_TOUCHPOINTS)
    service_type = EnumField(ServiceType, null=True, blank=True)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        db_table = schema_table("customers", "customer_nps_responses")
        verbose_name = "customer NPS response"
        constraints = [
            one_of("customer_nps_responses", "survey_type", SURVEY_TYPES),
            one_of("customer_nps_responses", "touchpoint", SURVEY_TOUCHPOINTS),
            models.CheckConstraint(
                condition=Q(survey_type="NPS", score__lte=10)
                | Q(survey_type="CSAT", score__gte=1, score__lte=5),
                name="customer_nps_responses_score_range",
                violation_error_message="NPS scores go from 0 to 10, CSAT from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=~Q(touchpoint="POST_TICKET") | Q(ticket__isnull=False),
                name="customer_nps_responses_ticket_survey_has_ticket",
            ),
            models.CheckConstraint(
                condition=~Q(touchpoint="POST_ORDER") | Q(order__isnull=False),
                name="customer_nps_responses_order_survey_has_order",
            ),
        ]

    def __str__(self):
        return f"{self.survey_type} {self.score}"
