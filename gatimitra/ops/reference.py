"""A database built from the migrations alone, kept per migration state.

Named ``<database>_ref_<hash>`` where the hash covers every migration file,
the models of apps without migrations (their tables come from
``migrate --run-syncdb``, as in Django's test databases) and Django's
version, it is what "the migrations produce": the drift check
compares a live database with it, and test databases are cloned from it
(``CREATE DATABASE ... TEMPLATE``) instead of being migrated each run. It is
built under a temporary name and renamed when complete, so a half-built one
is never used; a stale one (older hash) is dropped when a new one is built.
"""

import contextlib
import hashlib
import inspect
import os
import re
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader

REFERENCE_INFIX = "_ref_"


def sql_modules(loader):
    """The SQL modules migrations import their trigger SQL from
    (``<app>/sql.py``, the frozen SQL of applied migrations in
    ``<app>/sqlfrozen/``, ``gatimitra/db/sql.py`` and ``gatimitra/db/sqlfrozen/``):
    a change there changes what the migrations build, though no migration
    file changed."""
    core = Path(__file__).resolve().parent.parent / "db"
    modules = {core / "sql.py", *(core / "sqlfrozen").glob("*.py")}
    for migration in loader.disk_migrations.values():
        app_dir = Path(inspect.getfile(type(migration))).parent.parent
        modules.add(app_dir / "sql.py")
        modules.update((app_dir / "sqlfrozen").glob("*.py"))
    return sorted(module for module in modules if module.exists())


def sql_modules_digest(loader):
    digest = hashlib.sha256()
    for module in sql_modules(loader):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def unmigrated_models_digest(loader):
    """Apps without migrations (none on disk, or ``MIGRATION_MODULES`` maps
    them to None) get their tables straight from their models, as in Django's
    test databases (``migrate --run-syncdb``): their models' source is part of
    what the reference database holds."""
    digest = hashlib.sha256()
    for label in sorted(loader.unmigrated_apps):
        digest.update(f"unmigrated {label}".encode())
        try:
            models = apps.get_app_config(label).get_models()
        except LookupError:
            continue
        for module in sorted({inspect.getfile(model) for model in models}):
            digest.update(Path(module).read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def migrations_hash():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256(django.get_version().encode())
    for key in sorted(loader.disk_migrations):
        path = Path(inspect.getfile(type(loader.disk_migrations[key])))
        digest.update(f"{key[0]}.{key[1]}".encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    digest.update(sql_modules_digest(loader).encode())
    digest.update(unmigrated_models_digest(loader).encode())
    return digest.hexdigest()


def reference_name(connection, digest=None):
    # Test databases remember the database they were made for, so the drift
    # check inside tests uses the same reference as their template.
    base = (
        connection.settings_dict["TEST"].get("REFERENCE_BASE") or connection.settings_dict["NAME"]
    )
    digest = digest or migrations_hash()
    return f"{base[:40]}{REFERENCE_INFIX}{digest[:12]}"


@contextmanager
def database_alias(connection, name):
    """A temporary connection alias to database ``name`` on the same server."""
    alias = f"gatimitra_{name}"
    settings_dict = {**connection.settings_dict, "NAME": name}
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": name}
    connections.settings[alias] = settings_dict
    try:
        yield alias
    finally:
        if alias in connections:
            connections[alias].close()
            del connections[alias]
        connections.settings.pop(alias, None)


def raw_connection(connection, name):
    """A plain psycopg connection (autocommit) to database ``name`` on the same
    server: reading another database must not open a Django connection alias."""
    import psycopg

    params = connection.get_connection_params()
    keep = ("host", "port", "user", "password", "options", "sslmode", "passfile", "service")
    conninfo = {key: params[key] for key in keep if params.get(key)}
    return psycopg.connect(**conninfo, dbname=name, autocommit=True)


def _exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


#: The name of a reference database still being built (``<name>_b<pid>``).
BUILDING = re.compile(rf"{REFERENCE_INFIX}[0-9a-f]{{12}}_b[0-9]*$")


def ensure_reference_database(connection, stdout=None):
    """The reference database for the current migrations; built if missing."""
    name = reference_name(connection)
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        if _exists(cursor, name):
            return name
        building = f"{name}_b{os.getpid()}"[:63]  # matches BUILDING
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
        cursor.execute(f"CREATE DATABASE {quote(building)}")
    if stdout:
        stdout.write(f"Building {name} from the migrations...")
    try:
        with database_alias(connection, building) as alias:
            # As Django's create_test_db does: apps without migrations get
            # their tables from their models.
            call_command("migrate", database=alias, verbosity=0, interactive=False, run_syncdb=True)
        with connection._nodb_cursor() as cursor:
            if _exists(cursor, name):  # another process finished first
                cursor.execute(f"DROP DATABASE {quote(building)}")
            else:
                cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(name)}")
                _drop_stale(cursor, connection, name, quote)
    except BaseException:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
        raise
    return name


def _drop_stale(cursor, connection, keep, quote):
    prefix = keep.split(REFERENCE_INFIX)[0] + REFERENCE_INFIX
    cursor.execute(
        "SELECT datname FROM pg_database WHERE left(datname, %s) = %s AND datname <> %s",
        [len(prefix), prefix, keep],
    )
    for (stale,) in cursor.fetchall():
        if BUILDING.search(stale):
            continue  # another process's build in progress; its builder drops it on failure
        # One still in use by someone else is left for next time.
        with contextlib.suppress(Exception):
            cursor.execute(f"DROP DATABASE {quote(stale)}")


def database_url(connection, name):
    """A DATABASE_URL for database ``name`` on the server ``connection`` uses."""
    from urllib.parse import quote

    settings_dict = connection.settings_dict
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    if host.startswith("/"):
        query = f"?host={quote(host)}" + (f"&port={port}" if port else "")
        return f"postgres://{credentials}@/{name}{query}"
    return f"postgres://{credentials}@{host or 'localhost'}{':' + str(port) if port else ''}/{name}"
