import factory
from factory.django import DjangoModelFactory

from customers.choices import RatingTargetType
from customers.factories.customers import CustomerFactory
from customers.models import CustomerRating, CustomerRatingTag, CustomerReviewMedia
from gatimitra.enums import ActorType, VerificationStatus


class CustomerRatingTagFactory(DjangoModelFactory):
    target_type = RatingTargetType.RIDER
    code = factory.Sequence(lambda n: f"polite_{n}")
    label = "Polite"
    sentiment = "POSITIVE"

    class Meta:
        model = CustomerRatingTag
        django_get_or_create = ("target_type", "code")


class CustomerRatingFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    target_type = RatingTargetType.ORDER
    rated_by_type = ActorType.CUSTOMER
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
