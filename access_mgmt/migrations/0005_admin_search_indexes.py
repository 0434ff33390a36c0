from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the admin's search needs (tests/gatimitra/test_admin_scale.py).
    Built CONCURRENTLY: these tables are live and large, and a plain CREATE
    INDEX would block their writes for the whole build."""

    atomic = False

    dependencies = [
        ("access_mgmt", "0004_add_cross_schema_references"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="approvalrequest",
            index=models.Index(fields=["target_entity_id"], name="approval_requests_target_id"),
        ),
        AddIndexConcurrently(
            model_name="authsession",
            index=models.Index(fields=["principal_id"], name="auth_sessions_principal_id"),
        ),
        AddIndexConcurrently(
            model_name="authsession",
            index=models.Index(fields=["ip_address"], name="auth_sessions_ip_address"),
        ),
        AddIndexConcurrently(
            model_name="otprequest",
            index=models.Index(fields=["principal_id"], name="otp_requests_principal_id"),
        ),
    ]
