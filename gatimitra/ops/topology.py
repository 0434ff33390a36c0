"""Where connections go: a transaction pooler, a direct session, Django's pool.

``DATABASE_URL`` is what the application uses. When it goes through a
transaction-pooling PgBouncer (``DATABASE_POOLER=transaction``), every
transaction may run on another server connection, so nothing may rely on
session state: no server-side cursors (``DISABLE_SERVER_SIDE_CURSORS``), no
prepared statements (``prepare_threshold=None``), no startup ``options``
(PgBouncer refuses them; the role's settings replace them, docs/operations.md).
The audit actor is set per transaction already (audit/context.py).

Commands that need a session (``migrate``'s deploy lock, ``sync_db_roles``'s
and ``partitions``' advisory locks, ``pg_dump``/``psql`` for backups) run
inside :func:`session_connection`: on ``DATABASE_DIRECT_URL`` when it is set,
and otherwise only after :func:`transaction_pooler` found no transaction
pooler in front of the server; behind one they stop and say what to set.
"""

import secrets
import threading
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured

# Imported by the settings: Django's database and command modules are
# imported where they are used.

#: DATABASES entry keys of this project (Django ignores unknown keys).
POOLER_KEY = "POOLER"
DIRECT_KEY = "DIRECT"
SESSION_CHECKED_KEY = "SESSION_CHECKED"
POOLER_MODES = ("none", "session", "transaction")
#: Seconds a probe query may wait for a server connection before it counts as
#: "queued behind another client's transaction": only a pooler does that.
PROBE_WAIT = 3.0


def pooler_mode(value):
    mode = (value or "none").strip().lower()
    if mode not in POOLER_MODES:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER must be one of {', '.join(POOLER_MODES)} (got {value!r})"
        )
    return mode


def behind_transaction_pooler(db):
    """Make a DATABASES entry safe behind a transaction pooler."""
    db[POOLER_KEY] = "transaction"
    db["DISABLE_SERVER_SIDE_CURSORS"] = True
    options = db.setdefault("OPTIONS", {})
    # psycopg prepares a statement run five times on one connection; the next
    # transaction may be on a server connection that never saw it.
    options["prepare_threshold"] = None
    # PgBouncer refuses unknown startup parameters (or ignores them when told
    # to): `options` would be lost. The role's own settings carry them.
    options.pop("options", None)
    return db


def with_pool(db, min_size, max_size, timeout):
    """Django's own pool (psycopg-pool): one pool per process and alias."""
    if db.get("CONN_MAX_AGE"):
        raise ImproperlyConfigured(
            "DATABASE_POOL=true keeps connections in the pool: DJANGO_CONN_MAX_AGE must be 0"
        )
    if min_size > max_size:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN_SIZE ({min_size}) is above DATABASE_POOL_MAX_SIZE ({max_size})"
        )
    db["CONN_MAX_AGE"] = 0
    # A new OPTIONS dict: a caller's copy of the settings (shallow, as a
    # test's saved settings are) must not gain the pool behind its back.
    db["OPTIONS"] = {
        **db.get("OPTIONS", {}),
        "pool": {"min_size": min_size, "max_size": max_size, "timeout": timeout},
    }
    return db


def direct_settings(url_settings, app_db):
    """What :func:`session_connection` swaps in: the direct URL's server and
    credentials with the application's options, without pooler workarounds."""
    options = {
        key: value
        for key, value in app_db.get("OPTIONS", {}).items()
        if key not in ("pool", "prepare_threshold")
    }
    options.update(url_settings.get("OPTIONS", {}))
    return {
        "NAME": url_settings["NAME"],
        "USER": url_settings.get("USER", ""),
        "PASSWORD": url_settings.get("PASSWORD", ""),
        "HOST": url_settings.get("HOST", ""),
        "PORT": str(url_settings.get("PORT") or ""),
        "OPTIONS": options,
    }


# Detection ---------------------------------------------------------------------

_probed = {}
_probe_lock = threading.Lock()


def _raw_params(connection):
    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    # Startup options would make PgBouncer refuse the probe's login.
    if connection.settings_dict.get(POOLER_KEY) == "transaction":
        params.pop("options", None)
    params.setdefault("connect_timeout", 10)
    return params


