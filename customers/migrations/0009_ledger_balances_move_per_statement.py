from django.db import migrations

# Frozen here: this migration's SQL stays what it ran.
#
# Until now each ledger row's BEFORE INSERT chain trigger also UPDATEd the
# owner's cached balance: a multi-row INSERT or COPY wrote one new version of
# the owner row per ledger row (and fired the owner's guards and audit capture
# once per ledger row). The chain triggers now only assign and check seq_no and
# balance_after (same checks, same refusals, same messages); one AFTER INSERT
# statement trigger per ledger moves each touched owner's cached figure once,
# to the balance_after of its last row in the statement (and lifetime points by
# the statement's sum). Rows an INSERT ... ON CONFLICT DO NOTHING skipped never
# reach the transition table, so they no longer move the cache.

#: (ledger, owner column, owner table, cached column, minimum balance)
LEDGERS = [
    ("customer_wallet_transactions", "wallet_id", "customer_wallet", "balance", 0),
    ("customer_loyalty_transactions", "loyalty_id", "customer_loyalty", "points_balance", 0),
]


def chain_function(ledger, owner, owner_table, cached, minimum, moves_cache):
    """The BEFORE INSERT chain function; with ``moves_cache`` as it was before
    this migration (for the way back)."""
    cache = (
        f"""
    UPDATE "customers"."{owner_table}" SET "{cached}" = expected
        WHERE "id" = NEW."{owner}";"""
        if moves_cache
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION "customers"."{ledger}_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_balance numeric;
    expected numeric;
BEGIN
    -- One writer per owner at a time: the owner row is the lock.
    PERFORM 1 FROM "customers"."{owner_table}" WHERE "id" = NEW."{owner}" FOR UPDATE;
    SELECT "seq_no", "balance_after" INTO last_seq, last_balance
        FROM "customers"."{ledger}" WHERE "{owner}" = NEW."{owner}"
        ORDER BY "seq_no" DESC LIMIT 1;
    IF NOT FOUND THEN
        last_seq := 0;
        last_balance := 0;
    END IF;
    IF NEW."amount" < 0 THEN
        RAISE EXCEPTION 'customers.{ledger}: amount % is negative; the sign comes from direction',
            NEW."amount" USING ERRCODE = 'check_violation';
    END IF;
    IF NEW."seq_no" IS NULL THEN
        NEW."seq_no" := last_seq + 1;
    ELSIF NEW."seq_no" <> last_seq + 1 THEN
        RAISE EXCEPTION 'customers.{ledger}: seq_no % for {owner} % is not the next one (%)',
            NEW."seq_no", NEW."{owner}", last_seq + 1 USING ERRCODE = 'check_violation';
    END IF;
    expected := last_balance + CASE NEW."direction" WHEN 'CREDIT' THEN NEW."amount"
                                                     ELSE -NEW."amount" END;
    IF NEW."balance_after" IS NULL THEN
        NEW."balance_after" := expected;
    ELSIF NEW."balance_after" <> expected THEN
        RAISE EXCEPTION 'customers.{ledger}: balance_after % for {owner} % should be %',
            NEW."balance_after", NEW."{owner}", expected USING ERRCODE = 'check_violation';
    END IF;
    IF expected < {minimum} THEN
        RAISE EXCEPTION 'customers.{ledger}: balance for {owner} % would be % (below {minimum})',
            NEW."{owner}", expected USING ERRCODE = 'check_violation';
    END IF;{cache}
    RETURN NEW;
END
$$"""


def cache_per_statement(ledger, owner, owner_table, cached):
    return [
        f"""
CREATE FUNCTION "customers"."{ledger}_moves_{cached}"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The chain trigger held each owner's lock and chained its rows in
    -- seq_no order: the owner's figure is its last row's balance_after.
    UPDATE "customers"."{owner_table}" AS owner SET "{cached}" = last."balance_after"
    FROM (SELECT DISTINCT ON ("{owner}") "{owner}", "balance_after"
          FROM ledger_new_rows ORDER BY "{owner}", "seq_no" DESC) AS last
    WHERE owner."id" = last."{owner}" AND owner."{cached}" IS DISTINCT FROM last."balance_after";
    RETURN NULL;
END
$$""",
        f'CREATE TRIGGER "{ledger}_moves_{cached}" AFTER INSERT ON "customers"."{ledger}" '
        "REFERENCING NEW TABLE AS ledger_new_rows FOR EACH STATEMENT "
        f'EXECUTE FUNCTION "customers"."{ledger}_moves_{cached}"()',
    ]


LIFETIME_PER_STATEMENT = [
    """
CREATE FUNCTION "customers"."customer_loyalty_transactions_lifetime"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    moved record;
    points bigint;
    delta bigint;
BEGIN
    -- Row by row the figure was clamped at 0 after each row; folding each
    -- owner's deltas in seq_no order keeps exactly that, with one UPDATE per
    -- owner instead of one per row.
    FOR moved IN
        SELECT loyalty_id, array_agg(d ORDER BY seq_no) AS deltas FROM (
            SELECT loyalty_id, seq_no, CASE
                WHEN txn_type IN ('EARN', 'BONUS') THEN amount
                WHEN txn_type = 'REVERSE' AND direction = 'DEBIT' THEN -amount
                ELSE 0 END AS d
            FROM ledger_new_rows) AS rows
        WHERE d <> 0 GROUP BY loyalty_id ORDER BY loyalty_id
    LOOP
        SELECT lifetime_points INTO points FROM "customers"."customer_loyalty"
            WHERE id = moved.loyalty_id;
        FOREACH delta IN ARRAY moved.deltas LOOP
            points := GREATEST(points + delta, 0);
        END LOOP;
        UPDATE "customers"."customer_loyalty" SET lifetime_points = points
            WHERE id = moved.loyalty_id AND lifetime_points IS DISTINCT FROM points;
    END LOOP;
    RETURN NULL;
END
$$""",
    'DROP TRIGGER "customer_loyalty_transactions_lifetime" ON "customers"."customer_loyalty_transactions"',
    'CREATE TRIGGER "customer_loyalty_transactions_lifetime" AFTER INSERT '
    'ON "customers"."customer_loyalty_transactions" REFERENCING NEW TABLE AS ledger_new_rows '
    'FOR EACH STATEMENT EXECUTE FUNCTION "customers"."customer_loyalty_transactions_lifetime"()',
]

LIFETIME_PER_ROW = [
    """
CREATE OR REPLACE FUNCTION "customers"."customer_loyalty_transactions_lifetime"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    delta bigint := CASE
        WHEN NEW.txn_type IN ('EARN', 'BONUS') THEN NEW.amount
        WHEN NEW.txn_type = 'REVERSE' AND NEW.direction = 'DEBIT' THEN -NEW.amount
        ELSE 0 END;
BEGIN
    IF delta <> 0 THEN
        UPDATE "customers"."customer_loyalty"
            SET lifetime_points = GREATEST(lifetime_points + delta, 0)
            WHERE id = NEW.loyalty_id;
    END IF;
    RETURN NULL;
END
$$""",
    'DROP TRIGGER "customer_loyalty_transactions_lifetime" ON "customers"."customer_loyalty_transactions"',
    'CREATE TRIGGER "customer_loyalty_transactions_lifetime" AFTER INSERT '
    'ON "customers"."customer_loyalty_transactions" FOR EACH ROW '
    'EXECUTE FUNCTION "customers"."customer_loyalty_transactions_lifetime"()',
]

FORWARD = []
BACKWARD = []
for ledger, owner, owner_table, cached, minimum in LEDGERS:
    FORWARD += [
        chain_function(ledger, owner, owner_table, cached, minimum, moves_cache=False),
        *cache_per_statement(ledger, owner, owner_table, cached),
    ]
    BACKWARD += [
        f'DROP TRIGGER "{ledger}_moves_{cached}" ON "customers"."{ledger}"',
        f'DROP FUNCTION "customers"."{ledger}_moves_{cached}"()',
        chain_function(ledger, owner, owner_table, cached, minimum, moves_cache=True),
    ]
# CREATE OR REPLACE cannot turn a row trigger function into a statement one
# while the row trigger exists: drop the trigger first (inside the list).
FORWARD += [
    LIFETIME_PER_STATEMENT[1],
    LIFETIME_PER_STATEMENT[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
    LIFETIME_PER_STATEMENT[2],
]
BACKWARD += LIFETIME_PER_ROW

# Replacing a trigger of an audited table is audited maintenance (audit 0008).
MAINTENANCE = "SELECT audit.begin_maintenance('migration customers 0009 {way}: ledger owners cached figures move per statement')"


class Migration(migrations.Migration):
    """Ledger owners' cached figures (wallet balance, points balance, lifetime
    points) move once per owner per INSERT statement instead of once per
    ledger row; seq_no/balance_after chaining and its refusals are unchanged."""

    dependencies = [
        ("customers", "0008_guard_status_machines"),
        ("audit", "0008_refuse_audit_tampering"),
    ]

    operations = [
        migrations.RunSQL(
            [MAINTENANCE.format(way="forward"), *FORWARD],
            [MAINTENANCE.format(way="backward"), *BACKWARD],
        )
    ]
