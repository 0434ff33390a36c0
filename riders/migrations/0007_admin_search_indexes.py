import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the admin's search needs (tests/gatimitra/test_admin_scale.py).
    Built CONCURRENTLY: these tables are live and large, and a plain CREATE
    INDEX would block their writes for the whole build."""

    atomic = False

    dependencies = [
        ("riders", "0006_partition_location_logs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="riderbankaccount",
            index=models.Index(fields=["upi_vpa"], name="rider_bank_accounts_upi_vpa"),
        ),
        AddIndexConcurrently(
            model_name="riderdocument",
            index=models.Index(fields=["kyc_reference"], name="rider_documents_kyc_reference"),
        ),
        AddIndexConcurrently(
            model_name="riderinsurancepolicy",
            index=models.Index(fields=["policy_number"], name="rider_ins_policies_number"),
        ),
        AddIndexConcurrently(
            model_name="riderkycverification",
            index=models.Index(fields=["vendor_request_id"], name="rider_kyc_vendor_request_id"),
        ),
        AddIndexConcurrently(
            model_name="riderpayout",
            index=models.Index(fields=["utr"], name="rider_payouts_utr"),
        ),
        AddIndexConcurrently(
            model_name="ridertraining",
            index=models.Index(fields=["module_code"], name="rider_trainings_module_code"),
        ),
        AddIndexConcurrently(
            model_name="ridervehicle",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(
                        django.db.models.functions.comparison.Cast(
                            "registration_number", models.TextField()
                        )
                    ),
                    name="gin_trgm_ops",
                ),
                name="rider_vehicles_reg_no_trgm",
            ),
        ),
    ]
