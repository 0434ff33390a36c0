from orders.models.assignments import OrderDeliveryProof, OrderDispatchOffer, OrderRiderAssignment
from orders.models.cities import (
    DeliveryFeeRule,
    RideFarePolicy,
    ServiceCity,
    ServiceZone,
    SurgePricingRule,
)
from orders.models.orders import (
    Order,
    OrderFoodDetails,
    OrderItem,
    OrderItemAddon,
    OrderParcelDetails,
    OrderQuote,
    OrderRideDetails,
    OrderStop,
    OrderTimeline,
)
from orders.models.payments import (
    OrderCharge,
    OrderDiscount,
    OrderPayment,
    OrderPaymentEvent,
    OrderRefund,
)
from orders.models.providers import (
    ExternalDeliveryProvider,
    ExternalProviderCallback,
    ExternalProviderRateCard,
    OrderExternalDelivery,
)
from orders.models.settlements import (
    CancellationReason,
    OrderCancellation,
    OrderInvoice,
    OrderSettlement,
)

__all__ = [
    "CancellationReason",
    "DeliveryFeeRule",
    "ExternalDeliveryProvider",
    "ExternalProviderCallback",
    "ExternalProviderRateCard",
    "Order",
    "OrderCancellation",
    "OrderCharge",
    "OrderDeliveryProof",
    "OrderDiscount",
    "OrderDispatchOffer",
    "OrderExternalDelivery",
    "OrderFoodDetails",
    "OrderInvoice",
    "OrderItem",
    "OrderItemAddon",
    "OrderParcelDetails",
    "OrderPayment",
    "OrderPaymentEvent",
    "OrderQuote",
    "OrderRefund",
    "OrderRideDetails",
    "OrderRiderAssignment",
    "OrderSettlement",
    "OrderStop",
    "OrderTimeline",
    "RideFarePolicy",
    "ServiceCity",
    "ServiceZone",
    "SurgePricingRule",
]
