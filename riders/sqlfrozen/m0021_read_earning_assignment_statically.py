"""The SQL of riders 0021_read_earning_assignment_statically, frozen as
written.

``riders.rider_order_earnings_matches_assignment()`` (0005), the BEFORE
INSERT trigger of every rider earning, read the earning's assignment as
``to_jsonb(a)`` and then its ``order_id`` and ``rider_id`` out of the jsonb:
0005 could not name ``order_rider_assignments.rider_id``, which the orders
app's cross-schema migration (orders 0004) adds and which could run after
riders 0005. Turning the row into jsonb was most of the trigger's time: the
demo order step's 9,240 earnings spent a median 175 ms in it against 100 ms
reading the two columns (benchmarks/README.md "The commit of the order step,
check by check"). riders 0021 depends on orders 0004, so the column always
exists, and the new body reads both columns statically.

Same checks in the same order, same messages and SQLSTATE: a missing
assignment is still left to the foreign key, a NULL ``rider_id`` still
skips the rider check (``IS NOT NULL``), and ``%`` prints a bigint as the
text ``->>`` gave. The reverse puts back 0005's body.
"""

STATIC_EARNING_ASSIGNMENT = """
CREATE OR REPLACE FUNCTION "riders"."rider_order_earnings_matches_assignment"()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    assignment_order bigint;
    assignment_rider bigint;
    order_service text;
BEGIN
    IF NEW.assignment_id IS NULL OR NEW.order_id IS NULL THEN
        RETURN NEW;  -- NOT NULL reports it
    END IF;
    SELECT a.order_id, a.rider_id INTO assignment_order, assignment_rider
        FROM "orders"."order_rider_assignments" AS a WHERE a.id = NEW.assignment_id;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key reports it
    END IF;
    IF assignment_order IS DISTINCT FROM NEW.order_id THEN
        RAISE EXCEPTION 'riders.rider_order_earnings: assignment % is of order %, not of order %',
                NEW.assignment_id, assignment_order, NEW.order_id
            USING ERRCODE = 'check_violation';
    END IF;
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
"""

#: riders 0005's body (``riders.sql.EARNING_MATCHES_ASSIGNMENT``'s function).
JSONB_EARNING_ASSIGNMENT = """
CREATE OR REPLACE FUNCTION "riders"."rider_order_earnings_matches_assignment"()
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
"""
