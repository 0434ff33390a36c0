from django.core import checks

from gatimitra.apps import DomainConfig


class AuditConfig(DomainConfig):
    name = "audit"
    verbose_name = "Audit"
    db_schema = "audit"
    admin_order = 6
    admin_description = (
        "The append-only audit trail: every change to money, status, identity and rights, "
        "per domain, and who read personal data."
    )
    # The operations page "Audit trail" (gatimitra/console/operations.py).
    console_audit_health = "audit.health.trail_health"
    # What gatimitra's own code calls without importing this app
    # (gatimitra.apps.domain_hooks): the admin's history link, the marker a
    # migration's reverse runs first, the daily partitions run's sealing.
    history_log_model = "audit.tracked.history_log_model"
    history_url = "audit.tracked.history_url"
    begin_maintenance_sql = "audit.sql.begin_maintenance"
    after_partition_upkeep = "audit.verify.seal_after_partition_upkeep"
    # move_schema publishes a moved domain's audit logs with it.
    audit_logs_of_schema = "audit.tracked.logs_of_schema"
    admin_groups = {
        "logs": "The change logs of each domain (written by database triggers) and PII access.",
    }

    def ready(self):
        from audit import checks as audit_checks

        checks.register(audit_checks.check_tracked_tables_have_triggers, checks.Tags.models)
        checks.register(audit_checks.check_every_domain_model_is_decided, checks.Tags.models)
