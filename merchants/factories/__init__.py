"""A factory-boy factory for every merchants model (``<Model>Factory``)."""

from merchants.factories.documents import (
    MerchantDocumentFactory,
    MerchantTaxRegistrationFactory,
    MerchantVerificationCheckFactory,
)
from merchants.factories.menus import (
    MerchantItemStockEventFactory,
    MerchantMenuAddonFactory,
    MerchantMenuAddonGroupFactory,
    MerchantMenuCategoryFactory,
    MerchantMenuChangeRequestFactory,
    MerchantMenuFactory,
    MerchantMenuItemAddonGroupFactory,
    MerchantMenuItemFactory,
    MerchantMenuItemTagFactory,
    MerchantMenuItemVariantFactory,
)
from merchants.factories.offers import (
    MerchantAdCampaignFactory,
    MerchantOfferFactory,
    MerchantOfferItemFactory,
)
from merchants.factories.operations import (
    MerchantDeviceFactory,
    MerchantPosIntegrationFactory,
    MerchantStoreAvailabilityLogFactory,
    MerchantStoreClosureFactory,
    MerchantStoreDailyMetricFactory,
    MerchantStoreHoursFactory,
)
from merchants.factories.parents import (
    MerchantOnboardingApplicationFactory,
    MerchantParentFactory,
    MerchantUserFactory,
)
from merchants.factories.payouts import (
    MerchantBankAccountFactory,
    MerchantCommissionPlanFactory,
    MerchantContractFactory,
    MerchantInvoiceFactory,
    MerchantPayoutAdjustmentFactory,
    MerchantPayoutDisputeFactory,
    MerchantStorePayoutFactory,
)
from merchants.factories.stores import (
    LiveMerchantStoreFactory,
    MerchantCuisineFactory,
    MerchantStoreCuisineFactory,
    MerchantStoreFactory,
    MerchantStoreLinkFactory,
    MerchantStoreMediaFactory,
    MerchantStoreServiceAreaFactory,
    MerchantUserStoreAccessFactory,
)

__all__ = [
    "LiveMerchantStoreFactory",
    "MerchantAdCampaignFactory",
    "MerchantBankAccountFactory",
    "MerchantCommissionPlanFactory",
    "MerchantContractFactory",
    "MerchantCuisineFactory",
    "MerchantDeviceFactory",
    "MerchantDocumentFactory",
    "MerchantInvoiceFactory",
    "MerchantItemStockEventFactory",
    "MerchantMenuAddonFactory",
    "MerchantMenuAddonGroupFactory",
    "MerchantMenuCategoryFactory",
    "MerchantMenuChangeRequestFactory",
    "MerchantMenuFactory",
    "MerchantMenuItemAddonGroupFactory",
    "MerchantMenuItemFactory",
    "MerchantMenuItemTagFactory",
    "MerchantMenuItemVariantFactory",
    "MerchantOfferFactory",
    "MerchantOfferItemFactory",
    "MerchantOnboardingApplicationFactory",
    "MerchantParentFactory",
    "MerchantPayoutAdjustmentFactory",
    "MerchantPayoutDisputeFactory",
    "MerchantPosIntegrationFactory",
    "MerchantStoreAvailabilityLogFactory",
    "MerchantStoreClosureFactory",
    "MerchantStoreCuisineFactory",
    "MerchantStoreDailyMetricFactory",
    "MerchantStoreFactory",
    "MerchantStoreHoursFactory",
    "MerchantStoreLinkFactory",
    "MerchantStoreMediaFactory",
    "MerchantStorePayoutFactory",
    "MerchantStoreServiceAreaFactory",
    "MerchantTaxRegistrationFactory",
    "MerchantUserFactory",
    "MerchantUserStoreAccessFactory",
    "MerchantVerificationCheckFactory",
]
