"""What error pages and reports may show."""

import re

from django.views.debug import SafeExceptionReporterFilter


class ExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, also hiding DATABASE_URL and any other *_URL or DSN
    setting or environment variable (under runserver the error page lists the
    environment): connection URLs carry passwords."""

    hidden_settings = re.compile(
        r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|_URL$|DSN", flags=re.I
    )


class Refused(Exception):
    """A domain flow (``<app>/services.py``) cannot run; the message names
    the table and row and says that nothing was changed. Shared by every
    domain's services so the admin shows any of them the same way."""
