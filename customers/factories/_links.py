"""Links from the customers factories into the other domains' factories.

Those factories are named by import path and resolved when a row is built,
so importing ``customers.factories`` never imports them (the orders
factories import the customers ones).
"""

import factory

ORDER_FACTORY = "orders.factories.OrderFactory"
FOOD_ORDER_FACTORY = "orders.factories.FoodOrderFactory"
RIDE_ORDER_FACTORY = "orders.factories.RideOrderFactory"
REFUND_FACTORY = "orders.factories.OrderRefundFactory"
STORE_FACTORY = "merchants.factories.MerchantStoreFactory"
MENU_ITEM_FACTORY = "merchants.factories.MerchantMenuItemFactory"
RIDER_FACTORY = "riders.factories.RiderFactory"


def placed_by(customer):
    """Keyword arguments for an order factory making ``customer`` (an
    object, or a ``SelfAttribute`` path) the order's customer."""
    if isinstance(customer, str):
        customer = factory.SelfAttribute(customer)
    return {"customer": customer}


def customer_order(customer="..customer", order_factory=FOOD_ORDER_FACTORY, **kwargs):
    """A ``SubFactory`` for an order placed by the row's customer (found at
    the ``SelfAttribute`` path ``customer``)."""
    return factory.SubFactory(order_factory, **placed_by(customer), **kwargs)


def when(condition, declaration):
    """``declaration`` when ``condition(row)`` holds, else None."""
    return factory.Maybe(
        factory.LazyAttribute(condition), yes_declaration=declaration, no_declaration=None
    )
