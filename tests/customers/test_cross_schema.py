"""The customers tables' links into orders, merchants, riders and
access_mgmt, and the rules that came with them: each tried with a violating
write that PostgreSQL must refuse, naming the table or constraint."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from access_mgmt.factories import TeamFactory
from customers.choices import (
    CustomerWalletTxnType,
    RatingTargetType,
    ReferralStatus,
    TicketCategory,
)
from customers.factories import (
    CustomerBlockedRiderFactory,
    CustomerCartFactory,
    CustomerCartItemFactory,
    CustomerFactory,
    CustomerFavouriteFactory,
    CustomerLoyaltyFactory,
    CustomerMaskedCallFactory,
    CustomerNotificationFactory,
    CustomerNpsResponseFactory,
    CustomerRatingFactory,
    CustomerReferralFactory,
    CustomerRewardFactory,
    CustomerSosAlertFactory,
    CustomerTicketEventFactory,
    CustomerTicketFactory,
    CustomerTripShareFactory,
    CustomerWalletFactory,
)
from customers.models import (
    CustomerCart,
    CustomerCartItem,
    CustomerLoyalty,
    CustomerTicket,
    CustomerWallet,
)
from gatimitra.db.tables import quote_table
from gatimitra.enums import ActorType, OrderStatus, ServiceType
from merchants.factories import (
    MerchantMenuItemFactory,
    MerchantMenuItemVariantFactory,
    MerchantStoreFactory,
)
from orders.factories import OrderRefundFactory, RideOrderFactory
from riders.factories import RiderFactory
from riders.models import Rider
from tests.customers.helpers import refused

pytestmark = pytest.mark.django_db

DELIVERED = OrderStatus.DELIVERED


def refund_of(order):
    """A refund of ``order``'s (captured) payment."""
    return OrderRefundFactory(payment=order.payments.get())


class TestFavourites:
    def test_a_favourite_names_exactly_the_target_its_type_says(self):
        with refused("customer_favourites_one_target"):
            CustomerFavouriteFactory(target_type="STORE", store=None)
        with refused("customer_favourites_one_target"):
            CustomerFavouriteFactory(target_type="STORE", menu_item=MerchantMenuItemFactory())
        with refused("customer_favourites_one_target"):
            CustomerFavouriteFactory(target_type="MENU_ITEM", store=MerchantStoreFactory())
        assert CustomerFavouriteFactory(target_type="MENU_ITEM").menu_item_id

    def test_a_store_or_an_item_is_a_favourite_once(self, customer):
        store = CustomerFavouriteFactory(customer=customer).store
        with refused("customer_favourites_store_uniq"):
            CustomerFavouriteFactory(customer=customer, store=store)
        item = CustomerFavouriteFactory(customer=customer, target_type="MENU_ITEM").menu_item
        with refused("customer_favourites_menu_item_uniq"):
            CustomerFavouriteFactory(customer=customer, target_type="MENU_ITEM", menu_item=item)
        # Another customer may like them too.
        CustomerFavouriteFactory(store=store)


class TestCarts:
    def test_a_food_cart_and_only_a_food_cart_names_its_store(self):
        with refused("customer_carts_store_iff_food"):
            CustomerCartFactory(service_type=ServiceType.FOOD, store=None)
        with refused("customer_carts_store_iff_food"):
            CustomerCartFactory(service_type=ServiceType.PARCEL, store=MerchantStoreFactory())
        assert CustomerCartFactory(service_type=ServiceType.RIDE).store is None

    def test_a_line_is_an_item_of_the_cart_store(self):
        cart = CustomerCartFactory()
        line = CustomerCartItemFactory(cart=cart)
        assert line.menu_item.store_id == cart.store_id
        with refused("customers.customer_cart_items", f"cart {cart.pk} is of store"):
            CustomerCartItemFactory(cart=cart, menu_item=MerchantMenuItemFactory())
        with refused("customers.customer_cart_items"):
            CustomerCartItem.objects.filter(pk=line.pk).update(menu_item=MerchantMenuItemFactory())

    def test_only_food_carts_have_lines(self):
        parcel = CustomerCartFactory(service_type=ServiceType.PARCEL)
        with refused("customers.customer_cart_items", "not a FOOD cart"):
            CustomerCartItemFactory(cart=parcel, menu_item=MerchantMenuItemFactory())

    def test_the_variant_is_one_of_the_line_item(self):
        line = CustomerCartItemFactory()
        mine = MerchantMenuItemVariantFactory(menu_item=line.menu_item)
        line.variant = mine
        line.save()
        other = MerchantMenuItemVariantFactory(menu_item__category=line.menu_item.category)
        with refused("customers.customer_cart_items", "is not a variant of menu item"):
            CustomerCartItem.objects.filter(pk=line.pk).update(variant=other)

    def test_a_cart_with_lines_cannot_switch_store(self):
        line = CustomerCartItemFactory()
        with refused("customers.customer_carts", "empty it before switching"):
            CustomerCart.objects.filter(pk=line.cart_id).update(store=MerchantStoreFactory())
        line.delete()
        CustomerCart.objects.filter(pk=line.cart_id).update(store=MerchantStoreFactory())

    def test_a_menu_item_taken_off_takes_its_cart_lines(self):
        line = CustomerCartItemFactory()
        line.menu_item.delete()
        assert not CustomerCartItem.objects.filter(pk=line.pk).exists()


