import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
import gatimitra.db.fields
from django.db import migrations, models

from gatimitra.db.operations import AppendOnly, RefuseTruncate, StatusMachine

# Frozen here: this migration's SQL stays what it ran.
#
# DPDP Act 2023 s.9(1): a child's (under 18, s.2(f)) personal data is
# processed only with the verifiable consent of a parent or lawful guardian.
# Checked at commit, so the profile and its consent arrive in one
# transaction in either order: a customer whose date of birth (in India's
# time) makes them a child stays ACTIVE or SUSPENDED only while their latest
# guardian consent is GRANTED.
MINOR_HAS_GUARDIAN = [
    """
CREATE FUNCTION "customers"."customers_minor_has_guardian"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c record;
    latest text;
BEGIN
    SELECT id, status, date_of_birth INTO c FROM "customers"."customers"
     WHERE id = (to_jsonb(NEW) ->> CASE WHEN TG_TABLE_NAME = 'customers' THEN 'id' ELSE 'customer_id' END)::bigint;
    IF NOT FOUND OR c.date_of_birth IS NULL OR c.status NOT IN ('ACTIVE', 'SUSPENDED')
       OR c.date_of_birth <= (now() AT TIME ZONE 'Asia/Kolkata')::date - interval '18 years' THEN
        RETURN NULL;
    END IF;
    SELECT status INTO latest FROM "customers"."customer_guardian_consents"
     WHERE customer_id = c.id ORDER BY id DESC LIMIT 1;
    IF latest IS DISTINCT FROM 'GRANTED' THEN
        RAISE EXCEPTION 'customers.customers: customer id % is under 18 and % without a parent''s or guardian''s consent in force (latest: %; DPDP Act 2023 s.9)',
            c.id, c.status, coalesce(latest, 'none')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'customers_minor_has_guardian_consent';
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE CONSTRAINT TRIGGER customers_minor_has_guardian
    AFTER INSERT OR UPDATE OF date_of_birth, status ON "customers"."customers"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "customers"."customers_minor_has_guardian"()
""",
    """
CREATE CONSTRAINT TRIGGER customer_guardian_consents_minor_has_guardian
    AFTER INSERT ON "customers"."customer_guardian_consents"
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION "customers"."customers_minor_has_guardian"()
""",
    # DPDP Rules 2025 r.10: the parent is an identifiable adult; a guardian
    # who is a customer has a known date of birth of 18 years or more.
    """
CREATE FUNCTION "customers"."customer_guardian_consents_adult"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    born date;
BEGIN
    IF NEW.guardian_customer_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT date_of_birth INTO born FROM "customers"."customers" WHERE id = NEW.guardian_customer_id;
    IF born IS NULL OR born > (now() AT TIME ZONE 'Asia/Kolkata')::date - interval '18 years' THEN
        RAISE EXCEPTION 'customers.customer_guardian_consents: guardian customer id % of customer id % is not a verified adult (date of birth %; DPDP Rules 2025 r.10)',
            NEW.guardian_customer_id, NEW.customer_id, coalesce(born::text, 'unknown')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'customer_guardian_consents_guardian_adult';
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER customer_guardian_consents_adult
    BEFORE INSERT ON "customers"."customer_guardian_consents"
    FOR EACH ROW EXECUTE FUNCTION "customers"."customer_guardian_consents_adult"()
""",
]
DROP_MINOR_HAS_GUARDIAN = [
    'DROP TRIGGER customer_guardian_consents_adult ON "customers"."customer_guardian_consents"',
    'DROP FUNCTION "customers"."customer_guardian_consents_adult"()',
    "DROP TRIGGER customer_guardian_consents_minor_has_guardian"
    ' ON "customers"."customer_guardian_consents"',
    'DROP TRIGGER customers_minor_has_guardian ON "customers"."customers"',
    'DROP FUNCTION "customers"."customers_minor_has_guardian"()',
]


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_check_notification_and_attribution_providers"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerGuardianConsent",
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
                (
                    "relationship",
                    gatimitra.db.fields.EnumField(
                        choices=[("PARENT", "Parent"), ("LAWFUL_GUARDIAN", "Lawful guardian")],
                        max_length=32,
                    ),
                ),
                (
                    "verification",
                    gatimitra.db.fields.EnumField(
                        choices=[
                            ("EXISTING_ADULT_USER", "An adult customer already verified"),
                            ("DIGILOCKER_TOKEN", "DigiLocker virtual token"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "verification_reference",
                    models.CharField(
                        blank=True,
                        help_text="The DigiLocker token's reference (no identity).",
                        max_length=100,
                    ),
                ),
                ("notice_version", models.CharField(max_length=32)),
                ("granted_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                (
                    "customer",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="guardian_consents",
                        to="customers.customer",
                    ),
                ),
                (
                    "guardian_customer",
                    models.ForeignKey(
                        blank=True,
                        help_text="The adult customer who consented (EXISTING_ADULT_USER).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="wards_consented",
                        to="customers.customer",
                    ),
                ),
            ],
            options={
                "db_table": 'customers"."customer_guardian_consents',
                "indexes": [
                    models.Index(fields=["customer", "-id"], name="customer_guardian_latest_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "GRANTED"), _negated=True),
                            ("granted_at__isnull", False),
                            _connector="OR",
                        ),
                        name="customer_guardian_consents_granted_at",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "WITHDRAWN"), _negated=True),
                            ("withdrawn_at__isnull", False),
                            _connector="OR",
                        ),
                        name="customer_guardian_consents_withdrawn_at",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("guardian_customer__isnull", False),
                                ("verification", "EXISTING_ADULT_USER"),
                            ),
                            models.Q(
                                ("guardian_customer__isnull", True),
                                ("verification", "DIGILOCKER_TOKEN"),
                                models.Q(("verification_reference", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="customer_guardian_consents_verified",
                        violation_error_message="A guardian is verified as an adult customer or by a DigiLocker token (DPDP Rules 2025 r.10).",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("guardian_customer", models.F("customer")), _negated=True
                        ),
                        name="customer_guardian_consents_not_self",
                        violation_error_message="A child cannot be their own guardian.",
                    ),
                ],
            },
        ),
        AppendOnly(model_name="CustomerGuardianConsent"),
        RefuseTruncate(model_name="CustomerGuardianConsent"),
        StatusMachine(
            model_name="customerguardianconsent",
            field="status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        migrations.RunSQL(MINOR_HAS_GUARDIAN, DROP_MINOR_HAS_GUARDIAN),
    ]
