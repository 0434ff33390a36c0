"""Database-enforced rules of the merchants domain that a CHECK, UNIQUE or
EXCLUDE constraint cannot express: one pair of (create, drop) statement
lists per concern, applied with ``RunSQL`` by the migrations
``0003_add_merchant_rules`` (rules within the schema) and
``0005_enforce_zone_in_store_city`` (the rule that reads ``orders`` zones).

Every function lives in the ``merchants`` schema and names every table it
reads schema-qualified (Django's connections only see ``public``). Errors use
SQLSTATE ``check_violation`` so Django raises ``IntegrityError``, and their
messages start with the table they protect.

"Today" is the date in India (``Asia/Kolkata``), whatever the session's time
zone (Django sets UTC): a licence valid until 31 March is valid all of that
Indian day.
"""

# SQL of applied migrations, frozen as it ran (sqlfrozen/, docs/migrations.md):
# those migrations read these names from this module, and their files may not change.
from merchants.sqlfrozen.m0003_add_merchant_rules import (  # noqa: F401
    DROP_GO_LIVE_GATE,
    DROP_GSTIN_MATCHES_PAN,
    DROP_MENU_CONSISTENCY,
    DROP_PAUSE_EXPIRED_FSSAI_STORES,
    DROP_PAYOUT_ADJUSTMENTS,
    DROP_PAYOUT_VERIFIED_ACCOUNT,
    DROP_STORE_GST_REGISTRATION,
    GO_LIVE_GATE,
    GSTIN_MATCHES_PAN,
    MENU_CONSISTENCY,
    PAUSE_EXPIRED_FSSAI_STORES,
    PAYOUT_ADJUSTMENTS,
    PAYOUT_VERIFIED_ACCOUNT,
    STORE_GST_REGISTRATION,
)
from merchants.sqlfrozen.m0005_enforce_zone_in_store_city import (  # noqa: F401
    DROP_ZONE_IN_STORE_CITY,
    ZONE_IN_STORE_CITY,
)
from merchants.sqlfrozen.m0006_enforce_order_of_payout_store import (  # noqa: F401
    DROP_ORDER_OF_PAYOUT_STORE,
    ORDER_OF_PAYOUT_STORE,
)


# Menus hang together: one store, one menu, no cycles ------------------------------------


# Targeted zones lie in the city of the store's zone (cross-schema, checked at commit) ----
