from audit.factories.logs import (
    AccessAuditLogFactory,
    CustomerAuditLogFactory,
    MerchantAuditLogFactory,
    OrderAuditLogFactory,
    PiiAccessLogFactory,
    RiderAuditLogFactory,
    SystemAuditLogFactory,
)
from audit.factories.verification import VerificationRunFactory

__all__ = [
    "AccessAuditLogFactory",
    "CustomerAuditLogFactory",
    "MerchantAuditLogFactory",
    "OrderAuditLogFactory",
    "PiiAccessLogFactory",
    "RiderAuditLogFactory",
    "SystemAuditLogFactory",
    "VerificationRunFactory",
]
