"""Enums owned by the customers domain (CATALOG.md section 7, items 49-60).

Shared enums (service type, payment method, notification channel...) live in
``gatimitra.enums``. Values are stable identifiers: never rename one in place.
"""

from django.db import models


class CustomerStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    SUSPENDED = "SUSPENDED", "Suspended"
    BLOCKED = "BLOCKED", "Blocked"
    DELETION_REQUESTED = "DELETION_REQUESTED", "Deletion requested"
    ANONYMISED = "ANONYMISED", "Anonymised"


class ConsentPurpose(models.TextChoices):
    TERMS = "TERMS", "Terms of use"
    PRIVACY_NOTICE = "PRIVACY_NOTICE", "Privacy notice"
    LOCATION = "LOCATION", "Location"
    MARKETING_SMS = "MARKETING_SMS", "Marketing by SMS"
    MARKETING_WHATSAPP = "MARKETING_WHATSAPP", "Marketing on WhatsApp"
    MARKETING_EMAIL = "MARKETING_EMAIL", "Marketing by email"
    PUSH_PROMOTIONS = "PUSH_PROMOTIONS", "Promotional push notifications"
    PERSONALISATION = "PERSONALISATION", "Personalisation"
    PARTNER_SHARING = "PARTNER_SHARING", "Sharing with partners"


class ConsentStatus(models.TextChoices):
    GRANTED = "GRANTED", "Granted"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    EXPIRED = "EXPIRED", "Expired"


class DataRequestType(models.TextChoices):
    """A data principal's rights under the DPDP Act 2023 (ss. 11-14)."""

    ACCESS = "ACCESS", "Access"
    CORRECTION = "CORRECTION", "Correction"
    ERASURE = "ERASURE", "Erasure"
    GRIEVANCE = "GRIEVANCE", "Grievance"
    NOMINATION = "NOMINATION", "Nomination"


class CustomerWalletTxnType(models.TextChoices):
    REFUND_CREDIT = "REFUND_CREDIT", "Refund credit"
    CASHBACK = "CASHBACK", "Cashback"
    PROMO_CREDIT = "PROMO_CREDIT", "Promotional credit"
    REFERRAL_REWARD = "REFERRAL_REWARD", "Referral reward"
    GOODWILL_CREDIT = "GOODWILL_CREDIT", "Goodwill credit"
    ORDER_DEBIT = "ORDER_DEBIT", "Order payment"
    REVERSAL = "REVERSAL", "Reversal"
    EXPIRY = "EXPIRY", "Expiry"


class LoyaltyTxnType(models.TextChoices):
    EARN = "EARN", "Earn"
    REDEEM = "REDEEM", "Redeem"
    EXPIRE = "EXPIRE", "Expire"
    REVERSE = "REVERSE", "Reverse"
    BONUS = "BONUS", "Bonus"
    ADJUST = "ADJUST", "Adjust"


class SubscriptionStatus(models.TextChoices):
    TRIAL = "TRIAL", "Trial"
    ACTIVE = "ACTIVE", "Active"
    PAST_DUE = "PAST_DUE", "Past due"
    CANCELLED = "CANCELLED", "Cancelled"
    EXPIRED = "EXPIRED", "Expired"


class ReferralStatus(models.TextChoices):
    INVITED = "INVITED", "Invited"
    SIGNED_UP = "SIGNED_UP", "Signed up"
    QUALIFIED = "QUALIFIED", "Qualified"
    REWARDED = "REWARDED", "Rewarded"
    REJECTED_FRAUD = "REJECTED_FRAUD", "Rejected (fraud)"
    EXPIRED = "EXPIRED", "Expired"


class RatingTargetType(models.TextChoices):
    ORDER = "ORDER", "Order"
    MERCHANT_STORE = "MERCHANT_STORE", "Store"
    MENU_ITEM = "MENU_ITEM", "Menu item"
    RIDER = "RIDER", "Rider or driver"
    CUSTOMER = "CUSTOMER", "Customer"


class TicketCategory(models.TextChoices):
    """The first five are the ONDC IGM issue categories."""

    ORDER = "ORDER", "Order"
    ITEM = "ITEM", "Item"
    FULFILLMENT = "FULFILLMENT", "Fulfilment"
    AGENT = "AGENT", "Agent"
    PAYMENT = "PAYMENT", "Payment"
    ACCOUNT = "ACCOUNT", "Account"
    SAFETY = "SAFETY", "Safety"


class TicketStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    AWAITING_CUSTOMER = "AWAITING_CUSTOMER", "Awaiting customer"
    ESCALATED = "ESCALATED", "Escalated"
    RESOLVED = "RESOLVED", "Resolved"
    CLOSED = "CLOSED", "Closed"
    REOPENED = "REOPENED", "Reopened"


class NotificationStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    SENT = "SENT", "Sent"
    DELIVERED = "DELIVERED", "Delivered"
    READ = "READ", "Read"
    FAILED = "FAILED", "Failed"
    SUPPRESSED = "SUPPRESSED", "Suppressed"


class NotificationProvider(models.TextChoices):
    """``customer_notifications.provider``: who carried a message (push,
    SMS and WhatsApp through a DLT-registered aggregator, email, voice).
    Empty (NULL) for in-app messages and suppressed sends."""

    FCM = "FCM", "Firebase Cloud Messaging"
    APNS = "APNS", "Apple Push Notification service"
    GUPSHUP = "GUPSHUP", "Gupshup"
    MSG91 = "MSG91", "MSG91"
    KALEYRA = "KALEYRA", "Kaleyra"
    KARIX = "KARIX", "Karix"
    TWILIO = "TWILIO", "Twilio"
    SES = "SES", "Amazon SES"
    SENDGRID = "SENDGRID", "SendGrid"
    EXOTEL = "EXOTEL", "Exotel"


class AttributionProvider(models.TextChoices):
    """``customer_acquisition_attribution.attribution_provider``: the mobile
    measurement partner that attributed the install."""

    APPSFLYER = "APPSFLYER", "AppsFlyer"
    BRANCH = "BRANCH", "Branch"
    ADJUST = "ADJUST", "Adjust"
    SINGULAR = "SINGULAR", "Singular"
    KOCHAVA = "KOCHAVA", "Kochava"
    FIREBASE = "FIREBASE", "Firebase (Google Analytics)"


class GuardianRelationship(models.TextChoices):
    PARENT = "PARENT", "Parent"
    LAWFUL_GUARDIAN = "LAWFUL_GUARDIAN", "Lawful guardian"


class GuardianVerification(models.TextChoices):
    """How the guardian was verified as an identifiable adult (DPDP Rules
    2025 r.10): identity and age details the platform already holds for an
    adult user, or a virtual token from a Digital Locker service provider."""

    EXISTING_ADULT_USER = "EXISTING_ADULT_USER", "An adult customer already verified"
    DIGILOCKER_TOKEN = "DIGILOCKER_TOKEN", "DigiLocker virtual token"
