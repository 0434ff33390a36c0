"""SQL for the riders rules that CHECK and UNIQUE cannot express.

One pair of constants (create, drop) per concern, applied by migrations
``0003_add_riders_rules`` and ``0005_enforce_cross_schema_rules`` with
``RunSQL`` (so ``migrate riders zero`` removes them). Functions live in the ``riders`` schema. Django's connections only see
``public``, so every table is schema-qualified. Errors use
``check_violation`` (SQLSTATE 23514), which Django raises as ``IntegrityError``.
"""

from riders.choices import OnboardingStage

# Same transaction ---------------------------------------------------------------

#: ``written_in_current_transaction(xmin)``: was the row whose ``xmin`` this is
#: inserted by the transaction now running (at top level or in a savepoint)?
#:
#: A row's ``xmin`` is the 32-bit id of the (sub)transaction that inserted it.
#: At top level it equals ``pg_current_xact_id()::xid``. Inside a savepoint
#: (every nested ``transaction.atomic()`` in Django) it is the subtransaction's
#: own id, which PostgreSQL assigns after its parent's, so it lies ahead of
#: the top-level id modulo 2^32. We widen it to 64 bits from there and ask
#: ``pg_xact_status``: "in progress" is what it answers for our own live or
#: released subtransactions and for other running transactions, and rows
#: inserted by other running transactions are invisible to us, so a visible row
#: with an in-progress inserter is ours. An ``xmin`` that is not ahead (older
#: rows, frozen rows keep their raw xmin) widens into the future, which
#: ``pg_xact_status`` refuses with SQLSTATE 22023: not ours. Rows of a rolled
#: back savepoint are invisible, so they never count. Works the same on
#: PostgreSQL 13 to 18 (``xid8``, ``pg_current_xact_id`` and ``pg_xact_status``
#: appeared in 13).
WRITTEN_IN_CURRENT_TRANSACTION = """
CREATE FUNCTION "riders"."written_in_current_transaction"(row_xmin xid)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    top bigint := pg_current_xact_id()::text::bigint;
    ahead bigint;
BEGIN
    IF row_xmin = pg_current_xact_id()::xid THEN
        RETURN true;
    END IF;
    ahead := ((row_xmin::text::bigint - top) % 4294967296 + 4294967296) % 4294967296;
    RETURN pg_xact_status((top + ahead)::text::xid8) = 'in progress';
EXCEPTION WHEN invalid_parameter_value THEN
    -- "transaction ID ... is in the future": an older row, not this transaction's.
    RETURN false;
END
$$
"""
DROP_WRITTEN_IN_CURRENT_TRANSACTION = 'DROP FUNCTION "riders"."written_in_current_transaction"(xid)'

# Onboarding order (CATALOG section 8, item 9) -------------------------------------

_STAGES = ", ".join(f"'{stage}'" for stage in OnboardingStage.values)

#: ``riders.onboarding_stage`` only moves forward (MOBILE_VERIFIED -> KYC ->
#: PAYMENT -> APPROVAL -> ACTIVE; skipping ahead is a forward move). A backward
#: move is an admin rollback: it is accepted only when the same transaction
#: has already written a ``rider_status_history`` row for that rider with
#: ``to_stage`` = the new stage and an ``actor`` (``Rider.move_to_stage``
#: does both). Inserting a rider at any stage is allowed (imports, seeds), and
#: rewriting the same stage is no move, so reloading a seed passes.
ONBOARDING_ORDER = f"""
CREATE FUNCTION "riders"."riders_onboarding_order"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    stages CONSTANT text[] := ARRAY[{_STAGES}];
BEGIN
    IF array_position(stages, NEW.onboarding_stage::text)
            >= array_position(stages, OLD.onboarding_stage::text) THEN
        RETURN NEW;
    END IF;
    IF EXISTS (
        SELECT 1 FROM "riders"."rider_status_history" AS history
        WHERE history.rider_id = NEW.id
          AND history.to_stage = NEW.onboarding_stage
          AND history.actor_id IS NOT NULL
          AND "riders"."written_in_current_transaction"(history.xmin)
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'riders.riders: onboarding_stage of rider % cannot move back from % to %',
            NEW.id, OLD.onboarding_stage, NEW.onboarding_stage
        USING ERRCODE = 'check_violation',
              HINT = 'An admin rollback first writes riders.rider_status_history for this rider '
                  || 'with to_stage = ' || NEW.onboarding_stage
                  || ' and an actor, in the same transaction.';
END
$$;
CREATE TRIGGER "riders_onboarding_order"
    BEFORE UPDATE OF "onboarding_stage" ON "riders"."riders"
    FOR EACH ROW WHEN (OLD."onboarding_stage" IS DISTINCT FROM NEW."onboarding_stage")
    EXECUTE FUNCTION "riders"."riders_onboarding_order"();
"""
DROP_ONBOARDING_ORDER = """
DROP TRIGGER "riders_onboarding_order" ON "riders"."riders";
DROP FUNCTION "riders"."riders_onboarding_order"();
"""

