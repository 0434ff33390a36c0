"""The database routers: reads on a streaming replica when that cannot show
stale data to its writer (``ReplicaRouter``), and a moved domain's models on
its own server (``DomainRouter``, at the end of this module).

The replica router is wired by the settings only when ``DATABASE_REPLICA_URL`` is set (alias
``replica``). The replica serves only what is marked as a replica read: the
admin's change lists (search included) and home page figures, and views
decorated with :func:`replica_reads` (exports, reports). Everything else
reads the primary, and so does a replica read

* inside a transaction (``atomic``): it must see the transaction's rows;
* after a write in the same request, or within ``DATABASE_REPLICA_MAX_LAG``
  seconds of a request that wrote (a cookie), so that a change saved in the
  admin shows in the list it redirects to (read-your-writes);
* while the replica is down or lags more than ``DATABASE_REPLICA_MAX_LAG``
  seconds; the admin then says that it reads the primary
  (``gatimitra/templates/admin/base_site.html``).

Writes always go to the primary; migrations run there only. Failing over to
the replica is out of scope (docs/operations.md).
"""

import contextvars
import threading
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from gatimitra.db.tables import DOMAIN_SCHEMAS

REPLICA_ALIAS = "replica"
#: The cookie that keeps a writer's next requests on the primary.
PRIMARY_COOKIE = "gm_read_primary"
#: URL names (of the admin) whose GET requests read the replica.
REPLICA_URL_SUFFIXES = ("_changelist",)
REPLICA_URL_NAMES = {"index"}

_replica_reads = contextvars.ContextVar("gatimitra_replica_reads", default=False)
_wrote = contextvars.ContextVar("gatimitra_wrote", default=None)

WRITE_VERBS = (
    "insert",
    "update",
    "delete",
    "merge",
    "copy",
    "create",
    "alter",
    "drop",
    "truncate",
    "grant",
    "revoke",
    "lock",
)


@dataclass(frozen=True)
class ReplicaStatus:
    usable: bool
    state: str  # "ok", "lagging", "down", "not configured"
    lag_seconds: float | None = None
    detail: str = ""

    def describe(self):
        if self.state == "lagging":
            return (
                f"The read replica is {self.lag_seconds:.1f} s behind (more than "
                f"{settings.DATABASE_REPLICA_MAX_LAG:g} s): lists read the primary database."
            )
        if self.state == "down":
            return "The read replica does not answer: lists read the primary database."
        return ""


_status_lock = threading.Lock()
_status_cache: dict[str, tuple[float, "ReplicaStatus"]] = {}


def replica_configured():
    return REPLICA_ALIAS in settings.DATABASES


def measure_replica():
    """Lag of the replica behind the primary: zero when it has replayed the
    primary's current WAL position, else the age of the last transaction it
    replayed (``pg_last_xact_replay_timestamp``); "down" when either cannot
    be asked. Uses connections of its own (never a request's)."""
    if not replica_configured():
        return ReplicaStatus(False, "not configured")
    import psycopg

    def params(alias):
        wrapper = connections.create_connection(alias)
        try:
            found = wrapper.get_connection_params()
        finally:
            wrapper.close()
        for key in ("cursor_factory", "context", "pool", "prepare_threshold"):
            found.pop(key, None)
        found.pop("options", None)
        found.setdefault("connect_timeout", 3)
        return found

    try:
        with psycopg.connect(**params(REPLICA_ALIAS), autocommit=True) as replica:
            in_recovery, replayed, replayed_at_age = replica.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), "
                "extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
            ).fetchone()
    except psycopg.Error as exc:
        return ReplicaStatus(False, "down", detail=" ".join(str(exc).split())[:200])
    if not in_recovery:
        return ReplicaStatus(False, "down", detail="the replica is not in recovery (promoted?)")
    try:
        with psycopg.connect(**params(DEFAULT_DB_ALIAS), autocommit=True) as primary:
            behind = primary.execute(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [str(replayed)]
            ).fetchone()[0]
    except psycopg.Error as exc:
        return ReplicaStatus(False, "down", detail=f"primary: {exc}"[:200])
    lag = 0.0 if behind <= 0 else float(replayed_at_age or float("inf"))
    if lag > settings.DATABASE_REPLICA_MAX_LAG:
        return ReplicaStatus(False, "lagging", lag_seconds=lag)
    return ReplicaStatus(True, "ok", lag_seconds=lag)


