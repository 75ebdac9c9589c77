"""Fixtures of the risk tests: a cart ready to buy and a helper that places it as a shopper would."""

import pytest

from checkout.extensions import ClientSignals
from checkout.services import order_place
from tests.checkout.conftest import ADDRESS_SNAPSHOT, CARD, DECLINED_CARD, express, standard  # noqa: F401 (fixtures)
from tests.checkout.test_pages_checkout import mug, shopper  # noqa: F401 (fixtures)
from tests.factories import CartFactory, CartLineFactory
from tests.shop.conftest import make_product  # noqa: F401 (fixture)

__all__ = ["CARD", "DECLINED_CARD"]


@pytest.fixture
def buy(make_product, standard):  # noqa: F811
    """`buy(email=..., device=..., ip=..., card=..., user=..., quantity=...)` fills a fresh cart with a
    12.50 mug (stock 50) and places it; returns the order."""
    item = make_product(name="Blue Mug", price="12.50", stock=50).variants.get()

    def place(*, email="ana@example.com", device="device-1", ip="203.0.113.5", card=CARD, user=None, quantity=1, **kw):
        cart = CartFactory(**({"user": user, "session_key": None} if user else {}))
        CartLineFactory(cart=cart, variant=item, quantity=quantity)
        return order_place(
            cart=cart,
            email=email,
            shipping_address=ADDRESS_SNAPSHOT,
            billing_address=ADDRESS_SNAPSHOT,
            shipping_method=standard,
            payment_details=card,
            user=user,
            client=ClientSignals(device_id=device, ip=ip),
            **kw,
        )

    place.variant = item
    return place
