"""SQL for the riders rules that CHECK and UNIQUE cannot express.

One pair of constants (create, drop) per concern, applied by migrations
``0003_add_riders_rules`` and ``0005_enforce_cross_schema_rules`` with
``RunSQL`` (so ``migrate riders zero`` removes them). Functions live in the ``riders`` schema. Django's connections only see
``public``, so every table is schema-qualified. Errors use
``check_violation`` (SQLSTATE 23514), which Django raises as ``IntegrityError``.
"""

# SQL of applied migrations, frozen as it ran (sqlfrozen/, docs/migrations.md):
# those migrations read these names from this module, and their files may not change.
from riders.sqlfrozen.m0003_add_riders_rules import (  # noqa: F401
    DROP_ONBOARDING_ORDER,
    DROP_PAYOUT_ACCOUNT,
    DROP_SAME_RIDER,
    DROP_WRITTEN_IN_CURRENT_TRANSACTION,
    ONBOARDING_ORDER,
    PAYOUT_ACCOUNT,
    SAME_RIDER,
    WRITTEN_IN_CURRENT_TRANSACTION,
)
from riders.sqlfrozen.m0005_enforce_cross_schema_rules import (  # noqa: F401
    DROP_EARNING_MATCHES_ASSIGNMENT,
    DROP_ZONE_IN_CITY,
    EARNING_MATCHES_ASSIGNMENT,
    ZONE_IN_CITY,
)
