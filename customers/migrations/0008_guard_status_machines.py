from django.db import migrations

from gatimitra.db.operations import StatusMachine


class Migration(migrations.Migration):
    """Every status column of customers gets its machine, compiled into a guard
    (``gatimitra.db.machines``, generator version 1). The maps are frozen
    copies of ``customers/transitions.py`` as they were when this ran; a later
    change is a new migration (``StatusMachine(..., replaces=...)``)."""

    dependencies = [("customers", "0007_refuse_truncate_on_append_only")]

    operations = [
        StatusMachine(
            model_name="customer",
            field="status",
            machine={
                "record": False,
                "terminal": ["ANONYMISED"],
                "transitions": {
                    "ACTIVE": ["ANONYMISED", "BLOCKED", "DELETION_REQUESTED", "SUSPENDED"],
                    "BLOCKED": ["ACTIVE", "ANONYMISED", "DELETION_REQUESTED", "SUSPENDED"],
                    "DELETION_REQUESTED": ["ACTIVE", "ANONYMISED"],
                    "SUSPENDED": ["ACTIVE", "ANONYMISED", "BLOCKED", "DELETION_REQUESTED"],
                },
            },
        ),
        StatusMachine(
            model_name="customercart",
            field="status",
            machine={
                "record": False,
                "terminal": ["CHECKED_OUT", "EXPIRED"],
                "transitions": {
                    "ABANDONED": ["ACTIVE", "EXPIRED"],
                    "ACTIVE": ["ABANDONED", "CHECKED_OUT", "EXPIRED"],
                },
            },
        ),
        StatusMachine(
            model_name="customerconsent",
            field="status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="customerdatarequest",
            field="status",
            machine={
                "record": False,
                "terminal": ["CLOSED"],
                "transitions": {
                    "AWAITING_CUSTOMER": ["CLOSED", "ESCALATED", "IN_PROGRESS", "RESOLVED"],
                    "ESCALATED": ["AWAITING_CUSTOMER", "CLOSED", "IN_PROGRESS", "RESOLVED"],
                    "IN_PROGRESS": ["AWAITING_CUSTOMER", "CLOSED", "ESCALATED", "RESOLVED"],
                    "OPEN": ["AWAITING_CUSTOMER", "CLOSED", "ESCALATED", "IN_PROGRESS", "RESOLVED"],
                    "REOPENED": [
                        "AWAITING_CUSTOMER",
                        "CLOSED",
                        "ESCALATED",
                        "IN_PROGRESS",
                        "RESOLVED",
                    ],
                    "RESOLVED": ["CLOSED", "REOPENED"],
                },
            },
        ),
        StatusMachine(
            model_name="customernotification",
            field="status",
            machine={
                "record": False,
                "terminal": ["FAILED", "READ", "SUPPRESSED"],
                "transitions": {
                    "DELIVERED": ["READ"],
                    "QUEUED": ["FAILED", "SENT", "SUPPRESSED"],
                    "SENT": ["DELIVERED", "FAILED", "READ"],
                },
            },
        ),
        StatusMachine(
            model_name="customerpaymentmethod",
            field="status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REVOKED"],
                "transitions": {"ACTIVE": ["EXPIRED", "REVOKED"]},
            },
        ),
        StatusMachine(
            model_name="customerbusinessprofile",
            field="status",
            machine={
                "record": False,
                "terminal": ["CLOSED"],
                "transitions": {
                    "ACTIVE": ["CLOSED", "SUSPENDED"],
                    "PENDING_VERIFICATION": ["ACTIVE", "CLOSED"],
                    "SUSPENDED": ["ACTIVE", "CLOSED"],
                },
            },
        ),
        StatusMachine(
            model_name="customercoupon",
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
            model_name="customerreferral",
            field="status",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REJECTED_FRAUD", "REWARDED"],
                "transitions": {
                    "INVITED": ["EXPIRED", "REJECTED_FRAUD", "SIGNED_UP"],
                    "QUALIFIED": ["REJECTED_FRAUD", "REWARDED"],
                    "SIGNED_UP": ["EXPIRED", "QUALIFIED", "REJECTED_FRAUD"],
                },
            },
        ),
        StatusMachine(
            model_name="customerreward",
            field="state",
            machine={
                "record": False,
                "terminal": ["EXPIRED", "REDEEMED"],
                "transitions": {
                    "LOCKED": ["EXPIRED", "UNLOCKED"],
                    "SCRATCHED": ["EXPIRED", "REDEEMED"],
                    "UNLOCKED": ["EXPIRED", "REDEEMED", "SCRATCHED"],
                },
            },
        ),
        StatusMachine(
            model_name="customerrating",
            field="moderation_status",
            machine={
                "record": False,
                "terminal": ["REJECTED"],
                "transitions": {
                    "APPROVED": ["HIDDEN"],
                    "HIDDEN": ["APPROVED"],
                    "PENDING": ["APPROVED", "HIDDEN", "REJECTED"],
                },
            },
        ),
        StatusMachine(
            model_name="customerreviewmedia",
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
            model_name="customersosalert",
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
        StatusMachine(
            model_name="customermaskedcall",
            field="call_status",
            machine={
                "record": False,
                "terminal": ["BUSY", "COMPLETED", "FAILED", "NO_ANSWER"],
                "transitions": {
                    "ANSWERED": ["COMPLETED", "FAILED"],
                    "INITIATED": ["ANSWERED", "BUSY", "FAILED", "NO_ANSWER", "RINGING"],
                    "RINGING": ["ANSWERED", "BUSY", "FAILED", "NO_ANSWER"],
                },
            },
        ),
        StatusMachine(
            model_name="customersubscription",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "EXPIRED"],
                "transitions": {
                    "ACTIVE": ["CANCELLED", "EXPIRED", "PAST_DUE"],
                    "PAST_DUE": ["ACTIVE", "CANCELLED", "EXPIRED"],
                    "TRIAL": ["ACTIVE", "CANCELLED", "EXPIRED"],
                },
            },
        ),
        StatusMachine(
            model_name="customersubscriptionpayment",
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
            model_name="customerticket",
            field="status",
            machine={
                "record": False,
                "terminal": ["CLOSED"],
                "transitions": {
                    "AWAITING_CUSTOMER": ["CLOSED", "ESCALATED", "IN_PROGRESS", "RESOLVED"],
                    "ESCALATED": ["AWAITING_CUSTOMER", "CLOSED", "IN_PROGRESS", "RESOLVED"],
                    "IN_PROGRESS": ["AWAITING_CUSTOMER", "CLOSED", "ESCALATED", "RESOLVED"],
                    "OPEN": ["AWAITING_CUSTOMER", "CLOSED", "ESCALATED", "IN_PROGRESS", "RESOLVED"],
                    "REOPENED": [
                        "AWAITING_CUSTOMER",
                        "CLOSED",
                        "ESCALATED",
                        "IN_PROGRESS",
                        "RESOLVED",
                    ],
                    "RESOLVED": ["CLOSED", "REOPENED"],
                },
            },
        ),
        StatusMachine(
            model_name="customerticketevent",
            field="from_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="customerticketevent",
            field="to_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="customerwallet",
            field="status",
            machine={
                "record": False,
                "terminal": ["CLOSED"],
                "transitions": {"ACTIVE": ["CLOSED", "FROZEN"], "FROZEN": ["ACTIVE", "CLOSED"]},
            },
        ),
    ]