# One rider per row ---------------------------------------------------------------

#: Rows that point at two things of a rider (a document and its vehicle, a
#: payout and its bank account, a ledger entry and its payout...) must point
#: at the same rider's. A composite FK would need ``(id, rider_id)`` unique
#: keys on every parent; one generic trigger function reads its pairs
#: (parent table, FK column) from the trigger arguments instead.
SAME_RIDER_FUNCTION = """
CREATE FUNCTION "riders"."same_rider"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    parent_rider bigint;
    parent_id bigint;
    i int := 0;
BEGIN
    WHILE i < TG_NARGS LOOP
        EXECUTE format('SELECT ($1).%I', TG_ARGV[i + 1]) INTO parent_id USING NEW;
        IF parent_id IS NOT NULL THEN
            EXECUTE format('SELECT rider_id FROM "riders".%I WHERE id = $1', TG_ARGV[i])
                INTO parent_rider USING parent_id;
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
$$
"""
DROP_SAME_RIDER_FUNCTION = 'DROP FUNCTION "riders"."same_rider"()'

#: table -> [(parent table, FK column), ...]
SAME_RIDER_LINKS = {
    "rider_documents": [("rider_vehicles", "vehicle_id")],
    "rider_kyc_verifications": [("rider_documents", "document_id")],
    "duty_logs": [("rider_vehicles", "vehicle_id")],
    "rider_live_status": [("rider_vehicles", "vehicle_id")],
    "rider_payouts": [("rider_bank_accounts", "bank_account_id")],
    "wallet_ledger": [
        ("rider_order_earnings", "earning_id"),
        ("rider_payouts", "payout_id"),
        ("rider_cash_deposits", "deposit_id"),
    ],
    "rider_onboarding_payments": [("wallet_ledger", "ledger_entry_id")],
    "rider_incentive_progress": [("wallet_ledger", "ledger_entry_id")],
}


#: Append-only tables only ever INSERT; the others also check UPDATEs that
#: change one of the columns (a WHEN clause, so the rider app's frequent
#: ``rider_live_status`` saves call nothing when the vehicle stays the same).
_INSERT_ONLY = {"wallet_ledger"}


def _same_rider_triggers(table, links):
    columns = ["rider_id"] + [column for _, column in links]
    arguments = ", ".join(f"'{parent}', '{column}'" for parent, column in links)
    execute = f'FOR EACH ROW EXECUTE FUNCTION "riders"."same_rider"({arguments})'
    statements = [
        f'CREATE TRIGGER "{table}_same_rider_insert" BEFORE INSERT ON "riders"."{table}" {execute}'
    ]
    if table not in _INSERT_ONLY:
        changed = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in columns)
        listed = ", ".join(f'"{c}"' for c in columns)
        statements.append(
            f'CREATE TRIGGER "{table}_same_rider_update" '
            f'BEFORE UPDATE OF {listed} ON "riders"."{table}" '
            f"FOR EACH ROW WHEN ({changed}) "
            f'EXECUTE FUNCTION "riders"."same_rider"({arguments})'
        )
    return statements


def _drop_same_rider_triggers(table):
    kinds = ["insert"] if table in _INSERT_ONLY else ["insert", "update"]
    return [f'DROP TRIGGER "{table}_same_rider_{kind}" ON "riders"."{table}"' for kind in kinds]


SAME_RIDER = [SAME_RIDER_FUNCTION] + [
    statement
    for table, links in SAME_RIDER_LINKS.items()
    for statement in _same_rider_triggers(table, links)
]
DROP_SAME_RIDER = [
    statement for table in SAME_RIDER_LINKS for statement in _drop_same_rider_triggers(table)
] + [DROP_SAME_RIDER_FUNCTION]

# Payouts go to verified accounts (CATALOG section 8, item 15) --------------------

#: A payout moves to PROCESSING/PROCESSED only towards a VERIFIED, active
#: account, and UPI mode goes with a UPI VPA account (and only then).
PAYOUT_ACCOUNT = """
CREATE FUNCTION "riders"."rider_payouts_account_check"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account record;
BEGIN
    SELECT verification_status, account_type, is_active INTO account
        FROM "riders"."rider_bank_accounts" WHERE id = NEW.bank_account_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key reports it
    END IF;
    IF NEW.status IN ('PROCESSING', 'PROCESSED')
            AND (account.verification_status <> 'VERIFIED' OR NOT account.is_active) THEN
        RAISE EXCEPTION 'riders.rider_payouts: payout % cannot be % to bank account % (% and %)',
                NEW.id, NEW.status, NEW.bank_account_id, account.verification_status,
                CASE WHEN account.is_active THEN 'active' ELSE 'inactive' END
            USING ERRCODE = 'check_violation',
                  HINT = 'Payouts go only to VERIFIED, active accounts.';
    END IF;
    IF (NEW.mode = 'UPI') <> (account.account_type = 'UPI_VPA') THEN
        RAISE EXCEPTION 'riders.rider_payouts: mode % does not fit % account %',
                NEW.mode, account.account_type, NEW.bank_account_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "rider_payouts_account_check"
    BEFORE INSERT OR UPDATE OF "bank_account_id", "status", "mode" ON "riders"."rider_payouts"
    FOR EACH ROW EXECUTE FUNCTION "riders"."rider_payouts_account_check"();
"""
DROP_PAYOUT_ACCOUNT = """
DROP TRIGGER "rider_payouts_account_check" ON "riders"."rider_payouts";
DROP FUNCTION "riders"."rider_payouts_account_check"();
"""

