"""Enums owned by the riders domain (CATALOG.md section 7, items 22-29).

Shared enums (service type, vehicle type, verification status, ...) come from
``gatimitra.enums``.
"""

from django.db import models


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
    ADJUSTMENT = "ADJUSTMENT", "Adjustment"


class IncentiveType(models.TextChoices):
    ORDER_TARGET = "ORDER_TARGET", "Order target"
    PEAK_HOUR = "PEAK_HOUR", "Peak hour"
    RAIN_SURGE = "RAIN_SURGE", "Rain surge"
    LOGIN_HOURS = "LOGIN_HOURS", "Login hours"
    MINIMUM_GUARANTEE = "MINIMUM_GUARANTEE", "Minimum guarantee"
    STREAK = "STREAK", "Streak"
    LONG_DISTANCE = "LONG_DISTANCE", "Long distance"
