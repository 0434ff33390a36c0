import factory
from factory.django import DjangoModelFactory

from customers.choices import RatingTargetType
from customers.factories._links import (
    MENU_ITEM_FACTORY,
    RIDER_FACTORY,
    STORE_FACTORY,
    customer_order,
    when,
)
from customers.factories.customers import CustomerFactory
from customers.models import CustomerRating, CustomerRatingTag, CustomerReviewMedia
from gatimitra.enums import ActorType, OrderStatus, VerificationStatus

RIDER_TARGETS = (RatingTargetType.RIDER, RatingTargetType.CUSTOMER)


class CustomerRatingTagFactory(DjangoModelFactory):
    target_type = RatingTargetType.RIDER
    code = factory.Sequence(lambda n: f"polite_{n}")
    label = "Polite"
    sentiment = "POSITIVE"

    class Meta:
        model = CustomerRatingTag
        django_get_or_create = ("target_type", "code")


class CustomerRatingFactory(DjangoModelFactory):
    """A rating of the customer's delivered FOOD order (the order itself by
    default); ``target_type`` picks what is rated and the factory names a
    new store, item or rider to match (the rating rider for CUSTOMER)."""

    customer = factory.SubFactory(CustomerFactory)
    order = customer_order(status=OrderStatus.DELIVERED)
    target_type = RatingTargetType.ORDER
    rated_by_type = factory.LazyAttribute(
        lambda o: (
            ActorType.RIDER if o.target_type == RatingTargetType.CUSTOMER else ActorType.CUSTOMER
        )
    )
    store = when(
        lambda o: o.target_type == RatingTargetType.MERCHANT_STORE,
        factory.SubFactory(STORE_FACTORY),
    )
    menu_item = when(
        lambda o: o.target_type == RatingTargetType.MENU_ITEM,
        factory.SubFactory(MENU_ITEM_FACTORY),
    )
    rider = when(lambda o: o.target_type in RIDER_TARGETS, factory.SubFactory(RIDER_FACTORY))
    stars = 4
    review_text = "Food arrived hot and well packed."
    moderation_status = "APPROVED"

    class Meta:
        model = CustomerRating


class CustomerReviewMediaFactory(DjangoModelFactory):
    rating = factory.SubFactory(CustomerRatingFactory)
    media_type = "IMAGE"
    storage_key = factory.Sequence(lambda n: f"reviews/2026/11/{n:06d}.jpg")
    moderation_status = VerificationStatus.PENDING

    class Meta:
        model = CustomerReviewMedia
