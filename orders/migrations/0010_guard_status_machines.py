from django.db import migrations

from gatimitra.db.operations import StatusMachine


class Migration(migrations.Migration):
    """Every status column of orders gets its machine, compiled into a guard
    (``gatimitra.db.machines``, generator version 1). The maps are frozen
    copies of ``orders/transitions.py`` as they were when this ran; a later
    change is a new migration (``StatusMachine(..., replaces=...)``)."""

    dependencies = [("orders", "0009_refuse_truncate_on_append_only")]

    operations = [
        StatusMachine(
            model_name="orderdispatchoffer",
            field="status",
            machine={
                "record": False,
                "terminal": ["ACCEPTED", "DECLINED", "EXPIRED", "WITHDRAWN"],
                "transitions": {
                    "SEEN": ["ACCEPTED", "DECLINED", "EXPIRED", "WITHDRAWN"],
                    "SENT": ["ACCEPTED", "DECLINED", "EXPIRED", "SEEN", "WITHDRAWN"],
                },
            },
        ),
        StatusMachine(
            model_name="orderriderassignment",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "COMPLETED", "REJECTED", "TIMED_OUT", "UNASSIGNED"],
                "transitions": {
                    "ACCEPTED": ["CANCELLED", "COMPLETED", "UNASSIGNED"],
                    "ASSIGNED": ["ACCEPTED", "CANCELLED", "REJECTED", "TIMED_OUT", "UNASSIGNED"],
                },
            },
        ),
        StatusMachine(
            model_name="servicecity",
            field="launch_status",
            machine={
                "record": False,
                "terminal": ["EXITED"],
                "transitions": {
                    "LIVE": ["EXITED", "PAUSED"],
                    "PAUSED": ["EXITED", "LIVE", "PILOT"],
                    "PILOT": ["EXITED", "LIVE", "PAUSED"],
                    "PLANNED": ["EXITED", "LIVE", "PILOT"],
                },
            },
        ),
        StatusMachine(
            model_name="orderfooddetails",
            field="prep_status",
            machine={
                "record": False,
                "terminal": ["HANDED_OVER", "REJECTED"],
                "transitions": {
                    "ACCEPTED": ["PREPARING", "READY", "REJECTED"],
                    "AWAITING_ACCEPTANCE": ["ACCEPTED", "REJECTED"],
                    "PREPARING": ["READY"],
                    "READY": ["HANDED_OVER"],
                },
            },
        ),
        StatusMachine(
            model_name="ordertimeline",
            field="from_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="ordertimeline",
            field="status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="orderpayment",
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
            model_name="orderrefund",
            field="status",
            machine={
                "record": False,
                "terminal": ["REJECTED", "SUCCEEDED"],
                "transitions": {
                    "APPROVED": ["FAILED", "PROCESSING", "SUCCEEDED"],
                    "FAILED": ["PROCESSING", "REJECTED"],
                    "PROCESSING": ["FAILED", "SUCCEEDED"],
                    "REQUESTED": ["APPROVED", "FAILED", "PROCESSING", "REJECTED", "SUCCEEDED"],
                },
            },
        ),
        StatusMachine(
            model_name="externaldeliveryprovider",
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
            model_name="orderexternaldelivery",
            field="status",
            machine={
                "record": False,
                "terminal": ["CANCELLED", "DELIVERED", "RTO_DELIVERED"],
                "transitions": {
                    "AGENT_ASSIGNED": [
                        "AT_PICKUP",
                        "CANCELLED",
                        "FAILED",
                        "PICKED_UP",
                        "SEARCHING_AGENT",
                    ],
                    "AT_DELIVERY": ["DELIVERED", "FAILED", "RTO_INITIATED"],
                    "AT_PICKUP": ["CANCELLED", "FAILED", "PICKED_UP"],
                    "FAILED": ["CANCELLED", "RTO_INITIATED"],
                    "OUT_FOR_DELIVERY": ["AT_DELIVERY", "DELIVERED", "FAILED", "RTO_INITIATED"],
                    "PICKED_UP": [
                        "AT_DELIVERY",
                        "DELIVERED",
                        "FAILED",
                        "OUT_FOR_DELIVERY",
                        "RTO_INITIATED",
                    ],
                    "RTO_INITIATED": ["RTO_DELIVERED"],
                    "SEARCHING_AGENT": ["AGENT_ASSIGNED", "CANCELLED", "FAILED"],
                },
            },
        ),
        StatusMachine(
            model_name="externalprovidercallback",
            field="event_status",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="ordercancellation",
            field="status_at_cancel",
            machine={"record": True, "terminal": [], "transitions": {}},
        ),
        StatusMachine(
            model_name="ordersettlement",
            field="status",
            machine={
                "record": False,
                "terminal": ["REVERSED", "SETTLED"],
                "transitions": {
                    "ON_HOLD": ["PENDING", "READY", "REVERSED"],
                    "PENDING": ["ON_HOLD", "READY", "REVERSED", "SETTLED"],
                    "READY": ["ON_HOLD", "REVERSED", "SETTLED"],
                },
            },
        ),
    ]
