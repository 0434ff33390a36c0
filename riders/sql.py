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

# ---------------------------------------------------------------------------
# same_rider without dynamic SQL (riders 0018)
# ---------------------------------------------------------------------------

#: The parent tables the ``same_rider`` triggers name, and the child columns
#: that point at them (the pairs in the triggers' arguments, 0003).
SAME_RIDER_PARENTS = [
    "rider_vehicles",
    "rider_documents",
    "rider_bank_accounts",
    "rider_order_earnings",
    "rider_payouts",
    "rider_cash_deposits",
    "wallet_ledger",
]
SAME_RIDER_COLUMNS = [
    "vehicle_id",
    "document_id",
    "bank_account_id",
    "earning_id",
    "payout_id",
    "deposit_id",
    "ledger_entry_id",
]


def _branches(subject, cases, fallback):
    """``IF subject = case THEN ... ELSIF ... ELSE fallback END IF``: each
    branch is its own statement, so PL/pgSQL plans only the ones a table's
    trigger reaches (``NEW.vehicle_id`` is never planned for a table
    without that column)."""
    lines = []
    for index, (value, statement) in enumerate(cases):
        keyword = "IF" if index == 0 else "ELSIF"
        lines.append(f"        {keyword} {subject} = '{value}' THEN\n            {statement}")
    lines.append(f"        ELSE\n            {fallback}\n        END IF;")
    return "\n".join(lines)


def same_rider_static():
    """``riders.same_rider()`` reading the known columns and parents with
    static statements (planned once per session) instead of two ``EXECUTE``
    per pair, each parsed and planned for every row: 160 us a row, 2% of the
    order step's bulk load (benchmarks/row_triggers.py). Same arguments,
    same checks, same message; a pair it does not know still works through
    the dynamic statements."""
    read_column = _branches(
        "TG_ARGV[i + 1]",
        [(column, f"parent_id := NEW.{column};") for column in SAME_RIDER_COLUMNS],
        "EXECUTE format('SELECT ($1).%I', TG_ARGV[i + 1]) INTO parent_id USING NEW;",
    )
    read_parent = _branches(
        "TG_ARGV[i]",
        [
            (
                table,
                f'SELECT rider_id INTO parent_rider FROM "riders"."{table}" WHERE id = parent_id;',
            )
            for table in SAME_RIDER_PARENTS
        ],
        "EXECUTE format('SELECT rider_id FROM \"riders\".%I WHERE id = $1', TG_ARGV[i])\n"
        "                INTO parent_rider USING parent_id;",
    )
    read_parent = read_parent.replace("\n", "\n    ")
    return f"""
CREATE OR REPLACE FUNCTION "riders"."same_rider"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_rider bigint;
    parent_id bigint;
    i int := 0;
BEGIN
    WHILE i < TG_NARGS LOOP
{read_column}
        IF parent_id IS NOT NULL THEN
    {read_parent}
            IF parent_rider IS DISTINCT FROM NEW.rider_id AND parent_rider IS NOT NULL THEN
                RAISE EXCEPTION 'riders.%: %=% belongs to rider %, not to rider %',
                        TG_TABLE_NAME, TG_ARGV[i + 1], parent_id, parent_rider, NEW.rider_id
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NEW;
END
$$"""
