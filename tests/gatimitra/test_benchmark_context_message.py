"""``bulk_writes.py --earlier-capture message`` (benchmarks/context_message.py):
with it the capture triggers write no entry; after each audited statement they
emit the context a capture built from the WAL would need, with an HMAC only
the definer's key makes. Read back here from the WAL itself (pg_walinspect),
so the figures the benchmark prints for it are of a capture that does what
docs/audit_capture.md says. No timings."""

import hashlib

import pytest
from django.db import connection

from access_mgmt.factories.flags import FeatureFlagFactory
from access_mgmt.factories.users import SystemUserFactory
from access_mgmt.models import FeatureFlag
from audit.context import acting_as
from gatimitra.enums import ActorType
from tests.fixtures.gatimitra import benchmark_module, connect

context_message = benchmark_module("context_message")

pytestmark = pytest.mark.django_db


def scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def emitted_messages(start):
    """Payloads of the logical messages with the audit's prefix written since
    ``start``, in WAL order."""
    end = scalar("SELECT pg_current_wal_insert_lsn()")
    # The test's transaction never commits, so its records are written but
    # not flushed, and pg_walinspect reads only flushed WAL: another session's
    # commit flushes everything before its own commit record (a transaction
    # that writes WAL, else its commit is not waited for).
    with connect(connection.settings_dict["NAME"]) as other:
        other.execute("SELECT pg_logical_emit_message(true, 'tests.flush', '')")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT description FROM pg_get_wal_records_info(%s, %s) "
            "WHERE resource_manager = 'LogicalMessage' ORDER BY start_lsn",
            [start, end],
        )
        descriptions = [row[0] for row in cursor.fetchall()]
    payloads = []
    for description in descriptions:
        # 'transactional, prefix "gatimitra.audit"; payload (N bytes): 31 32 ...'
        head, _, data = description.partition("; payload")
        assert head == f'transactional, prefix "{context_message.PREFIX}"', description
        payloads.append(bytes.fromhex(data.partition(": ")[2]).decode())
    return payloads


def test_each_audited_statement_emits_its_context_with_an_hmac_and_writes_no_entry():
    owner = SystemUserFactory()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        cursor.execute(context_message.SQL)
        cursor.execute("SELECT ipad, opad FROM audit_secrets.context_key")
        ipad, opad = (bytes(pad) for pad in cursor.fetchone())
    # The pads of one 64-byte key: 0x36 and 0x5c apart in every byte.
    assert len(ipad) == len(opad) == 64
    assert bytes(a ^ b for a, b in zip(ipad, opad, strict=True)) == bytes([0x36 ^ 0x5C]) * 64
    entries_before = scalar("SELECT count(*) FROM audit.access_audit_logs")
    start = scalar("SELECT pg_current_wal_insert_lsn()")

    with acting_as(owner, request_id="req-first", client_ip="10.0.0.9"):
        flag = FeatureFlagFactory(owner=owner)
        FeatureFlag.objects.filter(pk=flag.pk).update(name="Checkout, second try")
    # Not the ORM's delete(): it first deletes the flag's rules, a statement of
    # no rows that would emit a message too (statement triggers fire for every
    # statement; a decoder skips a message no change precedes).
    with (
        acting_as(owner, request_id="req-second", client_ip="10.0.0.9"),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM access_mgmt.feature_flags WHERE id = %s", [flag.pk])

    payloads = emitted_messages(start)
    assert scalar("SELECT count(*) FROM audit.access_audit_logs") == entries_before
    assert len(payloads) == 3  # INSERT, UPDATE, DELETE: one message each
    transaction_id = str(scalar("SELECT pg_current_xact_id()"))
    started_us = str(scalar("SELECT (extract(epoch FROM now()) * 1000000)::bigint"))
    role = scalar("SELECT session_user")
    application = scalar("SELECT current_setting('application_name')")
    for payload, request_id in zip(payloads, ["req-first", "req-first", "req-second"], strict=True):
        context, _, mac = payload.partition("\x1e")
        fields = dict(zip(context_message.FIELDS, context.split("\x1f"), strict=True))
        assert fields == {
            "transaction_id": transaction_id,
            "transaction_started_us": started_us,
            "db_role": role,
            "application_name": application,
            "actor_type": str(ActorType.SYSTEM_USER),
            "actor_id": str(owner.pk),
            "actor_label": owner.email,
            "request_id": request_id,
            "client_ip": "10.0.0.9",
        }
        inner = hashlib.sha256(ipad + context.encode()).digest()
        assert mac == hashlib.sha256(opad + inner).hexdigest()
