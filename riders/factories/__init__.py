from riders.factories.documents import (
    RiderDocumentFactory,
    RiderInsurancePolicyFactory,
    RiderKycVerificationFactory,
    RiderTrainingFactory,
    RiderVehicleFactory,
)
from riders.factories.earnings import (
    RiderBankAccountFactory,
    RiderCashDepositFactory,
    RiderOnboardingPaymentFactory,
    RiderOrderEarningFactory,
    RiderPayoutFactory,
    WalletLedgerFactory,
)
from riders.factories.incentives import (
    RiderIncentiveProgressFactory,
    RiderIncentiveSchemeFactory,
    RiderPenaltyFactory,
)
from riders.factories.privacy import (
    RiderConsentFactory,
    RiderWelfareFeeAccrualFactory,
    WelfareFeeRateFactory,
)
from riders.factories.riders import (
    RIDER_FACTORY_BY_STAGE,
    ActiveRiderFactory,
    ApprovalRiderFactory,
    KycRiderFactory,
    MobileVerifiedRiderFactory,
    PaymentRiderFactory,
    RiderDeviceFactory,
    RiderFactory,
    RiderStatusHistoryFactory,
)
from riders.factories.shifts import (
    DutyLogFactory,
    LocationLogFactory,
    RiderLiveStatusFactory,
    RiderShiftBookingFactory,
    RiderShiftFactory,
    RiderSosAlertFactory,
)

__all__ = [
    "RIDER_FACTORY_BY_STAGE",
    "ActiveRiderFactory",
    "ApprovalRiderFactory",
    "DutyLogFactory",
    "KycRiderFactory",
    "LocationLogFactory",
    "MobileVerifiedRiderFactory",
    "PaymentRiderFactory",
    "RiderBankAccountFactory",
    "RiderCashDepositFactory",
    "RiderConsentFactory",
    "RiderDeviceFactory",
    "RiderDocumentFactory",
    "RiderFactory",
    "RiderIncentiveProgressFactory",
    "RiderIncentiveSchemeFactory",
    "RiderInsurancePolicyFactory",
    "RiderKycVerificationFactory",
    "RiderLiveStatusFactory",
    "RiderOnboardingPaymentFactory",
    "RiderOrderEarningFactory",
    "RiderPayoutFactory",
    "RiderPenaltyFactory",
    "RiderShiftBookingFactory",
    "RiderShiftFactory",
    "RiderSosAlertFactory",
    "RiderStatusHistoryFactory",
    "RiderTrainingFactory",
    "RiderVehicleFactory",
    "RiderWelfareFeeAccrualFactory",
    "WalletLedgerFactory",
    "WelfareFeeRateFactory",
]
