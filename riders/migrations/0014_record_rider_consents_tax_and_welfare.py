import django.contrib.postgres.constraints
import django.contrib.postgres.fields.ranges
import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
import django.db.models.functions.datetime
import django.utils.timezone
import gatimitra.db.expressions
import gatimitra.db.fields
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

from gatimitra.db import vocabulary
from gatimitra.db.operations import AppendOnly, RefuseTruncate, StatusMachine

# Frozen here: this migration's SQL stays what it ran.
KYC = '"riders"."rider_kyc_verifications"'
TRAININGS = '"riders"."rider_trainings"'
KYC_VENDORS = [
    "DIGILOCKER",
    "UIDAI",
    "NSDL",
    "VAHAN",
    "SARATHI",
    "SIGNZY",
    "HYPERVERGE",
    "IDFY",
    "KARZA",
    "RAZORPAY",
    "CASHFREE",
    "STATE_POLICE",
    "EMPANELLED_DOCTOR",
]
TRAINING_MODULES = [
    "FOOD_INDUCTION_V3",
    "PARCEL_INDUCTION_V3",
    "RIDE_INDUCTION_V3",
    "FOOD_HYGIENE_101",
    "PARCEL_HANDLING",
    "ROAD_SAFETY",
    "PASSENGER_SAFETY",
    "FIRST_AID",
]
# Spellings as written so far (the demo's "DigiLocker", "Signzy", a
# factory's "FOOD-HYGIENE-101"): upper case, runs of other characters as _.
VENDORS_ON_VOCABULARY = [
    *vocabulary.normalise_spelling(KYC, "vendor", KYC_VENDORS),
    *vocabulary.normalise(KYC, "vendor", {"PROTEAN": "NSDL", "ID_FY": "IDFY"}),
    vocabulary.refuse_unknown(KYC, "vendor", KYC_VENDORS, label="KycVendor"),
]
MODULES_ON_VOCABULARY = [
    *vocabulary.normalise_spelling(TRAININGS, "module_code", TRAINING_MODULES),
    vocabulary.refuse_unknown(TRAININGS, "module_code", TRAINING_MODULES, label="TrainingModule"),
]

# MVAG 2025: no vehicle is onboarded for rides more than eight years after
# its initial registration. Checked when a vehicle of a RIDE rider becomes
# active (inserted active: at its created_at; re-activated: now).
VEHICLE_AGE = [
    """
CREATE FUNCTION "riders"."rider_vehicles_ride_age"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    activated timestamptz;
BEGIN
    IF NOT NEW.is_active
       OR NEW.vehicle_type NOT IN ('MOTORCYCLE', 'AUTO_RICKSHAW', 'E_RICKSHAW',
                                   'CAR_HATCHBACK', 'CAR_SEDAN', 'CAR_SUV')
       OR (TG_OP = 'UPDATE' AND OLD.is_active AND OLD.registered_on IS NOT DISTINCT FROM NEW.registered_on
           AND OLD.vehicle_type = NEW.vehicle_type)
       OR NOT EXISTS (SELECT 1 FROM "riders"."riders"
                       WHERE id = NEW.rider_id AND 'RIDE' = ANY (enabled_services)) THEN
        RETURN NEW;
    END IF;
    activated := CASE WHEN TG_OP = 'INSERT' THEN coalesce(NEW.created_at, now()) ELSE now() END;
    IF NEW.registered_on IS NULL THEN
        RAISE EXCEPTION 'riders.rider_vehicles: vehicle id % of rider id % is activated for rides without its date of initial registration (MVAG 2025: at most 8 years old)',
            NEW.id, NEW.rider_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_vehicles_ride_age_8_years';
    END IF;
    IF NEW.registered_on <= (activated AT TIME ZONE 'Asia/Kolkata')::date - interval '8 years' THEN
        RAISE EXCEPTION 'riders.rider_vehicles: vehicle id % of rider id % was first registered on %, more than 8 years before its activation on % (MVAG 2025)',
            NEW.id, NEW.rider_id, NEW.registered_on, (activated AT TIME ZONE 'Asia/Kolkata')::date
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_vehicles_ride_age_8_years';
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER rider_vehicles_ride_age
    BEFORE INSERT OR UPDATE OF is_active, registered_on, vehicle_type ON "riders"."rider_vehicles"
    FOR EACH ROW EXECUTE FUNCTION "riders"."rider_vehicles_ride_age"()
""",
]
DROP_VEHICLE_AGE = [
    'DROP TRIGGER rider_vehicles_ride_age ON "riders"."rider_vehicles"',
    'DROP FUNCTION "riders"."rider_vehicles_ride_age"()',
]