# Cross-schema rules (migration 0005_enforce_cross_schema_rules) -------------------

#: A zone lies in its city: ``(zone column, city_id)`` references
#: ``orders.service_zones (id, city_id)`` (unique there as
#: ``service_zones_id_city_key``). With MATCH SIMPLE a NULL in either column
#: skips the check; the models' ``..._zone_has_city`` CHECKs make a zone
#: without its city impossible, so every set zone is checked. Unlike a
#: trigger, the key also stops a referenced zone from moving to another city.
#: Deferred like Django's own foreign keys (seeds load in any order).
ZONE_IN_CITY_KEYS = [
    ("riders", "riders_home_zone_in_city_fk", "home_zone_id"),
    ("rider_incentive_schemes", "rider_incentive_schemes_zone_in_city_fk", "zone_id"),
]

ZONE_IN_CITY = [
    f'ALTER TABLE "riders"."{table}" ADD CONSTRAINT "{name}" '
    f'FOREIGN KEY ("{zone}", "city_id") REFERENCES "orders"."service_zones" ("id", "city_id") '
    f"ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED"
    for table, name, zone in ZONE_IN_CITY_KEYS
]
DROP_ZONE_IN_CITY = [
    f'ALTER TABLE "riders"."{table}" DROP CONSTRAINT "{name}"'
    for table, name, _zone in reversed(ZONE_IN_CITY_KEYS)
]

#: An earning pays one assignment of its own order, to the assignment's
#: rider, for the order's service:
#: ``order_rider_assignments.order_id`` = ``order_id``,
#: ``order_rider_assignments.rider_id`` = ``rider_id`` and
#: ``orders.service_type`` = ``service_type``.
#:
#: The assignment row is read through ``to_jsonb`` so that the function
#: does not name ``order_rider_assignments.rider_id``: that column comes with
#: the orders app's own cross-schema migration, which may run before or after
#: this one (neither depends on the other). Until it exists the rider part
#: is skipped; once it does (NOT NULL), every earning is checked.
EARNING_MATCHES_ASSIGNMENT = """
CREATE FUNCTION "riders"."rider_order_earnings_matches_assignment"()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    assignment jsonb;
    assignment_rider bigint;
    order_service text;
BEGIN
    IF NEW.assignment_id IS NULL OR NEW.order_id IS NULL THEN
        RETURN NEW;  -- NOT NULL reports it
    END IF;
    SELECT to_jsonb(a) INTO assignment
        FROM "orders"."order_rider_assignments" AS a WHERE a.id = NEW.assignment_id;
    IF assignment IS NULL THEN
        RETURN NEW;  -- the foreign key reports it
    END IF;
    IF (assignment ->> 'order_id')::bigint IS DISTINCT FROM NEW.order_id THEN
        RAISE EXCEPTION 'riders.rider_order_earnings: assignment % is of order %, not of order %',
                NEW.assignment_id, assignment ->> 'order_id', NEW.order_id
            USING ERRCODE = 'check_violation';
    END IF;
    assignment_rider := (assignment ->> 'rider_id')::bigint;
    IF assignment_rider IS NOT NULL AND assignment_rider <> NEW.rider_id THEN
        RAISE EXCEPTION 'riders.rider_order_earnings: assignment % is rider %''s, not rider %''s',
                NEW.assignment_id, assignment_rider, NEW.rider_id
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT service_type::text INTO order_service
        FROM "orders"."orders" WHERE id = NEW.order_id;
    IF order_service IS DISTINCT FROM NEW.service_type::text AND order_service IS NOT NULL THEN
        RAISE EXCEPTION 'riders.rider_order_earnings: service_type % differs from order %''s %',
                NEW.service_type, NEW.order_id, order_service
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER "rider_order_earnings_matches_assignment"
    BEFORE INSERT OR UPDATE OF "rider_id", "order_id", "assignment_id", "service_type"
    ON "riders"."rider_order_earnings"
    FOR EACH ROW EXECUTE FUNCTION "riders"."rider_order_earnings_matches_assignment"();
"""
DROP_EARNING_MATCHES_ASSIGNMENT = """
DROP TRIGGER "rider_order_earnings_matches_assignment" ON "riders"."rider_order_earnings";
DROP FUNCTION "riders"."rider_order_earnings_matches_assignment"();
"""
