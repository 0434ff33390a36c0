"""Enums owned by the riders domain (CATALOG.md section 7, items 22-29).

Shared enums (service type, vehicle type, verification status, ...) come from
``gatimitra.enums``.
"""

from django.db import models

from gatimitra.db import validators


class OnboardingStage(models.TextChoices):
    """``onboarding_stage``, exactly as the seed has it. The declaration order
    IS the onboarding order: the riders trigger refuses backward moves."""

    MOBILE_VERIFIED = "MOBILE_VERIFIED", "Mobile verified"
    KYC = "KYC", "KYC"
    PAYMENT = "PAYMENT", "Payment"
    APPROVAL = "APPROVAL", "Approval"
    ACTIVE = "ACTIVE", "Active"


class RiderStatus(models.TextChoices):
    ONBOARDING = "ONBOARDING", "Onboarding"
    ACTIVE = "ACTIVE", "Active"
    INACTIVE = "INACTIVE", "Inactive"
    SUSPENDED = "SUSPENDED", "Suspended"
    BLOCKED = "BLOCKED", "Blocked"
    OFFBOARDED = "OFFBOARDED", "Offboarded"


class RiderDocumentType(models.TextChoices):
    AADHAAR = "AADHAAR", "Aadhaar"
    PAN = "PAN", "PAN"
    DRIVING_LICENCE = "DRIVING_LICENCE", "Driving licence"
    VEHICLE_RC = "VEHICLE_RC", "Vehicle RC"
    VEHICLE_INSURANCE = "VEHICLE_INSURANCE", "Vehicle insurance"
    PUC = "PUC", "PUC certificate"
    PERMIT = "PERMIT", "Permit"
    FITNESS_CERTIFICATE = "FITNESS_CERTIFICATE", "Fitness certificate"
    POLICE_VERIFICATION = "POLICE_VERIFICATION", "Police verification"
    MEDICAL_CERTIFICATE = "MEDICAL_CERTIFICATE", "Medical certificate"
    BANK_PROOF = "BANK_PROOF", "Bank proof"
    SELFIE = "SELFIE", "Selfie"


class KycCheckType(models.TextChoices):
    AADHAAR_OKYC = "AADHAAR_OKYC", "Aadhaar offline e-KYC"
    DIGILOCKER = "DIGILOCKER", "DigiLocker"
    PAN_VERIFY = "PAN_VERIFY", "PAN verification"
    DL_VERIFY = "DL_VERIFY", "Driving licence (Sarathi)"
    RC_VERIFY = "RC_VERIFY", "Vehicle RC (VAHAN)"
    FACE_MATCH = "FACE_MATCH", "Face match"
    LIVENESS = "LIVENESS", "Liveness"
    PENNY_DROP = "PENNY_DROP", "Penny drop"
    POLICE_VERIFICATION = "POLICE_VERIFICATION", "Police verification"
    MEDICAL_CHECK = "MEDICAL_CHECK", "Medical check"


class DutyStatus(models.TextChoices):
    OFFLINE = "OFFLINE", "Offline"
    ONLINE = "ONLINE", "Online"
    ON_BREAK = "ON_BREAK", "On break"
    ON_ORDER = "ON_ORDER", "On order"


class ShiftBookingStatus(models.TextChoices):
    BOOKED = "BOOKED", "Booked"
    CHECKED_IN = "CHECKED_IN", "Checked in"
    COMPLETED = "COMPLETED", "Completed"
    NO_SHOW = "NO_SHOW", "No show"
    CANCELLED = "CANCELLED", "Cancelled"


class WalletTxnType(models.TextChoices):
    ORDER_EARNING = "ORDER_EARNING", "Order earning"
    INCENTIVE = "INCENTIVE", "Incentive"
    TIP = "TIP", "Tip"
    REFERRAL_BONUS = "REFERRAL_BONUS", "Referral bonus"
    PENALTY = "PENALTY", "Penalty"
    COD_COLLECTED = "COD_COLLECTED", "COD cash collected"
    COD_DEPOSITED = "COD_DEPOSITED", "COD cash deposited"
    PAYOUT = "PAYOUT", "Payout"
    PAYOUT_REVERSAL = "PAYOUT_REVERSAL", "Payout reversal"
    ONBOARDING_FEE = "ONBOARDING_FEE", "Onboarding fee"
    TDS = "TDS", "Tax deducted at source"
    ADJUSTMENT = "ADJUSTMENT", "Adjustment"