class TestRatings:
    def test_the_rated_column_matches_the_target_type(self, customer, order_of):
        order = order_of(customer, status=DELIVERED)
        rider, store = RiderFactory(), MerchantStoreFactory()
        with refused("customer_ratings_target_matches_type"):
            CustomerRatingFactory(
                customer=customer, order=order, target_type=RatingTargetType.RIDER, rider=None
            )
        with refused("customer_ratings_target_matches_type"):
            CustomerRatingFactory(
                customer=customer,
                order=order,
                target_type=RatingTargetType.MERCHANT_STORE,
                rider=rider,
            )
        with refused("customer_ratings_target_matches_type"):
            CustomerRatingFactory(customer=customer, order=order, store=store)
        with refused("customer_ratings_target_matches_type"):
            CustomerRatingFactory(
                customer=customer, order=order, target_type=RatingTargetType.CUSTOMER, rider=None
            )

    def test_each_target_is_rated_once_per_order(self, customer, order_of):
        order = order_of(customer, status=DELIVERED)
        rider = RiderFactory()
        rate = {"customer": customer, "order": order}
        CustomerRatingFactory(**rate)
        CustomerRatingFactory(**rate, target_type=RatingTargetType.RIDER, rider=rider)
        CustomerRatingFactory(**rate, target_type=RatingTargetType.MERCHANT_STORE)
        CustomerRatingFactory(**rate, target_type=RatingTargetType.MENU_ITEM)
        CustomerRatingFactory(**rate, target_type=RatingTargetType.CUSTOMER, rider=rider)
        with refused("customer_ratings_one_per_target_per_order"):
            CustomerRatingFactory(**rate, stars=1)
        with refused("customer_ratings_one_per_target_per_order"):
            CustomerRatingFactory(**rate, target_type=RatingTargetType.RIDER, rider=rider)
        with refused("customer_ratings_one_per_target_per_order"):
            CustomerRatingFactory(**rate, target_type=RatingTargetType.CUSTOMER, rider=rider)
        # Another rider of the same order (a reassignment) is rated separately.
        CustomerRatingFactory(**rate, target_type=RatingTargetType.RIDER, rider=RiderFactory())

    @pytest.mark.parametrize(
        "status", [OrderStatus.PREPARING, OrderStatus.CANCELLED, OrderStatus.RTO_DELIVERED]
    )
    def test_only_a_delivered_or_completed_order_is_rated(self, customer, order_of, status):
        order = order_of(customer, status=status)
        with refused("customers.customer_ratings", "only delivered or completed orders"):
            CustomerRatingFactory(customer=customer, order=order)

    def test_a_completed_ride_is_rated(self, customer, order_of):
        ride = order_of(customer, order_factory=RideOrderFactory, status=OrderStatus.COMPLETED)
        rating = CustomerRatingFactory(
            customer=customer, order=ride, target_type=RatingTargetType.RIDER
        )
        assert rating.rider_id

    def test_the_order_cannot_be_swapped_for_an_unfinished_one(self, customer, order_of):
        rating = CustomerRatingFactory(
            customer=customer, order=order_of(customer, status=DELIVERED)
        )
        rating.order = order_of(customer, status=OrderStatus.PICKED_UP)
        with refused("customers.customer_ratings", "only delivered or completed"):
            rating.save()


