"""SQL of customers 0014, frozen as it ran (docs/migrations.md).

Lifetime points moved by one UPDATE per statement: customers 0009's function
ran one UPDATE per loyalty account a statement touched, and each fired the
account's guards and its own audit capture (a bulk load of the loyalty ledger
ran the capture once per account). The reversal puts 0009's function back.
"""

import importlib

_M0009 = importlib.import_module("customers.migrations.0009_ledger_balances_move_per_statement")

LIFETIME_IN_ONE_UPDATE = """
CREATE OR REPLACE FUNCTION "customers"."customer_loyalty_transactions_lifetime"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Row by row the figure was clamped at 0 after each row. Folding an
    -- owner's deltas d1..dn that way from P ends at S + greatest(P, -min(S1..Sn)),
    -- S being their sum and Sk the sum of the first k: the same figure as
    -- 0009's loop, for every owner in one UPDATE. The owners are locked
    -- already, in order, by the chain check that fires before this.
    UPDATE "customers"."customer_loyalty" AS owner
        SET lifetime_points = moved.total + GREATEST(owner.lifetime_points, -moved.lowest)
    FROM (
        SELECT loyalty_id, sum(d)::bigint AS total, min(running)::bigint AS lowest
        FROM (
            SELECT loyalty_id, d,
                   sum(d) OVER (PARTITION BY loyalty_id ORDER BY seq_no
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
            FROM (
                SELECT loyalty_id, seq_no, CASE
                    WHEN txn_type IN ('EARN', 'BONUS') THEN amount
                    WHEN txn_type = 'REVERSE' AND direction = 'DEBIT' THEN -amount
                    ELSE 0 END::bigint AS d
                FROM ledger_new_rows) AS rows
            WHERE d <> 0) AS sums
        GROUP BY loyalty_id
    ) AS moved
    WHERE owner.id = moved.loyalty_id
      AND owner.lifetime_points IS DISTINCT FROM moved.total + GREATEST(owner.lifetime_points, -moved.lowest);
    RETURN NULL;
END
$$"""

#: customers 0009's function, put back by the reversal.
LIFETIME_PER_OWNER = _M0009.LIFETIME_PER_STATEMENT[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
)
