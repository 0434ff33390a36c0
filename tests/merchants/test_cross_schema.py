"""The merchants rows that point into other schemas: a store's zone and the
zones its service areas and campaigns target, the orders behind payout
adjustments and disputes, the approval of a menu change and the API client
of a POS integration. Forms say what the database would refuse at commit,
the factories fill the links a real row has, and the admin shows them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from access_mgmt.choices import ApiClientType
from access_mgmt.factories import ApprovalRequestFactory
from merchants.factories import (
    LiveMerchantStoreFactory,
    MerchantAdCampaignFactory,
    MerchantMenuChangeRequestFactory,
    MerchantPayoutAdjustmentFactory,
    MerchantPayoutDisputeFactory,
    MerchantPosIntegrationFactory,
    MerchantStoreFactory,
    MerchantStorePayoutFactory,
    MerchantStoreServiceAreaFactory,
)
from orders.factories import FoodOrderFactory, ServiceCityFactory, ServiceZoneFactory

pytestmark = pytest.mark.django_db


def _hyderabad_zone():
    return ServiceZoneFactory(city=ServiceCityFactory(code="HYD", name="Hyderabad"))


def test_live_store_factory_places_the_store_in_a_bengaluru_zone(run_deferred_checks):
    store = LiveMerchantStoreFactory()
    run_deferred_checks()
    assert (store.zone.city.code, store.zone.code) == ("BLR", "INDIRANAGAR")
    assert LiveMerchantStoreFactory().zone == store.zone  # reused, not one zone per store


def test_ad_campaign_factory_targets_its_live_stores_zone(run_deferred_checks):
    campaign = MerchantAdCampaignFactory()
    run_deferred_checks()
    assert campaign.store.status == "LIVE"
    assert campaign.zone == campaign.store.zone


def test_pos_integration_factory_uses_a_merchant_pos_api_client():
    integration = MerchantPosIntegrationFactory()
    assert integration.api_client.client_type == ApiClientType.MERCHANT_POS
    assert integration in integration.api_client.merchant_pos_integrations.all()


def test_adjustment_and_dispute_name_the_order_they_are_about(run_deferred_checks):
    payout = MerchantStorePayoutFactory()
    order = FoodOrderFactory(merchant_store=payout.store)
    adjustment = MerchantPayoutAdjustmentFactory(
        payout=payout, order=order, adjustment_type="PENALTY"
    )
    dispute = MerchantPayoutDisputeFactory(
        payout=adjustment.payout, adjustment=adjustment, order=order
    )
    run_deferred_checks()
    assert list(order.merchant_payout_adjustments.all()) == [adjustment]
    assert list(order.merchant_payout_disputes.all()) == [dispute]


def test_menu_change_request_names_its_approval():
    approval = ApprovalRequestFactory(target_entity_type="merchants.merchantmenuchangerequest")
    change = MerchantMenuChangeRequestFactory(approval=approval)
    assert list(approval.merchant_menu_change_requests.all()) == [change]


# Forms explain what the commit would refuse ---------------------------------------------------


def test_campaign_form_refuses_a_zone_of_another_city():
    campaign = MerchantAdCampaignFactory.build(
        store=LiveMerchantStoreFactory(), zone=_hyderabad_zone()
    )
    with pytest.raises(ValidationError) as info:
        campaign.full_clean()
    assert "outside the city" in " ".join(info.value.message_dict["zone"])


def test_service_area_form_asks_for_the_stores_zone_first():
    area = MerchantStoreServiceAreaFactory.build(
        store=MerchantStoreFactory(zone=None), radius_m=None, zone=ServiceZoneFactory()
    )
    with pytest.raises(ValidationError) as info:
        area.full_clean()
    assert "no service zone yet" in " ".join(info.value.message_dict["zone"])


def test_service_area_form_accepts_a_zone_of_the_stores_city():
    store = MerchantStoreFactory()
    area = MerchantStoreServiceAreaFactory.build(
        store=store, radius_m=None, zone=ServiceZoneFactory(city=store.zone.city)
    )
    area.full_clean()


def test_store_form_refuses_a_zone_that_strands_its_targets():
    campaign = MerchantAdCampaignFactory()
    store = campaign.store
    store.zone = _hyderabad_zone()
    with pytest.raises(ValidationError) as info:
        store.full_clean()
    assert str(campaign.zone) in " ".join(info.value.message_dict["zone"])


def test_store_form_lets_a_store_move_within_its_city():
    store = MerchantStoreFactory()
    MerchantStoreServiceAreaFactory(store=store, radius_m=None, zone=store.zone)
    store.zone = ServiceZoneFactory(city=store.zone.city)
    store.full_clean()


def test_live_store_form_asks_for_a_zone(live_store):
    live_store.zone = None
    with pytest.raises(ValidationError) as info:
        live_store.full_clean()
    assert "A LIVE store needs its service zone." in info.value.messages


# Admin shows the links ------------------------------------------------------------------------


def _page(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_store_list_and_page_show_the_zone(client, superuser):
    store = LiveMerchantStoreFactory()
    listing = _page(client, superuser, reverse("admin:merchants_merchantstore_changelist"))
    assert str(store.zone) in listing
    page = _page(
        client, superuser, reverse("admin:merchants_merchantstore_change", args=[store.pk])
    )
    assert 'name="zone"' in page
    assert str(store.zone) in page


def test_campaign_list_shows_its_zone(client, superuser):
    campaign = MerchantAdCampaignFactory()
    listing = _page(client, superuser, reverse("admin:merchants_merchantadcampaign_changelist"))
    assert str(campaign.zone) in listing


def test_payout_page_shows_the_order_of_an_adjustment(client, superuser):
    payout = MerchantStorePayoutFactory()
    order = FoodOrderFactory(merchant_store=payout.store)
    adjustment = MerchantPayoutAdjustmentFactory(payout=payout, order=order)
    page = _page(
        client,
        superuser,
        reverse("admin:merchants_merchantstorepayout_change", args=[adjustment.payout_id]),
    )
    assert 'name="adjustments-0-order"' in page
    assert order.order_number in page
