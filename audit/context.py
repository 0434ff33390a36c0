"""Who is acting: passed from Django to the audit triggers.

The triggers read session settings (``gatimitra.actor_*``); the middleware
sets them for each request of a signed-in user and clears them afterwards,
and :func:`acting_as` does the same for scripts and management commands.
Writes made outside any context are attributed to the database role.
"""

import uuid
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.enums import ActorType

SETTINGS = (
    "gatimitra.actor_type",
    "gatimitra.actor_id",
    "gatimitra.actor_label",
    "gatimitra.request_id",
    "gatimitra.client_ip",
)


def _set(connection, values):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in values),
            [item for pair in values.items() for item in pair],
        )


@contextmanager
def acting_as(
    user=None,
    *,
    actor_type=ActorType.SYSTEM_USER,
    actor_id=None,
    label=None,
    request_id=None,
    client_ip=None,
    using=DEFAULT_DB_ALIAS,
):
    """Attribute the database writes made inside the block to ``user`` (or
    to the given actor), e.g. ``with acting_as(staff_user): rider.save()``."""
    connection = connections[using]
    values = {
        "gatimitra.actor_type": str(actor_type) if (user or actor_id) else "",
        "gatimitra.actor_id": str(
            actor_id if actor_id is not None else getattr(user, "pk", "") or ""
        ),
        "gatimitra.actor_label": label or (getattr(user, "email", "") or ""),
        "gatimitra.request_id": request_id or uuid.uuid4().hex,
        "gatimitra.client_ip": client_ip or "",
    }
    _set(connection, values)
    try:
        yield
    finally:
        if connection.connection is not None and not connection.connection.closed:
            _set(connection, dict.fromkeys(SETTINGS, ""))


class AuditContextMiddleware:
    """Every write made while handling a signed-in user's request is
    attributed to that user, with the request id and client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        with acting_as(user, request_id=request_id[:64], client_ip=request.META.get("REMOTE_ADDR")):
            return self.get_response(request)
