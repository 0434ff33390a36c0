import audit.operations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_track_console_events"),
        ("customers", "0011_record_guardian_consent_for_minors"),
        ("riders", "0015_allow_rider_erasure"),
    ]

    operations = [
        audit.operations.UntrackChanges(
            model="customers.Customer",
            log_table="customer_audit_log",
            subject_field="id",
            personal_fields=["mobile", "email", "full_name"],
            per_statement=True,
        ),
        audit.operations.UntrackChanges(
            model="customers.CustomerAddress",
            log_table="customer_audit_log",
            subject_field="customer",
            personal_fields=["recipient_name", "recipient_mobile", "house_number", "building_name"],
            per_statement=True,
        ),
        audit.operations.UntrackChanges(
            model="riders.Rider",
            log_table="rider_audit_logs",
            subject_field="id",
            personal_fields=["mobile", "full_name"],
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="customers.Customer",
            log_table="customer_audit_log",
            subject_field="id",
            personal_fields=["mobile", "email", "full_name", "date_of_birth"],
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="customers.CustomerAddress",
            log_table="customer_audit_log",
            subject_field="customer",
            personal_fields=[
                "recipient_name",
                "recipient_mobile",
                "house_number",
                "building_name",
                "label_name",
                "floor",
                "street",
                "landmark",
                "delivery_instructions",
                "latitude",
                "longitude",
            ],
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="customers.CustomerGuardianConsent",
            log_table="customer_audit_log",
            subject_field="customer",
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="riders.Rider",
            log_table="rider_audit_logs",
            subject_field="id",
            personal_fields=["mobile", "full_name", "date_of_birth", "eshram_uan"],
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="riders.RiderConsent",
            log_table="rider_audit_logs",
            subject_field="rider",
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="riders.RiderWelfareFeeAccrual",
            log_table="rider_audit_logs",
            subject_field="rider",
            per_statement=True,
        ),
        audit.operations.TrackChanges(
            model="riders.WelfareFeeRate",
            log_table="rider_audit_logs",
            per_statement=True,
        ),
    ]
