import importlib

from django.db import migrations

_0014 = importlib.import_module("riders.migrations.0014_record_rider_consents_tax_and_welfare")

# MVAG 2025: no vehicle is onboarded for rides more than eight years after its
# initial registration. rider_vehicles_ride_age (riders 0014) checks a vehicle
# when it becomes active; a rider who already has active vehicles and gains
# RIDE later puts them on rides too, so the same rule is checked then, today
# in India, over each active passenger vehicle.
RIDE_ENABLED_VEHICLE_AGE = [
    """
CREATE FUNCTION "riders"."riders_ride_vehicle_age"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v record;
    today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
BEGIN
    SELECT id, registered_on INTO v FROM "riders"."rider_vehicles"
     WHERE rider_id = NEW.id AND is_active
       AND vehicle_type IN ('MOTORCYCLE', 'AUTO_RICKSHAW', 'E_RICKSHAW',
                            'CAR_HATCHBACK', 'CAR_SUV', 'CAR_SEDAN')
       AND (registered_on IS NULL OR registered_on <= today - interval '8 years')
     ORDER BY id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'riders.riders: rider id % cannot enable RIDE: active vehicle id % was first registered on %, more than 8 years before % (MVAG 2025; deactivate it first)',
            NEW.id, v.id, coalesce(v.registered_on::text, 'an unrecorded date'), today
            USING ERRCODE = 'check_violation', CONSTRAINT = 'riders_ride_vehicles_within_8_years';
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER riders_ride_vehicle_age
    BEFORE INSERT OR UPDATE OF enabled_services ON "riders"."riders"
    FOR EACH ROW
    WHEN ('RIDE' = ANY (NEW.enabled_services))
    EXECUTE FUNCTION "riders"."riders_ride_vehicle_age"()
""",
]
DROP_RIDE_ENABLED_VEHICLE_AGE = [
    'DROP TRIGGER riders_ride_vehicle_age ON "riders"."riders"',
    'DROP FUNCTION "riders"."riders_ride_vehicle_age"()',
]

# A city's own welfare-fee rate takes precedence over its state's: an
# accrual on an order of that city at the state's rate, while the city's
# rate is in force, is refused (the rest of the rule is riders 0014's).
CITY_RATE_FIRST = [
    """
CREATE OR REPLACE FUNCTION "riders"."rider_welfare_fee_accruals_applies"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e record;
    r record;
    c record;
    city_rate bigint;
BEGIN
    SELECT id, rider_id, order_id, total INTO e FROM "riders"."rider_order_earnings" WHERE id = NEW.earning_id;
    SELECT id, state_code, city_id, rate_percent, valid_from, valid_to INTO r
      FROM "riders"."welfare_fee_rates" WHERE id = NEW.rate_id;
    SELECT sc.id, sc.state_code INTO c
      FROM "orders"."orders" o JOIN "orders"."service_cities" sc ON sc.id = o.city_id
     WHERE o.id = e.order_id;
    IF e.rider_id <> NEW.rider_id OR e.total <> NEW.base_amount THEN
        RAISE EXCEPTION 'riders.rider_welfare_fee_accruals: accrual on earning id % must name its rider (id %) and its amount (%)',
            e.id, e.rider_id, e.total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_welfare_fee_accruals_of_its_earning';
    END IF;
    IF r.state_code <> c.state_code OR (r.city_id IS NOT NULL AND r.city_id <> c.id)
       OR NEW.accrued_at < r.valid_from OR (r.valid_to IS NOT NULL AND NEW.accrued_at >= r.valid_to)
       OR NEW.rate_percent <> r.rate_percent THEN
        RAISE EXCEPTION 'riders.rider_welfare_fee_accruals: welfare_fee_rates id % (state %, % percent) does not apply to earning id % (order in state %, accrued %, % percent)',
            r.id, r.state_code, r.rate_percent, e.id, c.state_code, NEW.accrued_at, NEW.rate_percent
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_welfare_fee_accruals_rate_applies';
    END IF;
    IF r.city_id IS NULL THEN
        SELECT w.id INTO city_rate FROM "riders"."welfare_fee_rates" w
         WHERE w.city_id = c.id AND w.state_code = c.state_code AND w.valid_from <= NEW.accrued_at
           AND (w.valid_to IS NULL OR NEW.accrued_at < w.valid_to)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'riders.rider_welfare_fee_accruals: earning id % accrues at state % rate id %, but its order''s city id % has its own rate id % in force at %, which takes precedence',
                e.id, r.state_code, r.id, c.id, city_rate, NEW.accrued_at
                USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_welfare_fee_accruals_rate_applies';
        END IF;
    END IF;
    RETURN NEW;
END
$$
""",
]
STATE_RATE_ALLOWED = [
    _0014.WELFARE_ACCRUAL[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
]


class Migration(migrations.Migration):
    """The RIDE vehicle-age rule (MVAG 2025, 8 years from registration) also
    when a rider gains RIDE with vehicles already active; a city's welfare-
    fee rate takes precedence over its state's."""

    dependencies = [
        ("riders", "0016_index_payouts_due"),
    ]

    operations = [
        migrations.RunSQL(RIDE_ENABLED_VEHICLE_AGE, DROP_RIDE_ENABLED_VEHICLE_AGE),
        migrations.RunSQL(CITY_RATE_FIRST, STATE_RATE_ALLOWED),
    ]
