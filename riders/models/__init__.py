from riders.models.documents import (
    RiderDocument,
    RiderInsurancePolicy,
    RiderKycVerification,
    RiderTraining,
    RiderVehicle,
)
from riders.models.earnings import (
    RiderBankAccount,
    RiderCashDeposit,
    RiderOnboardingPayment,
    RiderOrderEarning,
    RiderPayout,
    WalletLedger,
)
from riders.models.incentives import RiderIncentiveProgress, RiderIncentiveScheme, RiderPenalty
from riders.models.privacy import RiderConsent
from riders.models.riders import Rider, RiderDevice, RiderStatusHistory
from riders.models.shifts import (
    DutyLog,
    LocationLog,
    RiderLiveStatus,
    RiderShift,
    RiderShiftBooking,
    RiderSosAlert,
)
from riders.models.welfare import RiderWelfareFeeAccrual, WelfareFeeRate

__all__ = [
    "DutyLog",
    "LocationLog",
    "Rider",
    "RiderBankAccount",
    "RiderCashDeposit",
    "RiderConsent",
    "RiderDevice",
    "RiderDocument",
    "RiderIncentiveProgress",
    "RiderIncentiveScheme",
    "RiderInsurancePolicy",
    "RiderKycVerification",
    "RiderLiveStatus",
    "RiderOnboardingPayment",
    "RiderOrderEarning",
    "RiderPayout",
    "RiderPenalty",
    "RiderShift",
    "RiderShiftBooking",
    "RiderSosAlert",
    "RiderStatusHistory",
    "RiderTraining",
    "RiderVehicle",
    "RiderWelfareFeeAccrual",
    "WalletLedger",
    "WelfareFeeRate",
]