class TestTickets:
    @pytest.mark.parametrize(
        "category", [TicketCategory.ORDER, TicketCategory.ITEM, TicketCategory.FULFILLMENT]
    )
    def test_order_item_and_fulfilment_issues_name_the_order(self, category):
        with refused("customer_tickets_order_issue_names_order"):
            CustomerTicketFactory(category=category, order=None)

    def test_other_issues_may_name_none(self):
        ticket = CustomerTicketFactory(category=TicketCategory.ACCOUNT, sub_category_code="ACC01")
        assert ticket.order is None

    def test_a_ticket_is_queued_for_a_team(self):
        team = TeamFactory(team_type="SUPPORT_L1", code="CS_L1_BLR", name="Bengaluru support L1")
        assert CustomerTicketFactory(team=team) in team.customer_tickets.all()

    def test_a_refund_issued_on_a_ticket_names_the_refund(self):
        with refused("customer_ticket_events_refund_issued_names_refund"):
            CustomerTicketEventFactory(event_type="REFUND_ISSUED", refund=None)

    def test_the_refund_is_of_the_ticket_order(self, customer, order_of):
        ticket = CustomerTicketFactory(
            customer=customer, order=order_of(customer, status=DELIVERED)
        )
        event = {"ticket": ticket, "event_type": "REFUND_ISSUED", "actor_type": ActorType.SYSTEM}
        CustomerTicketEventFactory(**event, refund=refund_of(ticket.order))
        other = order_of(customer, status=DELIVERED)
        with refused("customers.customer_ticket_events", f"not of order {ticket.order_id}"):
            CustomerTicketEventFactory(**event, refund=refund_of(other))

    def test_the_refund_of_an_orderless_ticket_is_of_the_customer_order(self, customer, order_of):
        ticket = CustomerTicketFactory(customer=customer, category=TicketCategory.PAYMENT)
        event = {"ticket": ticket, "event_type": "REFUND_ISSUED", "actor_type": ActorType.SYSTEM}
        CustomerTicketEventFactory(**event, refund=refund_of(order_of(customer)))
        theirs = order_of(CustomerFactory())
        with refused("customers.customer_ticket_events", "not one of customer"):
            CustomerTicketEventFactory(**event, refund=refund_of(theirs))


class TestWalletLinks:
    def test_an_order_payment_names_its_order(self, wallet):
        wallet.credit("GOODWILL_CREDIT", Decimal("50.00"), source_type="TICKET", source_id="1")
        with refused("customer_wallet_transactions_order_debit_names_order"):
            wallet.debit(
                CustomerWalletTxnType.ORDER_DEBIT,
                Decimal("10.00"),
                source_type="ORDER",
                source_id="1",
            )

    def test_a_refund_credit_names_its_refund(self, wallet):
        with refused("customer_wallet_transactions_refund_credit_names_refund"):
            wallet.credit(
                CustomerWalletTxnType.REFUND_CREDIT,
                Decimal("10.00"),
                source_type="REFUND",
                source_id="1",
            )

    def test_a_refund_credit_pays_a_refund_of_the_customer_order(self, order_of, customer, wallet):
        order = order_of(customer, status=DELIVERED)
        refund = refund_of(order)
        entry = wallet.credit(
            CustomerWalletTxnType.REFUND_CREDIT,
            refund.amount,
            source_type="REFUND",
            source_id=refund.pk,
            refund=refund,
            order=order,
        )
        # The refund is paid by that credit (order_refunds_wallet_credit).
        refund.wallet_txn = entry
        refund.save(update_fields=["wallet_txn"])
        assert wallet.balance == refund.amount
        assert list(refund.customer_wallet_transactions.all()) == [entry]

        theirs = refund_of(order_of(CustomerFactory(), status=DELIVERED))
        with refused("customers.customer_wallet_transactions", "not one of customer"):
            wallet.credit(
                CustomerWalletTxnType.REFUND_CREDIT,
                theirs.amount,
                source_type="REFUND",
                source_id=theirs.pk,
                refund=theirs,
            )

    def test_the_refund_and_the_order_agree(self, order_of, customer, wallet):
        mine, other = order_of(customer), order_of(customer)
        refund = refund_of(other)
        with refused("customers.customer_wallet_transactions", f"not of order {mine.pk}"):
            wallet.credit(
                CustomerWalletTxnType.REFUND_CREDIT,
                refund.amount,
                source_type="REFUND",
                source_id=refund.pk,
                refund=refund,
                order=mine,
            )


def _ticket(customer, order):
    return CustomerTicketFactory(customer=customer, order=order)


def _rating(customer, order):
    return CustomerRatingFactory(customer=customer, order=order)


def _notification(customer, order):
    return CustomerNotificationFactory(customer=customer, order=order)


def _survey(customer, order):
    return CustomerNpsResponseFactory(customer=customer, order=order)


def _call(customer, order):
    return CustomerMaskedCallFactory(customer=customer, order=order)


