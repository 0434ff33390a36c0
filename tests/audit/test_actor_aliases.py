"""The actor rides on every alias a request writes through: an admin write
the router sends to a moved domain's server (its own alias, here a second
alias to the same test database) is attributed to the signed-in user, not
recorded under the database login."""

import uuid

import pytest
from django.conf import settings
from django.db import connection, connections
from django.http import HttpResponse
from django.test import RequestFactory

from access_mgmt.factories import SystemUserFactory
from access_mgmt.models import SystemUser
from audit.context import AuditContextMiddleware, acting_as, writable_aliases
from audit.models import AccessAuditLog

MOVED = "moved_domain"


@pytest.fixture
def moved_alias(transactional_db):
    """A second alias, as DATABASE_<SCHEMA>_URL adds for a moved domain, to
    the same test database: its writes land where the audit log is read."""
    settings.DATABASES[MOVED] = {**connection.settings_dict}
    # Connected here, explicitly: the test case refuses to open connections
    # for aliases it did not declare, and this one did not exist then.
    connections[MOVED].connect()
    try:
        yield MOVED
    finally:
        connections[MOVED].close()
        del connections[MOVED]
        del settings.DATABASES[MOVED]


def _entries(target):
    return AccessAuditLog.objects.filter(
        table_name="system_users", row_pk=str(target.pk), action="UPDATE"
    ).order_by("id")


def test_a_request_writing_through_a_moved_domain_alias_is_attributed(moved_alias):
    staff, target = SystemUserFactory(), SystemUserFactory()
    request_id = uuid.uuid4().hex

    def view(request):
        # What the DomainRouter does for a moved domain's model.
        SystemUser.objects.using(moved_alias).filter(pk=target.pk).update(employee_id="MOVED1")
        SystemUser.objects.filter(pk=target.pk).update(employee_id="DEFAULT1")
        return HttpResponse("ok")

    request = RequestFactory().post("/", HTTP_X_REQUEST_ID=request_id)
    request.user = staff
    AuditContextMiddleware(view)(request)
    entries = list(_entries(target))
    assert [e.changes["employee_id"][1] for e in entries] == ["MOVED1", "DEFAULT1"]
    for entry in entries:
        assert (entry.actor_id, entry.request_id, entry.actor_verified) == (
            staff.pk,
            request_id,
            True,
        )
    # The moved alias's connection is a server connection of its own.
    assert connections[moved_alias].connection is not connection.connection


def test_naming_one_alias_leaves_the_other_unattributed(moved_alias):
    staff, target = SystemUserFactory(), SystemUserFactory()
    with acting_as(staff, using="default"):
        SystemUser.objects.using(moved_alias).filter(pk=target.pk).update(employee_id="BARE1")
    (entry,) = _entries(target)
    assert entry.actor_id is None and entry.actor_label == ""
    assert not connections[moved_alias].execute_wrappers


def test_the_replica_is_not_a_write_alias(monkeypatch):
    # Entries only: no connection is made to them.
    monkeypatch.setitem(settings.DATABASES, "replica", {})
    monkeypatch.setitem(settings.DATABASES, MOVED, {})
    assert "replica" not in writable_aliases()
    assert {"default", MOVED} <= set(writable_aliases())
