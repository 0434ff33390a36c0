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
from audit.models.verification import VerificationRun

__all__ = [
    "AccessAuditLog",
    "ChangeLogEntry",
    "CustomerAuditLog",
    "MerchantAuditLog",
    "OrderAuditLog",
    "PiiAccessLog",
    "RiderAuditLog",
    "SystemAuditLog",
    "VerificationRun",
]
