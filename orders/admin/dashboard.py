"""The orders section of the console's home page (``OrdersConfig.admin_dashboard``):
orders in flight by service and status, and orders per hour over the last
24 hours by service.

Both read the order admin's queryset, so a city-scoped user counts only
their cities' orders. In flight is every status but the terminal ones:
``orders_status_service_idx (status, service_type)`` answers it with an
index-only scan; the hourly chart reads the last day from
``orders_placed_at_service_idx (placed_at, service_type) INCLUDE (city_id)``
alone (an index-only scan, a city-scoped user's too; orders 0025)."""

from datetime import timedelta

from django.db.models.functions import TruncHour
from django.utils import timezone

from gatimitra.console.dashboard import (
    Figure,
    Panel,
    Table,
    changelist_url,
    counts,
    svg_line_chart,
    visible_admin,
)
from gatimitra.enums import OrderStatus, ServiceType
from orders.models import Order
from orders.transitions import TERMINAL_STATUSES

IN_FLIGHT = [status for status in OrderStatus if status not in TERMINAL_STATUSES]


def panels(request, site):
    model_admin = visible_admin(request, site, Order)
    if model_admin is None:
        return []
    orders = model_admin.get_queryset(request)
    return [in_flight_panel(site, orders), hourly_panel(site, orders)]


def in_flight_panel(site, orders):
    found = counts(orders.filter(status__in=IN_FLIGHT), "status", "service_type")
    services = list(ServiceType)
    rows = []
    for status in IN_FLIGHT:
        cells = [
            _cell(site, found.get((status.value, service.value), 0), status, service)
            for service in services
        ]
        if any(cell.value for cell in cells):
            rows.append((status.label, cells))
    totals = [
        Figure(
            service.label,
            sum(n for (status, svc), n in found.items() if svc == service.value),
            changelist_url(
                site,
                Order,
                service_type__exact=service.value,
                status__in=",".join(IN_FLIGHT),
            ),
        )
        for service in services
    ]
    return Panel(
        "Orders in flight",
        figures=totals,
        table=Table([service.label for service in services], rows) if rows else None,
        note="" if rows else "No order is in flight.",
    )


def _cell(site, value, status, service):
    url = changelist_url(site, Order, status__exact=status.value, service_type__exact=service.value)
    return Figure("", value, url if value else None)


def hourly_panel(site, orders, hours=24):
    now = timezone.localtime()
    start = (now - timedelta(hours=hours - 1)).replace(minute=0, second=0, microsecond=0)
    found = counts(
        orders.filter(placed_at__gte=start).annotate(hour=TruncHour("placed_at")),
        "hour",
        "service_type",
    )
    slots = [start + timedelta(hours=i) for i in range(hours)]
    series = [
        (
            service.label,
            [
                sum(n for (hour, svc), n in found.items() if svc == service.value and hour == slot)
                for slot in slots
            ],
        )
        for service in ServiceType
    ]
    chart = svg_line_chart(
        [slot.strftime("%H:00") for slot in slots],
        series,
        title=f"Orders placed per hour since {start:%d %b %H:00}, by service",
    )
    total = sum(sum(values) for _, values in series)
    return Panel(
        "Orders per hour, last 24 hours",
        figures=[
            Figure(
                "placed in 24 h",
                total,
                changelist_url(site, Order, placed_at__gte=start.isoformat()),
            )
        ],
        chart=chart,
    )
