from gatimitra.apps import DomainConfig


class AuditConfig(DomainConfig):
    name = "audit"
    verbose_name = "Audit"
    db_schema = "audit"
