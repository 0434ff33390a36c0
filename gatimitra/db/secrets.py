"""Secrets and sensitive numbers are stored as keyed hashes plus a masked form.

``keyed_hash`` is HMAC-SHA256 under ``settings.GATIMITRA_HASH_KEY``, never
SECRET_KEY (rotating that must not change every stored hash): equal inputs
give equal digests, so uniqueness and lookup work, while the value itself
is never stored. Full Aadhaar numbers are never stored at all: only
``mask(number)`` and a DigiLocker/OKYC reference.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def keyed_hash(value: str) -> str:
    key = getattr(settings, "GATIMITRA_HASH_KEY", None)
    if not key:
        raise ImproperlyConfigured("GATIMITRA_HASH_KEY is empty: keyed hashes need their own key")
    normalised = "".join(str(value).split()).upper()
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, keep: int = 4) -> str:
    """``XXXXXXXX1234``: everything but the last ``keep`` characters hidden."""
    compact = "".join(str(value).split())
    return "X" * max(len(compact) - keep, 0) + compact[-keep:]
