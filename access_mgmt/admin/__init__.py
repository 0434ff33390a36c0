from access_mgmt.admin import (  # noqa: F401
    api_clients,
    approvals,
    credentials,
    flags,
    permissions,
    roles,
    sessions,
    users,
)
