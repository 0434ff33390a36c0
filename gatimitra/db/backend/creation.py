from django.db.backends.postgresql.creation import DatabaseCreation as PostgreSQLCreation


class DatabaseCreation(PostgreSQLCreation):
    pass
