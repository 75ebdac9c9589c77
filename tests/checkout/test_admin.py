"""Back office: shipping methods are editable, the tax setting is one row, carts and payments read-only."""

from decimal import Decimal

import pytest

from checkout.models import TaxConfiguration
from orders.models import Order
from payments.services import payment_refund
from tests.factories import CartLineFactory, OrderFactory, PaymentFactory, ShippingMethodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def test_shipping_methods_can_be_changed_in_admin(staff_client):
    method = ShippingMethodFactory()

    response = staff_client.post(
        f"/admin/checkout/shippingmethod/{method.pk}/change/",
        {
            "code": "standard",
            "name": "Standard delivery",
            "price": "5.95",
            "free_over": "75.00",
            "delivery_estimate": "3-5 working days",
            "is_active": "on",
            "position": "0",
        },
    )

    assert response.status_code == 302
    method.refresh_from_db()
    assert (method.price, method.free_over) == (Decimal("5.95"), Decimal("75.00"))


def test_the_tax_setting_is_one_row_that_cannot_be_added_twice_or_deleted(staff_client):
    tax = TaxConfiguration.objects.get()  # created by migration

    assert staff_client.get("/admin/checkout/taxconfiguration/").status_code == 200
    assert staff_client.get("/admin/checkout/taxconfiguration/add/").status_code == 403
    assert staff_client.get(f"/admin/checkout/taxconfiguration/{tax.pk}/delete/").status_code == 403
    response = staff_client.post(
        f"/admin/checkout/taxconfiguration/{tax.pk}/change/", {"rate": "19.00", "prices_include_tax": ""}
    )
    assert response.status_code == 302
    tax.refresh_from_db()
    assert (tax.rate, tax.prices_include_tax) == (Decimal("19.00"), False)


def test_carts_are_read_only_for_support(staff_client):
    line = CartLineFactory(variant__product__name="Blue Mug", quantity=3)

    page = staff_client.get(f"/admin/checkout/cart/{line.cart_id}/change/")

    assert page.status_code == 200
    assert "Blue Mug" in page.content.decode()
    assert staff_client.get("/admin/checkout/cart/add/").status_code == 403
    assert staff_client.post(f"/admin/checkout/cart/{line.cart_id}/delete/", {"post": "yes"}).status_code == 403


def test_payments_are_read_only_with_their_refunds(staff_client):
    payment = PaymentFactory(order=OrderFactory(total=Decimal("40.00"), status=Order.Status.PAID))
    payment_refund(payment=payment, amount=Decimal("15.00"), reason="Broken handle")

    listing = staff_client.get("/admin/payments/payment/")
    detail = staff_client.get(f"/admin/payments/payment/{payment.pk}/change/")

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "Broken handle" in detail.content.decode()
    assert staff_client.get("/admin/payments/payment/add/").status_code == 403
