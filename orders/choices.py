"""Enums owned by the orders domain (CATALOG.md section 7, items 30-40).

Shared enums (service_type, order_status_type, vehicle_type, payment_method,
payment_status, actor_type, ...) come from ``gatimitra.enums``.
"""

from django.db import models


class FoodPrepStatus(models.TextChoices):
    """``food_prep_status``: the kitchen's side of a FOOD order."""

    AWAITING_ACCEPTANCE = "AWAITING_ACCEPTANCE", "Awaiting acceptance"
    ACCEPTED = "ACCEPTED", "Accepted"
    PREPARING = "PREPARING", "Preparing"
    READY = "READY", "Ready"
    HANDED_OVER = "HANDED_OVER", "Handed over"
    REJECTED = "REJECTED", "Rejected"


class ParcelPackageType(models.TextChoices):
    DOCUMENTS = "DOCUMENTS", "Documents"
    FOOD = "FOOD", "Food"
    GROCERIES = "GROCERIES", "Groceries"
    MEDICINES = "MEDICINES", "Medicines"
    ELECTRONICS = "ELECTRONICS", "Electronics"
    CLOTHING = "CLOTHING", "Clothing"
    FRAGILE = "FRAGILE", "Fragile"
    OTHER = "OTHER", "Other"


class StopType(models.TextChoices):
    PICKUP = "PICKUP", "Pickup"
    DROP = "DROP", "Drop"
    WAYPOINT = "WAYPOINT", "Waypoint"
    RETURN = "RETURN", "Return"


class ChargeType(models.TextChoices):
    """``charge_type``: one line of an order's bill. Which lines add to and
    which subtract from the total is defined in ``orders.charges``."""

    ITEM_TOTAL = "ITEM_TOTAL", "Item total"
    DELIVERY_FEE = "DELIVERY_FEE", "Delivery fee / trip fare"
    PACKAGING_FEE = "PACKAGING_FEE", "Packaging fee"
    PLATFORM_FEE = "PLATFORM_FEE", "Platform fee"
    SMALL_CART_FEE = "SMALL_CART_FEE", "Small cart fee"
    SURGE_FEE = "SURGE_FEE", "Surge fee"
    LONG_DISTANCE_FEE = "LONG_DISTANCE_FEE", "Long distance fee"
    WAITING_CHARGE = "WAITING_CHARGE", "Waiting charge"
    NIGHT_CHARGE = "NIGHT_CHARGE", "Night charge"
    TOLL = "TOLL", "Toll"
    PARKING = "PARKING", "Parking"
    GST = "GST", "GST"
    TIP = "TIP", "Tip"
    DISCOUNT = "DISCOUNT", "Discount"
    CANCELLATION_FEE = "CANCELLATION_FEE", "Cancellation fee"
    ROUND_OFF = "ROUND_OFF", "Round off"


class PaymentEventType(models.TextChoices):
    INITIATED = "INITIATED", "Initiated"
    AUTHORIZED = "AUTHORIZED", "Authorized"
    CAPTURED = "CAPTURED", "Captured"
    FAILED = "FAILED", "Failed"
    VOIDED = "VOIDED", "Voided"
    REFUND_INITIATED = "REFUND_INITIATED", "Refund initiated"
    REFUNDED = "REFUNDED", "Refunded"
    REFUND_FAILED = "REFUND_FAILED", "Refund failed"
    CHARGEBACK_OPENED = "CHARGEBACK_OPENED", "Chargeback opened"
    CHARGEBACK_CLOSED = "CHARGEBACK_CLOSED", "Chargeback closed"


class RefundStatus(models.TextChoices):
    REQUESTED = "REQUESTED", "Requested"
    APPROVED = "APPROVED", "Approved"
    PROCESSING = "PROCESSING", "Processing"
    SUCCEEDED = "SUCCEEDED", "Succeeded"
    FAILED = "FAILED", "Failed"
    REJECTED = "REJECTED", "Rejected"


class CancellationActor(models.TextChoices):
    CUSTOMER = "CUSTOMER", "Customer"
    MERCHANT = "MERCHANT", "Merchant"
    RIDER = "RIDER", "Rider"
    PLATFORM = "PLATFORM", "Platform"
    SYSTEM = "SYSTEM", "System"
    EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER", "External provider"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "ASSIGNED", "Assigned"
    ACCEPTED = "ACCEPTED", "Accepted"
    REJECTED = "REJECTED", "Rejected"
    TIMED_OUT = "TIMED_OUT", "Timed out"
    UNASSIGNED = "UNASSIGNED", "Unassigned"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


