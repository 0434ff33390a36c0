"""Trigger SQL for the access_mgmt invariants that a CHECK cannot express.

One constant pair (create, drop) per concern, applied by migration 0003 with
``RunSQL``. Functions live in the ``access_mgmt`` schema; tables are always
schema-qualified (Django's connections only search ``public``). Errors use
SQLSTATE ``check_violation`` (23514), which Django raises as IntegrityError.
"""

# SQL of applied migrations, frozen as it ran (sqlfrozen/, docs/migrations.md):
# those migrations read these names from this module, and their files may not change.
from access_mgmt.sqlfrozen.m0003_add_access_rules import (  # noqa: F401
    APPROVAL_MAKER_CHECKER,
    DROP_APPROVAL_MAKER_CHECKER,
    DROP_REVOKE_SESSIONS,
    DROP_ROLE_HIERARCHY_ACYCLIC,
    REVOKE_SESSIONS,
    ROLE_HIERARCHY_ACYCLIC,
)
from access_mgmt.sqlfrozen.m0004_add_cross_schema_references import (  # noqa: F401
    DROP_SETTING_VALUE,
    SETTING_VALUE,
)

# -- role_hierarchy stays acyclic (CATALOG section 8, item 17) ----------------
#
# A new or changed edge parent -> child closes a cycle exactly when parent is
# already reachable from child. Writers take a transaction-level advisory
# lock first, so two concurrent edges (A -> B and B -> A) cannot each pass the
# check without seeing the other: the second waits, and its query (a fresh
# snapshot under READ COMMITTED) sees the first edge once it commits.


# -- maker-checker (CATALOG section 8, item 17) -------------------------------
#
# Nobody acts on their own approval request, and an action belongs to a step
# of the request's own workflow. The requester and workflow of a request are
# fixed once it exists, so the check cannot be side-stepped afterwards.


# -- sessions end with role removal and password reset (section 8, item 17) ---
#
# Revoking (or deleting) a role assignment and using a password-reset token
# revoke the staff user's live sessions and their refresh tokens, in the same
# transaction. clock_timestamp(), not now(): the moment of revocation, not the
# start of a long transaction.


# -- the value of a setting in effect (system_settings) -----------------------
#
# For SQL readers (triggers of other domains): the version of ``setting_key``
# in effect at ``at``, the city's own before the platform-wide one; NULL when
# neither exists. EXCLUDE system_settings_no_overlapping_versions makes each
# candidate unique. Windows are [effective_from, effective_to).
# SystemSetting.objects.current() is the same rule in Python.

SYSTEM_SETTINGS = '"access_mgmt"."system_settings"'
