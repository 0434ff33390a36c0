"""The customers section of the console's home page
(``CustomersConfig.admin_dashboard``): open support tickets by priority, and
how many are past their resolution deadline."""

from django.db.models import Count, Q
from django.utils import timezone

from customers.choices import TICKET_PRIORITIES, TicketStatus
from customers.models import CustomerTicket
from gatimitra.console.dashboard import Figure, Panel, changelist_url, visible_admin

CLOSED = [TicketStatus.RESOLVED, TicketStatus.CLOSED]
OPEN = [status for status in TicketStatus if status not in CLOSED]


def panels(request, site):
    model_admin = visible_admin(request, site, CustomerTicket)
    if model_admin is None:
        return []
    now = timezone.now()
    found = (
        model_admin.get_queryset(request)
        .order_by()
        .filter(status__in=OPEN)
        .aggregate(
            **{
                f"p{priority}": Count("pk", filter=Q(priority=priority))
                for priority, _ in TICKET_PRIORITIES
            },
            overdue=Count("pk", filter=Q(resolution_due_at__lt=now)),
        )
    )
    open_statuses = ",".join(OPEN)
    figures = [
        Figure(
            label,
            found[f"p{priority}"],
            changelist_url(
                site, CustomerTicket, priority__exact=priority, status__in=open_statuses
            ),
            level="warn" if priority == 1 and found[f"p{priority}"] else "",
        )
        for priority, label in TICKET_PRIORITIES
    ]
    figures.append(
        Figure(
            "past resolution due",
            found["overdue"],
            changelist_url(
                site,
                CustomerTicket,
                status__in=open_statuses,
                resolution_due_at__lt=now.isoformat(timespec="seconds"),
            ),
            level="warn" if found["overdue"] else "",
        )
    )
    return [Panel("Open tickets by priority", figures=figures)]
