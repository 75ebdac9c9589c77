"""Fixtures of the cart and checkout tests: the catalog builder, Chromium, shipping, addresses, cards."""

from decimal import Decimal

import pytest

from checkout.models import ShippingMethod, TaxConfiguration
from tests.factories import ShippingMethodFactory
from tests.shop.conftest import browser_page, make_product  # noqa: F401 (fixtures used by these tests)

CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "12/35", "card_cvc": "123"}
DECLINED_CARD = {**CARD, "card_number": "4000 0000 0000 0002"}
NETWORK_ERROR_CARD = {**CARD, "card_number": "4000 0000 0000 0119"}
ADDRESS = {
    "full_name": "Ana Silva",
    "line1": "1 High Street",
    "line2": "",
    "city": "London",
    "region": "",
    "postal_code": "SW1A 1AA",
    "country": "GB",
    "phone": "",
}
ADDRESS_SNAPSHOT = {**ADDRESS, "country_name": "United Kingdom"}


@pytest.fixture
def standard() -> ShippingMethod:
    """Standard delivery: 4.95, free from a 50.00 goods subtotal."""
    return ShippingMethodFactory()


@pytest.fixture
def express() -> ShippingMethod:
    return ShippingMethodFactory(
        code="express", name="Express", price=Decimal("9.95"), free_over=None, delivery_estimate="1-2 working days"
    )


@pytest.fixture
def tax_excluded() -> TaxConfiguration:
    """Catalog prices exclude a 20 % tax, added at checkout."""
    tax = TaxConfiguration.objects.order_by("pk").first() or TaxConfiguration()
    tax.rate, tax.prices_include_tax = Decimal("20.00"), False
    tax.save()
    return tax