class DispatchOfferStatus(models.TextChoices):
    SENT = "SENT", "Sent"
    SEEN = "SEEN", "Seen"
    ACCEPTED = "ACCEPTED", "Accepted"
    DECLINED = "DECLINED", "Declined"
    EXPIRED = "EXPIRED", "Expired"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class SettlementStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    ON_HOLD = "ON_HOLD", "On hold"
    READY = "READY", "Ready"
    SETTLED = "SETTLED", "Settled"
    REVERSED = "REVERSED", "Reversed"


class ExternalDeliveryStatus(models.TextChoices):
    """``external_delivery_status``: mirrors ONDC logistics fulfilment states."""

    SEARCHING_AGENT = "SEARCHING_AGENT", "Searching agent"
    AGENT_ASSIGNED = "AGENT_ASSIGNED", "Agent assigned"
    AT_PICKUP = "AT_PICKUP", "At pickup"
    PICKED_UP = "PICKED_UP", "Picked up"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY", "Out for delivery"
    AT_DELIVERY = "AT_DELIVERY", "At delivery"
    DELIVERED = "DELIVERED", "Delivered"
    CANCELLED = "CANCELLED", "Cancelled"
    RTO_INITIATED = "RTO_INITIATED", "RTO initiated"
    RTO_DELIVERED = "RTO_DELIVERED", "RTO delivered"
    FAILED = "FAILED", "Failed"


class RefundReason(models.TextChoices):
    """``order_refunds.reason_code``: why money goes back (the free text is
    ``reason``). Codes, not sentences, so finance can count them."""

    ORDER_CANCELLED = "ORDER_CANCELLED", "Order cancelled"
    ITEM_MISSING = "ITEM_MISSING", "Item missing"
    WRONG_ITEM = "WRONG_ITEM", "Wrong item"
    QUALITY_ISSUE = "QUALITY_ISSUE", "Quality issue"
    DAMAGED = "DAMAGED", "Damaged in transit"
    LATE_DELIVERY = "LATE_DELIVERY", "Late delivery"
    NOT_DELIVERED = "NOT_DELIVERED", "Not delivered"
    FARE_DISPUTE = "FARE_DISPUTE", "Fare dispute"
    DUPLICATE_PAYMENT = "DUPLICATE_PAYMENT", "Duplicate payment"
    GOODWILL = "GOODWILL", "Goodwill"
    OTHER = "OTHER", "Other"


class PaymentFailureCode(models.TextChoices):
    """``order_payments.failure_code``: the gateway's error class as the
    gateways report it (Razorpay's ``error.code`` values, which the other
    gateways' codes are mapped onto); the gateway's own text stays in
    ``failure_reason``. Empty (NULL) while a payment has not failed."""

    BAD_REQUEST_ERROR = "BAD_REQUEST_ERROR", "Bad request (declined, wrong details)"
    GATEWAY_ERROR = "GATEWAY_ERROR", "Gateway error"
    SERVER_ERROR = "SERVER_ERROR", "Server error"
    PAYMENT_TIMEOUT = "PAYMENT_TIMEOUT", "Timed out"
    USER_CANCELLED = "USER_CANCELLED", "Cancelled by the customer"


class IndianTimeZone(models.TextChoices):
    """``service_cities.timezone``: India keeps one time zone, IST (UTC+05:30),
    whose IANA name is Asia/Kolkata (Asia/Calcutta is only a backward link to
    it in the tz database, and is migrated to Asia/Kolkata). A city outside
    India would add its zone here."""

    ASIA_KOLKATA = "Asia/Kolkata", "India Standard Time (Asia/Kolkata)"


class RideVehicleOwner(models.TextChoices):
    """Who owns the vehicle a ride was driven in: it sets the driver's
    minimum share of the fare (MVAG 2025, see ``orders.ride_rules``)."""

    DRIVER = "DRIVER", "The driver"
    AGGREGATOR = "AGGREGATOR", "The aggregator"
