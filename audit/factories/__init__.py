from audit.factories.logs import (
    AccessAuditLogFactory,
    CustomerAuditLogFactory,
    MerchantAuditLogFactory,
    OrderAuditLogFactory,
    PiiAccessLogFactory,
    RiderAuditLogFactory,
    SystemAuditLogFactory,
)

__all__ = [
    "AccessAuditLogFactory",
    "CustomerAuditLogFactory",
    "MerchantAuditLogFactory",
    "OrderAuditLogFactory",
    "PiiAccessLogFactory",
    "RiderAuditLogFactory",
    "SystemAuditLogFactory",
]
