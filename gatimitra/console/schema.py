"""The schema pages: ``/admin/schema/`` (the six schemas and the foreign keys
between them) and ``/admin/schema/<domain>/`` (the domain's ER diagram, its
tables and its enums), drawn as SVG here, on the server: no script, no
network.

They come from the same source as ``docs/schema/`` (``manage.py
schema_docs``): the catalog of the migrated database read by
``gatimitra.ops.catalog.read_catalog`` and the models
(``model_infos``), through its ``DomainPage`` (``diagram()``, ``enums()``,
``render_table()``) and ``cross_schema_links()``. Reading the catalog takes
~20 queries over ``pg_catalog``, so it is kept per process until the
migrations applied change.
"""

import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from gatimitra.db.tables import DOMAIN_SCHEMAS, split_table
from gatimitra.ops import schema_docs
from gatimitra.ops.catalog import read_catalog

_cache: dict[str, tuple] = {}
_lock = threading.Lock()


def _migration_state():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM django_migrations")
        return cursor.fetchone()


def catalog():
    """``(catalog, infos, domains)`` of the database the site runs on."""
    state = _migration_state()
    with _lock:
        cached = _cache.get("catalog")
        if cached and cached[0] == state:
            return cached[1]
        connection.ensure_connection()
        # One transaction, so every query of the read sees the same catalog
        # (the reader puts the session's own settings back itself).
        with transaction.atomic():
            found = read_catalog(connection)
        value = (found, schema_docs.model_infos(), schema_docs.domains())
        _cache["catalog"] = (state, value)
        return value


def _models_by_table():
    found = {}
    for model in apps.get_models():
        schema, table = split_table(model._meta.db_table)
        found[schema, table] = model
    return found


def _changelist(request, site, model):
    model_admin = site._registry.get(model) if model else None
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return None
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return None


# SVG drawing ------------------------------------------------------------------

CHAR_W = 6.8  # px per character of the 11px monospace font
LINE_H = 15
HEAD_H = 20
GAP_X = 70
GAP_Y = 16
MAX_PER_COLUMN = 9


@dataclass
class Box:
    key: tuple  # (schema, table)
    title: str
    lines: list
    href: str | None
    external: bool = False
    x: float = 0
    y: float = 0

    @property
    def width(self):
        longest = max([len(self.title), *(len(line) for line in self.lines)])
        return max(120, longest * CHAR_W + 16)

    @property
    def height(self):
        return HEAD_H + LINE_H * len(self.lines) + 6


def _layers(boxes, edges):
    """Parents to the left of their children: each box's layer is the
    longest path to it from a box without parents (cycles cut)."""
    parents = defaultdict(set)
    for child, parent in edges:
        if child != parent:
            parents[child].add(parent)
    layer = {}

    def depth(key, seen=()):
        if key in layer:
            return layer[key]
        if key in seen:
            return 0
        found = max((depth(p, (*seen, key)) + 1 for p in parents[key]), default=0)
        layer[key] = found
        return found

    for key in boxes:
        depth(key)
    return layer, parents


def layout(boxes, edges):
    """Positions every box: layered left to right, a layer of more than
    ``MAX_PER_COLUMN`` boxes split into several columns, each column ordered
    by the mean position of the boxes' parents (fewer crossings)."""
    layer, parents = _layers(boxes, edges)
    by_layer = defaultdict(list)
    for key in sorted(boxes):
        by_layer[layer[key]].append(key)
    x, rank = 10.0, {}
    for number in sorted(by_layer):
        keys = by_layer[number]
        keys.sort(
            key=lambda k: (
                sum(rank.get(p, 0) for p in parents[k]) / max(len(parents[k]), 1),
                k,
            )
        )
        for start in range(0, len(keys), MAX_PER_COLUMN):
            column = keys[start : start + MAX_PER_COLUMN]
            y = 10.0
            for index, key in enumerate(column):
                box = boxes[key]
                box.x, box.y = x, y
                y += box.height + GAP_Y
                rank[key] = index
            x += max(boxes[key].width for key in column) + GAP_X
    width = max(box.x + box.width for box in boxes.values()) + 10
    height = max(box.y + box.height for box in boxes.values()) + 10
    return width, height


def _box_svg(box):
    lines = [
        format_html(
            '<text x="{}" y="{}" class="key">{}</text>',
            f"{box.x + 8:.0f}",
            f"{box.y + HEAD_H + LINE_H * (i + 1) - 3:.0f}",
            line,
        )
        for i, line in enumerate(box.lines)
    ]
    body = format_html(
        '<g class="entity{}" id="entity-{}"><rect x="{}" y="{}" width="{}" height="{}" rx="3"/>'
        '<rect x="{}" y="{}" width="{}" height="{}" rx="3" class="head"/>'
        '<text x="{}" y="{}" class="title">{}</text>{}</g>',
        " external" if box.external else "",
        "-".join(box.key),
        f"{box.x:.0f}",
        f"{box.y:.0f}",
        f"{box.width:.0f}",
        f"{box.height:.0f}",
        f"{box.x:.0f}",
        f"{box.y:.0f}",
        f"{box.width:.0f}",
        HEAD_H,
        f"{box.x + 8:.0f}",
        f"{box.y + 14:.0f}",
        box.title,
        mark_safe("".join(lines)),
    )
    if box.href:
        return format_html('<a href="{}">{}</a>', box.href, body)
    return body


def _edge_svg(child, parent, label, dashed, parent_line=None):
    """A curve from the parent's right side (at its line ``parent_line``,
    for another schema's table) to the child's left side (or between their
    bottoms and tops when they share a column)."""
    if child.x > parent.x + parent.width:
        y1 = parent.y + HEAD_H / 2
        if parent_line is not None:
            y1 = parent.y + HEAD_H + LINE_H * (parent_line + 0.5)
        x1 = parent.x + parent.width
        x2, y2 = child.x, child.y + HEAD_H / 2
        mid = (x1 + x2) / 2
        path = f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
    else:
        x1, y1 = parent.x + parent.width - 10, parent.y + parent.height
        x2, y2 = child.x + child.width - 10, child.y
        if child.y < parent.y:
            y1, y2 = parent.y, child.y + child.height
        bend = 40 + abs(y2 - y1) / 6
        path = (
            f"M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},{y1:.0f} {x2 + bend:.0f},{y2:.0f} "
            f"{x2:.0f},{y2:.0f}"
        )
    return format_html(
        '<path d="{}" class="relation{}" marker-start="url(#one)" marker-end="url(#many)">'
        "<title>{}</title></path>",
        path,
        " soft" if dashed else "",
        label,
    )


SVG_STYLE = """
.entity rect { fill: #fff; stroke: #417690; }
.entity rect.head { fill: #417690; }
.entity.external rect { stroke: #999; stroke-dasharray: 4 2; }
.entity.external rect.head { fill: #888; }
.entity .title { fill: #fff; font: bold 11px monospace; }
.entity .key { fill: #333; font: 11px monospace; }
a:hover .entity rect.head { fill: #205067; }
.relation { fill: none; stroke: #79aec8; stroke-width: 1.3; }
.relation.soft { stroke-dasharray: 5 3; }
.node rect { fill: #f8f8f8; stroke: #417690; stroke-width: 1.5; }
.node text { font: 13px sans-serif; fill: #222; }
.link { fill: none; stroke: #79aec8; stroke-width: 1.5; }
.link-count { font: bold 11px sans-serif; fill: #205067; }
"""

_DEFS = (
    '<defs><marker id="many" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
    'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10" fill="none" stroke="#417690"/>'
    '</marker><marker id="one" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="8" '
    'markerHeight="8" orient="auto"><path d="M2,0 L2,10" stroke="#417690"/></marker>'
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#417690"/></marker>'
    "</defs>"
)


def _svg(width, height, title, parts):
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="console-svg" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>'
        "<style>{style}</style>{defs}{body}</svg>",
        w=f"{width:.0f}",
        h=f"{height:.0f}",
        t=title,
        style=mark_safe(SVG_STYLE),
        defs=mark_safe(_DEFS),
        body=mark_safe("".join(parts)),
    )


def er_diagram_svg(request, site, page):
    """The domain's ER diagram: its tables (key columns only, as in
    docs/schema) and the tables of other schemas its keys point to. A
    table links to its changelist (when the user may open it), another
    schema's table to that schema's page."""
    home = page.schema
    entities, relationships = page.diagram()
    models = _models_by_table()
    boxes = {}
    for table, keys in entities:
        lines = [f"{key.column} {'/'.join(key.marks)}" + (" ~" if key.soft else "") for key in keys]
        href = _changelist(request, site, models.get((home, table.name)))
        boxes[home, table.name] = Box((home, table.name), table.name, lines, href)
    # The tables of another schema are lines of one box per schema: the
    # diagram stays as tall as the domain's own tables.
    external = defaultdict(set)
    for rel in relationships:
        if rel.target_schema != home:
            external[rel.target_schema].add(rel.target_table)
    for schema, names in external.items():
        href = reverse("admin:schema_domain", args=[schema]) if schema in DOMAIN_SCHEMAS else None
        boxes[schema, "*"] = Box((schema, "*"), schema, sorted(names), href, external=True)

    def node(rel):
        if rel.target_schema == home:
            return (home, rel.target_table), None
        box = boxes[rel.target_schema, "*"]
        return (rel.target_schema, "*"), box.lines.index(rel.target_table)

    edges = [((home, rel.table), node(rel)[0]) for rel in relationships]
    width, height = layout(boxes, edges)
    parts = [
        _edge_svg(
            boxes[child],
            boxes[parent],
            f"{rel.table}.{', '.join(rel.columns)} → {rel.target_schema}.{rel.target_table}"
            + (" (no constraint)" if rel.soft else ""),
            rel.soft,
            parent_line=node(rel)[1],
        )
        for (child, parent), rel in zip(edges, relationships, strict=True)
    ]
    parts += [_box_svg(box) for box in boxes.values()]
    return _svg(width, height, f"ER diagram of the {home} schema", parts)


def schema_map_svg(domains, catalog_, links):
    """The schemas on a circle, an arrow per direction between two schemas
    labelled with its number of foreign keys; each schema links to its page."""
    schemas = [domain.schema for domain in domains]
    others = sorted({s for pair in links for s in pair} - set(schemas))
    nodes = schemas + others
    cx, cy, radius = 380, 250, 190
    position = {}
    for index, schema in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * index / len(nodes)
        position[schema] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    parts = []
    for (source, target), count in sorted(links.items()):
        (x1, y1), (x2, y2) = position[source], position[target]
        # Bend each direction to its own side, so A→B and B→A do not overlap.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        nx, ny = -dy / length * 28, dx / length * 28
        qx, qy = mx + nx, my + ny
        # Stop short of the target's box.
        ex, ey = x2 - dx / length * 48, y2 - dy / length * 26
        sx, sy = x1 + dx / length * 48, y1 + dy / length * 26
        parts.append(
            format_html(
                '<path d="M{},{} Q{},{} {},{}" class="link" marker-end="url(#arrow)">'
                "<title>{} foreign keys from {} to {}</title></path>"
                '<text x="{}" y="{}" class="link-count" text-anchor="middle">{}</text>',
                f"{sx:.0f}",
                f"{sy:.0f}",
                f"{qx:.0f}",
                f"{qy:.0f}",
                f"{ex:.0f}",
                f"{ey:.0f}",
                count,
                source,
                target,
                f"{(mx + nx * 0.6):.0f}",
                f"{(my + ny * 0.6):.0f}",
                count,
            )
        )
    for schema in nodes:
        x, y = position[schema]
        tables = len(catalog_.domain_tables(schema)) if schema in schemas else None
        label = f"{schema} ({tables} tables)" if tables is not None else schema
        width = max(90, len(label) * 7.5 + 16)
        node = format_html(
            '<g class="node"><rect x="{}" y="{}" width="{}" height="30" rx="6"/>'
            '<text x="{}" y="{}" text-anchor="middle">{}</text></g>',
            f"{x - width / 2:.0f}",
            f"{y - 15:.0f}",
            f"{width:.0f}",
            f"{x:.0f}",
            f"{y + 5:.0f}",
            label,
        )
        if schema in schemas:
            node = format_html(
                '<a href="{}">{}</a>', reverse("admin:schema_domain", args=[schema]), node
            )
        parts.append(node)
    return _svg(760, 500, "The schemas and the foreign keys between them", parts)


