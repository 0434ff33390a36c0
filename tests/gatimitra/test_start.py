"""The README's main job, ``manage.py start``, without serving: the
database migrated, partitioned, seeded from fixtures/ and the small demo
data, and an admin login; run again, it changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from demo.management.commands.start import DEMO_ADMIN_EMAIL
from gatimitra.testing import domain_models


def _row_counts():
    return {model._meta.label: model._default_manager.count() for model in domain_models()}


@pytest.mark.django_db
def test_start_seeds_every_table_and_a_second_start_changes_nothing(capsys):
    call_command("start", no_serve=True)
    counts = _row_counts()
    empty = sorted(label for label, count in counts.items() if not count)
    assert not empty, f"tables left empty by start: {empty}"
    assert get_user_model().objects.filter(email=DEMO_ADMIN_EMAIL, is_superuser=True).exists()
    assert "Admin login" in capsys.readouterr().out

    call_command("start", no_serve=True)
    # Each start's partition upkeep seals the audit trail and records that
    # sealing (audit.verification_runs, itself audited): upkeep, not data.
    upkeep = {"audit.VerificationRun", "audit.SystemAuditLog"}
    again = _row_counts()
    assert {label: n for label, n in again.items() if label not in upkeep} == {
        label: n for label, n in counts.items() if label not in upkeep
    }
