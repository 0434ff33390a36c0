"""Which tables the audit trail captures: the one definition the triggers
are generated from (``manage.py audit_migrations``) and checked against
(system checks ``audit.W001``/``W002``).

Every model of a domain app is either tracked here or listed in UNTRACKED
with the reason, so a new table cannot escape auditing unnoticed (``audit.W003``).
Tracked: what holds money, status, identity, KYC, access rights or prices.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    model: str  # "app_label.ModelName"
    log_table: str  # the audit table its changes go to
    subject: str | None = None  # field naming the row's owner
    personal: tuple = ()  # fields masked and hashed in diffs

    @property
    def key(self):
        return (self.model, self.log_table, self.subject, tuple(self.personal))


ACCESS = "access_audit_logs"

TRACKED = [
    Track("access_mgmt.SystemUser", ACCESS, subject="id", personal=("email", "mobile")),
]

UNTRACKED = {
    # Audit tables do not audit themselves.
    "audit.*": "the audit trail itself",
}


def history_url(model, pk):
    """The admin URL listing the audit entries of one tracked row, or None."""
    from django.apps import apps
    from django.urls import reverse
    from django.utils.http import urlencode

    from gatimitra.db.tables import split_table

    label = model._meta.label
    for track in TRACKED:
        if track.model == label:
            log_model = next(
                m
                for m in apps.get_app_config("audit").get_models()
                if split_table(m._meta.db_table)[1] == track.log_table
            )
            url = reverse(f"admin:audit_{log_model._meta.model_name}_changelist")
            query = urlencode({"table_name": split_table(model._meta.db_table)[1], "row_pk": pk})
            return f"{url}?{query}"
    return None
