"""Indian rules on customers (issue 26 part B), each tried with a violating
write: a child's profile needs their parent's verifiable consent (DPDP Act
2023 s.9, DPDP Rules 2025 r.10), and the provider columns are vocabularies."""

import datetime
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.choices import (
    AttributionProvider,
    ConsentStatus,
    CustomerStatus,
    GuardianRelationship,
    GuardianVerification,
    NotificationProvider,
)
from customers.factories import CustomerFactory
from customers.factories.consents import CustomerNotificationFactory
from customers.factories.metrics import CustomerAcquisitionAttributionFactory
from customers.models import (
    CustomerAcquisitionAttribution,
    CustomerGuardianConsent,
    CustomerNotification,
)
from merchants.factories.parents import MerchantOnboardingApplicationFactory
from merchants.models import MerchantOnboardingApplication

pytestmark = pytest.mark.django_db


@contextmanager
def refused(constraint, *fragments):
    """Refused by the database rule ``constraint`` (named on the error, SQLSTATE
    23514), with every one of ``fragments`` in the message."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield caught
    diag = caught.value.__cause__.diag
    assert diag.constraint_name == constraint, str(caught.value)
    assert diag.sqlstate == "23514", diag.sqlstate
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)


def _born(years_ago, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years_ago, day=1) - datetime.timedelta(days=days)


def _commit_checks():
    """Run the checks deferred to commit now, as a commit would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _guardian_consent(child, status=ConsentStatus.GRANTED, **extra):
    now = timezone.now()
    values = {
        "customer": child,
        "status": status,
        "relationship": GuardianRelationship.PARENT,
        "verification": GuardianVerification.DIGILOCKER_TOKEN,
        "verification_reference": "dl-token-7f3a",
        "notice_version": "2025.1",
        "granted_at": now if status == ConsentStatus.GRANTED else None,
        "withdrawn_at": now if status == ConsentStatus.WITHDRAWN else None,
    }
    values.update(extra)
    return CustomerGuardianConsent.objects.create(**values)


def test_a_child_needs_a_guardians_consent():
    with refused("customers_minor_has_guardian_consent", "DPDP Act 2023 s.9"):
        CustomerFactory(date_of_birth=_born(16))
        _commit_checks()


def test_a_child_with_a_guardians_consent_may_use_the_app():
    child = CustomerFactory(date_of_birth=_born(16))
    _guardian_consent(child)
    _commit_checks()
    # Withdrawn: the profile may not stay active.
    with refused("customers_minor_has_guardian_consent", "latest: WITHDRAWN"):
        _guardian_consent(child, ConsentStatus.WITHDRAWN)
        _commit_checks()


def test_an_adult_or_a_closed_profile_needs_none():
    CustomerFactory(date_of_birth=_born(18, days=1))
    CustomerFactory(date_of_birth=_born(16), status=CustomerStatus.BLOCKED)
    _commit_checks()


def test_the_guardian_is_a_verified_adult():
    child = CustomerFactory(date_of_birth=_born(15))
    sibling = CustomerFactory(date_of_birth=_born(17))
    parent = CustomerFactory(date_of_birth=_born(44))
    with refused("customer_guardian_consents_guardian_adult"):
        _guardian_consent(
            child,
            verification=GuardianVerification.EXISTING_ADULT_USER,
            verification_reference="",
            guardian_customer=sibling,
        )
    with refused("customer_guardian_consents_verified"):
        _guardian_consent(child, verification_reference="")
    _guardian_consent(
        child,
        verification=GuardianVerification.EXISTING_ADULT_USER,
        verification_reference="",
        guardian_customer=parent,
    )
    _guardian_consent(sibling)
    _commit_checks()
    assert child.guardian_consents.get().guardian_customer == parent


def test_guardian_consents_are_append_only():
    child = CustomerFactory(date_of_birth=_born(16))
    consent = _guardian_consent(child)
    with (
        pytest.raises(Exception, match=r"append-only|customer_guardian_consents"),
        transaction.atomic(),
    ):
        CustomerGuardianConsent.objects.filter(pk=consent.pk).update(status="WITHDRAWN")


# Vocabularies ----------------------------------------------------------------------------


def test_notification_providers_are_a_vocabulary():
    note = CustomerNotificationFactory(provider=NotificationProvider.GUPSHUP)
    rows = CustomerNotification.objects.filter(pk=note.pk)
    with refused("customer_notifications_provider_check"):
        rows.update(provider="Gupshup Inc")
    with refused("customer_notifications_message_has_provider"):
        rows.update(provider=None)


def test_attribution_providers_are_a_vocabulary():
    row = CustomerAcquisitionAttributionFactory(attribution_provider=AttributionProvider.BRANCH)
    rows = CustomerAcquisitionAttribution.objects.filter(pk=row.pk)
    with refused("customer_acquisition_attribution_attribution_provider_check"):
        rows.update(attribution_provider="AppsFlyer")
    rows.update(attribution_provider=None)


def test_lead_sources_are_a_vocabulary():
    application = MerchantOnboardingApplicationFactory(lead_source="WEBSITE")
    with refused("merchant_onboarding_applications_lead_source_check"):
        MerchantOnboardingApplication.objects.filter(pk=application.pk).update(
            lead_source="Field sales"
        )
