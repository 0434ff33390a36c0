from django.core import checks

from gatimitra.apps import DomainConfig


class AuditConfig(DomainConfig):
    name = "audit"
    verbose_name = "Audit"
    db_schema = "audit"

    def ready(self):
        from audit import checks as audit_checks

        checks.register(audit_checks.check_tracked_tables_have_triggers, checks.Tags.models)
        checks.register(audit_checks.check_every_domain_model_is_decided, checks.Tags.models)
