"""Database layer: the schema-aware PostgreSQL backend, table naming, base models and fields."""
