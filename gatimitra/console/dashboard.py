"""The home page's building blocks: figures, small tables and an SVG chart.

A domain contributes its panels through its AppConfig's ``admin_dashboard``
(a function ``(request, site) -> [Panel]``); it checks the user's
permissions and applies their city scope (the model admin's
``get_queryset`` does both for a model page). Every figure links to the
changelist that explains it (``changelist_url``).

The chart is drawn here, as SVG in the page: no script, no network.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


@dataclass
class Figure:
    label: str
    value: object
    url: str | None = None
    note: str = ""
    #: "warn" draws the figure in the warning colour (over a cap, overdue).
    level: str = ""


@dataclass
class Table:
    """Rows of figures under column headings: ``rows`` is
    ``[(row label, [Figure or None per column])]``."""

    columns: list
    rows: list


@dataclass
class Panel:
    title: str
    figures: list = field(default_factory=list)
    table: Table | None = None
    chart: str = ""
    note: str = ""


def visible_admin(request, site, model):
    """The model's admin when the user may view its changelist, else None."""
    model_admin = site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return None
    return model_admin


def changelist_url(site, model, **filters):
    """The model's changelist filtered by ``filters`` (query-string lookups)."""
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=site.name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(filters)}" if filters else url


# The chart -------------------------------------------------------------------

#: Series colours (the admin's palette: blue, green, orange, purple).
COLOURS = ("#417690", "#3c8d40", "#c2770e", "#7a4fa3")


def svg_line_chart(labels, series, *, width=560, height=180, title=""):
    """A line chart as inline SVG: ``labels`` the x ticks (one per point),
    ``series`` ``[(name, [values])]``. Axis from 0 to the largest value;
    one line per series, a legend, and every 6th label under the axis."""
    left, right, top, bottom = 36, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    points = max(len(labels), 2)
    peak = max([max(values, default=0) for _, values in series] + [1])
    step_x = plot_w / (points - 1)

    def x(i):
        return left + i * step_x

    def y(value):
        return top + plot_h - (value / peak) * plot_h

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>',
            left,
            top + plot_h,
            left + plot_w,
            top + plot_h,
        ),
        format_html(
            '<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>', left - 4, top + 8, peak
        ),
        format_html(
            '<text x="{}" y="{}" class="tick" text-anchor="end">0</text>', left - 4, top + plot_h
        ),
    ]
    for i, label in enumerate(labels):
        if i % 6 == 0 or i == len(labels) - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="tick" text-anchor="{}">{}</text>',
                    f"{x(i):.1f}",
                    top + plot_h + 14,
                    "end" if i == len(labels) - 1 else "middle",
                    label,
                )
            )
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2">'
                "<title>{}</title></polyline>",
                coords,
                colour,
                f"{name}: {sum(values)} in {len(values)} hours",
            )
        )
        legend_x = left + number * 165
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                '<text x="{}" y="{}" class="legend">{} ({})</text>',
                legend_x,
                height - 12,
                colour,
                legend_x + 14,
                height - 3,
                name,
                sum(values),
            )
        )
    return format_html(
        '<svg class="console-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{t}"><title>{t}</title>{body}</svg>',
        w=width,
        h=height,
        t=title,
        body=mark_safe("".join(parts)),
    )


def figure_html(figure):
    """One figure as a link (when it has one) with its label."""
    value = format_html('<span class="figure-value">{}</span>', figure.value)
    inner = format_html('{}<span class="figure-label">{}</span>', value, figure.label)
    if figure.url:
        inner = format_html('<a href="{}">{}</a>', figure.url, inner)
    return format_html(
        '<div class="figure{}" title="{}">{}</div>',
        " warn" if figure.level == "warn" else "",
        figure.note,
        inner,
    )


def table_html(table):
    head = format_html_join("", '<th scope="col">{}</th>', ((c,) for c in table.columns))

    def cell(figure):
        if figure is None:
            return format_html("<td></td>")
        if figure.url:
            return format_html('<td><a href="{}">{}</a></td>', figure.url, figure.value)
        return format_html("<td>{}</td>", figure.value)

    rows = [
        format_html(
            '<tr><th scope="row">{}</th>{}</tr>',
            label,
            mark_safe("".join(cell(figure) for figure in figures)),
        )
        for label, figures in table.rows
    ]
    return format_html(
        '<table class="console-table"><thead><tr><td></td>{}</tr></thead><tbody>{}</tbody></table>',
        head,
        mark_safe("".join(rows)),
    )


def counts(queryset, *fields):
    """``{(value of each field): rows}``: one ``GROUP BY`` query."""
    from django.db.models import Count

    rows = queryset.order_by().values(*fields).annotate(rows=Count("*"))
    return {tuple(row[name] for name in fields): row["rows"] for row in rows}