# DPDP Act 2023 s.6 (and Aadhaar Act 2016 s.8(2)(a) for authentication): an
# Aadhaar offline e-KYC or DigiLocker check runs only under the rider's
# consent for it, the latest decision for that purpose being GRANTED.
KYC_NEEDS_CONSENT = [
    """
CREATE FUNCTION "riders"."rider_kyc_verifications_consented"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    latest text;
BEGIN
    IF NEW.check_type NOT IN ('AADHAAR_OKYC', 'DIGILOCKER') THEN
        RETURN NEW;
    END IF;
    SELECT status INTO latest FROM "riders"."rider_consents"
     WHERE rider_id = NEW.rider_id AND purpose = NEW.check_type
     ORDER BY id DESC LIMIT 1;
    IF latest IS DISTINCT FROM 'GRANTED' THEN
        RAISE EXCEPTION 'riders.rider_kyc_verifications: % check for rider id % without the rider''s consent for it (latest consent: %; DPDP Act 2023 s.6)',
            NEW.check_type, NEW.rider_id, coalesce(latest, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'rider_kyc_verifications_consented';
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER rider_kyc_verifications_consented
    BEFORE INSERT OR UPDATE OF check_type, rider_id ON "riders"."rider_kyc_verifications"
    FOR EACH ROW EXECUTE FUNCTION "riders"."rider_kyc_verifications_consented"()
""",
]
DROP_KYC_NEEDS_CONSENT = [
    'DROP TRIGGER rider_kyc_verifications_consented ON "riders"."rider_kyc_verifications"',
    'DROP FUNCTION "riders"."rider_kyc_verifications_consented"()',
]

