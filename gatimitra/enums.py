"""Enums used by two or more domains (CATALOG.md section 7, 'shared').

Each is a ``TextChoices``; columns use them through
``gatimitra.db.fields.EnumField`` so PostgreSQL checks every value.
Values are stable identifiers: never rename one in place.
"""

from django.db import models


class ServiceType(models.TextChoices):
    FOOD = "FOOD", "Food delivery"
    PARCEL = "PARCEL", "Parcel delivery"
    RIDE = "RIDE", "Ride hailing"


class OrderStatus(models.TextChoices):
    """``order_status_type``. Lowercase as in the seed; the declaration order is
    not the lifecycle order, so never compare statuses with < or >."""

    ASSIGNED = "assigned", "Assigned"
    ACCEPTED = "accepted", "Accepted"
    CREATED = "created", "Created"
    CONFIRMED = "confirmed", "Confirmed"
    PREPARING = "preparing", "Preparing"
    READY_FOR_PICKUP = "ready_for_pickup", "Ready for pickup"
    SEARCHING_RIDER = "searching_rider", "Searching rider"
    REACHED_PICKUP = "reached_pickup", "Reached pickup"
    PICKED_UP = "picked_up", "Picked up"
    IN_TRANSIT = "in_transit", "In transit"
    REACHED_DROP = "reached_drop", "Reached drop"
    DELIVERED = "delivered", "Delivered"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"
    RTO_INITIATED = "rto_initiated", "Return to origin initiated"
    RTO_DELIVERED = "rto_delivered", "Returned to origin"


class VehicleType(models.TextChoices):
    BICYCLE = "BICYCLE", "Bicycle"
    EV_SCOOTER = "EV_SCOOTER", "EV scooter"
    MOTORCYCLE = "MOTORCYCLE", "Motorcycle"
    AUTO_RICKSHAW = "AUTO_RICKSHAW", "Auto rickshaw"
    E_RICKSHAW = "E_RICKSHAW", "E-rickshaw"
    CAR_HATCHBACK = "CAR_HATCHBACK", "Car (hatchback)"
    CAR_SEDAN = "CAR_SEDAN", "Car (sedan)"
    CAR_SUV = "CAR_SUV", "Car (SUV)"
    CARGO_3W = "CARGO_3W", "Cargo three-wheeler"
    MINI_TRUCK = "MINI_TRUCK", "Mini truck"


class PaymentMethod(models.TextChoices):
    UPI = "UPI", "UPI"
    CREDIT_CARD = "CREDIT_CARD", "Credit card"
    DEBIT_CARD = "DEBIT_CARD", "Debit card"
    NETBANKING = "NETBANKING", "Net banking"
    PLATFORM_WALLET = "PLATFORM_WALLET", "GatiMitra wallet"
    THIRD_PARTY_WALLET = "THIRD_PARTY_WALLET", "Third-party wallet"
    PAY_LATER = "PAY_LATER", "Pay later"
    CASH = "CASH", "Cash"


class PaymentStatus(models.TextChoices):
    CREATED = "CREATED", "Created"
    PENDING = "PENDING", "Pending"
    AUTHORIZED = "AUTHORIZED", "Authorized"
    CAPTURED = "CAPTURED", "Captured"
    FAILED = "FAILED", "Failed"
    CANCELLED = "CANCELLED", "Cancelled"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED", "Partially refunded"
    REFUNDED = "REFUNDED", "Refunded"


class VerificationStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    IN_REVIEW = "IN_REVIEW", "In review"
    VERIFIED = "VERIFIED", "Verified"
    REJECTED = "REJECTED", "Rejected"
    EXPIRED = "EXPIRED", "Expired"
    RESUBMIT_REQUIRED = "RESUBMIT_REQUIRED", "Resubmit required"


class LedgerEntryDirection(models.TextChoices):
    CREDIT = "CREDIT", "Credit"
    DEBIT = "DEBIT", "Debit"


class PayoutStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"
    ON_HOLD = "ON_HOLD", "On hold"
    PROCESSING = "PROCESSING", "Processing"
    PROCESSED = "PROCESSED", "Processed"
    FAILED = "FAILED", "Failed"
    REVERSED = "REVERSED", "Reversed"
    CANCELLED = "CANCELLED", "Cancelled"


