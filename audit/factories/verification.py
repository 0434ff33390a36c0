"""Factory for verification runs: written by the application
(``audit.verification.record``), so a plain INSERT."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from audit import models
from audit.choices import VerificationKind


class VerificationRunFactory(DjangoModelFactory):
    kind = VerificationKind.VERIFY
    started_at = factory.LazyFunction(timezone.now)
    duration_ms = 1200
    run_by = "gm-ops on db-admin-1"
    db_role = "gm_migrator"
    ok = True
    sealed = factory.LazyFunction(lambda: {"order_audit_logs": 12})
    sealed_total = 12

    class Meta:
        model = models.VerificationRun