# A welfare-fee accrual is of its earning (rider and amount) at the rate in
# force, when it was earned, in the state (or city) of the order.
WELFARE_ACCRUAL = [
    """
CREATE FUNCTION "riders"."rider_welfare_fee_accruals_applies"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e record;
    r record;
    c record;
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
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER rider_welfare_fee_accruals_applies
    BEFORE INSERT OR UPDATE ON "riders"."rider_welfare_fee_accruals"
    FOR EACH ROW EXECUTE FUNCTION "riders"."rider_welfare_fee_accruals_applies"()
""",
]
DROP_WELFARE_ACCRUAL = [
    'DROP TRIGGER rider_welfare_fee_accruals_applies ON "riders"."rider_welfare_fee_accruals"',
    'DROP FUNCTION "riders"."rider_welfare_fee_accruals_applies"()',
]


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0018_check_order_vocabularies_and_ondc_ids"),
        ("riders", "0013_cash_in_hand_moves_per_statement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RiderConsent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        default=django.utils.timezone.now,
                        editable=False,
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        auto_now=True, db_default=django.db.models.functions.datetime.Now()
                    ),
                ),
                (
                    "purpose",
                    gatimitra.db.fields.EnumField(
                        choices=[
                            ("AADHAAR_OKYC", "Aadhaar offline e-KYC"),
                            ("DIGILOCKER", "DigiLocker documents"),
                            ("BACKGROUND_VERIFICATION", "Background and police verification"),
                            ("LOCATION_TRACKING", "Location while on duty"),
                            ("MARKETING", "Offers and referral messages"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "status",
                    gatimitra.db.fields.EnumField(
                        choices=[
                            ("GRANTED", "Granted"),
                            ("WITHDRAWN", "Withdrawn"),
                            ("EXPIRED", "Expired"),
                        ],
                        max_length=32,
                    ),
                ),
                ("notice_version", models.CharField(max_length=32)),
                (
                    "notice_language",
                    models.CharField(
                        choices=[
                            ("en", "English"),
                            ("hi", "Hindi"),
                            ("bn", "Bengali"),
                            ("te", "Telugu"),
                            ("mr", "Marathi"),
                            ("ta", "Tamil"),
                            ("ur", "Urdu"),
                            ("gu", "Gujarati"),
                            ("kn", "Kannada"),
                            ("ml", "Malayalam"),
                            ("or", "Odia"),
                            ("pa", "Punjabi"),
                            ("as", "Assamese"),
                        ],
                        default="en",
                        max_length=8,
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("APP", "App"),
                            ("WEB", "Website"),
                            ("IVR", "IVR"),
                            ("WHATSAPP", "WhatsApp"),
                            ("SMS", "SMS"),
                            ("CONSENT_MANAGER", "Consent manager"),
                            ("SUPPORT_AGENT", "Support agent"),
                        ],
                        default="APP",
                        max_length=16,
                    ),
                ),
                (
                    "consent_manager_ref",
                    models.CharField(
                        blank=True,
                        help_text="Artefact id at a registered consent manager.",
                        max_length=100,
                    ),
                ),
                ("granted_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "db_table": 'riders"."rider_consents',
            },
        ),
        migrations.CreateModel(
            name="RiderWelfareFeeAccrual",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        default=django.utils.timezone.now,
                        editable=False,
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        auto_now=True, db_default=django.db.models.functions.datetime.Now()
                    ),
                ),
                (
                    "base_amount",
                    gatimitra.db.fields.MoneyField(
                        decimal_places=2,
                        help_text="The earning the fee is levied on.",
                        max_digits=12,
                    ),
                ),
                ("rate_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                ("fee_amount", gatimitra.db.fields.MoneyField(decimal_places=2, max_digits=12)),
                ("accrued_at", models.DateTimeField()),
            ],
            options={
                "db_table": 'riders"."rider_welfare_fee_accruals',
            },
        ),
        migrations.CreateModel(
            name="WelfareFeeRate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        db_default=django.db.models.functions.datetime.Now(),
                        default=django.utils.timezone.now,
                        editable=False,
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        auto_now=True, db_default=django.db.models.functions.datetime.Now()
                    ),
                ),
                (
                    "state_code",
                    models.CharField(
                        help_text="GST state code, e.g. 29 (Karnataka).", max_length=2
                    ),
                ),
                ("rate_percent", models.DecimalField(decimal_places=2, max_digits=5)),
                (
                    "law",
                    models.CharField(
                        help_text="The Act and the notification setting it.", max_length=200
                    ),
                ),
                ("valid_from", models.DateTimeField()),
                ("valid_to", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "db_table": 'riders"."welfare_fee_rates',
            },
        ),
        migrations.RemoveConstraint(
            model_name="walletledger",
            name="wallet_ledger_direction_matches_type",
        ),
        migrations.AddField(
            model_name="rider",
            name="eshram_uan",
            field=models.CharField(
                blank=True,
                help_text="Universal Account Number on the rider's e-Shram card (12 digits): welfare schemes for gig workers (Code on Social Security 2020 s.113).",
                max_length=12,
                null=True,
                verbose_name="e-Shram UAN",
            ),
        ),
        migrations.AddField(
            model_name="riderpayout",
            name="tds_amount",
            field=gatimitra.db.fields.MoneyField(decimal_places=2, default=0, max_digits=12),
        ),
        migrations.AddField(
            model_name="riderpayout",
            name="tds_base_amount",
            field=gatimitra.db.fields.MoneyField(
                blank=True,
                decimal_places=2,
                help_text="The payments TDS is computed on (gross earnings).",
                max_digits=12,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="riderpayout",
            name="tds_rate_percent",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True),
        ),
        migrations.AddField(
            model_name="riderpayout",
            name="tds_section",
            field=gatimitra.db.fields.EnumField(
                blank=True,
                choices=[
                    ("194C", "s.194C: payment to a contractor (delivery)"),
                    ("194O", "s.194-O: e-commerce participant (rides)"),
                ],
                max_length=8,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="ridervehicle",
            name="registered_on",
            field=models.DateField(
                blank=True,
                help_text="Date of initial registration (RC): a RIDE vehicle is activated only within 8 years of it (MVAG 2025).",
                null=True,
            ),
        ),
        migrations.RunSQL(VENDORS_ON_VOCABULARY, migrations.RunSQL.noop),
        migrations.RunSQL(MODULES_ON_VOCABULARY, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="riderkycverification",
            name="vendor",
            field=gatimitra.db.fields.EnumField(
                choices=[
                    ("DIGILOCKER", "DigiLocker (MeitY)"),
                    ("UIDAI", "UIDAI (Aadhaar offline e-KYC)"),
                    ("NSDL", "Protean (NSDL) PAN"),
                    ("VAHAN", "VAHAN (vehicle registration)"),
                    ("SARATHI", "Sarathi (driving licence)"),
                    ("SIGNZY", "Signzy"),
                    ("HYPERVERGE", "HyperVerge"),
                    ("IDFY", "IDfy"),
                    ("KARZA", "Karza"),
                    ("RAZORPAY", "Razorpay (penny drop)"),
                    ("CASHFREE", "Cashfree (penny drop)"),
                    ("STATE_POLICE", "State police"),
                    ("EMPANELLED_DOCTOR", "Empanelled doctor"),
                ],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="ridertraining",
            name="module_code",
            field=gatimitra.db.fields.EnumField(
                choices=[
                    ("FOOD_INDUCTION_V3", "Food partner induction (v3)"),
                    ("PARCEL_INDUCTION_V3", "Parcel partner induction (v3)"),
                    ("RIDE_INDUCTION_V3", "Driver induction (v3)"),
                    ("FOOD_HYGIENE_101", "Food hygiene and safety"),
                    ("PARCEL_HANDLING", "Parcel handling"),
                    ("ROAD_SAFETY", "Road safety"),
                    ("PASSENGER_SAFETY", "Passenger safety and gender sensitisation"),
                    ("FIRST_AID", "First aid"),
                ],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="walletledger",
            name="txn_type",
            field=gatimitra.db.fields.EnumField(
                choices=[
                    ("ORDER_EARNING", "Order earning"),
                    ("INCENTIVE", "Incentive"),
                    ("TIP", "Tip"),
                    ("REFERRAL_BONUS", "Referral bonus"),
                    ("PENALTY", "Penalty"),
                    ("COD_COLLECTED", "COD cash collected"),
                    ("COD_DEPOSITED", "COD cash deposited"),
                    ("PAYOUT", "Payout"),
                    ("PAYOUT_REVERSAL", "Payout reversal"),
                    ("ONBOARDING_FEE", "Onboarding fee"),
                    ("TDS", "Tax deducted at source"),
                    ("ADJUSTMENT", "Adjustment"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddConstraint(
            model_name="rider",
            constraint=models.UniqueConstraint(
                fields=("eshram_uan",), name="riders_eshram_uan_uniq"
            ),
        ),
        migrations.AddConstraint(
            model_name="rider",
            constraint=models.CheckConstraint(
                condition=models.Q(("eshram_uan__regex", "^[0-9]{12}$")),
                name="riders_eshram_uan_format",
                violation_error_message="The e-Shram UAN is 12 digits.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderpayout",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("tds_amount", 0),
                        ("tds_base_amount__isnull", True),
                        ("tds_rate_percent__isnull", True),
                        ("tds_section__isnull", True),
                    ),
                    models.Q(
                        ("tds_rate_percent__isnull", False),
                        ("tds_section__isnull", False),
                        models.Q(
                            models.Q(
                                ("tds_rate_percent__in", (Decimal("1.00"), Decimal("20.00"))),
                                ("tds_section", "194C"),
                            ),
                            models.Q(
                                ("tds_rate_percent__in", (Decimal("0.10"), Decimal("5.00"))),
                                ("tds_section", "194O"),
                            ),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="rider_payouts_tds_section_rate",
                violation_error_message="TDS is 1% (20% without PAN) under s.194C or 0.1% (5% without PAN) under s.194-O.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderpayout",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("tds_section__isnull", True),
                    models.Q(
                        (
                            "tds_amount__gte",
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("tds_base_amount"),
                                        "*",
                                        models.F("tds_rate_percent"),
                                    ),
                                    "/",
                                    models.Value(100),
                                ),
                                "-",
                                models.Value(1),
                            ),
                        ),
                        (
                            "tds_amount__lte",
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("tds_base_amount"),
                                        "*",
                                        models.F("tds_rate_percent"),
                                    ),
                                    "/",
                                    models.Value(100),
                                ),
                                "+",
                                models.Value(1),
                            ),
                        ),
                        ("tds_base_amount__isnull", False),
                        ("tds_rate_percent__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="rider_payouts_tds_amount",
                violation_error_message="TDS is the rate applied to its base (to the rupee).",
            ),
        ),
        migrations.AddConstraint(
            model_name="ridervehicle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("registered_on__isnull", True),
                    ("manufacture_year__isnull", True),
                    ("registered_on__year__gte", models.F("manufacture_year")),
                    _connector="OR",
                ),
                name="rider_vehicles_registered_after_manufacture",
                violation_error_message="A vehicle is registered after it is made.",
            ),
        ),
        migrations.AddConstraint(
            model_name="walletledger",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("direction", "CREDIT"),
                        (
                            "txn_type__in",
                            (
                                "ORDER_EARNING",
                                "INCENTIVE",
                                "TIP",
                                "REFERRAL_BONUS",
                                "COD_DEPOSITED",
                                "PAYOUT_REVERSAL",
                            ),
                        ),
                    ),
                    models.Q(
                        ("direction", "DEBIT"),
                        (
                            "txn_type__in",
                            ("PENALTY", "COD_COLLECTED", "PAYOUT", "ONBOARDING_FEE", "TDS"),
                        ),
                    ),
                    ("txn_type", "ADJUSTMENT"),
                    _connector="OR",
                ),
                name="wallet_ledger_direction_matches_type",
                violation_error_message="This transaction type moves money the other way.",
            ),
        ),
        migrations.AddConstraint(
            model_name="walletledger",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("txn_type", "TDS"), _negated=True),
                    ("payout__isnull", False),
                    _connector="OR",
                ),
                name="wallet_ledger_tds_names_its_payout",
                violation_error_message="A TDS entry is the tax withheld on a payout.",
            ),
        ),
        migrations.AddField(
            model_name="riderconsent",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="The agent who recorded it, when not given in the app.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="recorded_rider_consents",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="riderconsent",
            name="rider",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consents",
                to="riders.rider",
            ),
        ),
        migrations.AddField(
            model_name="riderwelfarefeeaccrual",
            name="earning",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="welfare_fee",
                to="riders.riderorderearning",
            ),
        ),
        migrations.AddField(
            model_name="riderwelfarefeeaccrual",
            name="rider",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="welfare_fees",
                to="riders.rider",
            ),
        ),
        migrations.AddField(
            model_name="welfarefeerate",
            name="city",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: the whole state.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="welfare_fee_rates",
                to="orders.servicecity",
            ),
        ),
        migrations.AddField(
            model_name="riderwelfarefeeaccrual",
            name="rate",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="accruals",
                to="riders.welfarefeerate",
            ),
        ),
        migrations.AddIndex(
            model_name="riderconsent",
            index=models.Index(
                fields=["rider", "purpose", "-id"], name="rider_consents_latest_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="riderconsent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "notice_language__in",
                        [
                            "en",
                            "hi",
                            "bn",
                            "te",
                            "mr",
                            "ta",
                            "ur",
                            "gu",
                            "kn",
                            "ml",
                            "or",
                            "pa",
                            "as",
                        ],
                    )
                ),
                name="rider_consents_notice_language_valid",
                violation_error_message="notice_language must be one of en, hi, bn, te, mr, ta, ur, gu, kn, ml, or, pa, as.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderconsent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "channel__in",
                        [
                            "APP",
                            "WEB",
                            "IVR",
                            "WHATSAPP",
                            "SMS",
                            "CONSENT_MANAGER",
                            "SUPPORT_AGENT",
                        ],
                    )
                ),
                name="rider_consents_channel_valid",
                violation_error_message="channel must be one of APP, WEB, IVR, WHATSAPP, SMS, CONSENT_MANAGER, SUPPORT_AGENT.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderconsent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "GRANTED"), _negated=True),
                    ("granted_at__isnull", False),
                    _connector="OR",
                ),
                name="rider_consents_granted_at",
                violation_error_message="A granted consent needs granted_at.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderconsent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "WITHDRAWN"), _negated=True),
                    ("withdrawn_at__isnull", False),
                    _connector="OR",
                ),
                name="rider_consents_withdrawn_at",
                violation_error_message="A withdrawn consent needs withdrawn_at.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderconsent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("channel", "CONSENT_MANAGER"), _negated=True),
                    models.Q(("consent_manager_ref", ""), _negated=True),
                    _connector="OR",
                ),
                name="rider_consents_manager_ref",
                violation_error_message="Consent through a consent manager needs its reference.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderconsent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("withdrawn_at__isnull", True),
                    ("granted_at__isnull", True),
                    ("withdrawn_at__gte", models.F("granted_at")),
                    _connector="OR",
                ),
                name="rider_consents_withdrawn_after_grant",
            ),
        ),
        migrations.AddConstraint(
            model_name="welfarefeerate",
            constraint=models.CheckConstraint(
                condition=models.Q(("state_code__regex", "^[0-9]{2}$")),
                name="welfare_fee_rates_state_code_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="welfarefeerate",
            constraint=models.CheckConstraint(
                condition=models.Q(("rate_percent__gt", 0), ("rate_percent__lte", Decimal("5.00"))),
                name="welfare_fee_rates_rate_range",
                violation_error_message="A welfare fee is above 0% and at most 5% of the payout (Code on Social Security 2020 s.114(4)).",
            ),
        ),
        migrations.AddConstraint(
            model_name="welfarefeerate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", True),
                    ("valid_to__gt", models.F("valid_from")),
                    _connector="OR",
                ),
                name="welfare_fee_rates_valid_window",
            ),
        ),
        migrations.AddConstraint(
            model_name="welfarefeerate",
            constraint=models.CheckConstraint(
                condition=models.Q(("law", ""), _negated=True), name="welfare_fee_rates_law_named"
            ),
        ),
        migrations.AddConstraint(
            model_name="welfarefeerate",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                expressions=[
                    ("state_code", "="),
                    (django.db.models.functions.comparison.Coalesce("city", -1), "="),
                    (
                        gatimitra.db.expressions.TsTzRange(
                            "valid_from",
                            "valid_to",
                            django.contrib.postgres.fields.ranges.RangeBoundary(),
                        ),
                        "&&",
                    ),
                ],
                name="welfare_fee_rates_no_overlap",
                violation_error_message="Another rate for this state or city covers part of this window.",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderwelfarefeeaccrual",
            constraint=models.CheckConstraint(
                condition=models.Q(("base_amount__gte", 0)),
                name="rider_welfare_fee_accruals_base_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="riderwelfarefeeaccrual",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "fee_amount__gte",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("base_amount"), "*", models.F("rate_percent")
                                ),
                                "/",
                                models.Value(100),
                            ),
                            "-",
                            models.Value(0.005),
                        ),
                    ),
                    (
                        "fee_amount__lte",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("base_amount"), "*", models.F("rate_percent")
                                ),
                                "/",
                                models.Value(100),
                            ),
                            "+",
                            models.Value(0.005),
                        ),
                    ),
                ),
                name="rider_welfare_fee_accruals_fee_is_rate",
                violation_error_message="The fee is the rate applied to the base.",
            ),
        ),
        AppendOnly(model_name="RiderConsent"),
        RefuseTruncate(model_name="RiderConsent"),
        StatusMachine(
            model_name="riderconsent",
            field="status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        migrations.RunSQL(VEHICLE_AGE, DROP_VEHICLE_AGE),
        migrations.RunSQL(KYC_NEEDS_CONSENT, DROP_KYC_NEEDS_CONSENT),
        migrations.RunSQL(WELFARE_ACCRUAL, DROP_WELFARE_ACCRUAL),
    ]
