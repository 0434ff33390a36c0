"""Short value lists and formats that riders tables CHECK as plain text.

CATALOG.md keeps lists that change often (fuel type, penalty reasons, payout
mode...) as CHECK-constrained text rather than enums: adding a value is an
``AlterField`` plus a new CHECK, with no enum type to migrate. Each list is a
tuple here, used by the model's ``choices`` and its named ``CheckConstraint``.
"""

from gatimitra.db import validators
from riders.choices import RiderDocumentType, WalletTxnType


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
