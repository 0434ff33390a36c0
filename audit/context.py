"""Who is acting: passed from Django to the audit triggers.

The triggers read ``gatimitra.actor_*`` settings. They are set per
transaction, never per session: while :func:`acting_as` is active, every
statement the connection sends starts with ``SELECT set_config(..., true)``
(a connection execute wrapper, django-pghistory's approach), so the actor
is in force exactly for the transaction of the statement and never outlives
it. Behind a transaction-pooling PgBouncer the next transaction on the same
server connection, which may be another request's, starts without it.
Writes made outside any context are attributed to the database role.

The capture believes these settings only from the trusted login roles
(``audit.trusted_actor_roles``); any other role's entries say the actor is
unverified (``actor_verified = false``).
"""

import uuid
from collections.abc import Iterable
from contextlib import ExitStack, contextmanager, nullcontext

from django.conf import settings
from django.db import connections, transaction

from gatimitra.enums import ActorType

SETTINGS = (
    "gatimitra.actor_type",
    "gatimitra.actor_id",
    "gatimitra.actor_label",
    "gatimitra.request_id",
    "gatimitra.client_ip",
)


def writable_aliases():
    """Every database alias a write can go through: default and each moved
    domain's (DATABASE_<SCHEMA>_URL), not the read replica, which refuses
    writes anyway. The actor must ride on all of them, or a write the
    router sends to a moved domain's server is recorded under the login."""
    from gatimitra.routers import REPLICA_ALIAS

    return tuple(alias for alias in settings.DATABASES if alias != REPLICA_ALIAS)


def _transaction_failed(cursor):
    import psycopg.pq

    return cursor.connection.info.transaction_status == psycopg.pq.TransactionStatus.INERROR


class ActorInjector:
    """Execute wrapper prefixing each statement with the actor's settings,
    local to the statement's transaction."""

    def __init__(self, values):
        self.values = dict(values)
        self.prefix = "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in self.values) + "; "
        self.params = tuple(item for pair in self.values.items() for item in pair)

    def _injectable(self, cursor, sql):
        text = sql.decode() if isinstance(sql, bytes) else str(sql)
        # Named (server-side) cursors are reads whose SQL psycopg wraps;
        # CONCURRENTLY cannot run in a transaction block; a failed
        # transaction refuses everything anyway.
        return not (
            getattr(cursor, "name", None)
            or ("concurrently" in text.lower() and text.lstrip().lower().startswith("create"))
            or _transaction_failed(cursor)
        )

    def __call__(self, execute, sql, params, many, context):
        if not self._injectable(context["cursor"], sql):
            return execute(sql, params, many, context)
        if many:
            # executemany prepares its statement: one command only. The
            # settings go first, in the same transaction.
            connection = context["connection"]
            block = (
                transaction.atomic(using=connection.alias)
                if connection.get_autocommit()
                else nullcontext()
            )
            with block:
                context["cursor"].cursor.execute(self.prefix.rstrip("; "), self.params)
                return execute(sql, params, many, context)
        is_bytes = isinstance(sql, bytes)
        text = sql.decode() if is_bytes else sql
        if isinstance(params, dict):
            names = [f"gatimitra__actor_{n}" for n in range(len(self.params))]
            prefix = self.prefix % tuple(f"%({name})s" for name in names)
            params = {**params, **dict(zip(names, self.params, strict=True))}
        else:
            # A statement without parameters has its percent signs unescaped.
            prefix = self.prefix
            if params is None:
                text = text.replace("%", "%%")
            params = (*self.params, *(params or ()))
        text = prefix + text
        result = execute(text.encode() if is_bytes else text, params, many, context)
        # The caller's results are those of its own statement, the last one.
        cursor = context["cursor"]
        while cursor.nextset():
            pass
        return result


@contextmanager
def acting_as(
    user=None,
    *,
    actor_type=ActorType.SYSTEM_USER,
    actor_id=None,
    label=None,
    request_id=None,
    client_ip=None,
    using: str | Iterable[str] | None = None,
    connection=None,
):
    """Attribute the database writes made inside the block to ``user`` (or
    to the given actor), e.g. ``with acting_as(staff_user): rider.save()``.
    ``using``: an alias or aliases; by default every writable alias
    (:func:`writable_aliases`), so that the actor follows writes the router
    sends to a moved domain's server. ``connection``: a database wrapper of
    its own instead."""
    if connection is not None:
        wrappers = [connection]
    else:
        aliases = writable_aliases() if using is None else using
        if isinstance(aliases, str):
            aliases = (aliases,)
        # Thread-local wrappers; an unopened one stays unopened until used.
        wrappers = [connections[alias] for alias in aliases]
    values = {
        "gatimitra.actor_type": str(actor_type) if (user or actor_id or label) else "",
        "gatimitra.actor_id": str(
            actor_id if actor_id is not None else getattr(user, "pk", "") or ""
        ),
        "gatimitra.actor_label": label or (getattr(user, "email", "") or ""),
        "gatimitra.request_id": request_id or uuid.uuid4().hex,
        "gatimitra.client_ip": client_ip or "",
    }
    with ExitStack() as stack:
        for wrapper in wrappers:
            stack.enter_context(wrapper.execute_wrapper(ActorInjector(values)))
        yield


class AuditContextMiddleware:
    """Every write made while handling a signed-in user's request is
    attributed to that user, with the request id and client address, on
    every alias the request may write through (default and moved domains)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        with acting_as(user, request_id=request_id[:64], client_ip=request.META.get("REMOTE_ADDR")):
            return self.get_response(request)


def set_actor_for_transaction(connection):
    """Set the active actor for the current transaction through a raw psycopg
    cursor's work (COPY bypasses execute wrappers); a no-op outside :func:`acting_as`."""
    injectors = [w for w in connection.execute_wrappers if isinstance(w, ActorInjector)]
    if injectors:
        if connection.get_autocommit():
            raise RuntimeError("set_actor_for_transaction() needs a transaction (atomic)")
        with connection.cursor() as cursor:
            cursor.cursor.execute(injectors[-1].prefix.rstrip("; "), injectors[-1].params)
