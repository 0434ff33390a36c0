"""GatiMitra's admin site: the operations console.

The domains are discovered through the app registry (``DomainConfig``
attributes), never imported, so this module stays free of domain imports:

* ``admin_order`` and ``admin_description``: each domain is a section of the
  console, in a deliberate order (what operations looks at first, first),
  with one line saying what it holds;
* the models of a section are grouped by aggregate: the file of the app's
  ``models/`` package that defines them (``orders/models/payments.py`` is the
  "Payments" group), described by that file's docstring (or the app's
  ``admin_groups`` when the file has none);
* ``admin_dashboard``: the dotted path of a function ``(request) -> [Panel]``
  giving the domain's figures on the home page (``gatimitra.dashboard``).

Each staff user sees the sections and models their roles grant
(``access_mgmt.backends.RoleBackend`` answers the permission checks, as for
any admin page).

Navigation scales to ~185 models: the sidebar lists the six sections and
only the current section's groups (each a collapsible ``<details>``), and a
"find a page" box searches every model the user may open
(``/admin/find/?q=``). Django's stock sidebar built and rendered the whole
list of models on every page (about 40 ms a page).
"""

import sys

from django.apps import apps
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.text import capfirst

from gatimitra.routers import replica_notice


def first_sentence(text, limit=160):
    """The first sentence of a docstring, on one line."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    end = text.find(". ")
    sentence = text if end < 0 else text[: end + 1]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def model_group(model):
    """``(key, name, description)`` of the aggregate group a model belongs
    to: the file of its app's ``models/`` package that defines it."""
    module = model.__module__
    key = module.rsplit(".", 1)[-1] if ".models." in module else "models"
    config = apps.get_app_config(model._meta.app_label)
    described = getattr(config, "admin_groups", {}) or {}
    doc = described.get(key) or getattr(sys.modules.get(module), "__doc__", None) or ""
    return key, capfirst(key.replace("_", " ")), first_sentence(doc)


def _section_order(config):
    # Domains first, in their declared order; then the rest (the platform's
    # own tables) by name.
    order = getattr(config, "admin_order", None)
    return (order is None, order or 0, config.verbose_name.lower())


