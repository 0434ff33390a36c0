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


# GST rate slabs by date of supply ---------------------------------------------------------
#
# Defined once here; ``gst_rate_function_sql`` turns the table into the database
# functions the CHECKs and triggers use (gatimitra migration
# 0007_add_gstin_and_gst_rate_functions freezes its output; a test compares).
# Sources: the GST rate schedules from 1 July 2017 (Notification 1/2017-CT(Rate):
# 5, 12, 18, 28 %; 0.25 % and 3 % for rough diamonds and gold, Notifications
# 1/2017 schedules V-VI), and the 56th GST Council meeting (3 September 2025),
# Notification 9/2025-CT(Rate) of 17 September 2025: from 22 September 2025 the
# slabs are 5 and 18 % with 40 % for sin and luxury goods; 12 and 28 % are gone.
GST_SLAB_PERIODS = [
    # (in force from, in force before (None: still in force), rates in %)
    ("2017-07-01", "2025-09-22", ("0", "0.25", "3", "5", "12", "18", "28")),
    ("2025-09-22", None, ("0", "0.25", "3", "5", "18", "40")),
]


def gst_rates_in_force(on_date):
    """The GST rates (Decimals, in %) that may be charged on a supply made on
    ``on_date``; empty before GST (1 July 2017)."""
    from decimal import Decimal

    day = on_date.isoformat()
    for start, end, rates in GST_SLAB_PERIODS:
        if start <= day and (end is None or day < end):
            return frozenset(Decimal(rate) for rate in rates)
    return frozenset()


def current_gst_rates():
    """The slabs of the period still in force: what a menu may list today."""
    from decimal import Decimal

    return frozenset(Decimal(rate) for rate in GST_SLAB_PERIODS[-1][2])


GST_RATE_IN_FORCE_FUNCTION = "public.gatimitra_gst_rate_in_force"
GST_RATE_IS_CURRENT_FUNCTION = "public.gatimitra_gst_rate_is_current"


def gst_rate_function_sql():
    """``CREATE`` statements for ``gatimitra_gst_rate_in_force(rate, supply
    date)`` and ``gatimitra_gst_rate_is_current(rate)`` (IMMUTABLE: the
    table is part of the function; a change of rates is a new migration that
    replaces them)."""
    branches = []
    for start, end, rates in GST_SLAB_PERIODS:
        window = f"supply_date >= DATE '{start}'"
        if end is not None:
            window += f" AND supply_date < DATE '{end}'"
        branches.append(f"        WHEN {window} THEN rate IN ({', '.join(rates)})")
    current = ", ".join(GST_SLAB_PERIODS[-1][2])
    return [
        f"CREATE OR REPLACE FUNCTION {GST_RATE_IN_FORCE_FUNCTION}(rate numeric, supply_date date) "
        "RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
        "    SELECT CASE\n" + "\n".join(branches) + "\n        ELSE false\n    END\n$$",
        f"CREATE OR REPLACE FUNCTION {GST_RATE_IS_CURRENT_FUNCTION}(rate numeric) "
        "RETURNS boolean LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$\n"
        f"    SELECT rate IN ({current})\n$$",
    ]
