from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import (
    ConsentPurpose,
    ConsentStatus,
    DataRequestType,
    NotificationStatus,
    TicketStatus,
)
from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerConsent,
    CustomerDataRequest,
    CustomerNotification,
    CustomerNotificationPreference,
)
from gatimitra.enums import NotificationChannel


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
    customer = factory.SubFactory(CustomerFactory)
    channel = NotificationChannel.PUSH
    category = "TRANSACTIONAL"
    status = NotificationStatus.SENT
    template_code = "order_delivered"
    dlt_template_id = factory.LazyAttribute(
        lambda o: "1107161234567890123" if o.channel == NotificationChannel.SMS else None
    )
    provider = "FCM"
    provider_message_id = factory.Sequence(lambda n: f"projects/gatimitra/messages/{n}")
    payload = factory.LazyFunction(lambda: {"order_number": "GM2611240001"})
    sent_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerNotification
