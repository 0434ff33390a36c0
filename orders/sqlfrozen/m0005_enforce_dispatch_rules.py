"""The SQL orders 0005_enforce_dispatch_rules ran, as it ran: frozen, never edited.

The applied migration reads these names through ``orders.sql`` (its file may
not change: ``migrate`` refuses an applied migration whose file was edited),
and ``orders.sql`` re-exports them from here, so a later rewrite of the live
SQL in ``orders/sql.py`` cannot change what this migration does. The forward
statements equal those recorded for it in ``gatimitra/migration_snapshot.json``
(``tests/orders/test_frozen_sql.py``). Changing what the database does is a
new migration with new SQL.

History: until commit 596d8d0 (2026-11-24) ``orders/sql.py`` gave this
migration a ``dispatch_refusal`` that compared document expiry with the
session's ``current_date``; that commit rewrote the live constant to the India
date and added 0007 (``CREATE OR REPLACE`` with the India date) for databases
that had run the old text. Frozen here is the text the migration snapshot
records, which every database built since then ran; databases built before
ran the session-date text and were brought to the same function by 0007, so
after 0007 every database holds the same SQL.
"""

DISPATCH_RULES = [
    """
CREATE OR REPLACE FUNCTION "orders".dispatch_allowed_vehicles(service varchar)
RETURNS varchar[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE service
        WHEN 'FOOD' THEN ARRAY['BICYCLE', 'EV_SCOOTER', 'MOTORCYCLE']::varchar[]
        WHEN 'PARCEL' THEN ARRAY['BICYCLE', 'EV_SCOOTER', 'MOTORCYCLE']::varchar[]
        WHEN 'RIDE' THEN ARRAY['AUTO_RICKSHAW', 'CAR_HATCHBACK', 'CAR_SEDAN', 'CAR_SUV', 'E_RICKSHAW', 'MOTORCYCLE']::varchar[]
        ELSE ARRAY[]::varchar[]
    END
$$""",
    """
CREATE OR REPLACE FUNCTION "orders".dispatch_required_documents(service varchar, vehicle varchar)
RETURNS TABLE (document_type varchar, of_the_vehicle boolean)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT d.document_type::varchar, d.of_the_vehicle FROM (VALUES
        ('FOOD', 'BICYCLE', 'AADHAAR', false),
        ('FOOD', 'BICYCLE', 'PAN', false),
        ('FOOD', 'EV_SCOOTER', 'AADHAAR', false),
        ('FOOD', 'EV_SCOOTER', 'PAN', false),
        ('FOOD', 'MOTORCYCLE', 'AADHAAR', false),
        ('FOOD', 'MOTORCYCLE', 'DRIVING_LICENCE', false),
        ('FOOD', 'MOTORCYCLE', 'PAN', false),
        ('FOOD', 'MOTORCYCLE', 'VEHICLE_RC', true),
        ('PARCEL', 'BICYCLE', 'AADHAAR', false),
        ('PARCEL', 'BICYCLE', 'PAN', false),
        ('PARCEL', 'EV_SCOOTER', 'AADHAAR', false),
        ('PARCEL', 'EV_SCOOTER', 'PAN', false),
        ('PARCEL', 'MOTORCYCLE', 'AADHAAR', false),
        ('PARCEL', 'MOTORCYCLE', 'DRIVING_LICENCE', false),
        ('PARCEL', 'MOTORCYCLE', 'PAN', false),
        ('PARCEL', 'MOTORCYCLE', 'VEHICLE_RC', true),
        ('RIDE', 'AUTO_RICKSHAW', 'AADHAAR', false),
        ('RIDE', 'AUTO_RICKSHAW', 'DRIVING_LICENCE', false),
        ('RIDE', 'AUTO_RICKSHAW', 'PAN', false),
        ('RIDE', 'AUTO_RICKSHAW', 'PERMIT', true),
        ('RIDE', 'AUTO_RICKSHAW', 'POLICE_VERIFICATION', false),
        ('RIDE', 'AUTO_RICKSHAW', 'VEHICLE_INSURANCE', true),
        ('RIDE', 'AUTO_RICKSHAW', 'VEHICLE_RC', true),
        ('RIDE', 'CAR_HATCHBACK', 'AADHAAR', false),
        ('RIDE', 'CAR_HATCHBACK', 'DRIVING_LICENCE', false),
        ('RIDE', 'CAR_HATCHBACK', 'PAN', false),
        ('RIDE', 'CAR_HATCHBACK', 'PERMIT', true),
        ('RIDE', 'CAR_HATCHBACK', 'POLICE_VERIFICATION', false),
        ('RIDE', 'CAR_HATCHBACK', 'VEHICLE_INSURANCE', true),
        ('RIDE', 'CAR_HATCHBACK', 'VEHICLE_RC', true),
        ('RIDE', 'CAR_SEDAN', 'AADHAAR', false),
        ('RIDE', 'CAR_SEDAN', 'DRIVING_LICENCE', false),
        ('RIDE', 'CAR_SEDAN', 'PAN', false),
        ('RIDE', 'CAR_SEDAN', 'PERMIT', true),
        ('RIDE', 'CAR_SEDAN', 'POLICE_VERIFICATION', false),
        ('RIDE', 'CAR_SEDAN', 'VEHICLE_INSURANCE', true),
        ('RIDE', 'CAR_SEDAN', 'VEHICLE_RC', true),
        ('RIDE', 'CAR_SUV', 'AADHAAR', false),
        ('RIDE', 'CAR_SUV', 'DRIVING_LICENCE', false),
        ('RIDE', 'CAR_SUV', 'PAN', false),
        ('RIDE', 'CAR_SUV', 'PERMIT', true),
        ('RIDE', 'CAR_SUV', 'POLICE_VERIFICATION', false),
        ('RIDE', 'CAR_SUV', 'VEHICLE_INSURANCE', true),
        ('RIDE', 'CAR_SUV', 'VEHICLE_RC', true),
        ('RIDE', 'E_RICKSHAW', 'AADHAAR', false),
        ('RIDE', 'E_RICKSHAW', 'DRIVING_LICENCE', false),
        ('RIDE', 'E_RICKSHAW', 'PAN', false),
        ('RIDE', 'E_RICKSHAW', 'PERMIT', true),
        ('RIDE', 'E_RICKSHAW', 'POLICE_VERIFICATION', false),
        ('RIDE', 'E_RICKSHAW', 'VEHICLE_INSURANCE', true),
        ('RIDE', 'E_RICKSHAW', 'VEHICLE_RC', true),
        ('RIDE', 'MOTORCYCLE', 'AADHAAR', false),
        ('RIDE', 'MOTORCYCLE', 'DRIVING_LICENCE', false),
        ('RIDE', 'MOTORCYCLE', 'PAN', false),
        ('RIDE', 'MOTORCYCLE', 'PERMIT', true),
        ('RIDE', 'MOTORCYCLE', 'POLICE_VERIFICATION', false),
        ('RIDE', 'MOTORCYCLE', 'VEHICLE_INSURANCE', true),
        ('RIDE', 'MOTORCYCLE', 'VEHICLE_RC', true)
    ) AS d (service_type, vehicle_type, document_type, of_the_vehicle)
    WHERE d.service_type = service AND d.vehicle_type = vehicle
$$""",
    r"""
CREATE FUNCTION "orders".dispatch_setting(p_key varchar, p_city_id bigint) RETURNS numeric
LANGUAGE plpgsql STABLE AS $$
DECLARE
    found_value jsonb;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"access_mgmt"."system_settings"'::regclass AND attname = 'city_id' AND attnum > 0 AND NOT attisdropped) THEN
        IF p_city_id IS NOT NULL THEN
            EXECUTE 'SELECT value FROM "access_mgmt"."system_settings" WHERE key = $1 AND effective_from <= statement_timestamp() AND (effective_to IS NULL OR effective_to > statement_timestamp()) AND city_id = $2 ORDER BY effective_from DESC LIMIT 1'
                INTO found_value USING p_key, p_city_id;
        END IF;
        IF found_value IS NULL THEN
            EXECUTE 'SELECT value FROM "access_mgmt"."system_settings" WHERE key = $1 AND effective_from <= statement_timestamp() AND (effective_to IS NULL OR effective_to > statement_timestamp()) AND city_id IS NULL ORDER BY effective_from DESC LIMIT 1'
                INTO found_value USING p_key;
        END IF;
    ELSE
        EXECUTE 'SELECT value FROM "access_mgmt"."system_settings" WHERE key = $1 AND effective_from <= statement_timestamp() AND (effective_to IS NULL OR effective_to > statement_timestamp()) ORDER BY effective_from DESC LIMIT 1'
            INTO found_value USING p_key;
    END IF;
    IF found_value IS NULL OR jsonb_typeof(found_value) = 'null' THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(found_value) = 'number'
            OR (jsonb_typeof(found_value) = 'string' AND found_value #>> '{}' ~ '^[0-9]+(\.[0-9]+)?$') THEN
        RETURN (found_value #>> '{}')::numeric;
    END IF;
    RAISE EXCEPTION 'access_mgmt.system_settings: setting % (city id %) is %, not a number',
        p_key, p_city_id, found_value
        USING ERRCODE = 'invalid_parameter_value';
END
$$""",
    """
CREATE FUNCTION "orders".dispatch_refusal(
    p_rider_id bigint, p_order_id bigint, p_vehicle_id bigint, p_assignment_id bigint,
    p_accepting boolean
) RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
    r record;
    o record;
    v record;
    who text;
    duty varchar;
    cash numeric;
    live_vehicle bigint;
    booked varchar;
    allowed varchar[];
    missing text[];
    is_blocked boolean;
    n_held integer;
    holds_ride boolean;
    cap numeric;
BEGIN
    SELECT id, full_name, status, onboarding_stage, enabled_services INTO r
        FROM "riders"."riders" WHERE id = p_rider_id;
    IF NOT FOUND THEN
        RETURN ARRAY['order_rider_assignments_rider_exists',
                     format('rider id %s does not exist (yet)', p_rider_id)];
    END IF;
    SELECT id, order_number, service_type, city_id, customer_id, payment_method INTO o
        FROM "orders"."orders" WHERE id = p_order_id;
    IF NOT FOUND THEN
        RETURN ARRAY['order_rider_assignments_order_exists',
                     format('order id %s does not exist (yet)', p_order_id)];
    END IF;
    who := format('rider %s (%s) cannot hold order %s', r.id, r.full_name, o.order_number);

    IF r.status <> 'ACTIVE' OR r.onboarding_stage <> 'ACTIVE' THEN
        RETURN ARRAY['order_rider_assignments_rider_active',
            format('%s: the rider''s status is %s and onboarding stage %s; both must be ACTIVE',
                   who, r.status, r.onboarding_stage)];
    END IF;

    IF NOT (o.service_type = ANY (r.enabled_services)) THEN
        RETURN ARRAY['order_rider_assignments_service_enabled',
            format('%s: %s is not among the rider''s enabled services (%s)',
                   who, o.service_type, array_to_string(r.enabled_services, ', '))];
    END IF;

    SELECT duty_status, cash_in_hand, vehicle_id INTO duty, cash, live_vehicle
        FROM "riders"."rider_live_status" WHERE rider_id = p_rider_id;
    IF NOT FOUND THEN
        duty := 'OFFLINE';
        cash := 0;
    END IF;
    IF NOT (duty = 'ONLINE'
            OR (duty = 'ON_ORDER' AND (p_accepting OR o.service_type IN ('FOOD', 'PARCEL')))) THEN
        RETURN ARRAY['order_rider_assignments_rider_on_duty',
            format('%s: the rider is %s; dispatch needs ONLINE%s', who, duty,
                   CASE WHEN o.service_type IN ('FOOD', 'PARCEL')
                        THEN ' (or ON_ORDER, to add it to the batch)' ELSE '' END)];
    END IF;

    allowed := "orders".dispatch_allowed_vehicles(o.service_type);
    IF o.service_type = 'RIDE' THEN
        SELECT vehicle_type INTO booked FROM "orders"."order_ride_details" WHERE order_id = o.id;
        IF booked IS NOT NULL THEN
            allowed := ARRAY(SELECT unnest(allowed) INTERSECT SELECT booked);
        END IF;
    END IF;
    IF p_vehicle_id IS NOT NULL THEN
        SELECT id, rider_id, vehicle_type, is_active, registration_number INTO v
            FROM "riders"."rider_vehicles" WHERE id = p_vehicle_id;
        IF NOT FOUND OR v.rider_id <> p_rider_id THEN
            RETURN ARRAY['order_rider_assignments_vehicle_of_rider',
                format('%s: vehicle id %s is not one of the rider''s', who, p_vehicle_id)];
        END IF;
        IF NOT v.is_active OR NOT (v.vehicle_type = ANY (allowed)) THEN
            RETURN ARRAY['order_rider_assignments_vehicle_allowed',
                format('%s: vehicle %s (%s%s) cannot take a %s order, which needs an active %s',
                       who, coalesce(v.registration_number, v.id::text), v.vehicle_type,
                       CASE WHEN v.is_active THEN '' ELSE ', inactive' END,
                       o.service_type, array_to_string(allowed, ' or '))];
        END IF;
    ELSE
        SELECT id, rider_id, vehicle_type, is_active, registration_number INTO v
            FROM "riders"."rider_vehicles"
            WHERE rider_id = p_rider_id AND is_active AND vehicle_type = ANY (allowed)
            ORDER BY id IS NOT DISTINCT FROM live_vehicle DESC, id
            LIMIT 1;
        IF NOT FOUND THEN
            RETURN ARRAY['order_rider_assignments_vehicle_allowed',
                format('%s: the rider has no active vehicle a %s order allows (%s)',
                       who, o.service_type, array_to_string(allowed, ', '))];
        END IF;
    END IF;

    SELECT array_agg(req.document_type::text ORDER BY req.document_type) INTO missing
        FROM "orders".dispatch_required_documents(o.service_type, v.vehicle_type) AS req
        WHERE NOT EXISTS (
            SELECT 1 FROM "riders"."rider_documents" d
            WHERE d.rider_id = p_rider_id
              AND d.document_type = req.document_type
              AND d.verification_status = 'VERIFIED'
              AND (d.expires_on IS NULL OR d.expires_on >= (now() AT TIME ZONE 'Asia/Kolkata')::date)
              AND (NOT req.of_the_vehicle OR d.vehicle_id = v.id)
        );
    IF missing IS NOT NULL THEN
        RETURN ARRAY['order_rider_assignments_documents_valid',
            format('%s: no VERIFIED, unexpired %s (for a %s order on a %s)',
                   who, array_to_string(missing, ', '), o.service_type, v.vehicle_type)];
    END IF;

    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"customers"."customer_blocked_riders"'::regclass AND attname = 'rider_id' AND attnum > 0 AND NOT attisdropped) THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM "customers"."customer_blocked_riders" WHERE customer_id = $1 '
                'AND rider_id = $2 AND (blocked_until IS NULL OR blocked_until > statement_timestamp()))'
            INTO is_blocked USING o.customer_id, p_rider_id;
        IF is_blocked THEN
            RETURN ARRAY['order_rider_assignments_rider_not_blocked',
                format('%s: customer id %s has blocked this rider (customers.customer_blocked_riders)',
                       who, o.customer_id)];
        END IF;
    END IF;

    IF o.payment_method = 'CASH' THEN
        cap := "orders".dispatch_setting('cod.cash_in_hand_cap', o.city_id);
        IF cap IS NOT NULL AND cash >= cap THEN
            RETURN ARRAY['order_rider_assignments_cod_cap',
                format('%s: the rider holds %s in cash; a CASH order needs less than the city''s cap of %s (setting cod.cash_in_hand_cap)',
                       who, cash, cap)];
        END IF;
    END IF;

    SELECT count(*), coalesce(bool_or(held.service_type = 'RIDE'), false) INTO n_held, holds_ride
        FROM "orders"."order_rider_assignments" a JOIN "orders"."orders" held ON held.id = a.order_id
        WHERE a.rider_id = p_rider_id AND a.status IN ('ACCEPTED', 'ASSIGNED')
          AND a.id IS DISTINCT FROM p_assignment_id;
    IF n_held > 0 AND (o.service_type = 'RIDE' OR holds_ride) THEN
        RETURN ARRAY['order_rider_assignments_rider_capacity',
            format('%s: the rider already holds %s active assignment(s)%s; a RIDE driver holds at most 1',
                   who, n_held, CASE WHEN holds_ride THEN ', a RIDE among them' ELSE '' END)];
    END IF;
    IF o.service_type IN ('FOOD', 'PARCEL') THEN
        cap := coalesce("orders".dispatch_setting('dispatch.max_batch_size', o.city_id),
                        1);
        IF n_held + 1 > cap THEN
            RETURN ARRAY['order_rider_assignments_rider_capacity',
                format('%s: the rider already holds %s active assignment(s); a %s batch holds at most %s (setting dispatch.max_batch_size)',
                       who, n_held, o.service_type, cap)];
        END IF;
    END IF;
    RETURN NULL;
END
$$""",
    """
CREATE FUNCTION "orders".order_rider_assignments_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    refusal text[];
    accepting boolean := false;
BEGIN
    IF NEW.rider_id IS NULL OR NEW.order_id IS NULL THEN
        RETURN NEW;  -- NOT NULL reports it
    END IF;
    IF NEW.status NOT IN ('ACCEPTED', 'ASSIGNED') THEN
        -- A past assignment is not judged against today's rider, but its
        -- vehicle is still one of the rider's.
        IF NEW.vehicle_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM "riders"."rider_vehicles" WHERE id = NEW.vehicle_id AND rider_id = NEW.rider_id
        ) THEN
            RAISE EXCEPTION 'orders.order_rider_assignments: vehicle id % is not one of rider %''s (assignment of order id %)',
                NEW.vehicle_id, NEW.rider_id, NEW.order_id
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'order_rider_assignments_vehicle_of_rider';
        END IF;
        RETURN NEW;
    END IF;
    -- The rider's row lock serialises every write that adds to their load,
    -- so two concurrent assignments cannot both see room for one more.
    PERFORM 1 FROM "riders"."riders" WHERE id = NEW.rider_id FOR NO KEY UPDATE;
    IF TG_OP = 'UPDATE' THEN
        -- The rider accepting (or re-equipping) an assignment they already hold.
        accepting := OLD.status IN ('ACCEPTED', 'ASSIGNED')
            AND OLD.rider_id = NEW.rider_id AND OLD.order_id = NEW.order_id;
    END IF;
    refusal := "orders".dispatch_refusal(
        NEW.rider_id, NEW.order_id, NEW.vehicle_id, NEW.id, accepting
    );
    IF refusal IS NOT NULL THEN
        RAISE EXCEPTION 'orders.order_rider_assignments: %', refusal[2]
            USING ERRCODE = 'check_violation', CONSTRAINT = refusal[1];
    END IF;
    RETURN NEW;
END
$$""",
    """CREATE TRIGGER order_rider_assignments_dispatch BEFORE INSERT ON "orders"."order_rider_assignments" FOR EACH ROW WHEN (NEW.status IN ('ACCEPTED', 'ASSIGNED') OR NEW.vehicle_id IS NOT NULL) EXECUTE FUNCTION "orders".order_rider_assignments_dispatch()""",
    """CREATE TRIGGER order_rider_assignments_dispatch_upd BEFORE UPDATE ON "orders"."order_rider_assignments" FOR EACH ROW WHEN ((NEW.status IN ('ACCEPTED', 'ASSIGNED') AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.rider_id IS DISTINCT FROM NEW.rider_id OR OLD.order_id IS DISTINCT FROM NEW.order_id OR OLD.vehicle_id IS DISTINCT FROM NEW.vehicle_id)) OR (NEW.vehicle_id IS NOT NULL AND (OLD.vehicle_id IS DISTINCT FROM NEW.vehicle_id OR OLD.rider_id IS DISTINCT FROM NEW.rider_id))) EXECUTE FUNCTION "orders".order_rider_assignments_dispatch()""",
]

DROP_DISPATCH_RULES = [
    'DROP TRIGGER order_rider_assignments_dispatch_upd ON "orders"."order_rider_assignments"',
    'DROP TRIGGER order_rider_assignments_dispatch ON "orders"."order_rider_assignments"',
    """DROP FUNCTION "orders".order_rider_assignments_dispatch()""",
    """DROP FUNCTION "orders".dispatch_refusal(bigint, bigint, bigint, bigint, boolean)""",
    """DROP FUNCTION "orders".dispatch_setting(varchar, bigint)""",
    """DROP FUNCTION "orders".dispatch_required_documents(varchar, varchar)""",
    """DROP FUNCTION "orders".dispatch_allowed_vehicles(varchar)""",
]