def replica_status(refresh=False):
    """:func:`measure_replica`, believed for ``DATABASE_REPLICA_CHECK_INTERVAL`` s."""
    now = time.monotonic()
    with _status_lock:
        cached = _status_cache.get("status")
        if not refresh and cached and now - cached[0] < settings.DATABASE_REPLICA_CHECK_INTERVAL:
            return cached[1]
    status = measure_replica()
    with _status_lock:
        _status_cache["status"] = (time.monotonic(), status)
    return status


def forget_replica_status():
    with _status_lock:
        _status_cache.clear()


def note_write():
    _wrote.set(True)


class WriteMarker:
    """Execute wrapper on the primary: a statement that writes marks the
    request, so its later reads stay on the primary."""

    def __call__(self, execute, sql, params, many, context):
        text = (sql.decode() if isinstance(sql, bytes) else str(sql)).lstrip().lower()
        if (
            many
            or text.startswith(WRITE_VERBS)
            or (text.startswith("with") and any(f" {verb} " in text for verb in WRITE_VERBS[:3]))
        ):
            _wrote.set(True)
        return execute(sql, params, many, context)


def reads_may_use_replica():
    if not _replica_reads.get() or _wrote.get():
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    return replica_status().usable


class ReplicaRouter:
    """Replica reads where :func:`reads_may_use_replica` allows; the primary
    for everything else."""

    def db_for_read(self, model, **hints):
        return REPLICA_ALIAS if reads_may_use_replica() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # One database: the replica is a copy of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA_ALIAS


class replica_context:
    """Mark the block's reads as replica reads (and start with no write)."""

    def __init__(self, allowed=True):
        self.allowed = allowed

    def __enter__(self):
        self._tokens = (_replica_reads.set(self.allowed), _wrote.set(False))
        return self

    def __exit__(self, *exc):
        _replica_reads.reset(self._tokens[0])
        _wrote.reset(self._tokens[1])

    def wrote(self):
        return bool(_wrote.get())


def replica_reads(view):
    """Decorate a view whose reads may be served by the replica (an export,
    a report): the router still keeps them on the primary when it must."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _replica_reads.set(not request.COOKIES.get(PRIMARY_COOKIE))
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_reads.reset(token)

    return wrapped


def _replica_url(request):
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "admin" or request.method not in ("GET", "HEAD"):
        return False
    name = match.url_name or ""
    return name in REPLICA_URL_NAMES or name.endswith(REPLICA_URL_SUFFIXES)


class ReplicaRoutingMiddleware:
    """Marks each request's replica reads, watches its writes, keeps a
    writer on the primary for the next ``DATABASE_REPLICA_MAX_LAG`` seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with (
            replica_context(allowed=False) as context,
            connections[DEFAULT_DB_ALIAS].execute_wrapper(WriteMarker()),
        ):
            response = self.get_response(request)
            wrote = context.wrote()
        if wrote:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=max(1, int(settings.DATABASE_REPLICA_MAX_LAG + 1)),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _replica_url(request) and not request.COOKIES.get(PRIMARY_COOKIE):
            _replica_reads.set(True)
        return None


def replica_notice(request):
    """The admin's banner text when replica reads fall back to the primary."""
    if not replica_configured():
        return ""
    return replica_status().describe()


# A moved domain ------------------------------------------------------------
# Send a moved domain's models to its own server.
#
# After ``manage.py move_schema SCHEMA ... cutover`` the schema's rows live on
# another server; ``DATABASE_<SCHEMA>_URL`` (e.g. ``DATABASE_RIDERS_URL``) adds
# the alias ``SCHEMA`` and this router sends that app's reads and writes there.
# A relation between a moved model and another is allowed (the key is a plain
# column now: ``scale_out_plan`` lists the checks that replace the dropped
# foreign keys); a query that joins across the two servers fails, as it must.
# Migrations are not routed: they still run on ``default`` (docs/scaling.md).


def moved_domains():
    return {schema for schema in DOMAIN_SCHEMAS if schema in settings.DATABASES}


class DomainRouter:
    def _alias(self, model):
        label = model._meta.app_label
        return label if label in moved_domains() else None

    def db_for_read(self, model, **hints):
        return self._alias(model)

    def db_for_write(self, model, **hints):
        return self._alias(model)

    def allow_relation(self, obj1, obj2, **hints):
        if moved_domains() & {obj1._meta.app_label, obj2._meta.app_label}:
            return True
        return None
