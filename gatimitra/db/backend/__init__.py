"""PostgreSQL backend that treats schema-qualified ``db_table`` values as first-class.

Use it as ``ENGINE = "gatimitra.db.backend"``. It is Django's own PostgreSQL
backend with the places fixed where Django assumes every table is in the
search path; see ``schema.py`` and ``introspection.py`` for the list.
"""
