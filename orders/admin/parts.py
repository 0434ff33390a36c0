"""An existing order's parts on its page: compact read-only tables.

What hangs off an order once it is placed is its history (the stops and
items it was placed with, the bill's charges, payments and refunds, the
dispatch offers and rider assignments, the timeline): staff read it, and
change it only through the domain's flows (``orders.services``, reached
through the page's buttons). Inline formsets built a form per row, hidden
inputs and widgets included (~200 form widgets and ~200 ms of CPU for a
busy in-flight order); a plain table of display values costs a fraction.

Each table shows its first ``ROWS_SHOWN`` rows, each linked to its own
page, and past that the count and a link to the changelist filtered to the
order. The add page keeps the inline forms: an order can still be entered
whole in one submit (``OrderAdmin.get_inline_instances``).
"""

from dataclasses import dataclass, field

from django.contrib.admin.utils import display_for_field
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from gatimitra.enums import ServiceType
from orders.models import (
    OrderCharge,
    OrderDispatchOffer,
    OrderFoodDetails,
    OrderItem,
    OrderParcelDetails,
    OrderPayment,
    OrderRefund,
    OrderRideDetails,
    OrderRiderAssignment,
    OrderStop,
    OrderTimeline,
)

#: Rows of one part shown on the order's page; the rest are a link away.
ROWS_SHOWN = 20
EMPTY = "-"


@dataclass(frozen=True)
class Part:
    """One table of the page: ``prefix`` is the order's related name, and
    the table's id is ``<prefix>-group`` as the inline's was."""

    prefix: str
    title: str
    model: type[models.Model]
    columns: tuple[str, ...]
    ordering: tuple[str, ...] = ("id",)
    #: Relations shown by name: fetched with the rows, not one query each.
    related: tuple[str, ...] = ()
    #: Relations shown as a link to the related row's page in its domain.
    linked: frozenset[str] = field(default_factory=frozenset)
    services: frozenset[str] | None = None  # None: every service


PARTS = (
    Part(
        "food_details",
        "Kitchen",
        OrderFoodDetails,
        (
            "prep_status",
            "kot_number",
            "prep_eta_minutes",
            "accepted_at",
            "ready_at",
            "handed_over_at",
            "rejected_at",
            "rejection_reason",
        ),
        ordering=(),
        services=frozenset({ServiceType.FOOD}),
    ),
    # The sender's and receiver's names and phones stay on the detail's own
    # page: this table is read by everyone who may open the order.
    Part(
        "parcel_details",
        "Parcel",
        OrderParcelDetails,
        (
            "package_type",
            "description",
            "weight_g",
            "declared_value",
            "prohibited_items_declared",
            "requires_delivery_otp",
            "is_rto",
            "rto_reason",
        ),
        ordering=(),
        services=frozenset({ServiceType.PARCEL}),
    ),
    Part(
        "ride_details",
        "Ride",
        OrderRideDetails,
        (
            "vehicle_type",
            "passenger_count",
            "surge_multiplier",
            "quoted_distance_m",
            "actual_distance_m",
            "started_at",
            "ended_at",
            "fare_amount",
        ),
        ordering=(),
        services=frozenset({ServiceType.RIDE}),
    ),
    Part(
        "items",
        "Items",
        OrderItem,
        ("name", "variant_name", "food_type", "quantity", "unit_price", "packaging_charge"),
        services=frozenset({ServiceType.FOOD}),
    ),
    Part(
        "stops",
        "Stops",
        OrderStop,
        (
            "sequence",
            "stop_type",
            "store",
            "address_line",
            "pin_code",
            "arrived_at",
            "completed_at",
        ),
        ordering=("sequence",),
        related=("store",),
    ),
    Part(
        "charges",
        "Charges",
        OrderCharge,
        ("charge_type", "direction", "amount", "payer", "beneficiary", "description"),
    ),
    Part(
        "payments",
        "Payments",
        OrderPayment,
        ("method", "gateway", "amount", "status", "captured_at", "failure_reason"),
    ),
    Part(
        "refunds",
        "Refunds",
        OrderRefund,
        ("payment", "amount", "status", "destination", "reason_code", "processed_at"),
    ),
    Part(
        "dispatch_offers",
        "Dispatch offers",
        OrderDispatchOffer,
        ("rider", "rank", "status", "distance_to_pickup_m", "sent_at", "responded_at"),
        related=("rider",),
        linked=frozenset({"rider"}),
    ),
    Part(
        "rider_assignments",
        "Rider assignments",
        OrderRiderAssignment,
        (
            "rider",
            "vehicle",
            "status",
            "batch_ref",
            "assigned_at",
            "accepted_at",
            "picked_up_at",
            "dropped_at",
        ),
        related=("rider", "vehicle"),
        linked=frozenset({"rider"}),
    ),
    Part(
        "timeline",
        "Timeline",
        OrderTimeline,
        ("created_at", "event", "from_status", "status", "actor_type", "actor_user", "note"),
        related=("actor_user",),
    ),
)


@dataclass
class PartTable:
    prefix: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    total: int
    all_rows_url: str | None  # past ROWS_SHOWN rows: the changelist of them all

    @property
    def trimmed(self):
        return self.total > len(self.rows)


def part_tables(request, site, order):
    """The order's parts with rows, as tables. A part is shown only to
    staff who may view its model, as Django shows an inline: a support
    agent who may open the order but not its payments sees no payments."""
    tables = []
    for part in PARTS:
        if part.services is not None and order.service_type not in part.services:
            continue
        model_admin = site._registry.get(part.model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        table = _table(order, part, ROWS_SHOWN)
        if table is not None:
            tables.append(table)
    return tables


def _table(order, part, rows_shown):
    opts = part.model._meta
    rows = part.model._default_manager.filter(order=order)
    if part.related:
        rows = rows.select_related(*part.related)
    if part.ordering:
        rows = rows.order_by(*part.ordering)
    found = list(rows[: rows_shown + 1])
    if not found:
        return None
    total = len(found) if len(found) <= rows_shown else rows.count()
    fields = [opts.get_field(name) for name in part.columns]
    return PartTable(
        prefix=part.prefix,
        title=part.title,
        headers=[capfirst(f.verbose_name) for f in fields],
        rows=[_cells(row, fields, part) for row in found[:rows_shown]],
        total=total,
        all_rows_url=(
            f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}"
            f"?order__id__exact={order.pk}"
            if total > rows_shown
            else None
        ),
    )


def _cells(row, fields, part):
    cells = [_cell(row, f, part) for f in fields]
    cells[0] = _link(row, cells[0])  # the first cell opens the row's own page
    return cells


def _cell(row, model_field, part):
    if model_field.is_relation:
        related_id = getattr(row, model_field.attname)
        if related_id is None:
            return EMPTY
        if model_field.name not in part.related:
            return str(related_id)  # the key: naming it would cost a query per row
        related = getattr(row, model_field.name)
        if model_field.name in part.linked:
            return _link(related, str(related))
        return str(related)
    return display_for_field(getattr(row, model_field.attname), model_field, EMPTY)


def _link(obj, label):
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return label
    return format_html('<a href="{}">{}</a>', url, label)
