from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from access_mgmt.choices import LoginResult, OtpPurpose, PrincipalType
from access_mgmt.factories.users import SystemUserFactory
from access_mgmt.models import (
    AccountLockout,
    AuthSession,
    BlockedIdentifier,
    ImpersonationSession,
    JwtSigningKey,
    LoginAttempt,
    OtpRequest,
    RefreshToken,
)
from access_mgmt.models.sessions import OTP_MAX_TTL
from gatimitra.db.secrets import keyed_hash, mask
from gatimitra.enums import DevicePlatform, NotificationChannel

PUBLIC_KEY_PEM = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEx1kSZ3Qz3y0H9z1rWb1Qm0b5mYpK\n"
    "q9Xk8n3a1W0o9cJ2QeY7v1eQG5y5e8i3K2vL8QnQe6n2x2D3e4f5g6h7i8j9k0==\n"
    "-----END PUBLIC KEY-----\n"
)


class AuthSessionFactory(DjangoModelFactory):
    """A live web session of a staff user."""

    principal_type = PrincipalType.SYSTEM_USER
    principal_id = factory.Sequence(lambda n: n + 1)
    token_hash = factory.Sequence(lambda n: keyed_hash(f"session-token-{n}"))
    device_platform = DevicePlatform.WEB
    ip_address = "203.0.113.30"
    user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=12))

    class Meta:
        model = AuthSession


class RefreshTokenFactory(DjangoModelFactory):
    session = factory.SubFactory(AuthSessionFactory)
    token_hash = factory.Sequence(lambda n: keyed_hash(f"refresh-token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    class Meta:
        model = RefreshToken


class JwtSigningKeyFactory(DjangoModelFactory):
    kid = factory.Sequence(lambda n: f"gm-es256-{n:04d}")
    algorithm = "ES256"
    public_key = PUBLIC_KEY_PEM
    private_key_ref = factory.LazyAttribute(lambda o: f"kms://jwt-signing/{o.kid}")
    activates_at = factory.LazyFunction(timezone.now)
    retires_at = factory.LazyAttribute(lambda o: o.activates_at + timedelta(days=90))

    class Meta:
        model = JwtSigningKey
        django_get_or_create = ("kid",)


class OtpRequestFactory(DjangoModelFactory):
    """A login OTP sent by SMS to a customer, valid for the full 5 minutes."""

    principal_type = PrincipalType.CUSTOMER
    principal_id = factory.Sequence(lambda n: n + 1)
    destination_hash = factory.LazyAttribute(lambda o: keyed_hash(o.mobile))
    destination_masked = factory.LazyAttribute(lambda o: mask(o.mobile))
    purpose = OtpPurpose.LOGIN
    channel = NotificationChannel.SMS
    code_hash = factory.Sequence(lambda n: keyed_hash(f"{n % 1_000_000:06d}"))
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + OTP_MAX_TTL)

    class Meta:
        model = OtpRequest

    class Params:
        mobile = factory.Sequence(lambda n: f"+9197{n:08d}")


class LoginAttemptFactory(DjangoModelFactory):
    principal_type = PrincipalType.SYSTEM_USER
    principal_id = factory.Sequence(lambda n: n + 1)
    identifier_hash = factory.Sequence(lambda n: keyed_hash(f"staff{n}@gatimitra.test"))
    method = "PASSWORD"
    result = LoginResult.SUCCESS
    ip_address = "203.0.113.40"
    risk_score = 5

    class Meta:
        model = LoginAttempt


class AccountLockoutFactory(DjangoModelFactory):
    principal_type = PrincipalType.CUSTOMER
    principal_id = factory.Sequence(lambda n: n + 1)
    identifier_hash = factory.Sequence(lambda n: keyed_hash(f"locked{n}@example.in"))
    reason = "FAILED_ATTEMPTS"
    failed_attempts = 5
    locked_at = factory.LazyFunction(timezone.now)
    locked_until = factory.LazyAttribute(lambda o: o.locked_at + timedelta(minutes=30))

    class Meta:
        model = AccountLockout


class ImpersonationSessionFactory(DjangoModelFactory):
    user = factory.SubFactory(SystemUserFactory)
    target_type = PrincipalType.CUSTOMER
    target_id = factory.Sequence(lambda n: n + 1)
    reason = factory.Sequence(lambda n: f"Reproduce checkout issue in ticket TKT-{n:06d}")
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(minutes=30))

    class Meta:
        model = ImpersonationSession


class BlockedIdentifierFactory(DjangoModelFactory):
    kind = "MOBILE"
    identifier_hash = factory.LazyAttribute(lambda o: keyed_hash(o.value))
    identifier_masked = factory.LazyAttribute(lambda o: mask(o.value))
    reason = "Repeated chargebacks"
    created_by = factory.SubFactory(SystemUserFactory)

    class Meta:
        model = BlockedIdentifier

    class Params:
        value = factory.Sequence(lambda n: f"+9196{n:08d}")
