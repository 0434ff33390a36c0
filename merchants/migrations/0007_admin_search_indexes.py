import django.contrib.postgres.indexes
import django.db.models.functions.comparison
import django.db.models.functions.text
import merchants.db
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the admin's search needs (tests/gatimitra/test_admin_scale.py).
    Built CONCURRENTLY: these tables are live and large, and a plain CREATE
    INDEX would block their writes for the whole build."""

    atomic = False

    dependencies = [
        ("merchants", "0006_enforce_order_of_payout_store"),
        ("orders", "0005_enforce_dispatch_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="merchantmenuaddongroup",
            index=merchants.db.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(
                        django.db.models.functions.comparison.Cast("name", models.TextField())
                    ),
                    name="gin_trgm_ops",
                ),
                name="merchant_menu_addon_groups_name_trgm",
            ),
        ),
        AddIndexConcurrently(
            model_name="merchantmenucategory",
            index=merchants.db.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper(
                        django.db.models.functions.comparison.Cast("name", models.TextField())
                    ),
                    name="gin_trgm_ops",
                ),
                name="merchant_menu_categories_name_trgm",
            ),
        ),
        AddIndexConcurrently(
            model_name="merchantpayoutadjustment",
            index=merchants.db.Index(
                fields=["reference"], name="merchant_payout_adjustments_reference"
            ),
        ),
        AddIndexConcurrently(
            model_name="merchantstorepayout",
            index=merchants.db.Index(
                fields=["provider_payout_id"], name="merchant_store_payouts_provider_payout"
            ),
        ),
    ]
