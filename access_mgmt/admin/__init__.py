from access_mgmt.admin import users  # noqa: F401
