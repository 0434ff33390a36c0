from customers.factories.carts import (
    CustomerCartFactory,
    CustomerCartItemFactory,
    CustomerFavouriteFactory,
    CustomerSearchHistoryFactory,
)
from customers.factories.consents import (
    CustomerConsentFactory,
    CustomerDataRequestFactory,
    CustomerGuardianConsentFactory,
    CustomerNotificationFactory,
    CustomerNotificationPreferenceFactory,
)
from customers.factories.customers import (
    CustomerAddressFactory,
    CustomerDeviceFactory,
    CustomerFactory,
    CustomerPreferenceFactory,
    CustomerSavedContactFactory,
)
from customers.factories.metrics import (
    CustomerAcquisitionAttributionFactory,
    CustomerLifetimeStatsFactory,
    CustomerMonthlyMetricFactory,
    CustomerScoreFactory,
)
from customers.factories.payments import (
    CustomerBusinessMemberFactory,
    CustomerBusinessProfileFactory,
    CustomerPaymentMethodFactory,
)
from customers.factories.promotions import (
    CustomerCouponAssignmentFactory,
    CustomerCouponFactory,
    CustomerReferralFactory,
    CustomerRewardFactory,
    CustomerSegmentFactory,
    CustomerSegmentMemberFactory,
)
from customers.factories.ratings import (
    CustomerRatingFactory,
    CustomerRatingTagFactory,
    CustomerReviewMediaFactory,
)
from customers.factories.safety import (
    CustomerBlockedRiderFactory,
    CustomerEmergencyContactFactory,
    CustomerMaskedCallFactory,
    CustomerRiskFlagFactory,
    CustomerSosAlertFactory,
    CustomerTripShareFactory,
)
from customers.factories.subscriptions import (
    CustomerSubscriptionFactory,
    CustomerSubscriptionPaymentFactory,
    CustomerSubscriptionPlanFactory,
)
from customers.factories.tickets import (
    CustomerNpsResponseFactory,
    CustomerTicketEventFactory,
    CustomerTicketFactory,
    CustomerTicketMessageFactory,
)
from customers.factories.wallets import (
    CustomerLoyaltyFactory,
    CustomerLoyaltyTierFactory,
    CustomerLoyaltyTransactionFactory,
    CustomerWalletFactory,
    CustomerWalletTransactionFactory,
)

__all__ = [
    "CustomerAcquisitionAttributionFactory",
    "CustomerAddressFactory",
    "CustomerBlockedRiderFactory",
    "CustomerBusinessMemberFactory",
    "CustomerBusinessProfileFactory",
    "CustomerCartFactory",
    "CustomerCartItemFactory",
    "CustomerConsentFactory",
    "CustomerCouponAssignmentFactory",
    "CustomerCouponFactory",
    "CustomerDataRequestFactory",
    "CustomerDeviceFactory",
    "CustomerEmergencyContactFactory",
    "CustomerFactory",
    "CustomerFavouriteFactory",
    "CustomerGuardianConsentFactory",
    "CustomerLifetimeStatsFactory",
    "CustomerLoyaltyFactory",
    "CustomerLoyaltyTierFactory",
    "CustomerLoyaltyTransactionFactory",
    "CustomerMaskedCallFactory",
    "CustomerMonthlyMetricFactory",
    "CustomerNotificationFactory",
    "CustomerNotificationPreferenceFactory",
    "CustomerNpsResponseFactory",
    "CustomerPaymentMethodFactory",
    "CustomerPreferenceFactory",
    "CustomerRatingFactory",
    "CustomerRatingTagFactory",
    "CustomerReferralFactory",
    "CustomerReviewMediaFactory",
    "CustomerRewardFactory",
    "CustomerRiskFlagFactory",
    "CustomerSavedContactFactory",
    "CustomerScoreFactory",
    "CustomerSearchHistoryFactory",
    "CustomerSegmentFactory",
    "CustomerSegmentMemberFactory",
    "CustomerSosAlertFactory",
    "CustomerSubscriptionFactory",
    "CustomerSubscriptionPaymentFactory",
    "CustomerSubscriptionPlanFactory",
    "CustomerTicketEventFactory",
    "CustomerTicketFactory",
    "CustomerTicketMessageFactory",
    "CustomerTripShareFactory",
    "CustomerWalletFactory",
    "CustomerWalletTransactionFactory",
]