def probe_session(params):
    """None when ``params`` reach a server session that keeps its state, else
    why not. Two client connections: A sets a session setting; B opens a
    transaction; then A asks for its setting and backend. On a server (or a
    session pooler) A keeps its backend and setting, whatever B does. A
    transaction pooler gives B the server connection A just released (or A
    a different one, or makes A wait for B's), which is decisive."""
    import psycopg

    token = secrets.token_hex(8)
    first = psycopg.connect(**params, autocommit=True)
    second = None
    try:
        pid_a = first.execute(
            "SELECT pg_backend_pid(), set_config('gatimitra.session_probe', %s, false)", [token]
        ).fetchone()[0]
        second = psycopg.connect(**params, autocommit=False)
        pid_b = second.execute("SELECT pg_backend_pid()").fetchone()[0]
        if pid_b == pid_a:
            return f"two client connections shared server process {pid_a}"
        answer = {}

        def ask():
            try:
                answer["row"] = first.execute(
                    "SELECT pg_backend_pid(), current_setting('gatimitra.session_probe', true)"
                ).fetchone()
            except Exception as exc:  # reported below as the reason
                answer["error"] = exc

        asker = threading.Thread(target=ask, daemon=True)
        asker.start()
        asker.join(PROBE_WAIT)
        waited = asker.is_alive()
        second.rollback()
        asker.join(PROBE_WAIT * 10)
        if waited:
            return "a query waited for another client's transaction to end"
        if "error" in answer:
            raise answer["error"]
        pid, value = answer["row"]
        if pid != pid_a or value != token:
            return f"the session changed between transactions (server process {pid_a} -> {pid})"
        return None
    finally:
        if second is not None:
            second.close()
        first.close()


def transaction_pooler(connection):
    """Why ``connection`` is behind a transaction pooler, or None: the
    configured ``DATABASE_POOLER``, else a live probe (cached per server,
    database and user for the process)."""
    settings_dict = connection.settings_dict
    if settings_dict.get(POOLER_KEY) == "transaction":
        return "DATABASE_POOLER=transaction"
    if settings_dict.get(POOLER_KEY) == "session" or settings_dict.get(SESSION_CHECKED_KEY):
        return None
    params = _raw_params(connection)
    key = (params.get("host"), str(params.get("port")), params.get("dbname"), params.get("user"))
    with _probe_lock:
        if key not in _probed:
            _probed[key] = probe_session(params)
        return _probed[key]


@contextmanager
def session_connection(alias, command):
    """Run ``command``'s work on a session of its own: ``alias`` switched to
    ``DATABASE_DIRECT_URL`` for the block when one is configured; refused
    (CommandError) when it would run behind a transaction pooler."""
    from django.core.management import CommandError
    from django.db import connections

    connection = connections[alias]
    settings_dict = connection.settings_dict
    if settings_dict.get(SESSION_CHECKED_KEY):
        yield connection  # an outer command switched already (start -> migrate)
        return
    direct = settings_dict.get(DIRECT_KEY)
    if not direct:
        reason = transaction_pooler(connection)
        if reason:
            raise CommandError(
                f"{command} needs a database session (advisory locks, session settings, "
                f"pg_dump), but database alias {alias!r} is behind a transaction pooler "
                f"({reason}). Set DATABASE_DIRECT_URL to the PostgreSQL server itself "
                "(docs/operations.md, 'Pooler and replica')."
            )
        settings_dict[SESSION_CHECKED_KEY] = True
        try:
            yield connection
        finally:
            settings_dict.pop(SESSION_CHECKED_KEY, None)
        return
    if connection.in_atomic_block:
        raise CommandError(f"{command} cannot switch to DATABASE_DIRECT_URL inside a transaction")
    saved = dict(settings_dict)
    connection.close()
    for key in (POOLER_KEY, DIRECT_KEY, "DISABLE_SERVER_SIDE_CURSORS"):
        settings_dict.pop(key, None)
    settings_dict.update(direct)
    settings_dict["CONN_MAX_AGE"] = 0
    try:
        reason = transaction_pooler(connection)
        if reason:
            raise CommandError(
                f"{command}: DATABASE_DIRECT_URL is itself behind a transaction pooler "
                f"({reason}); point it at the PostgreSQL server"
            )
        settings_dict[SESSION_CHECKED_KEY] = True
        yield connection
    finally:
        connection.close()
        settings_dict.clear()
        settings_dict.update(saved)


def requires_session(handle):
    """Decorate a command's ``handle`` so that it runs in
    :func:`session_connection` for its ``database`` option."""
    from functools import wraps

    @wraps(handle)
    def wrapped(self, *args, **options):
        from django.db import DEFAULT_DB_ALIAS

        alias = options.get("database") or DEFAULT_DB_ALIAS
        name = type(self).__module__.rsplit(".", 1)[-1]
        with session_connection(alias, name):
            return handle(self, *args, **options)

    return wrapped