def _sos(customer, order):
    return CustomerSosAlertFactory(customer=customer, order=order)


def _trip_share(customer, order):
    return CustomerTripShareFactory(customer=customer, order=order)


def _reward(customer, order):
    return CustomerRewardFactory(customer=customer, order=order, source_id=str(order.pk))


def _referral(customer, order):
    return CustomerReferralFactory(
        referee=customer,
        qualifying_order=order,
        status=ReferralStatus.QUALIFIED,
        qualified_at=timezone.now(),
    )


def _wallet_entry(customer, order):
    wallet = CustomerWallet.objects.filter(customer=customer).first()
    wallet = wallet or CustomerWalletFactory(customer=customer, credits=[])
    return wallet.credit(
        CustomerWalletTxnType.CASHBACK,
        Decimal("20.00"),
        source_type="ORDER",
        source_id=order.pk,
        order=order,
    )


def _loyalty_entry(customer, order):
    account = CustomerLoyalty.objects.filter(customer=customer).first()
    account = account or CustomerLoyaltyFactory(customer=customer, points=[])
    return account.earn(25, source_type="ORDER", source_id=order.pk, order=order)


#: table -> write of one of its rows naming (customer, order).
ORDER_REFERENCES = {
    "customer_tickets": _ticket,
    "customer_ratings": _rating,
    "customer_notifications": _notification,
    "customer_nps_responses": _survey,
    "customer_masked_calls": _call,
    "customer_sos_alerts": _sos,
    "customer_trip_shares": _trip_share,
    "customer_rewards": _reward,
    "customer_referrals": _referral,
    "customer_wallet_transactions": _wallet_entry,
    "customer_loyalty_transactions": _loyalty_entry,
}


class TestOwnOrders:
    @pytest.mark.parametrize("table", sorted(ORDER_REFERENCES))
    def test_a_row_names_only_its_customer_own_orders(self, order_of, table):
        write = ORDER_REFERENCES[table]
        mine, theirs = CustomerFactory(), CustomerFactory()
        my_order = order_of(mine, status=DELIVERED)
        their_order = order_of(theirs, status=DELIVERED)
        assert write(mine, my_order).pk
        with refused(f"customers.{table}", f"is not one of customer {mine.pk}'s orders"):
            write(mine, their_order)

    def test_moving_a_row_to_another_customer_is_checked_too(self, order_of, customer):
        ticket = _ticket(customer, order_of(customer, status=DELIVERED))
        with refused("customers.customer_tickets", "is not one of customer"):
            CustomerTicket.objects.filter(pk=ticket.pk).update(customer=CustomerFactory())


class TestSafetyLinks:
    def test_a_call_with_a_rider_names_the_rider_and_only_then(self):
        with refused("customer_masked_calls_rider_iff_rider_call"):
            CustomerMaskedCallFactory(counterparty_type=ActorType.RIDER, rider=None)
        with refused("customer_masked_calls_rider_iff_rider_call"):
            CustomerMaskedCallFactory(
                counterparty_type=ActorType.MERCHANT_USER,
                initiated_by_type=ActorType.CUSTOMER,
                rider=RiderFactory(),
            )

    def test_a_rider_is_blocked_once_per_customer(self, customer):
        block = CustomerBlockedRiderFactory(customer=customer)
        with refused("customer_blocked_riders_customer_rider_uniq"):
            CustomerBlockedRiderFactory(customer=customer, rider=block.rider)
        # Another customer may block the same rider.
        CustomerBlockedRiderFactory(rider=block.rider)

    def test_an_order_survey_names_the_order(self):
        with refused("customer_nps_responses_order_survey_has_order"):
            CustomerNpsResponseFactory(touchpoint="POST_ORDER", order=None)

    def test_a_trip_share_tracks_an_order(self):
        share = CustomerTripShareFactory(expires_at=timezone.now() + timedelta(hours=1))
        assert share.order.service_type == ServiceType.RIDE


class TestCrossSchemaDeletes:
    """References into other schemas are ON DELETE RESTRICT in the database
    (and PROTECT in Django): a referenced rider, zone or order stays."""

    def test_the_database_refuses_deleting_a_referenced_rider(self):
        block = CustomerBlockedRiderFactory()
        with refused("customer_blocked_riders"), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote_table(Rider._meta.db_table)} WHERE id = %s",
                [block.rider_id],
            )

    def test_django_refuses_deleting_a_referenced_order(self):
        rating = CustomerRatingFactory()
        with pytest.raises(ProtectedError):
            rating.order.delete()
