import gatimitra.db.fields
from django.db import migrations, models

from gatimitra.db import vocabulary

# Free text moved onto customers.choices vocabularies: empty means none
# (NULL), known spellings are rewritten ("AppsFlyer" to APPSFLYER), anything
# else stops the migration with a report. Frozen literal lists.
NOTIFICATIONS = '"customers"."customer_notifications"'
ATTRIBUTION = '"customers"."customer_acquisition_attribution"'
NOTIFICATION_PROVIDERS = [
    "FCM",
    "APNS",
    "GUPSHUP",
    "MSG91",
    "KALEYRA",
    "KARIX",
    "TWILIO",
    "SES",
    "SENDGRID",
    "EXOTEL",
]
ATTRIBUTION_PROVIDERS = ["APPSFLYER", "BRANCH", "ADJUST", "SINGULAR", "KOCHAVA", "FIREBASE"]
PROVIDERS_ON_VOCABULARY = [
    f"ALTER TABLE {NOTIFICATIONS} ALTER COLUMN provider DROP NOT NULL",
    *vocabulary.normalise(NOTIFICATIONS, "provider", {"": None}),
    *vocabulary.normalise_spelling(NOTIFICATIONS, "provider", NOTIFICATION_PROVIDERS),
    *vocabulary.normalise(NOTIFICATIONS, "provider", {"AMAZON_SES": "SES", "FIREBASE": "FCM"}),
    vocabulary.refuse_unknown(
        NOTIFICATIONS, "provider", NOTIFICATION_PROVIDERS, label="NotificationProvider"
    ),
    f"ALTER TABLE {ATTRIBUTION} ALTER COLUMN attribution_provider DROP NOT NULL",
    *vocabulary.normalise(ATTRIBUTION, "attribution_provider", {"": None}),
    *vocabulary.normalise_spelling(ATTRIBUTION, "attribution_provider", ATTRIBUTION_PROVIDERS),
    vocabulary.refuse_unknown(
        ATTRIBUTION, "attribution_provider", ATTRIBUTION_PROVIDERS, label="AttributionProvider"
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0009_ledger_balances_move_per_statement"),
        ("orders", "0018_check_order_vocabularies_and_ondc_ids"),
    ]

    operations = [
        migrations.RunSQL(PROVIDERS_ON_VOCABULARY, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="customeracquisitionattribution",
            name="attribution_provider",
            field=gatimitra.db.fields.EnumField(
                blank=True,
                choices=[
                    ("APPSFLYER", "AppsFlyer"),
                    ("BRANCH", "Branch"),
                    ("ADJUST", "Adjust"),
                    ("SINGULAR", "Singular"),
                    ("KOCHAVA", "Kochava"),
                    ("FIREBASE", "Firebase (Google Analytics)"),
                ],
                max_length=32,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="customernotification",
            name="provider",
            field=gatimitra.db.fields.EnumField(
                blank=True,
                choices=[
                    ("FCM", "Firebase Cloud Messaging"),
                    ("APNS", "Apple Push Notification service"),
                    ("GUPSHUP", "Gupshup"),
                    ("MSG91", "MSG91"),
                    ("KALEYRA", "Kaleyra"),
                    ("KARIX", "Karix"),
                    ("TWILIO", "Twilio"),
                    ("SES", "Amazon SES"),
                    ("SENDGRID", "SendGrid"),
                    ("EXOTEL", "Exotel"),
                ],
                max_length=32,
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="customernotification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("provider_message_id__isnull", True),
                    ("provider__isnull", False),
                    _connector="OR",
                ),
                name="customer_notifications_message_has_provider",
                violation_error_message="A provider message id names its provider.",
            ),
        ),
    ]
