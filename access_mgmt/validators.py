"""Formats of the access_mgmt identifiers, as regexes for
``CheckConstraint(condition=Q(col__regex=...))`` and as form validators."""

from django.core.validators import RegexValidator

#: Role, team, workflow and policy codes: ``SUPPORT_AGENT``.
UPPER_CODE = r"^[A-Z][A-Z0-9_]{1,63}$"

#: A permission code: ``<app_label>.<codename>`` as Django spells permissions
#: (``riders.view_rider``), where ``*`` is a wildcard: ``riders.*``,
#: ``*.view_*``, ``merchants.*payout*``. See docs/schema/access_mgmt.md.
PERMISSION_CODE = r"^(\*|[a-z][a-z0-9_]*)\.[a-z0-9_*]+$"

#: Where a secret really lives (a KMS key or a vault path); the secret itself
#: (a TOTP seed, a private signing key) is never in the database.
SECRET_REF = r"^(kms|vault)://[A-Za-z0-9/_.:-]{3,240}$"

#: The visible part of an API key (``gm_live_3kD9xQ2a``); the rest is only hashed.
API_KEY_PREFIX = r"^gm_(live|test)_[A-Za-z0-9]{8}$"

#: Public id of an API client (``gmc_`` + 16 lowercase letters/digits).
API_CLIENT_ID = r"^gmc_[a-z0-9]{16}$"

#: Feature flag and system setting keys: ``checkout.cod_limit``.
DOTTED_KEY = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"

#: App versions a targeting rule compares (``5.12.0``).
APP_VERSION = r"^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,4}$"

#: A Django password hash (``<algorithm>$...``), never a plain password.
DJANGO_PASSWORD_HASH = r"^[a-z0-9_]+\$\S{16,}$"

validate_upper_code = RegexValidator(UPPER_CODE, "Use capitals, digits and _ (SUPPORT_AGENT).")
validate_permission_code = RegexValidator(
    PERMISSION_CODE, "Use <app_label>.<codename>, with * as a wildcard (riders.view_*)."
)
validate_secret_ref = RegexValidator(SECRET_REF, "Enter a kms:// or vault:// reference.")
validate_api_key_prefix = RegexValidator(API_KEY_PREFIX, "Enter a prefix like gm_live_3kD9xQ2a.")
validate_api_client_id = RegexValidator(API_CLIENT_ID, "Enter gmc_ and 16 letters or digits.")
validate_dotted_key = RegexValidator(DOTTED_KEY, "Use lowercase words joined by dots.")
validate_app_version = RegexValidator(APP_VERSION, "Enter a version like 5.12.0.")
