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
from riders.models.riders import Rider, RiderDevice, RiderStatusHistory
from riders.models.shifts import (
    DutyLog,
    LocationLog,
    RiderLiveStatus,
    RiderShift,
    RiderShiftBooking,
    RiderSosAlert,
)

__all__ = [
    "DutyLog",
    "LocationLog",
    "Rider",
    "RiderBankAccount",
    "RiderCashDeposit",
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
    "WalletLedger",
]