class GatimitraAdminSite(admin.AdminSite):
    site_header = "GatiMitra operations"
    site_title = "GatiMitra operations"
    index_title = "Operations"
    index_template = "admin/gatimitra/index.html"
    app_index_template = "admin/gatimitra/app_index.html"

    # Sections ---------------------------------------------------------------

    def get_app_list(self, request, app_label=None):
        """The sections the user may see, in the domains' order, each with
        its models sorted by name and grouped by aggregate (``groups``)."""
        app_dict = self._build_app_dict(request, app_label)
        sections = []
        for label, app in app_dict.items():
            config = apps.get_app_config(label)
            groups = {}
            app["models"].sort(key=lambda m: str(m["name"]))
            for entry in app["models"]:
                key, name, description = model_group(entry["model"])
                group = groups.setdefault(
                    key, {"key": key, "name": name, "description": description, "models": []}
                )
                group["models"].append(entry)
            app["groups"] = sorted(groups.values(), key=lambda g: str(g["name"]))
            app["description"] = getattr(config, "admin_description", "")
            app["order"] = _section_order(config)
            sections.append(app)
        sections.sort(key=lambda app: app["order"])
        return sections

    def sections(self, request):
        """The sections the user may open, without their models: what the
        sidebar lists on every page. Asks one module permission per app
        instead of four model permissions per model."""
        labels = {model._meta.app_label for model in self._registry}
        configs = sorted((apps.get_app_config(label) for label in labels), key=_section_order)
        return [
            {
                "app_label": config.label,
                "name": config.verbose_name,
                "description": getattr(config, "admin_description", ""),
                "app_url": f"{self._root(request)}{config.label}/",
            }
            for config in configs
            if request.user.has_module_perms(config.label)
        ]

    def _root(self, request):
        from django.urls import reverse

        return reverse("admin:index", current_app=self.name)

    def each_context(self, request):
        """Django's, without building every model's entry up front: Django's
        ``each_context`` computes ``available_apps`` (all ~185 models, their
        permissions and URLs) on every page for the stock sidebar. Ours
        needs the sections, and the models of the current one only, computed
        when a template asks."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
            "nav_sections": SimpleLazyObject(lambda: self.sections(request)),
            "nav_current": SimpleLazyObject(lambda: self._current_section(request)),
            "admin_extra_links": SimpleLazyObject(lambda: self.extra_links(request)),
            # Said on every page while replica reads fall back to the primary.
            "replica_notice": SimpleLazyObject(lambda: replica_notice(request)),
        }

    def _current_section(self, request):
        match = getattr(request, "resolver_match", None)
        label = match.kwargs.get("app_label") if match else None
        if label is None and match and match.url_name:
            # model pages: admin:<app>_<model>_<view>
            for model in self._registry:
                opts = model._meta
                if match.url_name.startswith(f"{opts.app_label}_{opts.model_name}_"):
                    label = opts.app_label
                    break
        if label is None:
            return None
        found = self.get_app_list(request, label)
        return found[0] if found else None

    # Extra pages -------------------------------------------------------------

    def console_pages(self):
        """The console's own pages: ``(route, view, url name, sidebar title,
        allowed)``; ``view(request, site, **kwargs)``, ``allowed(request)``
        says who may open it (and see it in the sidebar). Views are imported
        when the URLs are built, so that importing the site stays cheap."""
        from gatimitra.console import pages

        return pages.PAGES

    def extra_links(self, request):
        from django.urls import reverse

        return [
            {"title": page.title, "url": reverse(f"admin:{page.name}")}
            for page in self.console_pages()
            if page.title and page.allowed(request)
        ]

    def get_urls(self):
        pages = [
            path(page.route, self._wrap_page(page), name=page.name) for page in self.console_pages()
        ]
        return [
            path("find/", self.admin_view(self.find), name="find"),
            *pages,
            *super().get_urls(),
        ]

    def _wrap_page(self, page):
        from django.core.exceptions import PermissionDenied

        def view(request, **kwargs):
            if not page.allowed(request):
                raise PermissionDenied
            return page(request, self, **kwargs)

        view.__name__ = page.name
        return self.admin_view(view)

    def find(self, request):
        """Every model page the user may open whose name, section or group
        matches ``q``: the sidebar's search over ~185 models."""
        term = request.GET.get("q", "").strip()
        words = term.lower().split()
        results = []
        if words:
            for app in self.get_app_list(request):
                for group in app["groups"]:
                    for entry in group["models"]:
                        haystack = " ".join(
                            str(text)
                            for text in (
                                entry["name"],
                                entry["object_name"],
                                group["name"],
                                app["name"],
                            )
                        ).lower()
                        if entry["admin_url"] and all(word in haystack for word in words):
                            results.append({"app": app, "group": group, "model": entry})
        context = {
            **self.each_context(request),
            "title": "Find a page",
            "term": term,
            "results": results,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/gatimitra/find.html", context)

    # Home page ---------------------------------------------------------------

    def index(self, request, extra_context=None):
        """Per section: its description, its live figures and its groups
        (links to the section's page, not its ~30 models)."""
        sections = self.get_app_list(request)
        for section in sections:
            section["panels"] = self.dashboard_panels(request, section["app_label"])
        context = {
            **self.each_context(request),
            "title": self.index_title,
            "subtitle": None,
            "app_list": sections,
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, self.index_template, context)

    def dashboard_panels(self, request, app_label):
        """The figures a domain contributes to the home page (its AppConfig's
        ``admin_dashboard``); each function checks its own permissions."""
        dotted = getattr(apps.get_app_config(app_label), "admin_dashboard", None)
        if not dotted:
            return []
        return import_string(dotted)(request, self)
