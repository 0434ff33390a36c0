from django.db.backends.postgresql.features import DatabaseFeatures as PostgreSQLFeatures


class DatabaseFeatures(PostgreSQLFeatures):
    # The schema editor never creates a foreign key inline in ADD COLUMN
    # (schema.py: sql_create_column_inline_fk = None); every FK goes through
    # _create_fk_sql, which adds ON DELETE RESTRICT for PROTECT/RESTRICT.
    can_create_inline_fk = False
