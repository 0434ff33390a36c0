from datetime import timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.factories.users import SystemUserFactory
from access_mgmt.models import (
    MfaFactor,
    PasswordHistory,
    PasswordResetToken,
    TrustedDevice,
    UserCredential,
)
from gatimitra.db.secrets import keyed_hash
from gatimitra.enums import DevicePlatform


class UserCredentialFactory(DjangoModelFactory):
    user = factory.SubFactory(SystemUserFactory)
    password_changed_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.password_changed_at + timedelta(days=90))

    class Meta:
        model = UserCredential
        django_get_or_create = ("user",)


class PasswordHistoryFactory(DjangoModelFactory):
    user = factory.SubFactory(SystemUserFactory)
    password_hash = factory.Sequence(lambda n: make_password(f"an old password {n}"))

    class Meta:
        model = PasswordHistory


class PasswordResetTokenFactory(DjangoModelFactory):
    user = factory.SubFactory(SystemUserFactory)
    token_hash = factory.Sequence(lambda n: keyed_hash(f"reset-token-{n}"))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(hours=1))
    requested_ip = "203.0.113.10"

    class Meta:
        model = PasswordResetToken


class MfaFactorFactory(DjangoModelFactory):
    """A verified TOTP factor whose seed is in the vault."""

    user = factory.SubFactory(SystemUserFactory)
    factor_type = "TOTP"
    label = "Authenticator app"
    secret_ref = factory.Sequence(lambda n: f"vault://staff-mfa/totp/{n}")
    verified_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = MfaFactor


class TrustedDeviceFactory(DjangoModelFactory):
    user = factory.SubFactory(SystemUserFactory)
    fingerprint_hash = factory.Sequence(lambda n: keyed_hash(f"device-fingerprint-{n}"))
    platform = DevicePlatform.WEB
    device_name = "Chrome on Windows"
    last_ip = "203.0.113.20"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    class Meta:
        model = TrustedDevice
