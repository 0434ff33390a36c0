"""Enums owned by the customers domain (CATALOG.md section 7, items 49-60).

Shared enums (service type, payment method, notification channel...) live in
``gatimitra.enums``. Values are stable identifiers: never rename one in place.
"""

from django.db import models

# The one helper pair for the CHECK-text lists below (gatimitra.db.constraints):
# models import it from here with the lists.
from gatimitra.db.constraints import one_of, values  # noqa: F401


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


# CHECK-text lists -------------------------------------------------------------
# Short lists that change often, kept as CHECK-constrained text (CATALOG.md
# conventions: address label, ticket priority, reward state, risk flag type...).
# Each is a ``choices`` sequence for a ``CharField`` plus a named
# ``CheckConstraint`` built by :func:`one_of`; adding a value is an
# ``AlterField`` plus a constraint swap, with no enum type to migrate.

#: Languages of the app, notices and support (ISO 639-1).
LANGUAGES = [
    ("en", "English"),
    ("hi", "Hindi"),
    ("bn", "Bengali"),
    ("te", "Telugu"),
    ("mr", "Marathi"),
    ("ta", "Tamil"),
    ("ur", "Urdu"),
    ("gu", "Gujarati"),
    ("kn", "Kannada"),
    ("ml", "Malayalam"),
    ("or", "Odia"),
    ("pa", "Punjabi"),
    ("as", "Assamese"),
]

SIGNUP_SOURCES = [
    ("ANDROID_APP", "Android app"),
    ("IOS_APP", "iOS app"),
    ("WEB", "Website"),
    ("ONDC", "ONDC buyer app"),
    ("CORPORATE", "Corporate onboarding"),
    ("SUPPORT", "Created by support"),
]

ADDRESS_LABELS = [
    ("HOME", "Home"),
    ("WORK", "Work"),
    ("HOTEL", "Hotel"),
    ("FRIENDS_FAMILY", "Friends and family"),
    ("OTHER", "Other"),
]

SAVED_CONTACT_ROLES = [
    ("SENDER", "Sender"),
    ("RECEIVER", "Receiver"),
    ("BOTH", "Sender and receiver"),
]

ACCESSIBILITY_NEEDS = [
    ("WHEELCHAIR", "Wheelchair user"),
    ("LOW_VISION", "Low vision"),
    ("HEARING", "Deaf or hard of hearing"),
    ("SPEECH", "Speech impairment"),
    ("ELDERLY_ASSIST", "Needs help boarding"),
]

CONSENT_CHANNELS = [
    ("APP", "App"),
    ("WEB", "Website"),
    ("IVR", "IVR"),
    ("WHATSAPP", "WhatsApp"),
    ("SMS", "SMS"),
    ("CONSENT_MANAGER", "Consent manager"),
    ("SUPPORT_AGENT", "Support agent"),
]

DATA_REQUEST_OUTCOMES = [
    ("FULFILLED", "Fulfilled"),
    ("PARTIALLY_FULFILLED", "Partially fulfilled"),
    ("REJECTED", "Rejected"),
    ("WITHDRAWN", "Withdrawn by the customer"),
]

NOTIFICATION_CATEGORIES = [
    ("TRANSACTIONAL", "Transactional (orders, rides, payments)"),
    ("ACCOUNT_SECURITY", "Account and security"),
    ("SERVICE_UPDATES", "Service updates"),
    ("PROMOTIONAL", "Promotional"),
    ("SURVEYS", "Surveys and feedback"),
]

PAYMENT_GATEWAYS = [
    ("RAZORPAY", "Razorpay"),
    ("PAYU", "PayU"),
    ("CASHFREE", "Cashfree"),
    ("JUSPAY", "Juspay"),
    ("PHONEPE", "PhonePe PG"),
    ("PAYTM", "Paytm PG"),
]

PAYMENT_METHOD_STATUSES = [
    ("ACTIVE", "Active"),
    ("EXPIRED", "Expired"),
    ("REVOKED", "Revoked"),
]

CARD_NETWORKS = [
    ("VISA", "Visa"),
    ("MASTERCARD", "Mastercard"),
    ("RUPAY", "RuPay"),
    ("AMEX", "American Express"),
    ("DINERS", "Diners Club"),
]

