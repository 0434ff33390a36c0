import gatimitra.db.fields
from django.db import migrations, models

from audit.sqlfrozen.m0014_cheaper_audit_log_writes import (
    CHEAPER_CHECKS,
    EARLIER_CHECKS,
    FULL_ACTOR_INDEXES,
    PARTIAL_ACTOR_INDEXES,
)

#: (model, prefix of its index names), in the order of the frozen module's LOGS.
LOGS = [
    ("systemauditlog", "audit_sys"),
    ("merchantauditlog", "audit_mer"),
    ("customerauditlog", "audit_cus"),
    ("riderauditlog", "audit_rid"),
    ("orderauditlog", "audit_ord"),
    ("accessauditlog", "audit_acc"),
]
ACTIONS = [
    ("INSERT", "Insert"),
    ("UPDATE", "Update"),
    ("DELETE", "Delete"),
    ("STATUS_CHANGE", "Status change"),
    ("OVERRIDE", "Override"),
    ("APPROVE", "Approve"),
    ("LOGIN_AS", "Login as"),
    ("VIEW_PII", "View PII"),
    ("EXPORT", "Export"),
]
ACTOR_TYPES = [
    ("CUSTOMER", "Customer"),
    ("RIDER", "Rider"),
    ("MERCHANT_USER", "Merchant user"),
    ("SYSTEM_USER", "Staff user"),
    ("API_CLIENT", "API client"),
    ("EXTERNAL_PROVIDER", "External provider"),
    ("SYSTEM", "System"),
]


def _checks_state(model):
    return [
        migrations.AlterField(
            model_name=model,
            name="action",
            field=gatimitra.db.fields.EnumField(
                check_form="text_array", choices=ACTIONS, max_length=32
            ),
        ),
        migrations.AlterField(
            model_name=model,
            name="actor_type",
            field=gatimitra.db.fields.EnumField(
                blank=True, check_form="text_array", choices=ACTOR_TYPES, max_length=32, null=True
            ),
        ),
    ]


def _index_state(model, prefix):
    return [
        migrations.RemoveIndex(model_name=model, name=f"{prefix}_actor_idx"),
        migrations.AddIndex(
            model_name=model,
            index=models.Index(
                condition=models.Q(actor_id__isnull=False),
                fields=["actor_id", "-id"],
                name=f"{prefix}_actor_idx",
            ),
        ),
    ]


class Migration(migrations.Migration):
    """Cheaper writes into the change logs, the same entries (issue 23): the
    ``action``/``actor_type`` CHECKs as array constants, which PostgreSQL
    reads and plans again at every capture statement, and the actor indexes
    only of entries with an actor (the SQL and the why:
    ``audit/sqlfrozen/m0014_cheaper_audit_log_writes.py``; figures:
    benchmarks/README.md, "Audit 0014: cheaper log writes")."""

    dependencies = [("audit", "0013_find_dropped_triggers_tables_in_the_catalog")]

    operations = [
        migrations.RunSQL(
            CHEAPER_CHECKS,
            EARLIER_CHECKS,
            state_operations=[op for model, _prefix in LOGS for op in _checks_state(model)],
        ),
        migrations.RunSQL(
            PARTIAL_ACTOR_INDEXES,
            FULL_ACTOR_INDEXES,
            state_operations=[op for model, prefix in LOGS for op in _index_state(model, prefix)],
        ),
    ]
