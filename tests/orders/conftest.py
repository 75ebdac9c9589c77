"""Fixtures of the order tests: an order builder with frozen prices, stock and a captured payment."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from orders.models import Order
from tests.checkout.conftest import express, standard
from tests.factories import OrderFactory, OrderLineFactory, PaymentFactory, VariantFactory
from tests.shop.conftest import browser_page, make_product

__all__ = ["browser_page", "express", "make_product", "standard"]

CENT = Decimal("0.01")


@pytest.fixture
def make_order():
    """An order whose totals add up the way checkout writes them.

    `lines` are (unit price, quantity) pairs, each on its own variant with `stock` units left after
    the sale. With `prices_include_tax` the tax is the share included in the prices; without, it is
    added on top. `paid` adds a payment captured for the whole total through the test gateway.
    """

    def make(
        *,
        lines: tuple[tuple[str, int], ...] = (("10.00", 2),),
        shipping: str = "0.00",
        status: str = Order.Status.PAID,
        prices_include_tax: bool = True,
        tax_rate: str = "20.00",
        stock: int = 5,
        paid: bool = True,
        **fields,
    ) -> Order:
        order = OrderFactory(
            status=status,
            subtotal=Decimal("0.00"),
            total=Decimal("0.00"),
            shipping=Decimal(shipping),
            prices_include_tax=prices_include_tax,
            tax_rate=Decimal(tax_rate),
            **fields,
        )
        for price, quantity in lines:
            variant = VariantFactory(price=Decimal(price), stock_quantity=stock)
            OrderLineFactory(
                order=order,
                variant=variant,
                quantity=quantity,
                unit_price=Decimal(price),
                line_total=Decimal(price) * quantity,
            )
        order.subtotal = sum((Decimal(price) * quantity for price, quantity in lines), Decimal("0.00"))
        rate = order.tax_rate / 100
        if prices_include_tax:
            order.tax = (order.subtotal * rate / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
            order.total = order.subtotal + order.shipping
        else:
            order.tax = (order.subtotal * rate).quantize(CENT, rounding=ROUND_HALF_UP)
            order.total = order.subtotal + order.tax + order.shipping
        order.save()
        if paid:
            PaymentFactory(order=order, amount=order.total)
        return order

    return make
