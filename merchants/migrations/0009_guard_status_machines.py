from django.db import migrations

from gatimitra.db.operations import StatusMachine


class Migration(migrations.Migration):
    """Every status column of merchants gets its machine, compiled into a guard
    (``gatimitra.db.machines``, generator version 1). The maps are frozen
    copies of ``merchants/transitions.py`` as they were when this ran; a later
    change is a new migration (``StatusMachine(..., replaces=...)``)."""

    dependencies = [("merchants", "0008_refuse_truncate_on_append_only")]

    operations = [
        StatusMachine(
            model_name="merchantparent",
            field="status",
            machine={
                "record": False,
                "terminal": ["TERMINATED"],
                "transitions": {
                    "ACTIVE": ["SUSPENDED", "TERMINATED"],
                    "LEAD": ["ONBOARDING", "TERMINATED"],
                    "ONBOARDING": ["ACTIVE", "LEAD", "TERMINATED"],
                    "SUSPENDED": ["ACTIVE", "TERMINATED"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantonboardingapplication",
            field="status",
            machine={
                "record": False,
                "terminal": ["TERMINATED"],
                "transitions": {
                    "ACTIVE": ["SUSPENDED", "TERMINATED"],
                    "LEAD": ["ONBOARDING", "TERMINATED"],
                    "ONBOARDING": ["ACTIVE", "LEAD", "TERMINATED"],
                    "SUSPENDED": ["ACTIVE", "TERMINATED"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantstore",
            field="status",
            machine={
                "record": False,
                "terminal": ["DELISTED"],
                "transitions": {
                    "DRAFT": ["DELISTED", "UNDER_REVIEW"],
                    "LIVE": ["DELISTED", "PAUSED", "TEMPORARILY_CLOSED"],
                    "PAUSED": ["DELISTED", "LIVE", "TEMPORARILY_CLOSED"],
                    "TEMPORARILY_CLOSED": ["DELISTED", "LIVE", "PAUSED"],
                    "UNDER_REVIEW": ["DELISTED", "DRAFT", "LIVE"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantstoreavailabilitylog",
            field="from_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="merchantstoreavailabilitylog",
            field="to_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="merchanttaxregistration",
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
            model_name="merchantdocument",
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
            model_name="merchantverificationcheck",
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
            model_name="merchantbankaccount",
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
            model_name="merchantstoremedia",
            field="moderation_status",
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
                    "VERIFIED": ["EXPIRED", "IN_REVIEW", "REJECTED"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantmenuchangerequest",
            field="status",
            machine={
                "record": False,
                "terminal": ["APPROVED", "CANCELLED", "EXPIRED", "REJECTED"],
                "transitions": {"PENDING": ["APPROVED", "CANCELLED", "EXPIRED", "REJECTED"]},
            },
        ),
        StatusMachine(
            model_name="merchantoffer",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "EXHAUSTED", "EXPIRED"],
                "transitions": {
                    "ACTIVE": ["CANCELLED", "EXHAUSTED", "EXPIRED", "PAUSED"],
                    "DRAFT": ["ACTIVE", "CANCELLED", "SCHEDULED"],
                    "PAUSED": ["ACTIVE", "CANCELLED", "EXHAUSTED", "EXPIRED"],
                    "SCHEDULED": ["ACTIVE", "CANCELLED", "DRAFT", "EXPIRED", "PAUSED"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantadcampaign",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "EXHAUSTED", "EXPIRED"],
                "transitions": {
                    "ACTIVE": ["CANCELLED", "EXHAUSTED", "EXPIRED", "PAUSED"],
                    "DRAFT": ["ACTIVE", "CANCELLED", "SCHEDULED"],
                    "PAUSED": ["ACTIVE", "CANCELLED", "EXHAUSTED", "EXPIRED"],
                    "SCHEDULED": ["ACTIVE", "CANCELLED", "DRAFT", "EXPIRED", "PAUSED"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantposintegration",
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
        StatusMachine(
            model_name="merchantcontract",
            field="status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "TERMINATED"],
                "transitions": {
                    "ACTIVE": ["EXPIRED", "TERMINATED"],
                    "DRAFT": ["SENT_FOR_SIGNATURE", "TERMINATED"],
                    "SENT_FOR_SIGNATURE": ["ACTIVE", "DRAFT", "TERMINATED"],
                },
            },
        ),
        StatusMachine(
            model_name="merchantstorepayout",
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
            model_name="merchantpayoutdispute",
            field="status",
            machine={
                "record": False,
                "terminal": ["CLOSED"],
                "transitions": {
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
    ]
