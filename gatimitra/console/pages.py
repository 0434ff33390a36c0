"""The console pages beyond the models' pages, and who may open them.

Views are ``view(request, site, **kwargs)``; ``GatimitraAdminSite`` serves
them under ``/admin/`` behind its login, refusing (403) users without the
page's permission, and lists the titled ones in the sidebar for those who
may open them."""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Page:
    route: str
    view: str  # dotted path, imported when the page is opened
    name: str
    title: str | None = None
    permission: str | None = None

    def allowed(self, request):
        """Active staff with ``permission`` (any active staff when None)."""
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (self.permission is None or user.has_perm(self.permission))
        )

    def __call__(self, request, site, **kwargs):
        return import_string(self.view)(request, site, **kwargs)


OPERATIONS = "gatimitra.console.operations"
DBA = "gatimitra.administer_database"

PAGES = [
    Page("schema/", "gatimitra.console.schema.schema_map", "schema_map", "Schemas"),
    Page("schema/<str:schema>/", "gatimitra.console.schema.schema_domain", "schema_domain"),
    Page("operations/", f"{OPERATIONS}.index", "operations", "Database operations", DBA),
    *(
        Page(f"operations/{route}/", f"{OPERATIONS}.{route}_page", f"operations_{route}", None, DBA)
        for route in ("migrations", "drift", "partitions", "roles", "backups", "audit")
    ),
]