class IncentiveType(models.TextChoices):
    ORDER_TARGET = "ORDER_TARGET", "Order target"
    PEAK_HOUR = "PEAK_HOUR", "Peak hour"
    RAIN_SURGE = "RAIN_SURGE", "Rain surge"
    LOGIN_HOURS = "LOGIN_HOURS", "Login hours"
    MINIMUM_GUARANTEE = "MINIMUM_GUARANTEE", "Minimum guarantee"
    STREAK = "STREAK", "Streak"
    LONG_DISTANCE = "LONG_DISTANCE", "Long distance"


class KycVendor(models.TextChoices):
    """``rider_kyc_verifications.vendor``: who ran an external check, the
    government source itself or the verification provider in front of it."""

    DIGILOCKER = "DIGILOCKER", "DigiLocker (MeitY)"
    UIDAI = "UIDAI", "UIDAI (Aadhaar offline e-KYC)"
    NSDL = "NSDL", "Protean (NSDL) PAN"
    VAHAN = "VAHAN", "VAHAN (vehicle registration)"
    SARATHI = "SARATHI", "Sarathi (driving licence)"
    SIGNZY = "SIGNZY", "Signzy"
    HYPERVERGE = "HYPERVERGE", "HyperVerge"
    IDFY = "IDFY", "IDfy"
    KARZA = "KARZA", "Karza"
    RAZORPAY = "RAZORPAY", "Razorpay (penny drop)"
    CASHFREE = "CASHFREE", "Cashfree (penny drop)"
    STATE_POLICE = "STATE_POLICE", "State police"
    EMPANELLED_DOCTOR = "EMPANELLED_DOCTOR", "Empanelled doctor"


class TrainingModule(models.TextChoices):
    """``rider_trainings.module_code``: the training catalogue. A new module
    is a new value (and migration), so completion can be counted per module."""

    FOOD_INDUCTION_V3 = "FOOD_INDUCTION_V3", "Food partner induction (v3)"
    PARCEL_INDUCTION_V3 = "PARCEL_INDUCTION_V3", "Parcel partner induction (v3)"
    RIDE_INDUCTION_V3 = "RIDE_INDUCTION_V3", "Driver induction (v3)"
    FOOD_HYGIENE_101 = "FOOD_HYGIENE_101", "Food hygiene and safety"
    PARCEL_HANDLING = "PARCEL_HANDLING", "Parcel handling"
    ROAD_SAFETY = "ROAD_SAFETY", "Road safety"
    PASSENGER_SAFETY = "PASSENGER_SAFETY", "Passenger safety and gender sensitisation"
    FIRST_AID = "FIRST_AID", "First aid"


class RiderConsentPurpose(models.TextChoices):
    """What a rider consents to under the DPDP Act 2023 s.6, one purpose
    each (DPDP Rules 2025: an itemised notice per purpose). Aadhaar offline
    e-KYC and DigiLocker pulls need it recorded before they run (Aadhaar Act
    2016 s.8(2)(a) consent for authentication; DPDP s.6)."""

    AADHAAR_OKYC = "AADHAAR_OKYC", "Aadhaar offline e-KYC"
    DIGILOCKER = "DIGILOCKER", "DigiLocker documents"
    BACKGROUND_VERIFICATION = "BACKGROUND_VERIFICATION", "Background and police verification"
    LOCATION_TRACKING = "LOCATION_TRACKING", "Location while on duty"
    MARKETING = "MARKETING", "Offers and referral messages"


class TdsSection(models.TextChoices):
    """The Income-tax Act 1961 section tax is deducted at source under on a
    rider payout (see ``riders.tax``)."""

    S194C = "194C", "s.194C: payment to a contractor (delivery)"
    S194O = "194O", "s.194-O: e-commerce participant (rides)"


# CHECK-text lists and formats ---------------------------------------------------
# CATALOG.md keeps lists that change often (fuel type, penalty reasons, payout
# mode...) as CHECK-constrained text rather than enums: adding a value is an
# ``AlterField`` plus a new CHECK, with no enum type to migrate. Each list is a
# tuple here, used by the model's ``choices`` and its named ``CheckConstraint``.


