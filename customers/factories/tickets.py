from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import TicketCategory, TicketStatus
from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerNpsResponse,
    CustomerTicket,
    CustomerTicketEvent,
    CustomerTicketMessage,
)
from gatimitra.enums import ActorType, ServiceType


class CustomerTicketFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    category = TicketCategory.ITEM
    sub_category_code = "ITM02"
    channel = "APP_CHAT"
    priority = 3
    status = TicketStatus.OPEN
    subject = "Item missing from my order"
    description = "The raita was not in the bag."
    first_response_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    resolution_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))

    class Meta:
        model = CustomerTicket


class CustomerTicketMessageFactory(DjangoModelFactory):
    ticket = factory.SubFactory(CustomerTicketFactory)
    sender_type = ActorType.CUSTOMER
    body = "Hi, one item was missing from my order."

    class Meta:
        model = CustomerTicketMessage


class CustomerTicketEventFactory(DjangoModelFactory):
    ticket = factory.SubFactory(CustomerTicketFactory)
    event_type = "CREATED"
    to_status = TicketStatus.OPEN
    actor_type = ActorType.CUSTOMER

    class Meta:
        model = CustomerTicketEvent


class CustomerNpsResponseFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    survey_type = "NPS"
    touchpoint = "POST_ORDER"
    service_type = ServiceType.FOOD
    score = 9
    comment = "Quick delivery."

    class Meta:
        model = CustomerNpsResponse