# Documentation ------------------------------------------------------------------


def markdown_to_html(lines):
    """The subset of Markdown ``schema_docs`` writes for a table (headings,
    paragraphs, pipe tables, code spans, bold, arrows) as HTML."""
    html, table = [], None

    def inline(text):
        text = escape(text.replace("\\|", "\x00"))
        text = re.sub(r"``\s?(.+?)\s?``|`([^`]+)`", lambda m: f"<code>{m[1] or m[2]}</code>", text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        return text.replace("\x00", "|")

    def close_table():
        nonlocal table
        if table is not None:
            html.append("</tbody></table>")
            table = None

    for line in lines:
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if table is None:
                table = cells
                html.append(
                    '<table class="console-doc-table"><thead><tr>'
                    + "".join(f"<th>{inline(c)}</th>" for c in cells)
                    + "</tr></thead><tbody>"
                )
            elif not all(set(c) <= {"-"} for c in cells):
                html.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in cells) + "</tr>")
            continue
        close_table()
        if line.startswith("### "):
            html.append(f"<h3>{inline(line[4:])}</h3>")
        elif line.strip():
            html.append(f"<p>{inline(line)}</p>")
    close_table()
    return mark_safe("\n".join(html))


# Views ----------------------------------------------------------------------------


def schema_map(request, site):
    catalog_, _infos, domains = catalog()
    links = schema_docs.cross_schema_links(catalog_)
    rows = [
        {
            "schema": domain.schema,
            "url": reverse("admin:schema_domain", args=[domain.schema]),
            "tables": len(catalog_.domain_tables(domain.schema)),
            "out": sum(n for (s, _t), n in links.items() if s == domain.schema),
            "into": sum(n for (_s, t), n in links.items() if t == domain.schema),
            "summary": schema_docs.first_paragraph(domain.summary).replace("``", ""),
        }
        for domain in domains
    ]
    context = {
        **site.each_context(request),
        "title": "Schemas",
        "svg": schema_map_svg(domains, catalog_, links),
        "rows": rows,
        "links": sorted(links.items()),
    }
    return TemplateResponse(request, "admin/gatimitra/schema_map.html", context)


def _domain_page(schema):
    catalog_, infos, domains = catalog()
    domain = next((d for d in domains if d.schema == schema), None)
    if domain is None:
        raise Http404(f"No domain schema {schema!r}.")
    return schema_docs.DomainPage(domain, catalog_, infos)


def schema_domain(request, site, schema):
    page = _domain_page(schema)
    models = _models_by_table()
    tables = []
    for table in page.tables:
        info = page.info(table)
        tables.append(
            {
                "name": table.name,
                "anchor": f"table-{table.name}",
                "model": info.label if info else "",
                "purpose": schema_docs.first_paragraph(page.purpose(table)),
                "changelist": _changelist(request, site, models.get((schema, table.name))),
                "doc": markdown_to_html(page.render_table(table)),
            }
        )
    enums, lists = page.enums()
    context = {
        **site.each_context(request),
        "title": f"The {schema} schema",
        "schema": schema,
        "svg": er_diagram_svg(request, site, page),
        "tables": tables,
        "enums": [
            {
                "name": enum.__name__,
                "source": enum.__module__,
                "values": [(value, label) for value, label in enum.choices],
                "columns": sorted(columns),
            }
            for enum, columns in sorted(enums.items(), key=lambda item: item[0].__name__)
        ],
        "lists": sorted(lists),
        "docs_path": f"docs/schema/{schema}.md",
    }
    return TemplateResponse(request, "admin/gatimitra/schema_domain.html", context)
