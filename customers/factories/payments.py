import string
import uuid

import factory
from django.utils import timezone
from django.utils.crypto import get_random_string
from factory.django import DjangoModelFactory

from customers.factories.customers import CustomerFactory
from customers.models import CustomerBusinessMember, CustomerBusinessProfile, CustomerPaymentMethod
from gatimitra.db.secrets import keyed_hash
from gatimitra.db.validators import make_gstin
from gatimitra.enums import GstRegistrationType, PaymentMethod, ServiceType


def _letters(n, width=5):
    """``n`` written in capital letters (A=0), ``width`` wide: unique PAN blocks."""
    out = ""
    for _ in range(width):
        n, rest = divmod(n, 26)
        out = string.ascii_uppercase[rest] + out
    return out


class CustomerPaymentMethodFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    method_type = PaymentMethod.UPI
    gateway = "RAZORPAY"
    gateway_token_ref = factory.LazyFunction(
        lambda: "token_" + get_random_string(14, allowed_chars=string.ascii_letters)
    )
    fingerprint_hash = factory.LazyFunction(lambda: keyed_hash(uuid.uuid4().hex))
    masked_display = "ra****@okhdfcbank"
    issuer_name = "HDFC Bank"
    is_default = False

    class Meta:
        model = CustomerPaymentMethod

    class Params:
        card = factory.Trait(
            method_type=PaymentMethod.CREDIT_CARD,
            masked_display="XXXX XXXX XXXX 4242",
            card_network="VISA",
            card_last4="4242",
            card_expiry_month=12,
            card_expiry_year=2030,
        )


class CustomerBusinessProfileFactory(DjangoModelFactory):
    owner_customer = factory.SubFactory(CustomerFactory)
    legal_name = factory.Sequence(lambda n: f"Nimbus Logistics {n} Private Limited")
    gst_registration_type = GstRegistrationType.REGULAR
    pan = factory.Sequence(lambda n: f"{_letters(n)}{n % 10000:04d}F")
    gstin = factory.LazyAttribute(lambda o: make_gstin(o.billing_state_code, o.pan))
    billing_email = factory.Sequence(lambda n: f"accounts{n}@nimbus.example.in")
    billing_address_line = "3rd Floor, 80 Feet Road, Koramangala"
    billing_city = "Bengaluru"
    billing_state = "Karnataka"
    billing_state_code = "29"
    billing_pincode = "560034"
    credit_limit = "50000.00"
    payment_terms_days = 30
    status = "ACTIVE"
    verified_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = CustomerBusinessProfile


class CustomerBusinessMemberFactory(DjangoModelFactory):
    business_profile = factory.SubFactory(CustomerBusinessProfileFactory)
    customer = factory.SubFactory(CustomerFactory)
    role = "EMPLOYEE"
    allowed_services = factory.LazyFunction(lambda: [ServiceType.RIDE, ServiceType.PARCEL])
    per_order_limit = "1500.00"
    monthly_limit = "15000.00"
    cost_centre = "SALES-BLR"

    class Meta:
        model = CustomerBusinessMember
