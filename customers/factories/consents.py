from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import (
    ConsentPurpose,
    ConsentStatus,
    DataRequestType,
    GuardianRelationship,
    GuardianVerification,
    NotificationStatus,
    TicketStatus,
)
from customers.factories._links import customer_order, when
from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerConsent,
    CustomerDataRequest,
    CustomerGuardianConsent,
    CustomerNotification,
    CustomerNotificationPreference,
)
from gatimitra.enums import NotificationChannel, OrderStatus


class CustomerConsentFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    purpose = ConsentPurpose.PRIVACY_NOTICE
    status = ConsentStatus.GRANTED
    notice_version = "2025.11"
    notice_language = "en"
    channel = "APP"
    granted_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerConsent


class CustomerDataRequestFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    request_type = DataRequestType.ACCESS
    status = TicketStatus.OPEN
    details = "Please send me a copy of the personal data you hold about me."
    sla_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    class Meta:
        model = CustomerDataRequest


class CustomerNotificationPreferenceFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    channel = NotificationChannel.SMS
    category = "PROMOTIONAL"
    is_opted_in = False

    class Meta:
        model = CustomerNotificationPreference


class CustomerNotificationFactory(DjangoModelFactory):
    """A push telling the customer their FOOD order was delivered (other
    categories than TRANSACTIONAL are about no order)."""

    customer = factory.SubFactory(CustomerFactory)
    channel = NotificationChannel.PUSH
    category = "TRANSACTIONAL"
    status = NotificationStatus.SENT
    order = when(
        lambda o: o.category == "TRANSACTIONAL", customer_order(status=OrderStatus.DELIVERED)
    )
    template_code = "order_delivered"
    dlt_template_id = factory.LazyAttribute(
        lambda o: "1107161234567890123" if o.channel == NotificationChannel.SMS else None
    )
    provider = "FCM"
    provider_message_id = factory.Sequence(lambda n: f"projects/gatimitra/messages/{n}")
    payload = factory.LazyAttribute(
        lambda o: {"order_number": o.order.order_number} if o.order is not None else {}
    )
    sent_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerNotification


class CustomerGuardianConsentFactory(DjangoModelFactory):
    """A parent's consent, verified with a DigiLocker token (DPDP Rules 2025
    r.10). The default customer has no date of birth: give a child's."""

    customer = factory.SubFactory(CustomerFactory)
    status = ConsentStatus.GRANTED
    relationship = GuardianRelationship.PARENT
    verification = GuardianVerification.DIGILOCKER_TOKEN
    verification_reference = factory.Sequence(lambda n: f"dl-token-{n:06d}")
    notice_version = "2025.1"
    granted_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerGuardianConsent
