"""Fixtures of the sentiment tests: products with reviews, buyers, and a fresh model cache."""

import pytest

from ml.loader import cache as champion_cache
from orders.models import Order
from tests.factories import OrderLineFactory, ProductFactory, UserFactory, VariantFactory


@pytest.fixture(autouse=True)
def _fresh_champion_cache():
    """No test sees a model another test loaded (or broke)."""
    champion_cache.clear()
    yield
    champion_cache.clear()


@pytest.fixture
def product():
    product = ProductFactory(name="Aurora Watch", slug="aurora-watch")
    VariantFactory(product=product)
    return product


@pytest.fixture
def buyer_of():
    def make(product, *, status=Order.Status.DELIVERED, **order_fields):
        user = UserFactory()
        OrderLineFactory(order__user=user, order__status=status, variant=product.variants.first(), **order_fields)
        return user

    return make


# The storefront's Chromium fixture (tests/shop/conftest.py), for the browser test here.
from tests.shop.conftest import browser_page  # noqa: E402, F401
