from django.contrib import admin

from customers.admin.customers import CUSTOMER_SEARCH
from customers.models import (
    CustomerNpsResponse,
    CustomerTicket,
    CustomerTicketEvent,
    CustomerTicketMessage,
)
from gatimitra.admin import GatimitraModelAdmin, GatimitraTabularInline, ReadOnlyTabularInline


class CustomerTicketMessageInline(GatimitraTabularInline):
    model = CustomerTicketMessage
    fields = ("sender_type", "sender_user", "body", "attachments", "is_internal_note", "read_at")
    autocomplete_fields = ("sender_user",)


class CustomerTicketEventInline(ReadOnlyTabularInline):
    model = CustomerTicketEvent
    fields = ("event_type", "from_status", "to_status", "actor_type", "actor_user", "created_at")
    readonly_fields = fields


@admin.register(CustomerTicket)
class CustomerTicketAdmin(GatimitraModelAdmin):
    list_display = (
        "ticket_number",
        "customer",
        "order",
        "category",
        "priority",
        "status",
        "team",
        "assignee",
        "resolution_due_at",
    )
    list_filter = ("status", "category", "priority", "channel")
    search_fields = ("ticket_number", *CUSTOMER_SEARCH)
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order", "team", "assignee")
    readonly_fields = ("ticket_number",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "ticket_number",
                    "customer",
                    ("category", "sub_category_code"),
                    "order",
                    ("channel", "priority", "status"),
                    "subject",
                    "description",
                    ("team", "assignee"),
                )
            },
        ),
        (
            "SLA",
            {
                "fields": (
                    ("first_response_due_at", "first_responded_at"),
                    ("resolution_due_at", "resolved_at", "closed_at"),
                    "reopen_count",
                )
            },
        ),
        ("Resolution", {"fields": ("resolution_code", "resolution_notes")}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (CustomerTicketMessageInline, CustomerTicketEventInline)


@admin.register(CustomerTicketMessage)
class CustomerTicketMessageAdmin(GatimitraModelAdmin):
    list_display = ("ticket", "sender_type", "sender_user", "is_internal_note", "created_at")
    list_filter = ("sender_type", "is_internal_note")
    search_fields = ("ticket__ticket_number",)
    ordering = ("-id",)
    autocomplete_fields = ("sender_user",)


@admin.register(CustomerTicketEvent)
class CustomerTicketEventAdmin(GatimitraModelAdmin):
    list_display = (
        "ticket",
        "event_type",
        "from_status",
        "to_status",
        "actor_type",
        "refund",
        "created_at",
    )
    list_filter = ("event_type", "to_status", "actor_type")
    search_fields = ("ticket__ticket_number",)
    ordering = ("-id",)


@admin.register(CustomerNpsResponse)
class CustomerNpsResponseAdmin(GatimitraModelAdmin):
    list_display = (
        "customer",
        "order",
        "survey_type",
        "score",
        "touchpoint",
        "service_type",
        "created_at",
    )
    list_filter = ("survey_type", "touchpoint", "service_type")
    search_fields = CUSTOMER_SEARCH
    ordering = ("-id",)
    autocomplete_fields = ("customer", "order")
