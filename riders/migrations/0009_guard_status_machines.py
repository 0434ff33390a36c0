from django.db import migrations

from gatimitra.db.operations import StatusMachine


class Migration(migrations.Migration):
    """Every status column of riders gets its machine, compiled into a guard
    (``gatimitra.db.machines``, generator version 1). The maps are frozen
    copies of ``riders/transitions.py`` as they were when this ran; a later
    change is a new migration (``StatusMachine(..., replaces=...)``)."""

    dependencies = [("riders", "0008_refuse_truncate_on_append_only")]

    operations = [
        StatusMachine(
            model_name="rider",
            field="onboarding_stage",
            machine={
                "record": False,
                "terminal": [],
                "transitions": {
                    "ACTIVE": ["APPROVAL", "KYC", "MOBILE_VERIFIED", "PAYMENT"],
                    "APPROVAL": ["ACTIVE", "KYC", "MOBILE_VERIFIED", "PAYMENT"],
                    "KYC": ["MOBILE_VERIFIED", "PAYMENT"],
                    "MOBILE_VERIFIED": ["KYC"],
                    "PAYMENT": ["APPROVAL", "KYC", "MOBILE_VERIFIED"],
                },
            },
        ),
        StatusMachine(
            model_name="rider",
            field="status",
            machine={
                "record": False,
                "terminal": ["OFFBOARDED"],
                "transitions": {
                    "ACTIVE": ["BLOCKED", "INACTIVE", "OFFBOARDED", "ONBOARDING", "SUSPENDED"],
                    "BLOCKED": ["ACTIVE", "OFFBOARDED"],
                    "INACTIVE": ["ACTIVE", "BLOCKED", "OFFBOARDED", "ONBOARDING", "SUSPENDED"],
                    "ONBOARDING": ["ACTIVE", "BLOCKED", "OFFBOARDED"],
                    "SUSPENDED": ["ACTIVE", "BLOCKED", "INACTIVE", "OFFBOARDED", "ONBOARDING"],
                },
            },
        ),
        StatusMachine(
            model_name="riderstatushistory",
            field="from_stage",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="riderstatushistory",
            field="to_stage",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="riderstatushistory",
            field="from_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="riderstatushistory",
            field="to_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="riderdocument",
            field="verification_status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REJECTED"],
                "transitions": {
                    "IN_REVIEW": ["REJECTED", "RESUBMIT_REQUIRED", "VERIFIED"],
                    "PENDING": [
                        "EXPIRED",
                        "IN_REVIEW",
                        "REJECTED",
                        "RESUBMIT_REQUIRED",
                        "VERIFIED",
                    ],
                    "RESUBMIT_REQUIRED": ["EXPIRED", "IN_REVIEW", "PENDING", "REJECTED"],
                    "VERIFIED": ["EXPIRED", "REJECTED", "RESUBMIT_REQUIRED"],
                },
            },
        ),
        StatusMachine(
            model_name="riderkycverification",
            field="status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REJECTED"],
                "transitions": {
                    "IN_REVIEW": ["REJECTED", "RESUBMIT_REQUIRED", "VERIFIED"],
                    "PENDING": [
                        "EXPIRED",
                        "IN_REVIEW",
                        "REJECTED",
                        "RESUBMIT_REQUIRED",
                        "VERIFIED",
                    ],
                    "RESUBMIT_REQUIRED": ["EXPIRED", "IN_REVIEW", "PENDING", "REJECTED"],
                    "VERIFIED": ["EXPIRED", "REJECTED", "RESUBMIT_REQUIRED"],
                },
            },
        ),
        StatusMachine(
            model_name="riderbankaccount",
            field="verification_status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REJECTED"],
                "transitions": {
                    "IN_REVIEW": ["REJECTED", "RESUBMIT_REQUIRED", "VERIFIED"],
                    "PENDING": [
                        "EXPIRED",
                        "IN_REVIEW",
                        "REJECTED",
                        "RESUBMIT_REQUIRED",
                        "VERIFIED",
                    ],
                    "RESUBMIT_REQUIRED": ["EXPIRED", "IN_REVIEW", "PENDING", "REJECTED"],
                    "VERIFIED": ["EXPIRED", "REJECTED", "RESUBMIT_REQUIRED"],
                },
            },
        ),
        StatusMachine(
            model_name="riderpayout",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "PROCESSED", "REVERSED"],
                "transitions": {
                    "FAILED": ["CANCELLED", "SCHEDULED"],
                    "ON_HOLD": ["CANCELLED", "PROCESSING", "SCHEDULED"],
                    "PROCESSING": ["FAILED", "PROCESSED", "REVERSED"],
                    "SCHEDULED": ["CANCELLED", "ON_HOLD", "PROCESSING"],
                },
            },
        ),
        StatusMachine(
            model_name="ridercashdeposit",
            field="status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REJECTED", "VERIFIED"],
                "transitions": {
                    "IN_REVIEW": ["REJECTED", "RESUBMIT_REQUIRED", "VERIFIED"],
                    "PENDING": ["IN_REVIEW", "REJECTED", "RESUBMIT_REQUIRED", "VERIFIED"],
                    "RESUBMIT_REQUIRED": ["EXPIRED", "IN_REVIEW", "PENDING", "REJECTED"],
                },
            },
        ),
        StatusMachine(
            model_name="rideronboardingpayment",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "FAILED", "REFUNDED"],
                "transitions": {
                    "AUTHORIZED": ["CANCELLED", "CAPTURED", "FAILED"],
                    "CAPTURED": ["PARTIALLY_REFUNDED", "REFUNDED"],
                    "CREATED": ["AUTHORIZED", "CANCELLED", "CAPTURED", "FAILED", "PENDING"],
                    "PARTIALLY_REFUNDED": ["REFUNDED"],
                    "PENDING": ["AUTHORIZED", "CANCELLED", "CAPTURED", "FAILED"],
                },
            },
        ),
        StatusMachine(
            model_name="riderpenalty",
            field="dispute_status",
            machine={
                "record": False,
                "terminal": ["CLOSED"],
                "transitions": {
                    "": ["OPEN"],
                    "ACCEPTED": ["CLOSED"],
                    "OPEN": [
                        "ACCEPTED",
                        "CLOSED",
                        "PARTIALLY_ACCEPTED",
                        "REJECTED",
                        "UNDER_REVIEW",
                    ],
                    "PARTIALLY_ACCEPTED": ["CLOSED"],
                    "REJECTED": ["CLOSED"],
                    "UNDER_REVIEW": ["ACCEPTED", "CLOSED", "PARTIALLY_ACCEPTED", "REJECTED"],
                },
            },
        ),
        StatusMachine(
            model_name="ridershiftbooking",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "COMPLETED", "NO_SHOW"],
                "transitions": {
                    "BOOKED": ["CANCELLED", "CHECKED_IN", "NO_SHOW"],
                    "CHECKED_IN": ["COMPLETED"],
                },
            },
        ),
        StatusMachine(
            model_name="dutylog",
            field="status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="locationlog",
            field="order_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="riderlivestatus",
            field="duty_status",
            machine={
                "record": False,
                "terminal": [],
                "transitions": {
                    "OFFLINE": ["ONLINE"],
                    "ONLINE": ["OFFLINE", "ON_BREAK", "ON_ORDER"],
                    "ON_BREAK": ["OFFLINE", "ONLINE"],
                    "ON_ORDER": ["OFFLINE", "ONLINE", "ON_BREAK"],
                },
            },
        ),
        StatusMachine(
            model_name="ridersosalert",
            field="status",
            machine={
                "record": False,
                "terminal": ["FALSE_ALARM", "RESOLVED"],
                "transitions": {
                    "ACKNOWLEDGED": ["ESCALATED", "FALSE_ALARM", "RESOLVED"],
                    "ESCALATED": ["ACKNOWLEDGED", "FALSE_ALARM", "RESOLVED"],
                    "RAISED": ["ACKNOWLEDGED", "ESCALATED", "FALSE_ALARM", "RESOLVED"],
                },
            },
        ),
    ]
