import datetime
import django.db.models.expressions
import gatimitra.db.fields
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

# MVAG 2025 = Motor Vehicle Aggregator Guidelines 2025 (MoRTH, 1 July 2025),
# clause 17 (fares) and the driver's-share and vehicle-age rules; the numbers
# are orders.ride_rules'. Frozen here: this migration's SQL stays what it ran.

# Rows written before the guideline that would fail the new CHECKs: named,
# so that an operator closes those fare versions (and issues compliant ones)
# rather than have the ALTER TABLE fail on an anonymous row.
REPORT_OUT_OF_GUIDELINE_ROWS = """
DO $$
DECLARE
    report text;
BEGIN
    SELECT string_agg(line, '; ') INTO report FROM (
        SELECT format('ride_fare_policies id %s (city %s, %s v%s): base distance %s m under 3 km',
                      id, city_id, vehicle_type, version, base_distance_m) AS line
          FROM "orders"."ride_fare_policies"
         WHERE base_distance_m < 3000
           AND (valid_to IS NULL OR valid_to > '2025-07-01 00:00:00+05:30')
        UNION ALL
        SELECT format('ride_fare_policies id %s: cancellation fee %s over Rs 100', id, cancellation_fee)
          FROM "orders"."ride_fare_policies" WHERE cancellation_fee > 100
        UNION ALL
        SELECT format('surge_pricing_rules id %s: RIDE max multiplier %s over 2', id, max_multiplier)
          FROM "orders"."surge_pricing_rules"
         WHERE service_type = 'RIDE' AND max_multiplier > 2
        UNION ALL
        SELECT format('order_ride_details order_id %s: surge %s over 2', order_id, surge_multiplier)
          FROM "orders"."order_ride_details" WHERE surge_multiplier > 2
    ) lines;
    IF report IS NOT NULL THEN
        RAISE EXCEPTION 'orders: rows outside the Motor Vehicle Aggregator Guidelines 2025: %', report
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ride_fare_policies_mvag_2025',
                  HINT = 'Close those fare policy versions at 2025-07-01 and add compliant versions (or lower the caps), then migrate again.';
    END IF;
END
$$
"""

# A ride's surge stays inside its city's band (the policy it was priced
# with), which itself stays inside 0.5x-2x (MVAG 2025 cl. 17).
SURGE_IN_POLICY_BAND = [
    """
CREATE FUNCTION "orders"."order_ride_details_surge_in_band"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p record;
BEGIN
    SELECT id, surge_floor_multiplier, surge_cap_multiplier INTO p
      FROM "orders"."ride_fare_policies" WHERE id = NEW.fare_policy_id;
    IF FOUND AND (NEW.surge_multiplier < p.surge_floor_multiplier
                  OR NEW.surge_multiplier > p.surge_cap_multiplier) THEN
        RAISE EXCEPTION 'orders.order_ride_details: ride of order id % has surge % outside its fare policy''s band %-% (ride_fare_policies id %, MVAG 2025 cl. 17)',
            NEW.order_id, NEW.surge_multiplier, p.surge_floor_multiplier, p.surge_cap_multiplier, p.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_ride_details_surge_in_policy_band';
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER order_ride_details_surge_in_band
    BEFORE INSERT OR UPDATE OF surge_multiplier, fare_policy_id ON "orders"."order_ride_details"
    FOR EACH ROW EXECUTE FUNCTION "orders"."order_ride_details_surge_in_band"()
""",
]
DROP_SURGE_IN_POLICY_BAND = [
    'DROP TRIGGER order_ride_details_surge_in_band ON "orders"."order_ride_details"',
    'DROP FUNCTION "orders"."order_ride_details_surge_in_band"()',
]

