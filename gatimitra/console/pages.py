"""The console pages beyond the models' pages, and who may open them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    route: str
    view: Callable
    name: str
    title: str | None = None
    permission: str | None = None

    def allowed(self, request):
        """Staff with ``permission`` (any staff when it is None)."""
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (self.permission is None or user.has_perm(self.permission))
        )


PAGES = []
