"""Status machines of the access_mgmt domain, one per status column (see
``gatimitra.db.machines``)."""

from access_mgmt.choices import SystemUserStatus
from gatimitra import transitions as shared
from gatimitra.db.machines import Machine

U = SystemUserStatus
#: A staff user is invited, works, may be locked out or disabled and
#: re-enabled; OFFBOARDED is final.
SYSTEM_USER = Machine.of(
    U,
    {
        U.INVITED: {U.ACTIVE, U.DISABLED, U.OFFBOARDED},
        U.ACTIVE: {U.LOCKED, U.DISABLED, U.OFFBOARDED},
        U.LOCKED: {U.ACTIVE, U.DISABLED, U.OFFBOARDED},
        U.DISABLED: {U.ACTIVE, U.OFFBOARDED},
    },
    {U.OFFBOARDED},
)

MACHINES = {
    ("SystemUser", "status"): SYSTEM_USER,
    ("ApprovalRequest", "status"): shared.APPROVAL,
    ("ApiClient", "status"): shared.INTEGRATION,
}
