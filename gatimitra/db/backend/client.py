from django.db.backends.postgresql.client import DatabaseClient as PostgreSQLClient

from gatimitra.db.tables import DOMAIN_SCHEMAS
from gatimitra.ops.embedded import ensure_started

#: ``manage.py dbshell`` puts the domain schemas on psql's search path so that
#: people can type ``select * from riders`` while ``public`` stays first: an
#: unqualified CREATE still lands in ``public``, never in a domain schema.
PSQL_SEARCH_PATH = ",".join(("public", *DOMAIN_SCHEMAS))


class DatabaseClient(PostgreSQLClient):
    @classmethod
    def settings_to_cmd_args_env(cls, settings_dict, parameters):
        ensure_started(settings_dict)  # dbshell connects without the backend
        args, env = super().settings_to_cmd_args_env(settings_dict, parameters)
        env = dict(env or {})
        env.setdefault("PGOPTIONS", f"-c search_path={PSQL_SEARCH_PATH}")
        return args, env