def choices(values):
    """``[("HUB_CASH", "Hub cash"), ...]`` for a CharField's ``choices``."""
    return [(value, value.replace("_", " ").capitalize()) for value in values]


# Formats ---------------------------------------------------------------------

#: A masked document or account number (``gatimitra.db.secrets.mask``): at
#: most the last four characters shown, whatever they are ("/000" included).
MASKED_NUMBER = r"^X*.{0,4}$"
#: The only Aadhaar form ever stored: eight X and the last four digits.
AADHAAR_MASKED = r"^X{8}[0-9]{4}$"
#: What a full Aadhaar number looks like inside free text: twelve digits,
#: optionally grouped 4-4-4, not part of a longer run of digits (a UIDAI
#: offline e-KYC reference is 4 digits + a 17-digit timestamp, and passes).
AADHAAR_NUMBER_LIKE = r"(^|[^0-9])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}([^0-9]|$)"

# The UPI VPA pattern is the shared one (gatimitra.db.validators.UPI_VPA).
UPI_VPA = validators.UPI_VPA

# Lists -----------------------------------------------------------------------

FUEL_TYPES = ("PETROL", "DIESEL", "CNG", "LPG", "ELECTRIC", "HYBRID", "NONE")
VEHICLE_OWNERSHIPS = ("OWNED", "FAMILY", "RENTED", "LEASED", "FLEET")
#: Vehicles that need no registration number (pedal cycles, low-speed e-scooters).
UNREGISTERED_VEHICLE_TYPES = ("BICYCLE", "EV_SCOOTER")

#: Documents that describe a vehicle and must name it.
VEHICLE_DOCUMENT_TYPES = (
    RiderDocumentType.VEHICLE_RC,
    RiderDocumentType.VEHICLE_INSURANCE,
    RiderDocumentType.PUC,
    RiderDocumentType.PERMIT,
    RiderDocumentType.FITNESS_CERTIFICATE,
)

INSURANCE_COVER_TYPES = ("ACCIDENT", "HEALTH", "TERM_LIFE")
TRAINING_KINDS = ("INDUCTION", "REFRESHER")
ONBOARDING_PAYMENT_PURPOSES = ("JOINING_FEE", "KIT_DEPOSIT")
SOS_KINDS = ("PANIC", "ACCIDENT", "HARASSMENT", "MEDICAL", "VEHICLE_BREAKDOWN", "OTHER")
PAYOUT_KINDS = ("WEEKLY", "INSTANT")
PAYOUT_MODES = ("IMPS", "NEFT", "RTGS", "UPI")
CASH_DEPOSIT_METHODS = ("HUB_CASH", "UPI", "EARNINGS_OFFSET")
PENALTY_REASONS = (
    "LATE_DELIVERY",
    "RIDER_CANCELLATION",
    "CUSTOMER_COMPLAINT",
    "COD_SHORTFALL",
    "SHIFT_NO_SHOW",
    "UNIFORM_OR_BAG",
    "FRAUD",
    "OTHER",
)

#: What a ``wallet_ledger`` row's ``source_id`` points at.
LEDGER_SOURCE_TYPES = (
    "ORDER",
    "EARNING",
    "INCENTIVE",
    "PENALTY",
    "PAYOUT",
    "CASH_DEPOSIT",
    "ONBOARDING_PAYMENT",
    "REFERRAL",
    "MANUAL",
)

#: The direction each wallet transaction type moves money. A rider's balance
#: is what GatiMitra owes them: collecting COD cash is a debit (they now hold
#: company money, so the balance may go negative), depositing it a credit.
#: ADJUSTMENT may go either way.
CREDIT_TXN_TYPES = (
    WalletTxnType.ORDER_EARNING,
    WalletTxnType.INCENTIVE,
    WalletTxnType.TIP,
    WalletTxnType.REFERRAL_BONUS,
    WalletTxnType.COD_DEPOSITED,
    WalletTxnType.PAYOUT_REVERSAL,
)
DEBIT_TXN_TYPES = (
    WalletTxnType.PENALTY,
    WalletTxnType.COD_COLLECTED,
    WalletTxnType.PAYOUT,
    WalletTxnType.ONBOARDING_FEE,
    WalletTxnType.TDS,
)
