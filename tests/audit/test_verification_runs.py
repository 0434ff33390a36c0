"""Each sealing and verification of the audit trail is recorded, and the
audit operations page shows the last one with its findings."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from access_mgmt.factories import SystemUserFactory
from audit.choices import FindingKind, VerificationKind
from audit.factories import VerificationRunFactory
from audit.models import AccessAuditLog, SystemAuditLog, VerificationRun
from audit.verification import last_verification
from audit.verify import seal_after_partition_upkeep


def run(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_audit(*args):
    """``manage.py verify_audit``: its exit status (1 on any finding)."""
    try:
        call_command("verify_audit", *args)
    except SystemExit as exit:
        return exit.code
    return 0


def tamper_with_access_log():
    """What only a superuser can do, inside audited maintenance: edit one
    sealed entry and delete another."""
    SystemUserFactory.create_batch(3)
    assert verify_audit() == 0
    edited, deleted = AccessAuditLog.objects.order_by("-id").values_list("id", flat=True)[:2]
    with transaction.atomic():
        run("SELECT audit.begin_maintenance('tamper test: act as a rogue superuser')")
        run("SET LOCAL session_replication_role = replica")
        run("UPDATE audit.access_audit_logs SET actor_label = 'ceo' WHERE id = %s", [edited])
        run("DELETE FROM audit.access_audit_logs WHERE id = %s", [deleted])
        run("SET LOCAL session_replication_role = origin")
    return edited


def test_verify_audit_records_its_run(db):
    SystemUserFactory()
    before = timezone.now()
    assert verify_audit() == 0
    recorded = VerificationRun.objects.get()
    assert recorded.kind == VerificationKind.VERIFY
    assert recorded.ok is True and recorded.findings_count == 0 and recorded.findings == []
    assert recorded.started_at >= before and recorded.created_at >= recorded.started_at
    assert recorded.sealed["access_audit_logs"] >= 1
    assert recorded.sealed_total == sum(recorded.sealed.values())
    assert recorded.db_role == connection.settings_dict["USER"]
    assert " on " in recorded.run_by
    assert any("chain up to entry" in note for note in recorded.notes)


def test_verify_audit_records_since_and_no_sealing(db):
    since = timezone.now() - timedelta(hours=2)
    assert verify_audit("--since", since.isoformat(), "--no-seal") == 0
    recorded = VerificationRun.objects.get()
    assert recorded.since == since
    assert recorded.sealed == {} and recorded.sealed_total == 0


def test_a_tampered_log_is_recorded_with_its_findings(db):
    edited = tamper_with_access_log()
    assert verify_audit("--no-seal") == 1
    recorded = VerificationRun.objects.order_by("-id").first()
    assert recorded.ok is False
    assert recorded.findings_count == len(recorded.findings) >= 2
    assert recorded.finding_kinds[FindingKind.EDITED] >= 1
    assert recorded.finding_kinds[FindingKind.DELETED] == 1
    assert any(f"entry {edited} was edited" in finding for finding in recorded.findings)


def test_the_daily_sealing_is_recorded_without_a_result(db):
    SystemUserFactory()
    said = seal_after_partition_upkeep(connection)
    recorded = VerificationRun.objects.get()
    assert recorded.kind == VerificationKind.SEAL and recorded.ok is None
    assert said == f"Sealed {recorded.sealed_total} audit entries."
    assert recorded.sealed_total >= 1


def test_a_run_is_audited_and_append_only(db):
    recorded = VerificationRunFactory()
    entry = SystemAuditLog.objects.filter(
        table_name="verification_runs", row_pk=str(recorded.pk)
    ).get()
    assert entry.action == "INSERT"
    with pytest.raises(DatabaseError), transaction.atomic():
        run("UPDATE audit.verification_runs SET ok = false WHERE id = %s", [recorded.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        run("DELETE FROM audit.verification_runs WHERE id = %s", [recorded.pk])


@pytest.mark.parametrize(
    "fields",
    [
        {"ok": True, "findings_count": 2},
        {"ok": False, "findings_count": 0},
        {"kind": VerificationKind.SEAL, "ok": True},
        {"duration_ms": -1},
    ],
)
def test_a_run_whose_result_contradicts_itself_is_refused(db, fields):
    with pytest.raises(DatabaseError, match="verification_runs_"), transaction.atomic():
        VerificationRunFactory(**fields)


def test_the_last_verification_warns_when_missing_failed_or_stale(db):
    assert "No verification" in last_verification(connection)["warning"]
    VerificationRunFactory(ok=False, findings_count=3, findings=["a", "b", "c"])
    assert "found 3 problems" in last_verification(connection)["warning"]
    VerificationRunFactory()
    assert last_verification(connection)["warning"] is None
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert "more than a day ago" in last_verification(connection, now=later)["warning"]


def test_the_audit_page_shows_the_last_run(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:operations_audit")).content.decode()
    assert "No verification of the audit chains is recorded" in page
    assert verify_audit() == 0
    seal_after_partition_upkeep(connection)
    response = client.get(reverse("admin:operations_audit"))
    shown = response.context["health"]["verification"]
    assert shown["warning"] is None
    assert shown["last"]["id"] == VerificationRun.objects.filter(kind="VERIFY").get().pk
    assert shown["last_sealing"]["id"] == VerificationRun.objects.filter(kind="SEAL").get().pk
    page = response.content.decode()
    assert "verifies: no finding" in page
    assert "Last sealing by the daily" in page


def test_the_audit_page_shows_a_tampered_logs_findings(client, superuser):
    edited = tamper_with_access_log()
    assert verify_audit("--no-seal") == 1
    client.force_login(superuser)
    page = client.get(reverse("admin:operations_audit")).content.decode()
    assert "The last verification found" in page
    assert f"entry {edited} was edited" in page
    assert FindingKind.DELETED.label in page
