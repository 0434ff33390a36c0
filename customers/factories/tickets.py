from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from customers.choices import TicketCategory, TicketStatus
from customers.factories._links import customer_order, when
from customers.factories.customers import CustomerFactory
from customers.models import (
    CustomerNpsResponse,
    CustomerTicket,
    CustomerTicketEvent,
    CustomerTicketMessage,
)
from customers.models.tickets import ORDER_ISSUE_CATEGORIES
from gatimitra.enums import ActorType, OrderStatus, ServiceType


class CustomerTicketFactory(DjangoModelFactory):
    """An item-missing ticket about the customer's delivered FOOD order
    (other categories than ORDER, ITEM and FULFILLMENT name no order)."""

    customer = factory.SubFactory(CustomerFactory)
    category = TicketCategory.ITEM
    sub_category_code = "ITM02"
    order = when(
        lambda o: o.category in ORDER_ISSUE_CATEGORIES,
        customer_order(status=OrderStatus.DELIVERED),
    )
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
    """An NPS answer after the customer's delivered FOOD order."""

    customer = factory.SubFactory(CustomerFactory)
    survey_type = "NPS"
    touchpoint = "POST_ORDER"
    order = when(
        lambda o: o.touchpoint == "POST_ORDER", customer_order(status=OrderStatus.DELIVERED)
    )
    service_type = ServiceType.FOOD
    score = 9
    comment = "Quick delivery."

    class Meta:
        model = CustomerNpsResponse
