from audit.admin import logs  # noqa: F401
