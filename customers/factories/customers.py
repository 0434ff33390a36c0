import uuid

import factory
from factory.django import DjangoModelFactory

from customers.choices import CustomerStatus
from customers.factories._data import PLACES
from customers.models import (
    Customer,
    CustomerAddress,
    CustomerDevice,
    CustomerPreference,
    CustomerSavedContact,
)
from gatimitra.db.secrets import keyed_hash
from gatimitra.enums import DevicePlatform, FoodType, PaymentMethod


class CustomerFactory(DjangoModelFactory):
    mobile = factory.Sequence(lambda n: f"+9170{n:08d}")
    full_name = factory.Faker("name", locale="en_IN")
    email = factory.Sequence(lambda n: f"customer{n}@example.in")
    status = CustomerStatus.ACTIVE
    preferred_language = "en"
    signup_source = "ANDROID_APP"

    class Meta:
        model = Customer


class CustomerAddressFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    label = "HOME"
    house_number = factory.Sequence(lambda n: f"Flat {100 + n % 900}")
    building_name = factory.Iterator(["Prestige Shantiniketan", "Sobha Dream Acres", "Lodha Aria"])
    street = factory.Faker("street_name", locale="en_IN")
    locality = factory.LazyAttribute(lambda o: o.place["locality"])
    city = factory.LazyAttribute(lambda o: o.place["city"])
    state = factory.LazyAttribute(lambda o: o.place["state"])
    pincode = factory.LazyAttribute(lambda o: o.place["pincode"])
    latitude = factory.LazyAttribute(lambda o: o.place["latitude"])
    longitude = factory.LazyAttribute(lambda o: o.place["longitude"])
    is_default = False

    class Params:
        place = factory.Iterator(PLACES)

    class Meta:
        model = CustomerAddress


class CustomerSavedContactFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    address = factory.SubFactory(
        CustomerAddressFactory, customer=factory.SelfAttribute("..customer")
    )
    role = "RECEIVER"
    name = factory.Faker("name", locale="en_IN")
    mobile = factory.Sequence(lambda n: f"+9181{n:08d}")

    class Meta:
        model = CustomerSavedContact


class CustomerDeviceFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    platform = DevicePlatform.ANDROID
    installation_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    push_token = factory.Faker("sha256")
    fingerprint_hash = factory.LazyFunction(lambda: keyed_hash(uuid.uuid4().hex))
    device_model = factory.Iterator(["Redmi Note 13", "Samsung Galaxy M34", "OnePlus Nord CE 3"])
    os_version = "Android 14"
    app_version = "5.12.0"

    class Meta:
        model = CustomerDevice


class CustomerPreferenceFactory(DjangoModelFactory):
    customer = factory.SubFactory(CustomerFactory)
    dietary_preference = FoodType.VEG
    preferred_payment_method = PaymentMethod.UPI
    accessibility_needs = factory.LazyFunction(list)

    class Meta:
        model = CustomerPreference
