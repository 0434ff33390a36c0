import gatimitra.db.fields
from django.db import migrations

from gatimitra.db import vocabulary

# Free text moved onto merchants.choices.LeadSource: empty means unknown
# (NULL), "Field sales" becomes FIELD_SALES, anything else stops the
# migration with a report. Frozen literal list.
APPLICATIONS = '"merchants"."merchant_onboarding_applications"'
LEAD_SOURCES = [
    "FIELD_SALES",
    "WEBSITE",
    "REFERRAL",
    "ONDC",
    "INBOUND_CALL",
    "PARTNER_APP",
    "EVENT",
]
LEAD_SOURCES_ON_VOCABULARY = [
    f"ALTER TABLE {APPLICATIONS} ALTER COLUMN lead_source DROP NOT NULL",
    *vocabulary.normalise(APPLICATIONS, "lead_source", {"": None}),
    *vocabulary.normalise_spelling(APPLICATIONS, "lead_source", LEAD_SOURCES),
    vocabulary.refuse_unknown(APPLICATIONS, "lead_source", LEAD_SOURCES, label="LeadSource"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("merchants", "0011_parent_status_reaches_stores"),
    ]

    operations = [
        migrations.RunSQL(LEAD_SOURCES_ON_VOCABULARY, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="merchantonboardingapplication",
            name="lead_source",
            field=gatimitra.db.fields.EnumField(
                blank=True,
                choices=[
                    ("FIELD_SALES", "Field sales"),
                    ("WEBSITE", "Website"),
                    ("REFERRAL", "Referral"),
                    ("ONDC", "ONDC network"),
                    ("INBOUND_CALL", "Inbound call"),
                    ("PARTNER_APP", "Partner app sign-up"),
                    ("EVENT", "Event or campaign"),
                ],
                max_length=50,
                null=True,
            ),
        ),
    ]
