"""The audit trail is written by the database, for every way of writing."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import SystemUser
from audit.context import acting_as
from audit.models import AccessAuditLog
from gatimitra.enums import ActorType
from gatimitra.testing import admin_form_data


def entries(user):
    return list(
        AccessAuditLog.objects.filter(table_name="system_users", row_pk=str(user.pk)).order_by("id")
    )


@pytest.fixture
def staff(db):
    return SystemUserFactory(email="ops.lead@gatimitra.test")


@pytest.fixture
def subject(db):
    return SystemUserFactory(full_name="Asha Rao")


def test_orm_insert_is_captured_with_the_database_role(subject):
    (entry,) = entries(subject)
    assert entry.action == "INSERT"
    assert entry.actor_id is None and entry.actor_label == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")
        assert entry.db_role == cursor.fetchone()[0]
    assert entry.subject_id == subject.pk
    assert entry.changes["full_name"] == [None, "Asha Rao"]


def test_orm_save_is_captured_with_the_acting_user(subject, staff):
    with acting_as(staff):
        subject.full_name = "Asha R."
        subject.save()
    entry = entries(subject)[-1]
    assert entry.action == "UPDATE"
    assert (entry.actor_type, entry.actor_id, entry.actor_label) == (
        ActorType.SYSTEM_USER,
        staff.pk,
        "ops.lead@gatimitra.test",
    )
    assert entry.changes == {"full_name": ["Asha Rao", "Asha R."]}


def test_queryset_update_bulk_update_and_raw_sql_each_write_one_entry(subject, staff):
    original_employee_id = subject.employee_id
    with acting_as(staff):
        before = len(entries(subject))
        SystemUser.objects.filter(pk=subject.pk).update(employee_id="GM-77")
        assert len(entries(subject)) == before + 1
        subject.refresh_from_db()
        subject.full_name = "Asha Bulk"
        SystemUser.objects.bulk_update([subject], ["full_name"])
        assert len(entries(subject)) == before + 2
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE access_mgmt.system_users SET status = 'LOCKED' WHERE id = %s", [subject.pk]
            )
        assert len(entries(subject)) == before + 3
    update, bulk, raw = entries(subject)[-3:]
    assert update.changes == {"employee_id": [original_employee_id, "GM-77"]}
    assert bulk.changes == {"full_name": ["Asha Rao", "Asha Bulk"]}
    assert raw.action == "STATUS_CHANGE" and raw.changes["status"] == ["ACTIVE", "LOCKED"]
    assert {e.actor_id for e in (update, bulk, raw)} == {staff.pk}


def test_a_save_that_changes_nothing_writes_nothing(subject):
    before = len(entries(subject))
    subject.save()
    assert len(entries(subject)) == before


def test_delete_is_captured(subject):
    pk = subject.pk
    subject.delete()
    entry = AccessAuditLog.objects.filter(table_name="system_users", row_pk=str(pk)).latest("id")
    assert entry.action == "DELETE"
    assert entry.changes["full_name"] == ["Asha Rao", None]


def test_admin_edit_is_captured_with_the_admin_user(client, subject):
    admin_user = SystemUserFactory(email="admin.edit@gatimitra.test", is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:access_mgmt_systemuser_change", args=[subject.pk])
    data = admin_form_data(client.get(url))
    data["full_name"] = "Asha via Admin"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = entries(subject)[-1]
    assert entry.changes["full_name"] == ["Asha Rao", "Asha via Admin"]
    assert (entry.actor_id, entry.actor_label) == (admin_user.pk, "admin.edit@gatimitra.test")
    assert entry.request_id
    assert str(entry.client_ip) == "127.0.0.1"


def test_personal_data_never_appears_in_clear(staff):
    user = SystemUserFactory(email="priya.sharma@example.in", mobile="+919812345678")
    with acting_as(staff):
        user.email = "priya.new@example.in"
        user.mobile = "+919899999999"
        user.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(changes::text, ' ') FROM audit.access_audit_logs WHERE row_pk = %s",
            [str(user.pk)],
        )
        everything = cursor.fetchone()[0]
    for clear in ("priya.sharma", "priya.new", "9812345678", "9899999999"):
        assert clear not in everything
    before, after = entries(user)[-1].changes["mobile"]
    assert before["masked"].endswith("5678") and len(before["sha256"]) == 64
    assert after["masked"].endswith("9999") and before["sha256"] != after["sha256"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit.access_audit_logs SET actor_label = 'someone else'",
        "DELETE FROM audit.access_audit_logs",
        "TRUNCATE audit.access_audit_logs",
    ],
)
def test_audit_rows_cannot_be_changed_or_removed(subject, statement):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert entries(subject)


def test_tracked_object_admin_page_links_to_its_history(client, superuser, subject):
    client.force_login(superuser)
    page = client.get(reverse("admin:access_mgmt_systemuser_change", args=[subject.pk]))
    assert page.status_code == 200
    url = page.context["audit_history_url"]
    assert "table_name=system_users" in url and f"row_pk={subject.pk}" in url
    assert b"Audit history" in page.content
    history = client.get(url)
    assert history.status_code == 200
    assert "INSERT" in history.content.decode()


def test_history_link_only_for_those_who_may_read_the_audit_log(
    client, seeded_roles, staff_with_roles
):
    from customers.factories import CustomerFactory

    seeded_roles("SUPPORT_AGENT", "READ_ONLY_AUDITOR")
    customer = CustomerFactory()
    page_url = reverse("admin:customers_customer_change", args=[customer.pk])

    client.force_login(staff_with_roles("SUPPORT_AGENT"))
    page = client.get(page_url)
    assert page.status_code == 200
    assert page.context["audit_history_url"] is None
    assert b"Audit history" not in page.content

    client.force_login(staff_with_roles("READ_ONLY_AUDITOR"))
    page = client.get(page_url)
    assert "table_name=customers" in page.context["audit_history_url"]
    assert client.get(page.context["audit_history_url"]).status_code == 200


def test_executemany_and_percent_signs_keep_the_actor(subject, staff):
    with acting_as(staff), connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE access_mgmt.system_users SET employee_id = %s WHERE id = %s",
            [("GM-100%", subject.pk), ("GM-101%", subject.pk)],
        )
        cursor.execute(
            "UPDATE access_mgmt.system_users SET full_name = 'Asha 100%' WHERE id = "
            + str(subject.pk)
        )
    first, second, third = entries(subject)[-3:]
    assert first.changes["employee_id"][1] == "GM-100%"
    assert third.changes["full_name"][1] == "Asha 100%"
    assert {e.actor_id for e in (first, second, third)} == {staff.pk}