BUSINESS_PROFILE_STATUSES = [
    ("PENDING_VERIFICATION", "Pending verification"),
    ("ACTIVE", "Active"),
    ("SUSPENDED", "Suspended"),
    ("CLOSED", "Closed"),
]

BUSINESS_MEMBER_ROLES = [
    ("ADMIN", "Administrator"),
    ("BOOKER", "Books for others"),
    ("EMPLOYEE", "Employee"),
]

WALLET_STATUSES = [
    ("ACTIVE", "Active"),
    ("FROZEN", "Frozen"),
    ("CLOSED", "Closed"),
]

#: What a ledger row is about: with ``source_id`` and the transaction type,
#: the idempotency key of CATALOG section 8, item 3.
LEDGER_SOURCE_TYPES = [
    ("ORDER", "Order"),
    ("REFUND", "Refund"),
    ("TICKET", "Support ticket"),
    ("REFERRAL", "Referral"),
    ("REWARD", "Reward"),
    ("CAMPAIGN", "Campaign"),
    ("SUBSCRIPTION", "Subscription"),
    ("LEDGER_ENTRY", "Earlier ledger entry (reversal, expiry)"),
    ("MANUAL", "Manual adjustment"),
]

REWARD_TYPES = [
    ("SCRATCH_CARD", "Scratch card"),
    ("CASHBACK", "Cashback"),
    ("COUPON", "Coupon"),
    ("LOYALTY_POINTS", "Loyalty points"),
]

REWARD_STATES = [
    ("LOCKED", "Locked"),
    ("UNLOCKED", "Unlocked"),
    ("SCRATCHED", "Scratched"),
    ("REDEEMED", "Redeemed"),
    ("EXPIRED", "Expired"),
]

REWARD_SOURCE_TYPES = [
    ("ORDER", "Order"),
    ("CAMPAIGN", "Campaign"),
    ("REFERRAL", "Referral"),
    ("TICKET", "Support ticket"),
]

COUPON_ASSIGNMENT_SOURCES = [
    ("CAMPAIGN", "Campaign"),
    ("REWARD", "Reward"),
    ("REFERRAL", "Referral"),
    ("GOODWILL", "Goodwill"),
]

SEGMENT_REFRESH_CADENCES = [
    ("HOURLY", "Hourly"),
    ("NIGHTLY", "Nightly"),
    ("WEEKLY", "Weekly"),
    ("MANUAL", "Manual"),
]

CART_STATUSES = [
    ("ACTIVE", "Active"),
    ("CHECKED_OUT", "Checked out"),
    ("ABANDONED", "Abandoned"),
    ("EXPIRED", "Expired"),
]

FAVOURITE_TARGET_TYPES = [
    ("STORE", "Store"),
    ("MENU_ITEM", "Menu item"),
]

SEARCH_RESULT_TYPES = [
    ("STORE", "Store"),
    ("MENU_ITEM", "Menu item"),
    ("CUISINE", "Cuisine"),
    ("PLACE", "Place"),
]

RATING_TAG_SENTIMENTS = [
    ("POSITIVE", "Positive"),
    ("NEGATIVE", "Negative"),
]

MODERATION_STATES = [
    ("PENDING", "Pending"),
    ("APPROVED", "Approved"),
    ("REJECTED", "Rejected"),
    ("HIDDEN", "Hidden"),
]

MEDIA_TYPES = [
    ("IMAGE", "Image"),
    ("VIDEO", "Video"),
]

TICKET_CHANNELS = [
    ("APP_CHAT", "In-app chat"),
    ("PHONE", "Phone"),
    ("EMAIL", "Email"),
    ("WHATSAPP", "WhatsApp"),
    ("SOCIAL", "Social media"),
    ("ONDC_IGM", "ONDC IGM"),
]

#: Ticket priority is a smallint (1 is the most urgent), CHECK'd 1..4.
TICKET_PRIORITIES = [
    (1, "P1 urgent"),
    (2, "P2 high"),
    (3, "P3 normal"),
    (4, "P4 low"),
]

TICKET_RESOLUTION_CODES = [
    ("REFUND", "Refund issued"),
    ("WALLET_CREDIT", "Wallet credit issued"),
    ("REPLACEMENT", "Replacement sent"),
    ("INFORMATION", "Information given"),
    ("NO_ACTION", "No action needed"),
    ("REFERRED_TO_PARTNER", "Referred to partner"),
]

