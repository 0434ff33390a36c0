from django.db import migrations

from gatimitra.db.operations import StatusMachine


class Migration(migrations.Migration):
    """Every status column of access_mgmt gets its machine, compiled into a guard
    (``gatimitra.db.machines``, generator version 1). The maps are frozen
    copies of ``access_mgmt/transitions.py`` as they were when this ran; a later
    change is a new migration (``StatusMachine(..., replaces=...)``)."""

    dependencies = [("access_mgmt", "0007_lock_identifiers_and_ips")]

    operations = [
        StatusMachine(
            model_name="systemuser",
            field="status",
            machine={
                "record": False,
                "terminal": ["OFFBOARDED"],
                "transitions": {
                    "ACTIVE": ["DISABLED", "LOCKED", "OFFBOARDED"],
                    "DISABLED": ["ACTIVE", "OFFBOARDED"],
                    "INVITED": ["ACTIVE", "DISABLED", "OFFBOARDED"],
                    "LOCKED": ["ACTIVE", "DISABLED", "OFFBOARDED"],
                },
            },
        ),
        StatusMachine(
            model_name="approvalrequest",
            field="status",
            machine={
                "record": False,
                "terminal": ["APPROVED", "CANCELLED", "EXPIRED", "REJECTED"],
                "transitions": {"PENDING": ["APPROVED", "CANCELLED", "EXPIRED", "REJECTED"]},
            },
        ),
        StatusMachine(
            model_name="apiclient",
            field="status",
            machine={
                "record": False,
                "terminal": [],
                "transitions": {
                    "ACTIVE": ["DISABLED", "PAUSED"],
                    "DISABLED": ["SANDBOX"],
                    "PAUSED": ["ACTIVE", "DISABLED"],
                    "SANDBOX": ["ACTIVE", "DISABLED"],
                },
            },
        ),
    ]
