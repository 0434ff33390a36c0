import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from orders import sql


class Migration(migrations.Migration):
    """The cross-schema foreign keys of the orders tables (into customers,
    merchants, riders and access_mgmt; ON DELETE RESTRICT, deferred), the
    rules they make possible as plain constraints (FOOD orders have a store,
    merchant invoices name their GST registration, wallet refunds name their
    wallet credit), the composite FK that keeps a FOOD order's kitchen equal
    to its store, and the check that a settlement's payout and earning belong
    to its order (SQL in ``orders/sql.py``).

    ``orders.customer_id``, ``order_food_details.store_id`` and the rider of
    offers and assignments are NOT NULL from the start: a database migrating
    to this has no orders yet (the demo seed is loaded after migrating)."""

    dependencies = [
        ("access_mgmt", "0003_add_access_rules"),
        ("customers", "0003_add_ledger_and_customer_triggers"),
        ("merchants", "0003_add_merchant_rules"),
        ("orders", "0003_add_order_rules"),
        ("riders", "0003_add_riders_rules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="externaldeliveryprovider",
            name="api_client",
            field=models.ForeignKey(
                blank=True,
                help_text="The provider's API credentials (webhooks and status pushes).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="delivery_providers",
                to="access_mgmt.apiclient",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="business_profile",
            field=models.ForeignKey(
                blank=True,
                help_text="Invoice the GST to this business.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="customers.customerbusinessprofile",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="customer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="customers.customer",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="drop_address",
            field=models.ForeignKey(
                blank=True,
                help_text="Saved drop address; order_stops keeps the snapshot. Empty for one-off drops.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="customers.customeraddress",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="merchant_store",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The store of a FOOD order (or the pickup point of a merchant's parcel).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="merchants.merchantstore",
            ),
        ),
        migrations.AddField(
            model_name="orderdeliveryproof",
            name="rider",
            field=models.ForeignKey(
                blank=True,
                help_text="Who captured it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="delivery_proofs",
                to="riders.rider",
            ),
        ),
        migrations.AddField(
            model_name="orderdiscount",
            name="coupon",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_discounts",
                to="customers.customercoupon",
            ),
        ),
        migrations.AddField(
            model_name="orderdiscount",
            name="merchant_offer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_discounts",
                to="merchants.merchantoffer",
            ),
        ),
        migrations.AddField(
            model_name="orderdispatchoffer",
            name="rider",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dispatch_offers",
                to="riders.rider",
            ),
        ),
        migrations.AddField(
            model_name="orderfooddetails",
            name="store",
            field=models.ForeignKey(
                help_text="The kitchen: always the order's store (composite FK onto orders).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="food_order_details",
                to="merchants.merchantstore",
            ),
        ),
        migrations.AddField(
            model_name="orderinvoice",
            name="gst_registration",
            field=models.ForeignKey(
                blank=True,
                help_text="The merchant GSTIN a MERCHANT-issued invoice is raised under.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_invoices",
                to="merchants.merchanttaxregistration",
            ),
        ),
        migrations.AddField(
            model_name="orderitem",
            name="menu_item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_items",
                to="merchants.merchantmenuitem",
            ),
        ),
        migrations.AddField(
            model_name="orderitem",
            name="variant",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_items",
                to="merchants.merchantmenuitemvariant",
            ),
        ),
        migrations.AddField(
            model_name="orderitemaddon",
            name="addon",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_item_addons",
                to="merchants.merchantmenuaddon",
            ),
        ),
        migrations.AddField(
            model_name="orderparceldetails",
            name="receiver_contact",
            field=models.ForeignKey(
                blank=True,
                help_text="The customer's saved receiver, if the parcel went to one.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="parcel_orders",
                to="customers.customersavedcontact",
            ),
        ),
        migrations.AddField(
            model_name="orderpayment",
            name="payment_method",
            field=models.ForeignKey(
                blank=True,
                help_text="The saved card or VPA used; cash and new methods have none.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_payments",
                to="customers.customerpaymentmethod",
            ),
        ),
        migrations.AddField(
            model_name="orderquote",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for quotes asked before login.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_quotes",
                to="customers.customer",
            ),
        ),
        migrations.AddField(
            model_name="orderrefund",
            name="approval",
            field=models.ForeignKey(
                blank=True,
                help_text="The maker-checker approval of a large refund.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_refunds",
                to="access_mgmt.approvalrequest",
            ),
        ),
        migrations.AddField(
            model_name="orderrefund",
            name="ticket",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_refunds",
                to="customers.customerticket",
            ),
        ),
        migrations.AddField(
            model_name="orderrefund",
            name="wallet_txn",
            field=models.ForeignKey(
                blank=True,
                help_text="The wallet credit of a PLATFORM_WALLET refund.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_refunds",
                to="customers.customerwallettransaction",
            ),
        ),
        migrations.AddField(
            model_name="orderriderassignment",
            name="rider",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_assignments",
                to="riders.rider",
            ),
        ),
        migrations.AddField(
            model_name="orderriderassignment",
            name="vehicle",
            field=models.ForeignKey(
                blank=True,
                help_text="The vehicle used (one of the rider's).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_assignments",
                to="riders.ridervehicle",
            ),
        ),
        migrations.AddField(
            model_name="ordersettlement",
            name="earning",
            field=models.OneToOneField(
                blank=True,
                help_text="The rider's earning for the order.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_settlement",
                to="riders.riderorderearning",
            ),
        ),
        migrations.AddField(
            model_name="ordersettlement",
            name="payout",
            field=models.ForeignKey(
                blank=True,
                help_text="The store payout the merchant's share lands in (at most one).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_settlements",
                to="merchants.merchantstorepayout",
            ),
        ),
        migrations.AddField(
            model_name="orderstop",
            name="address",
            field=models.ForeignKey(
                blank=True,
                help_text="The customer's saved address behind the snapshot.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_stops",
                to="customers.customeraddress",
            ),
        ),
        migrations.AddField(
            model_name="orderstop",
            name="store",
            field=models.ForeignKey(
                blank=True,
                help_text="The store picked up from (a FOOD order's kitchen, a parcel point).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="order_stops",
                to="merchants.merchantstore",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["customer", "-placed_at"], name="orders_customer_placed_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=models.Q(("merchant_store__isnull", False)),
                fields=["merchant_store", "-placed_at"],
                name="orders_store_placed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="orderdispatchoffer",
            index=models.Index(fields=["rider", "-sent_at"], name="order_dispatch_offers_rider"),
        ),
        migrations.AddIndex(
            model_name="orderriderassignment",
            index=models.Index(
                fields=["rider", "-assigned_at"], name="order_rider_assignments_rider"
            ),
        ),
        migrations.AddIndex(
            model_name="orderriderassignment",
            index=models.Index(
                condition=models.Q(("status__in", ["ASSIGNED", "ACCEPTED"])),
                fields=["rider"],
                name="order_rider_assignments_active",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("service_type", "FOOD"), _negated=True),
                    ("merchant_store__isnull", False),
                    _connector="OR",
                ),
                name="orders_food_has_store",
                violation_error_message="A FOOD order needs its store.",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                fields=("id", "merchant_store"), name="orders_id_store_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="orderinvoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("issuer", "MERCHANT"), _negated=True),
                    ("gst_registration__isnull", False),
                    _connector="OR",
                ),
                name="order_invoices_merchant_names_registration",
                violation_error_message="A merchant invoice names the merchant's GST registration.",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderrefund",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("destination", "PLATFORM_WALLET"), ("status", "SUCCEEDED"), _negated=True
                    ),
                    ("wallet_txn__isnull", False),
                    _connector="OR",
                ),
                name="order_refunds_wallet_refund_credited",
                violation_error_message="A successful wallet refund names its wallet credit.",
            ),
        ),
        migrations.RunSQL(sql.KITCHEN_IS_THE_STORE, sql.DROP_KITCHEN_IS_THE_STORE),
        migrations.RunSQL(sql.SETTLEMENT_LINKS, sql.DROP_SETTLEMENT_LINKS),
    ]
