"""SQL that riders migration 0005_enforce_cross_schema_rules ran, frozen as it ran.

The migration reads these names from ``riders.sql``, which re-exports them;
a change to what the database does is a new migration with its own module.
"""

ZONE_IN_CITY = [
    'ALTER TABLE "riders"."riders" ADD CONSTRAINT "riders_home_zone_in_city_fk" FOREIGN KEY ("home_zone_id", "city_id") REFERENCES "orders"."service_zones" ("id", "city_id") ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED',
    'ALTER TABLE "riders"."rider_incentive_schemes" ADD CONSTRAINT "rider_incentive_schemes_zone_in_city_fk" FOREIGN KEY ("zone_id", "city_id") REFERENCES "orders"."service_zones" ("id", "city_id") ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED',
]

DROP_ZONE_IN_CITY = [
    'ALTER TABLE "riders"."rider_incentive_schemes" DROP CONSTRAINT "rider_incentive_schemes_zone_in_city_fk"',
    'ALTER TABLE "riders"."riders" DROP CONSTRAINT "riders_home_zone_in_city_fk"',
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
