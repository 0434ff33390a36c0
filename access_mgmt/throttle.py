"""Admin sign-in throttling, on the platform's own tables.

Every admin sign-in attempt is a ``LoginAttempt`` row (the identifier typed
as a keyed hash, never the password; result, IP, user agent). After
``GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT`` failures for one identifier, or
``GATIMITRA_LOGIN_MAX_FAILURES_PER_IP`` from one IP, within
``GATIMITRA_LOGIN_WINDOW_SECONDS``, an ``AccountLockout`` (reason
FAILED_ATTEMPTS, expiry ``GATIMITRA_LOGIN_LOCKOUT_SECONDS`` later) stops
sign-ins for that identifier or from that IP: the password is then not even
checked, and the attempt is recorded as LOCKED.

The identifier is locked whether or not it matches an account, and the
login page gives the same answers either way, so it never tells whether an
account exists. Staff release a lockout with the admin action on
Account lockouts (audited: the row's change is in the access audit log with
who released it). A lockout's start and its release each begin a new count.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from access_mgmt.choices import LoginResult, PrincipalType
from audit.context import acting_as
from gatimitra.db.secrets import keyed_hash

REASON = "FAILED_ATTEMPTS"
ACTOR_LABEL = "admin sign-in throttle"


@dataclass(frozen=True)
class Limits:
    per_account: int
    per_ip: int
    window: timedelta
    lockout: timedelta

    @classmethod
    def from_settings(cls):
        return cls(
            per_account=settings.GATIMITRA_LOGIN_MAX_FAILURES_PER_ACCOUNT,
            per_ip=settings.GATIMITRA_LOGIN_MAX_FAILURES_PER_IP,
            window=timedelta(seconds=settings.GATIMITRA_LOGIN_WINDOW_SECONDS),
            lockout=timedelta(seconds=settings.GATIMITRA_LOGIN_LOCKOUT_SECONDS),
        )


def client_ip(request):
    """The peer address (a proxy in front must pass the client's as REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


class SignInThrottle:
    """One sign-in attempt's view of the throttle."""

    def __init__(self, request, identifier):
        from access_mgmt.models import AccountLockout, LoginAttempt

        self.Lockout, self.Attempt = AccountLockout, LoginAttempt
        self.request = request
        self.identifier_hash = keyed_hash(identifier)
        self.ip = client_ip(request)
        self.limits = Limits.from_settings()

    def _active(self, now):
        return self.Lockout.objects.filter(released_at__isnull=True).filter(
            Q(locked_until__isnull=True) | Q(locked_until__gt=now)
        )

    def active_lock(self, user=None):
        """The lockout that stops this attempt, or None."""
        now = timezone.now()
        target = Q(identifier_hash=self.identifier_hash)
        if self.ip:
            target |= Q(ip_address=self.ip)
        if user is not None:
            target |= Q(principal_type=PrincipalType.SYSTEM_USER, principal_id=user.pk)
        return self._active(now).filter(target).order_by("-locked_until").first()

    def record(self, result, user=None):
        self.Attempt.objects.create(
            principal_type=PrincipalType.SYSTEM_USER,
            principal_id=getattr(user, "pk", None),
            identifier_hash=self.identifier_hash,
            method="PASSWORD",
            result=result,
            ip_address=self.ip,
            user_agent=(self.request.headers.get("User-Agent", "") if self.request else "")[:500],
        )

    def _failures_since(self, target_attempts, target_lockouts, now):
        """Failures in the window, after the target's last lockout started or
        was released: each lockout starts a new count."""
        since = now - self.limits.window
        last = target_lockouts.aggregate(locked=Max("locked_at"), released=Max("released_at"))
        since = max(moment for moment in (since, last["locked"], last["released"]) if moment)
        return target_attempts.filter(
            created_at__gt=since, result=LoginResult.BAD_CREDENTIALS
        ).count()

    def failed(self, user=None):
        """Record a failure; lock the identifier or the IP when it is one too
        many. Returns the new lockout, or None."""
        now = timezone.now()
        with acting_as(label=ACTOR_LABEL, client_ip=self.ip):
            self.record(LoginResult.BAD_CREDENTIALS, user)
            failures = self._failures_since(
                self.Attempt.objects.filter(identifier_hash=self.identifier_hash),
                self.Lockout.objects.filter(identifier_hash=self.identifier_hash),
                now,
            )
            if failures >= self.limits.per_account:
                return self._lock(now, failures, identifier_hash=self.identifier_hash, user=user)
            if self.ip:
                failures = self._failures_since(
                    self.Attempt.objects.filter(ip_address=self.ip),
                    self.Lockout.objects.filter(ip_address=self.ip, principal_id__isnull=True),
                    now,
                )
                if failures >= self.limits.per_ip:
                    return self._lock(now, failures, ip_address=self.ip)
        return None

    def _lock(self, now, failures, user=None, **target):
        now = timezone.now()  # after the attempt that locks: the next count starts here
        return self.Lockout.objects.create(
            principal_type=PrincipalType.SYSTEM_USER,
            principal_id=getattr(user, "pk", None),
            reason=REASON,
            failed_attempts=min(failures, 32767),
            locked_at=now,
            locked_until=now + self.limits.lockout,
            note=f"{failures} failed admin sign-ins within {self.limits.window}",
            **target,
        )

    def locked(self, user=None):
        with acting_as(label=ACTOR_LABEL, client_ip=self.ip):
            self.record(LoginResult.LOCKED, user)

    def succeeded(self, user):
        with acting_as(user, client_ip=self.ip):
            self.record(LoginResult.SUCCESS, user)


def lock_message(lockout):
    """What the login page says: the same words for an identifier that
    matches an account and for one that does not."""
    if lockout.locked_until:
        until = timezone.localtime(lockout.locked_until).strftime("%H:%M %Z on %d %b %Y")
        when = f"until {until}"
    else:
        when = "until an administrator releases it"
    what = "from this network address" if lockout.ip_address else "with this email"
    return (
        f"Too many failed sign-in attempts: signing in {what} is locked {when}. "
        "Try again then, or ask an administrator to release the lock."
    )


def release(lockouts, by, note=""):
    """Release active lockouts (the admin action); returns how many."""
    now = timezone.now()
    count = 0
    for lockout in lockouts.filter(released_at__isnull=True):
        lockout.released_at = max(now, lockout.locked_at)
        lockout.released_by = by
        if note:
            lockout.note = f"{lockout.note}\nReleased: {note}".strip()
        lockout.save(update_fields=["released_at", "released_by", "note", "updated_at"])
        count += 1
    return count