# MVAG 2025 cl. 17: cancelling a ride without a valid reason costs 10% of the
# fare, at most Rs 100. The fare is the finished ride's fare, else its quote,
# else the order's bill.
RIDE_CANCELLATION_FEE = [
    """
CREATE FUNCTION "orders"."order_cancellations_ride_fee_cap"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o record;
    fare numeric;
    cap numeric;
BEGIN
    IF NEW.fee = 0 THEN
        RETURN NEW;
    END IF;
    SELECT id, order_number, service_type, total INTO o FROM "orders"."orders" WHERE id = NEW.order_id;
    IF NOT FOUND OR o.service_type <> 'RIDE' THEN
        RETURN NEW;
    END IF;
    SELECT coalesce(rd.fare_amount, q.estimated_total) INTO fare
      FROM "orders"."order_ride_details" rd
      LEFT JOIN "orders"."order_quotes" q ON q.id = rd.quote_id
     WHERE rd.order_id = o.id;
    fare := coalesce(fare, o.total);
    cap := least(100, round(fare * 0.10, 2));
    IF NEW.fee > cap THEN
        RAISE EXCEPTION 'orders.order_cancellations: ride % is charged a cancellation fee of %, over 10%% of its fare % capped at Rs 100 (limit %, MVAG 2025 cl. 17)',
            o.order_number, NEW.fee, fare, cap
            USING ERRCODE = 'check_violation', CONSTRAINT = 'order_cancellations_ride_fee_cap';
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER order_cancellations_ride_fee_cap
    BEFORE INSERT OR UPDATE OF fee, order_id ON "orders"."order_cancellations"
    FOR EACH ROW EXECUTE FUNCTION "orders"."order_cancellations_ride_fee_cap"()
""",
]
DROP_RIDE_CANCELLATION_FEE = [
    'DROP TRIGGER order_cancellations_ride_fee_cap ON "orders"."order_cancellations"',
    'DROP FUNCTION "orders"."order_cancellations_ride_fee_cap"()',
]


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_guard_status_machines"),
        ("merchants", "0011_parent_status_reaches_stores"),
        ("orders", "0016_read_cross_schema_columns_statically"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(REPORT_OUT_OF_GUIDELINE_ROWS, migrations.RunSQL.noop),
        migrations.RemoveConstraint(
            model_name="orderridedetails",
            name="order_ride_details_surge_range",
        ),
        migrations.AddField(
            model_name="orderridedetails",
            name="driver_share_amount",
            field=gatimitra.db.fields.MoneyField(
                blank=True,
                decimal_places=2,
                help_text="What the driver receives of the fare.",
                max_digits=12,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="orderridedetails",
            name="fare_amount",
            field=gatimitra.db.fields.MoneyField(
                blank=True,
                decimal_places=2,
                help_text="The fare of the finished ride (before GST).",
                max_digits=12,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="orderridedetails",
            name="vehicle_owner",
            field=gatimitra.db.fields.EnumField(
                blank=True,
                choices=[("DRIVER", "The driver"), ("AGGREGATOR", "The aggregator")],
                help_text="Who owns the vehicle; sets the driver's minimum share (MVAG 2025).",
                max_length=32,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="ridefarepolicy",
            name="surge_cap_multiplier",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("2.00"),
                help_text="Highest dynamic-pricing multiplier of the base fare here (at most 2.00).",
                max_digits=4,
            ),
        ),
        migrations.AddField(
            model_name="ridefarepolicy",
            name="surge_floor_multiplier",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0.50"),
                help_text="Lowest dynamic-pricing multiplier of the base fare here (at least 0.50).",
                max_digits=4,
            ),
        ),
        migrations.AlterField(
            model_name="ridefarepolicy",
            name="cancellation_fee",
            field=gatimitra.db.fields.MoneyField(
                decimal_places=2,
                default=Decimal("0.00"),
                help_text="Fee for a cancellation without a valid reason; never more than 10% of the fare nor Rs 100 (MVAG 2025 cl. 17).",
                max_digits=12,
            ),
        ),
        migrations.AddConstraint(
            model_name="orderridedetails",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("surge_multiplier__gte", Decimal("0.50")),
                    ("surge_multiplier__lte", Decimal("2.00")),
                ),
                name="order_ride_details_surge_range",
                violation_error_message="Surge is between 0.50x and 2.00x the base fare (MVAG 2025 cl. 17).",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderridedetails",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("driver_share_amount__isnull", True),
                        ("fare_amount__isnull", True),
                        ("vehicle_owner__isnull", True),
                    ),
                    models.Q(
                        ("driver_share_amount__isnull", False),
                        ("fare_amount__isnull", False),
                        ("vehicle_owner__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="order_ride_details_driver_share_recorded",
                violation_error_message="Record the fare, the driver's share and the vehicle's owner together.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderridedetails",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fare_amount__isnull", True),
                    models.Q(
                        ("driver_share_amount__lte", models.F("fare_amount")),
                        models.Q(
                            models.Q(
                                (
                                    "driver_share_amount__gte",
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("fare_amount"),
                                            "*",
                                            models.Value(Decimal("80.00")),
                                        ),
                                        "/",
                                        models.Value(100),
                                    ),
                                ),
                                ("vehicle_owner", "DRIVER"),
                            ),
                            models.Q(
                                (
                                    "driver_share_amount__gte",
                                    django.db.models.expressions.CombinedExpression(
                                        django.db.models.expressions.CombinedExpression(
                                            models.F("fare_amount"),
                                            "*",
                                            models.Value(Decimal("60.00")),
                                        ),
                                        "/",
                                        models.Value(100),
                                    ),
                                ),
                                ("vehicle_owner", "AGGREGATOR"),
                            ),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="order_ride_details_driver_share_floor",
                violation_error_message="The driver keeps at least 80% of the fare in their own vehicle, 60% in the aggregator's (MVAG 2025).",
            ),
        ),
        migrations.AddConstraint(
            model_name="ridefarepolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("surge_cap_multiplier__gte", 1),
                    ("surge_cap_multiplier__lte", Decimal("2.00")),
                    ("surge_floor_multiplier__gte", Decimal("0.50")),
                    ("surge_floor_multiplier__lte", 1),
                ),
                name="ride_fare_policies_surge_band",
                violation_error_message="Surge is between 0.50x and 2.00x the base fare (MVAG 2025 cl. 17).",
            ),
        ),
        migrations.AddConstraint(
            model_name="ridefarepolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("cancellation_fee__lte", Decimal("100.00"))),
                name="ride_fare_policies_cancellation_fee_cap",
                violation_error_message="A ride cancellation fee is at most Rs 100 (MVAG 2025 cl. 17).",
            ),
        ),
        migrations.AddConstraint(
            model_name="ridefarepolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("base_distance_m__gte", 3000),
                    models.Q(
                        ("valid_to__isnull", False),
                        (
                            "valid_to__lte",
                            datetime.datetime(2025, 6, 30, 18, 30, tzinfo=datetime.UTC),
                        ),
                    ),
                    _connector="OR",
                ),
                name="ride_fare_policies_base_distance_3km",
                violation_error_message="The base fare covers at least 3 km (MVAG 2025 cl. 17, dead mileage).",
            ),
        ),
        migrations.AddConstraint(
            model_name="surgepricingrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("service_type", "RIDE"), _negated=True),
                    ("max_multiplier__lte", Decimal("2.00")),
                    _connector="OR",
                ),
                name="surge_pricing_rules_ride_cap_2x",
                violation_error_message="Ride surge is capped at 2x the base fare (MVAG 2025 cl. 17).",
            ),
        ),
        migrations.RunSQL(SURGE_IN_POLICY_BAND, DROP_SURGE_IN_POLICY_BAND),
        migrations.RunSQL(RIDE_CANCELLATION_FEE, DROP_RIDE_CANCELLATION_FEE),
    ]
