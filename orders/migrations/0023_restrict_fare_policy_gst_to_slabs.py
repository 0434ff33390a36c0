import datetime
import django.db.models.expressions
import gatimitra.db.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """A fare policy charges GST at a slab in force throughout its validity
    (as menu and order items do), not any rate from 0 to 28 %: from 22
    September 2025 no 12 or 28 %, before it no 40 %."""

    dependencies = [
        ("orders", "0022_keep_personal_data_out_of_dispatch_refusals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ridefarepolicy",
            name="ride_fare_policies_gst_rate_range",
        ),
        migrations.AddConstraint(
            model_name="ridefarepolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    gatimitra.db.expressions.GstRateInForce(
                        "gst_rate_percent", gatimitra.db.expressions.DateInIndia("valid_from")
                    ),
                    models.Q(
                        models.Q(
                            gatimitra.db.expressions.GstRateIsCurrent("gst_rate_percent"),
                            ("valid_to__isnull", True),
                        ),
                        models.Q(
                            gatimitra.db.expressions.GstRateInForce(
                                "gst_rate_percent",
                                gatimitra.db.expressions.DateInIndia(
                                    django.db.models.expressions.CombinedExpression(
                                        models.F("valid_to"),
                                        "-",
                                        models.Value(datetime.timedelta(microseconds=1)),
                                    )
                                ),
                            ),
                            ("valid_to__isnull", False),
                        ),
                        _connector="OR",
                    ),
                ),
                name="ride_fare_policies_gst_rate_slab",
                violation_error_message="The GST rate is a slab in force throughout the policy's validity (gatimitra.enums.GST_SLAB_PERIODS).",
            ),
        ),
    ]
