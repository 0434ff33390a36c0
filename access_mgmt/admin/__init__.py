from django.contrib import admin
from django.contrib.auth.models import Group

from access_mgmt.admin import (  # noqa: F401
    api_clients,
    approvals,
    credentials,
    flags,
    login,
    permissions,
    roles,
    sessions,
    users,
)

# Staff get their permissions from roles (RoleBackend); SystemUser has no
# groups, so Django's Group admin would edit something that grants nothing.
admin.site.unregister(Group)
