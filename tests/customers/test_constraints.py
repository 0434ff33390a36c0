"""Each invariant of the customers domain, tried with a violating write that
PostgreSQL must refuse (CATALOG section 8, items 1, 2, 3, 6, 10, 12, 13 and
the domain's own rules). The ledgers have their own file, test_ledgers.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from customers import choices
from customers.choices import (
    ConsentPurpose,
    ConsentStatus,
    CustomerStatus,
    NotificationStatus,
    RatingTargetType,
    SubscriptionStatus,
    TicketStatus,
)
from customers.factories import (
    CustomerAddressFactory,
    CustomerBusinessProfileFactory,
    CustomerCartFactory,
    CustomerCartItemFactory,
    CustomerConsentFactory,
    CustomerCouponFactory,
    CustomerDataRequestFactory,
    CustomerEmergencyContactFactory,
    CustomerFactory,
    CustomerLoyaltyFactory,
    CustomerNotificationFactory,
    CustomerPaymentMethodFactory,
    CustomerRatingFactory,
    CustomerRatingTagFactory,
    CustomerReferralFactory,
    CustomerRewardFactory,
    CustomerSubscriptionFactory,
    CustomerSubscriptionPlanFactory,
    CustomerTicketEventFactory,
    CustomerTicketFactory,
    CustomerTripShareFactory,
    CustomerWalletFactory,
)
from customers.models import (
    Customer,
    CustomerConsent,
    CustomerLoyalty,
    CustomerTicketEvent,
    CustomerWallet,
)
from gatimitra.db.fields import EnumArrayField, EnumField
from gatimitra.db.tables import split_table
from gatimitra.db.validators import make_gstin
from gatimitra.enums import ActorType, NotificationChannel
from gatimitra.testing import factory_for
from tests.customers.helpers import refused

pytestmark = pytest.mark.django_db


class TestCustomer:
    def test_mobile_must_be_indian_e164(self):
        with refused("customers_mobile_e164"):
            CustomerFactory(mobile="9876543210")
        with refused("customers_mobile_e164"):
            CustomerFactory(mobile="+915876543210")  # Indian mobiles start with 6-9

    def test_mobile_is_unique(self):
        CustomerFactory(mobile="+919876543210")
        with refused("customers_mobile_key"):
            CustomerFactory(mobile="+919876543210")

    def test_email_is_unique_case_insensitively(self):
        CustomerFactory(email="Priya.Iyer@example.in")
        with refused("customers_email_key"):
            CustomerFactory(email="priya.iyer@EXAMPLE.in")

    def test_only_an_anonymised_customer_may_lose_the_mobile(self):
        with refused("customers_mobile_required"):
            CustomerFactory(mobile=None)

    def test_anonymised_customer_keeps_no_personal_data(self, customer):
        with refused("customers_anonymised_without_pii"):
            Customer.objects.filter(pk=customer.pk).update(
                status=CustomerStatus.ANONYMISED, anonymised_at=timezone.now()
            )
        customer.anonymise()
        customer.refresh_from_db()
        assert (customer.mobile, customer.email, customer.full_name) == (None, None, "")

    def test_referral_code_is_assigned_by_the_database_and_unique(self):
        first, second = CustomerFactory(), CustomerFactory()
        assert len(first.referral_code) == 8 and first.referral_code != second.referral_code
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT customers.referral_code_for(id))"
                " FROM generate_series(1, 20000) id"
            )
            assert cursor.fetchone()[0] == 20000
        with refused("customers_referral_code_key"):
            Customer.objects.create(mobile="+919000000001", referral_code=first.referral_code)
        with refused("customers_referral_code_format"):
            Customer.objects.create(mobile="+919000000002", referral_code="ab")


class TestOneOfAKind:
    def test_one_wallet_per_customer(self, customer):
        CustomerWalletFactory(customer=customer)
        with refused("customer_wallet_customer_id_key"):
            CustomerWalletFactory(customer=customer, credits=[])

    def test_one_loyalty_account_per_customer(self, customer):
        CustomerLoyaltyFactory(customer=customer)
        with refused("customer_loyalty_customer_id_key"):
            CustomerLoyaltyFactory(customer=customer, points=[])

    def test_wallet_and_loyalty_open_empty(self, customer):
        with refused("customers.customer_wallet", "starts at balance 0"):
            CustomerWallet.objects.create(customer=customer, balance=Decimal("500.00"))
        with refused("customers.customer_loyalty", "starts at 0 points"):
            CustomerLoyalty.objects.create(customer=customer, points_balance=1000)

    def test_one_default_address(self, customer):
        CustomerAddressFactory(customer=customer, is_default=True)
        CustomerAddressFactory(customer=customer, is_default=False)
        with refused("customer_addresses_one_default_per_customer"):
            CustomerAddressFactory(customer=customer, is_default=True)
        CustomerAddressFactory(is_default=True)  # another customer's default

    def test_one_default_payment_method(self, customer):
        CustomerPaymentMethodFactory(customer=customer, is_default=True)
        with refused("customer_payment_methods_one_default_per_customer"):
            CustomerPaymentMethodFactory(customer=customer, is_default=True, card=True)

    def test_one_live_subscription(self, customer):
        CustomerSubscriptionFactory(customer=customer, status=SubscriptionStatus.ACTIVE)
        with refused("customer_subscriptions_one_live_per_customer"):
            CustomerSubscriptionFactory(customer=customer, status=SubscriptionStatus.ACTIVE)
        with refused("customer_subscriptions_one_live_per_customer"):
            CustomerSubscriptionFactory(customer=customer, status=SubscriptionStatus.TRIAL)
        CustomerSubscriptionFactory(
            customer=customer, status=SubscriptionStatus.EXPIRED
        )  # history is fine

    def test_one_active_cart_per_service(self, customer):
        CustomerCartFactory(customer=customer)
        with refused("customer_carts_one_active_per_service"):
            CustomerCartFactory(customer=customer)


class TestAppendOnly:
    def test_consents_are_append_only(self):
        consent = CustomerConsentFactory()
        with refused("customer_consents is append-only: UPDATE refused"):
            CustomerConsent.objects.filter(pk=consent.pk).update(status=ConsentStatus.WITHDRAWN)
        with refused("customer_consents is append-only: DELETE refused"):
            CustomerConsent.objects.filter(pk=consent.pk).delete()

    def test_a_changed_consent_is_a_new_row(self):
        granted = CustomerConsentFactory(purpose=ConsentPurpose.MARKETING_SMS)
        CustomerConsentFactory(
            customer=granted.customer,
            purpose=ConsentPurpose.MARKETING_SMS,
            status=ConsentStatus.WITHDRAWN,
            withdrawn_at=timezone.now(),
        )
        current = CustomerConsent.objects.current().get(customer=granted.customer)
        assert current.status == ConsentStatus.WITHDRAWN
        assert not CustomerConsent.objects.is_granted(
            granted.customer, ConsentPurpose.MARKETING_SMS
        )

    def test_ticket_events_are_append_only(self):
        event = CustomerTicketEventFactory()
        with refused("customer_ticket_events is append-only: UPDATE refused"):
            CustomerTicketEvent.objects.filter(pk=event.pk).update(details={"x": 1})
        with refused("customer_ticket_events is append-only: DELETE refused"):
            CustomerTicketEvent.objects.filter(pk=event.pk).delete()


class TestMoneyNeverNegative:
    def test_wallet_entry_amount(self, wallet):
        with refused("customer_wallet_transactions"):
            wallet.credit("CASHBACK", Decimal("-5.00"), source_type="ORDER", source_id=1)
        with refused("customer_wallet_transactions_amount_positive"):
            wallet.credit("CASHBACK", Decimal("0.00"), source_type="ORDER", source_id=2)

    def test_cart_prices(self):
        with refused("customer_cart_items_unit_price_check"):
            CustomerCartItemFactory(unit_price=Decimal("-1.00"))

    def test_coupon_amounts(self):
        with refused("customer_coupons_flat_amount_check"):
            CustomerCouponFactory(flat_amount=Decimal("-75.00"))
        with refused("customer_coupons_budget_not_exceeded"):
            CustomerCouponFactory(budget_total=Decimal("100.00"), budget_used=Decimal("100.01"))

    def test_cart_line_total_is_computed(self):
        item = CustomerCartItemFactory(
            quantity=3, unit_price=Decimal("120.00"), addons_total=Decimal("15.50")
        )
        item.refresh_from_db()
        assert item.line_total == Decimal("406.50")


class TestSecrets:
    def test_no_card_number_in_a_payment_method(self, customer):
        with refused("customer_payment_methods_no_card_number"):
            CustomerPaymentMethodFactory(card=True, masked_display="4111 1111 1111 1111")
        with refused("customer_payment_methods_no_card_number"):
            CustomerPaymentMethodFactory(gateway_token_ref="4111111111111111")

    def test_fingerprint_holds_only_a_hash(self):
        with refused("customer_payment_methods_fingerprint_hash_check"):
            CustomerPaymentMethodFactory(fingerprint_hash="4111111111111111")

    def test_card_details_only_for_cards(self):
        with refused("customer_payment_methods_card_details"):
            CustomerPaymentMethodFactory(card=True, card_last4=None)
        with refused("customer_payment_methods_card_details"):
            CustomerPaymentMethodFactory(card_last4="4242")  # a UPI method

    def test_trip_share_stores_only_a_token_hash(self):
        with refused("customer_trip_shares_share_token_hash_check"):
            CustomerTripShareFactory(share_token_hash="plain-token-in-a-url")


class TestSameCustomer:
    def test_cart_address_belongs_to_the_cart_owner(self, customer):
        stranger_address = CustomerAddressFactory()
        with refused("customers.customer_carts", "is not one of customer"):
            CustomerCartFactory(customer=customer, address=stranger_address)

    def test_subscription_pays_with_the_customer_own_instrument(self, customer):
        with refused("customers.customer_subscriptions", "payment_method_id"):
            CustomerSubscriptionFactory(
                customer=customer, payment_method__customer=CustomerFactory()
            )

    def test_trip_share_goes_to_the_customer_own_contact(self, customer):
        stranger_contact = CustomerEmergencyContactFactory()
        with refused("customers.customer_trip_shares", "contact_id"):
            CustomerTripShareFactory(customer=customer, contact=stranger_contact)

    def test_moving_a_row_to_another_customer_is_checked_too(self):
        cart = CustomerCartFactory()
        with refused("customers.customer_carts"):
            type(cart).objects.filter(pk=cart.pk).update(customer=CustomerFactory())


class TestPromotionalConsent:
    def promo(self, customer, **kwargs):
        return CustomerNotificationFactory(
            customer=customer,
            channel=NotificationChannel.SMS,
            category="PROMOTIONAL",
            template_code="weekend_offer",
            **kwargs,
        )

    def test_promotional_sms_needs_the_latest_consent_granted(self, customer):
        with refused("customers.customer_notifications", "needs consent MARKETING_SMS"):
            self.promo(customer)
        CustomerConsentFactory(customer=customer, purpose=ConsentPurpose.MARKETING_SMS)
        self.promo(customer)
        CustomerConsentFactory(
            customer=customer,
            purpose=ConsentPurpose.MARKETING_SMS,
            status=ConsentStatus.WITHDRAWN,
            withdrawn_at=timezone.now(),
        )
        with refused("customers.customer_notifications", "latest: WITHDRAWN"):
            self.promo(customer)

    def test_suppressed_sends_and_transactional_messages_need_no_consent(self, customer):
        self.promo(customer, status=NotificationStatus.SUPPRESSED, sent_at=None)
        CustomerNotificationFactory(customer=customer, channel=NotificationChannel.SMS)

    def test_queued_message_cannot_be_sent_after_withdrawal(self, customer):
        CustomerConsentFactory(customer=customer, purpose=ConsentPurpose.MARKETING_SMS)
        queued = self.promo(customer, status=NotificationStatus.QUEUED, sent_at=None)
        CustomerConsentFactory(
            customer=customer,
            purpose=ConsentPurpose.MARKETING_SMS,
            status=ConsentStatus.WITHDRAWN,
            withdrawn_at=timezone.now(),
        )
        queued.status, queued.sent_at = NotificationStatus.SENT, timezone.now()
        with refused("customers.customer_notifications"):
            queued.save()

    def test_sms_carries_a_dlt_template(self, customer):
        with refused("customer_notifications_dlt_for_sms"):
            CustomerNotificationFactory(channel=NotificationChannel.SMS, dlt_template_id=None)


class TestFormatsAndWindows:
    def test_address_pincode(self):
        with refused("customer_addresses_pincode_format"):
            CustomerAddressFactory(pincode="056003")

    def test_business_gstin_format_and_state(self):
        with refused("customer_business_profiles_gstin_format"):
            CustomerBusinessProfileFactory(gstin="29ABCDE1234F1Z")
        with refused("customer_business_profiles_gstin_state"):
            CustomerBusinessProfileFactory(
                billing_state="Maharashtra",
                billing_state_code="27",
                gstin=make_gstin("29", "ABCDE1234F"),
            )
        with refused("customer_business_profiles_gstin_uniq"):
            profile = CustomerBusinessProfileFactory()
            CustomerBusinessProfileFactory(pan=profile.pan)

    def test_coupon_validity_window(self):
        now = timezone.now()
        with refused("customer_coupons_validity_window"):
            CustomerCouponFactory(valid_from=now, valid_to=now - timedelta(days=1))

    def test_trip_share_link_expires_within_a_day(self):
        with refused("customer_trip_shares_expiry_window"):
            CustomerTripShareFactory(expires_at=timezone.now() + timedelta(days=2))

    def test_referral_is_never_to_oneself(self, customer):
        with refused("customer_referrals_not_self"):
            CustomerReferralFactory(referrer=customer, referee=customer)

    def test_a_customer_is_referred_once(self, customer):
        CustomerReferralFactory(referee=customer)
        with refused("customer_referrals_referee_id_key"):
            CustomerReferralFactory(referee=customer)

    def test_resolved_ticket_states_its_resolution(self):
        with refused("customer_tickets_resolution"):
            CustomerTicketFactory(status=TicketStatus.RESOLVED)

    def test_ticket_number_is_assigned_by_the_database(self):
        ticket = CustomerTicketFactory()
        assert ticket.ticket_number == f"TKT{ticket.pk:08d}"
        request = CustomerDataRequestFactory()
        assert request.request_number == f"DPR{request.pk:08d}"

    def test_rating_tags_must_exist_for_the_target(self):
        CustomerRatingTagFactory(target_type=RatingTargetType.RIDER, code="safe_driving")
        CustomerRatingFactory(target_type=RatingTargetType.RIDER, tag_codes=["safe_driving"])
        with refused("customers.customer_ratings", "unknown tag(s) {safe_driving}"):
            CustomerRatingFactory(target_type=RatingTargetType.ORDER, tag_codes=["safe_driving"])

    def test_only_riders_rate_customers(self):
        with refused("customer_ratings_rater_of_target"):
            CustomerRatingFactory(
                target_type=RatingTargetType.CUSTOMER, rated_by_type=ActorType.CUSTOMER
            )


# Every customers enum (CATALOG section 7, items 49-60) is checked by PostgreSQL.

CUSTOMERS_ENUMS = {
    value
    for value in vars(choices).values()
    if isinstance(value, type) and value.__module__ == choices.__name__
}
ENUM_COLUMNS = [
    (model, field)
    for model in apps.get_app_config("customers").get_models()
    for field in model._meta.concrete_fields
    if isinstance(field, EnumField | EnumArrayField)
]


def _values(field):
    enum_field = field.base_field if isinstance(field, EnumArrayField) else field
    return tuple(enum_field.enum_values)


def test_every_customers_enum_is_used_by_a_column():
    assert len(CUSTOMERS_ENUMS) == 16
    used = {_values(field) for _, field in ENUM_COLUMNS}
    for enum in CUSTOMERS_ENUMS:
        assert tuple(enum.values) in used, f"{enum.__name__} is used by no column"


@pytest.mark.parametrize(
    ("model", "field"), ENUM_COLUMNS, ids=[f"{m.__name__}.{f.name}" for m, f in ENUM_COLUMNS]
)
def test_enum_columns_refuse_unknown_values(model, field):
    value = ["NOT_A_VALUE"] if isinstance(field, EnumArrayField) else "NOT_A_VALUE"
    with refused(split_table(model._meta.db_table)[1]):
        factory_for(model)(**{field.name: value})


class TestNullsDoNotSlipThrough:
    """A CHECK passes when its condition is NULL; these conditions compare
    nullable columns, so each says IS NOT NULL explicitly."""

    def test_percent_coupon_needs_a_percent(self):
        with refused("customer_coupons_percent_off_has_percent"):
            CustomerCouponFactory(offer_type="PERCENT_OFF", discount_percent=None)

    def test_flat_coupon_needs_an_amount(self):
        with refused("customer_coupons_flat_off_has_amount"):
            CustomerCouponFactory(offer_type="FLAT_OFF", flat_amount=None)

    def test_reward_is_worth_something(self):
        with refused("customer_rewards_has_value"):
            CustomerRewardFactory(cash_value=None, points=None, coupon=None)

    def test_subscription_plan_covers_a_service(self):
        with refused("customer_subscription_plans_services_not_empty"):
            CustomerSubscriptionPlanFactory(services=[])
