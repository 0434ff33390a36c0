"""Template tags of the operations console (``gatimitra.admin_site``)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def console_nav(context):
    """The sidebar: the sections the user may open, the current one's groups
    (collapsible, the current model's group open) with their models, and the
    console's own pages. Rendered here rather than by a template: a template
    loop costs ~0.2 ms per model, this a few microseconds."""
    request = context["request"]
    current = context.get("nav_current")
    current_label = current["app_label"] if current else None
    items = []
    for section in context.get("nav_sections") or ():
        is_current = section["app_label"] == current_label
        groups = _groups(current, request.path) if is_current else ""
        items.append(
            format_html(
                '<li class="console-section{}"><a href="{}" title="{}"{}>{}</a>{}</li>',
                " current-app" if is_current else "",
                section["app_url"],
                section["description"],
                mark_safe(' aria-current="page"') if request.path == section["app_url"] else "",
                section["name"],
                groups,
            )
        )
    pages = format_html_join(
        "",
        '<li><a href="{}">{}</a></li>',
        ((p["url"], p["title"]) for p in context.get("admin_extra_links") or ()),
    )
    return format_html(
        '<ul class="console-sections">{}</ul>{}',
        mark_safe("".join(items)),
        format_html(
            '<h2 class="console-pages-title">Console</h2><ul class="console-pages">{}</ul>', pages
        )
        if pages
        else "",
    )


def _groups(section, path):
    out = []
    for group in section["groups"]:
        rows = []
        is_open = False
        for model in group["models"]:
            url = model.get("admin_url")
            here = bool(url) and path.startswith(url)
            is_open = is_open or here
            link = (
                format_html(
                    '<a href="{}"{}>{}</a>',
                    url,
                    mark_safe(' aria-current="page"') if here else "",
                    model["name"],
                )
                if url
                else model["name"]
            )
            rows.append(
                format_html(
                    '<tr class="{}"><th scope="row">{}</th></tr>',
                    "current-model" if here else "",
                    link,
                )
            )
        out.append(
            format_html(
                '<details class="console-group"{}><summary title="{}">{}</summary>'
                "<table>{}</table></details>",
                mark_safe(" open") if is_open else "",
                group["description"],
                group["name"],
                mark_safe("".join(rows)),
            )
        )
    return mark_safe("".join(out))


@register.simple_tag
def console_panel(panel):
    """One home-page panel: its figures, its table and its chart."""
    from gatimitra.console.dashboard import figure_html, table_html

    figures = mark_safe("".join(figure_html(figure) for figure in panel.figures))
    return format_html(
        '<section class="console-panel"><h3>{}</h3>{}{}{}{}</section>',
        panel.title,
        format_html('<div class="figures">{}</div>', figures) if panel.figures else "",
        table_html(panel.table) if panel.table else "",
        panel.chart or "",
        format_html('<p class="help">{}</p>', panel.note) if panel.note else "",
    )
