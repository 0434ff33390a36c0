"""The SQL of orders 0022_keep_personal_data_out_of_dispatch_refusals, frozen
as written (``orders.sql.static_cross_schema_reads()`` renders the same
``dispatch_refusal`` today: ``tests/orders/test_frozen_sql.py``).

``dispatch_refusal`` put the rider's full name and the vehicle's registration
number into its messages, which reach logs, admin forms and API errors; the
house rule is that a refusal names the table and the value, never personal
data. The rider and the vehicle are now named by id. The reverse puts back
the function as orders 0016 left it.
"""

from orders.sqlfrozen.m0016_read_cross_schema_columns_statically import (
    STATIC_CROSS_SCHEMA_READS,
)

DISPATCH_REFUSAL_BY_ID = [
    """
CREATE OR REPLACE FUNCTION "orders".dispatch_refusal(
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
    SELECT id, status, onboarding_stage, enabled_services INTO r
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
    who := format('rider id %s cannot hold order %s', r.id, o.order_number);

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
        SELECT id, rider_id, vehicle_type, is_active INTO v
            FROM "riders"."rider_vehicles" WHERE id = p_vehicle_id;
        IF NOT FOUND OR v.rider_id <> p_rider_id THEN
            RETURN ARRAY['order_rider_assignments_vehicle_of_rider',
                format('%s: vehicle id %s is not one of the rider''s', who, p_vehicle_id)];
        END IF;
        IF NOT v.is_active OR NOT (v.vehicle_type = ANY (allowed)) THEN
            RETURN ARRAY['order_rider_assignments_vehicle_allowed',
                format('%s: vehicle id %s (%s%s) cannot take a %s order, which needs an active %s',
                       who, v.id, v.vehicle_type,
                       CASE WHEN v.is_active THEN '' ELSE ', inactive' END,
                       o.service_type, array_to_string(allowed, ' or '))];
        END IF;
    ELSE
        SELECT id, rider_id, vehicle_type, is_active INTO v
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

    SELECT EXISTS (
        SELECT 1 FROM "customers"."customer_blocked_riders"
        WHERE customer_id = o.customer_id AND rider_id = p_rider_id
          AND (blocked_until IS NULL OR blocked_until > statement_timestamp())
    ) INTO is_blocked;
    IF is_blocked THEN
        RETURN ARRAY['order_rider_assignments_rider_not_blocked',
            format('%s: customer id %s has blocked this rider (customers.customer_blocked_riders)',
                   who, o.customer_id)];
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
]

DISPATCH_REFUSAL_WITH_NAMES = [STATIC_CROSS_SCHEMA_READS[1]]