class PayoutAccountType(models.TextChoices):
    BANK_ACCOUNT = "BANK_ACCOUNT", "Bank account"
    UPI_VPA = "UPI_VPA", "UPI VPA"


class DevicePlatform(models.TextChoices):
    ANDROID = "ANDROID", "Android"
    IOS = "IOS", "iOS"
    WEB = "WEB", "Web"
    POS_TERMINAL = "POS_TERMINAL", "POS terminal"


class ActorType(models.TextChoices):
    CUSTOMER = "CUSTOMER", "Customer"
    RIDER = "RIDER", "Rider"
    MERCHANT_USER = "MERCHANT_USER", "Merchant user"
    SYSTEM_USER = "SYSTEM_USER", "Staff user"
    API_CLIENT = "API_CLIENT", "API client"
    EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER", "External provider"
    SYSTEM = "SYSTEM", "System"


class SosStatus(models.TextChoices):
    RAISED = "RAISED", "Raised"
    ACKNOWLEDGED = "ACKNOWLEDGED", "Acknowledged"
    ESCALATED = "ESCALATED", "Escalated"
    RESOLVED = "RESOLVED", "Resolved"
    FALSE_ALARM = "FALSE_ALARM", "False alarm"


class OfferType(models.TextChoices):
    PERCENT_OFF = "PERCENT_OFF", "Percent off"
    FLAT_OFF = "FLAT_OFF", "Flat off"
    BOGO = "BOGO", "Buy one get one"
    FREE_ITEM = "FREE_ITEM", "Free item"
    FREE_DELIVERY = "FREE_DELIVERY", "Free delivery"
    CASHBACK = "CASHBACK", "Cashback"


class CampaignStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SCHEDULED = "SCHEDULED", "Scheduled"
    ACTIVE = "ACTIVE", "Active"
    PAUSED = "PAUSED", "Paused"
    EXHAUSTED = "EXHAUSTED", "Exhausted"
    EXPIRED = "EXPIRED", "Expired"
    CANCELLED = "CANCELLED", "Cancelled"


class DisputeStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    UNDER_REVIEW = "UNDER_REVIEW", "Under review"
    ACCEPTED = "ACCEPTED", "Accepted"
    PARTIALLY_ACCEPTED = "PARTIALLY_ACCEPTED", "Partially accepted"
    REJECTED = "REJECTED", "Rejected"
    CLOSED = "CLOSED", "Closed"


class InvoiceType(models.TextChoices):
    TAX_INVOICE = "TAX_INVOICE", "Tax invoice"
    BILL_OF_SUPPLY = "BILL_OF_SUPPLY", "Bill of supply"
    CREDIT_NOTE = "CREDIT_NOTE", "Credit note"
    DEBIT_NOTE = "DEBIT_NOTE", "Debit note"


class FoodType(models.TextChoices):
    VEG = "VEG", "Veg"
    NON_VEG = "NON_VEG", "Non-veg"
    EGG = "EGG", "Egg"
    VEGAN = "VEGAN", "Vegan"


class GstRegistrationType(models.TextChoices):
    REGULAR = "REGULAR", "Regular"
    COMPOSITION = "COMPOSITION", "Composition"
    UNREGISTERED = "UNREGISTERED", "Unregistered"


class ApprovalStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    CANCELLED = "CANCELLED", "Cancelled"
    EXPIRED = "EXPIRED", "Expired"


class NotificationChannel(models.TextChoices):
    PUSH = "PUSH", "Push"
    SMS = "SMS", "SMS"
    WHATSAPP = "WHATSAPP", "WhatsApp"
    EMAIL = "EMAIL", "Email"
    VOICE = "VOICE", "Voice"
    IN_APP = "IN_APP", "In-app"


class IntegrationStatus(models.TextChoices):
    SANDBOX = "SANDBOX", "Sandbox"
    ACTIVE = "ACTIVE", "Active"
    PAUSED = "PAUSED", "Paused"
    DISABLED = "DISABLED", "Disabled"
