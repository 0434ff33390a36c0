from django.conf import settings
from django.db import migrations, models

import gatimitra.db.fields
from gatimitra.db import vocabulary

# Free-text columns moved onto their vocabularies (orders.choices): known
# spellings are rewritten first, anything else stops the migration with a
# report naming the table, column and values. Frozen literal lists.
PAYMENTS = '"orders"."order_payments"'
REFUNDS = '"orders"."order_refunds"'
CITIES = '"orders"."service_cities"'

FAILURE_CODES = [
    "BAD_REQUEST_ERROR",
    "GATEWAY_ERROR",
    "SERVER_ERROR",
    "PAYMENT_TIMEOUT",
    "USER_CANCELLED",
]
REFUND_REASONS = [
    "ORDER_CANCELLED",
    "ITEM_MISSING",
    "WRONG_ITEM",
    "QUALITY_ISSUE",
    "DAMAGED",
    "LATE_DELIVERY",
    "NOT_DELIVERED",
    "FARE_DISPUTE",
    "DUPLICATE_PAYMENT",
    "GOODWILL",
    "OTHER",
]

# An empty failure code meant "none": it becomes NULL (the CHECK lets NULL
# pass, never an empty string).
FAILURE_CODE_NULLABLE = [
    f"ALTER TABLE {PAYMENTS} ALTER COLUMN failure_code DROP NOT NULL",
    *vocabulary.normalise(PAYMENTS, "failure_code", {"": None}),
    f"UPDATE {PAYMENTS} SET failure_code = upper(failure_code) "
    "WHERE upper(failure_code) IN ('BAD_REQUEST_ERROR', 'GATEWAY_ERROR', 'SERVER_ERROR')",
    vocabulary.refuse_unknown(PAYMENTS, "failure_code", FAILURE_CODES, label="PaymentFailureCode"),
]
REFUND_REASON_CODES = [
    *vocabulary.normalise(REFUNDS, "reason_code", {"MISSING_ITEM": "ITEM_MISSING"}),
    vocabulary.refuse_unknown(REFUNDS, "reason_code", REFUND_REASONS, label="RefundReason"),
]
# Asia/Calcutta is the tz database's backward link to Asia/Kolkata.
TIMEZONES = [
    *vocabulary.normalise(CITIES, "timezone", {"Asia/Calcutta": "Asia/Kolkata"}),
    vocabulary.refuse_unknown(CITIES, "timezone", ["Asia/Kolkata"], label="IndianTimeZone"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0017_enforce_ride_fare_guidelines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(FAILURE_CODE_NULLABLE, migrations.RunSQL.noop),
        migrations.RunSQL(REFUND_REASON_CODES, migrations.RunSQL.noop),
        migrations.RunSQL(TIMEZONES, migrations.RunSQL.noop),
        migrations.AddField(
            model_name="order",
            name="ondc_bap_id",
            field=models.CharField(
                blank=True,
                help_text="context.bap_id: the buyer app's subscriber id (its domain name).",
                max_length=255,
                null=True,
                verbose_name="ONDC buyer app id",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="ondc_order_id",
            field=models.CharField(
                blank=True,
                help_text="message.order.id.",
                max_length=64,
                null=True,
                verbose_name="ONDC order id",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="ondc_transaction_id",
            field=models.CharField(
                blank=True,
                help_text="context.transaction_id, set by the buyer app for the whole transaction.",
                max_length=64,
                null=True,
                verbose_name="ONDC transaction id",
            ),
        ),
        migrations.AlterField(
            model_name="orderpayment",
            name="failure_code",
            field=gatimitra.db.fields.EnumField(
                blank=True,
                choices=[
                    ("BAD_REQUEST_ERROR", "Bad request (declined, wrong details)"),
                    ("GATEWAY_ERROR", "Gateway error"),
                    ("SERVER_ERROR", "Server error"),
                    ("PAYMENT_TIMEOUT", "Timed out"),
                    ("USER_CANCELLED", "Cancelled by the customer"),
                ],
                max_length=64,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="orderrefund",
            name="reason_code",
            field=gatimitra.db.fields.EnumField(
                choices=[
                    ("ORDER_CANCELLED", "Order cancelled"),
                    ("ITEM_MISSING", "Item missing"),
                    ("WRONG_ITEM", "Wrong item"),
                    ("QUALITY_ISSUE", "Quality issue"),
                    ("DAMAGED", "Damaged in transit"),
                    ("LATE_DELIVERY", "Late delivery"),
                    ("NOT_DELIVERED", "Not delivered"),
                    ("FARE_DISPUTE", "Fare dispute"),
                    ("DUPLICATE_PAYMENT", "Duplicate payment"),
                    ("GOODWILL", "Goodwill"),
                    ("OTHER", "Other"),
                ],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="servicecity",
            name="timezone",
            field=gatimitra.db.fields.EnumField(
                choices=[("Asia/Kolkata", "India Standard Time (Asia/Kolkata)")],
                default="Asia/Kolkata",
                max_length=40,
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("channel", "ONDC"),
                        ("ondc_bap_id__isnull", False),
                        ("ondc_order_id__isnull", False),
                        ("ondc_transaction_id__isnull", False),
                    ),
                    models.Q(
                        models.Q(("channel", "ONDC"), _negated=True),
                        ("ondc_bap_id__isnull", True),
                        ("ondc_order_id__isnull", True),
                        ("ondc_transaction_id__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="orders_ondc_ids_for_ondc",
                violation_error_message="ONDC orders (and only they) carry the buyer app id, transaction id and order id.",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "ondc_bap_id__regex",
                        "^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                    )
                ),
                name="orders_ondc_bap_id_format",
                violation_error_message="The ONDC buyer app id is its subscriber domain name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ondc_transaction_id__regex", "^[A-Za-z0-9._:-]{1,64}$"),
                    ("ondc_order_id__regex", "^[A-Za-z0-9._:/-]{1,64}$"),
                ),
                name="orders_ondc_ids_format",
                violation_error_message="ONDC ids are 1-64 letters, digits or . _ : - /.",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                fields=("ondc_bap_id", "ondc_transaction_id"),
                name="orders_ondc_transaction_uniq",
                violation_error_message="This ONDC transaction already has an order.",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                fields=("ondc_bap_id", "ondc_order_id"),
                name="orders_ondc_order_uniq",
                violation_error_message="This ONDC order id is already recorded.",
            ),
        ),
    ]
