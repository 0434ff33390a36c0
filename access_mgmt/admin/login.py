"""The admin's login form, throttled (access_mgmt/throttle.py)."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError

from access_mgmt.throttle import SignInThrottle, lock_message


def _account(username):
    """The account an identifier names, for the attempt's record (never shown)."""
    User = get_user_model()
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        return None


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    """Django's admin login, with every attempt recorded and locked
    identifiers and IPs refused before the password is checked. A locked
    identifier gets the same message whether or not it matches an account;
    a wrong password and an unknown email get Django's one message."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        throttle = SignInThrottle(self.request, username)
        lockout = throttle.active_lock()
        if lockout is not None:
            throttle.locked()
            raise ValidationError(lock_message(lockout), code="locked")
        self.user_cache = authenticate(self.request, username=username, password=password)
        try:
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        except ValidationError:
            lockout = throttle.failed(self.user_cache or _account(username))
            self.user_cache = None
            if lockout is not None:
                raise ValidationError(lock_message(lockout), code="locked") from None
            raise
        # An admin lockout of the account itself (ADMIN_ACTION, SUSPECTED_FRAUD).
        lockout = throttle.active_lock(self.user_cache)
        if lockout is not None:
            throttle.locked(self.user_cache)
            self.user_cache = None
            raise ValidationError(lock_message(lockout), code="locked")
        throttle.succeeded(self.user_cache)
        return self.cleaned_data


admin.site.login_form = ThrottledAuthenticationForm
