from audit.models.logs import (
    AccessAuditLog,
    ChangeLogEntry,
    CustomerAuditLog,
    MerchantAuditLog,
    OrderAuditLog,
    PiiAccessLog,
    RiderAuditLog,
    SystemAuditLog,
)

__all__ = [
    "AccessAuditLog",
    "ChangeLogEntry",
    "CustomerAuditLog",
    "MerchantAuditLog",
    "OrderAuditLog",
    "PiiAccessLog",
    "RiderAuditLog",
    "SystemAuditLog",
]
