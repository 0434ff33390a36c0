from customers.models.carts import (
    CustomerCart,
    CustomerCartItem,
    CustomerFavourite,
    CustomerSearchHistory,
)
from customers.models.consents import (
    CustomerConsent,
    CustomerDataRequest,
    CustomerGuardianConsent,
    CustomerNotification,
    CustomerNotificationPreference,
)
from customers.models.customers import (
    Customer,
    CustomerAddress,
    CustomerDevice,
    CustomerPreference,
    CustomerSavedContact,
)
from customers.models.metrics import (
    CustomerAcquisitionAttribution,
    CustomerLifetimeStats,
    CustomerMonthlyMetric,
    CustomerScore,
)
from customers.models.payments import (
    CustomerBusinessMember,
    CustomerBusinessProfile,
    CustomerPaymentMethod,
)
from customers.models.promotions import (
    CustomerCoupon,
    CustomerCouponAssignment,
    CustomerReferral,
    CustomerReward,
    CustomerSegment,
    CustomerSegmentMember,
)
from customers.models.ratings import CustomerRating, CustomerRatingTag, CustomerReviewMedia
from customers.models.safety import (
    CustomerBlockedRider,
    CustomerEmergencyContact,
    CustomerMaskedCall,
    CustomerRiskFlag,
    CustomerSosAlert,
    CustomerTripShare,
)
from customers.models.subscriptions import (
    CustomerSubscription,
    CustomerSubscriptionPayment,
    CustomerSubscriptionPlan,
)
from customers.models.tickets import (
    CustomerNpsResponse,
    CustomerTicket,
    CustomerTicketEvent,
    CustomerTicketMessage,
)
from customers.models.wallets import (
    CustomerLoyalty,
    CustomerLoyaltyTier,
    CustomerLoyaltyTransaction,
    CustomerWallet,
    CustomerWalletTransaction,
)

__all__ = [
    "Customer",
    "CustomerAcquisitionAttribution",
    "CustomerAddress",
    "CustomerBlockedRider",
    "CustomerBusinessMember",
    "CustomerBusinessProfile",
    "CustomerCart",
    "CustomerCartItem",
    "CustomerConsent",
    "CustomerCoupon",
    "CustomerCouponAssignment",
    "CustomerDataRequest",
    "CustomerDevice",
    "CustomerEmergencyContact",
    "CustomerFavourite",
    "CustomerGuardianConsent",
    "CustomerLifetimeStats",
    "CustomerLoyalty",
    "CustomerLoyaltyTier",
    "CustomerLoyaltyTransaction",
    "CustomerMaskedCall",
    "CustomerMonthlyMetric",
    "CustomerNotification",
    "CustomerNotificationPreference",
    "CustomerNpsResponse",
    "CustomerPaymentMethod",
    "CustomerPreference",
    "CustomerRating",
    "CustomerRatingTag",
    "CustomerReferral",
    "CustomerReviewMedia",
    "CustomerReward",
    "CustomerRiskFlag",
    "CustomerSavedContact",
    "CustomerScore",
    "CustomerSearchHistory",
    "CustomerSegment",
    "CustomerSegmentMember",
    "CustomerSosAlert",
    "CustomerSubscription",
    "CustomerSubscriptionPayment",
    "CustomerSubscriptionPlan",
    "CustomerTicket",
    "CustomerTicketEvent",
    "CustomerTicketMessage",
    "CustomerTripShare",
    "CustomerWallet",
    "CustomerWalletTransaction",
]