TICKET_EVENT_TYPES = [
    ("CREATED", "Created"),
    ("STATUS_CHANGED", "Status changed"),
    ("ASSIGNED", "Assigned"),
    ("PRIORITY_CHANGED", "Priority changed"),
    ("ESCALATED", "Escalated"),
    ("SLA_BREACHED", "SLA breached"),
    ("REFUND_ISSUED", "Refund issued"),
    ("WALLET_CREDITED", "Wallet credited"),
    ("NOTE", "Note"),
]

SURVEY_TYPES = [
    ("NPS", "Net promoter score (0-10)"),
    ("CSAT", "Satisfaction (1-5)"),
]

SURVEY_TOUCHPOINTS = [
    ("POST_ORDER", "After an order"),
    ("POST_TICKET", "After a ticket"),
    ("PERIODIC", "Periodic"),
]

EMERGENCY_CONTACT_RELATIONSHIPS = [
    ("PARENT", "Parent"),
    ("SPOUSE", "Spouse or partner"),
    ("SIBLING", "Sibling"),
    ("CHILD", "Child"),
    ("FRIEND", "Friend"),
    ("COLLEAGUE", "Colleague"),
    ("OTHER", "Other"),
]

SOS_TRIGGERS = [
    ("APP_BUTTON", "SOS button"),
    ("VOICE_COMMAND", "Voice command"),
    ("SHAKE", "Shake gesture"),
    ("IVR", "IVR call"),
]

CALL_PROVIDERS = [
    ("EXOTEL", "Exotel"),
    ("KNOWLARITY", "Knowlarity"),
    ("OZONETEL", "Ozonetel"),
    ("TWILIO", "Twilio"),
]

CALL_STATUSES = [
    ("INITIATED", "Initiated"),
    ("RINGING", "Ringing"),
    ("ANSWERED", "Answered"),
    ("COMPLETED", "Completed"),
    ("NO_ANSWER", "No answer"),
    ("BUSY", "Busy"),
    ("FAILED", "Failed"),
]

RIDER_BLOCK_REASONS = [
    ("LOW_RATING", "Low rating"),
    ("COMPLAINT", "Complaint"),
    ("SAFETY_INCIDENT", "Safety incident"),
    ("CUSTOMER_REQUEST", "Customer asked"),
]

RISK_FLAG_TYPES = [
    ("REFUND_ABUSE", "Refund abuse"),
    ("PROMO_ABUSE", "Promo abuse"),
    ("COD_REFUSAL", "Refuses cash-on-delivery orders"),
    ("MULTI_ACCOUNT_DEVICE", "Several accounts on one device"),
    ("PAYMENT_FRAUD", "Payment fraud"),
    ("ABUSIVE_BEHAVIOUR", "Abusive behaviour"),
]

RISK_SEVERITIES = [
    ("LOW", "Low"),
    ("MEDIUM", "Medium"),
    ("HIGH", "High"),
    ("CRITICAL", "Critical"),
]

RISK_FLAG_SOURCES = [
    ("RULE_ENGINE", "Rule engine"),
    ("ML_MODEL", "Model"),
    ("AGENT", "Agent"),
]

RISK_ACTIONS = [
    ("NONE", "None"),
    ("MANUAL_REVIEW", "Manual review"),
    ("COD_DISABLED", "Cash on delivery disabled"),
    ("COUPONS_BLOCKED", "Coupons blocked"),
    ("WALLET_FROZEN", "Wallet frozen"),
    ("ACCOUNT_SUSPENDED", "Account suspended"),
]

ACQUISITION_SOURCES = [
    ("ORGANIC", "Organic"),
    ("PAID_SEARCH", "Paid search"),
    ("PAID_SOCIAL", "Paid social"),
    ("REFERRAL", "Referral"),
    ("AFFILIATE", "Affiliate"),
    ("ONDC", "ONDC"),
    ("OFFLINE", "Offline"),
    ("CORPORATE", "Corporate"),
]

RFM_SEGMENTS = [
    ("CHAMPIONS", "Champions"),
    ("LOYAL", "Loyal"),
    ("POTENTIAL_LOYALIST", "Potential loyalist"),
    ("NEW", "New"),
    ("AT_RISK", "At risk"),
    ("HIBERNATING", "Hibernating"),
    ("LOST", "Lost"),
]
