from django.db.backends.postgresql import base as postgresql
from django.db.utils import OperationalError

from gatimitra.db.backend.client import DatabaseClient
from gatimitra.db.backend.creation import DatabaseCreation
from gatimitra.db.backend.features import DatabaseFeatures
from gatimitra.db.backend.introspection import DatabaseIntrospection
from gatimitra.db.backend.operations import DatabaseOperations
from gatimitra.db.backend.schema import DatabaseSchemaEditor
from gatimitra.ops.embedded import ensure_started

#: Django's own connections only ever see ``public``: every domain table is
#: referenced schema-qualified, so unqualified DDL (``django_migrations``,
#: ``auth_permission``...) can only land in ``public``, whatever search_path
#: an operator configures for the database or role.
DJANGO_SEARCH_PATH = "public"


class DatabaseUnreachable(OperationalError):
    """The configured server could not be reached or refused the login."""


class DatabaseWrapper(postgresql.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
    client_class = DatabaseClient
    creation_class = DatabaseCreation
    features_class = DatabaseFeatures
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations

    def get_connection_params(self):
        # The embedded server (no DATABASE_URL) starts on the first connection.
        ensure_started(self.settings_dict)
        params = super().get_connection_params()
        if self.settings_dict.get("POOLER") == "transaction":
            # PgBouncer takes no startup options: the role's settings
            # (ALTER ROLE ... SET search_path = public) do it there.
            return params
        options = params.get("options") or ""
        if "search_path" not in options:
            params["options"] = f"{options} -c search_path={DJANGO_SEARCH_PATH}".strip()
        return params

    def get_new_connection(self, conn_params):
        if self.pool is not None:
            # A pooled connection comes from psycopg_pool, whose errors
            # (PoolTimeout: the pool is exhausted; PoolClosed) say something
            # else than "cannot connect" and are caught by type: unchanged.
            return super().get_new_connection(conn_params)
        try:
            return super().get_new_connection(conn_params)
        except self.Database.OperationalError as exc:
            raise DatabaseUnreachable(self._describe_unreachable(conn_params, exc)) from exc

    def _describe_unreachable(self, conn_params, exc):
        host = conn_params.get("host") or "localhost"
        port = conn_params.get("port") or 5432
        name = conn_params.get("dbname") or conn_params.get("service") or "?"
        user = conn_params.get("user") or "?"
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return (
            f"cannot connect to PostgreSQL database {name!r} as {user!r} at {host}:{port} "
            f"(database alias {self.alias!r}): {reason}"
        )
