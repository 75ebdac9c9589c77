"""Shoppers racing for the last units, on real parallel database connections (one per thread).

Each thread places its own order at the same moment (a barrier releases them together); PostgreSQL
row locks decide who gets the stock. Run with `-s` to see the figures.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from checkout.services import order_place
from core.errors import ApplicationError
from orders.models import Order
from payments.models import Payment
from shop.models import Variant
from tests.checkout.conftest import ADDRESS_SNAPSHOT, CARD
from tests.factories import CartFactory, CartLineFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOPPERS = 8


def race(attempts: list[dict]) -> list[str]:
    """Run `order_place(**attempt)` for every attempt in its own thread, all released at once.

    Returns each attempt's outcome: the order number, or the error code.
    """
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = [""] * len(attempts)

    def shop(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = order_place(**attempts[index]).number
        except ApplicationError as exc:
            outcomes[index] = exc.code
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=shop, args=(index,)) for index in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def attempt(cart, method, **extra) -> dict:
    return {
        "cart": cart,
        "email": "shopper@example.com",
        "shipping_address": ADDRESS_SNAPSHOT,
        "billing_address": ADDRESS_SNAPSHOT,
        "shipping_method": method,
        "payment_details": CARD,
        **extra,
    }


@pytest.mark.parametrize("units", [1, 3])
def test_shoppers_racing_for_the_last_units_never_oversell(make_product, units):
    # given: SHOPPERS guests, each with one unit of the same variant in their own cart
    variant = make_product(name="Last Lamp", price="40.00", stock=units).variants.get()
    method = ShippingMethodFactory()
    carts = [CartFactory() for _ in range(SHOPPERS)]
    for cart in carts:
        CartLineFactory(cart=cart, variant=variant, quantity=1)

    # when: all of them place their order at the same moment
    outcomes = race([attempt(cart, method) for cart in carts])

    # then: exactly `units` orders, stock 0, everyone else told it sold out
    orders = [outcome for outcome in outcomes if outcome.startswith("SF-")]
    stock_left = Variant.objects.get(pk=variant.pk).stock_quantity
    print(
        f"\n[race for the last {units}] attempts={SHOPPERS} orders_created={Order.objects.count()} "
        f"stock_left={stock_left} sold_out={outcomes.count('sold_out')}"
    )
    assert len(orders) == units
    assert len(set(orders)) == units
    assert outcomes.count("sold_out") == SHOPPERS - units
    assert Order.objects.count() == units
    assert Payment.objects.filter(status=Payment.Status.CAPTURED).count() == units
    assert stock_left == 0
    assert sum(cart.lines.count() for cart in carts) == SHOPPERS - units


def test_concurrent_retries_with_one_idempotency_key_place_one_order(make_product):
    # given: one shopper whose client sends the same request five times at once
    variant = make_product(price="40.00", stock=10).variants.get()
    cart = CartFactory()
    CartLineFactory(cart=cart, variant=variant, quantity=2)
    method = ShippingMethodFactory()

    # when
    outcomes = race([attempt(cart, method, idempotency_key="api:session:s:retry-1") for _ in range(5)])

    # then: one order, one charge, the same number for every retry
    print(f"\n[retries of one key] attempts=5 orders_created={Order.objects.count()} numbers={set(outcomes)}")
    assert len(set(outcomes)) == 1
    assert outcomes[0].startswith("SF-")
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert Payment.objects.get().amount == Decimal("80.00")
    assert Variant.objects.get(pk=variant.pk).stock_quantity == 8
