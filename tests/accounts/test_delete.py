"""Deleting an account: personal data goes, orders stay for the books."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import Address
from checkout.models import Cart
from checkout.services import cart_get_or_create, cart_line_add
from core.errors import ApplicationError
from orders.models import Order
from shop.models import Review, WishlistItem
from tests.accounts.conftest import PASSWORD
from tests.factories import OrderFactory, OrderLineFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
SHIPPED_TO = {
    "full_name": "Ana Silva",
    "line1": "12 Harbour Street",
    "line2": "",
    "city": "Bristol",
    "region": "",
    "postal_code": "BS1 4RN",
    "country": "GB",
    "country_name": "United Kingdom",
    "phone": "",
}


@pytest.fixture
def history(customer, make_product):
    """A customer with an order, an address, a token, a cart, a wishlist item, a review and failed logins."""
    product = make_product(name="Mug")
    order = OrderFactory(user=customer, shipping_address=SHIPPED_TO, billing_address=SHIPPED_TO)
    OrderLineFactory(order=order, variant=product.variants.get())
    services.address_create(
        user=customer,
        full_name="Ana Silva",
        line1="12 Harbour Street",
        city="Bristol",
        postal_code="BS1 4RN",
        country="GB",
    )
    Token.objects.create(user=customer)
    cart_line_add(cart=cart_get_or_create(user=customer), variant_id=product.variants.get().pk, quantity=1)
    WishlistItem.objects.create(user=customer, product=product, was_in_stock=True)
    ReviewFactory(user=customer, product=product, author_name="Ana S.")
    Client().post("/account/login/", {"username": "ana@example.com", "password": "wrong-password"})
    return order


def test_deleting_anonymises_the_account_and_keeps_its_orders_without_the_person(customer, history):
    services.user_delete(user=customer)

    customer.refresh_from_db()
    assert (customer.username, customer.email, customer.first_name, customer.last_name) == (
        f"deleted-{customer.pk}",
        f"deleted-{customer.pk}@invalid",
        "",
        "",
    )
    assert (customer.is_active, customer.has_usable_password()) == (False, False)
    assert not Address.objects.exists()
    assert not Token.objects.exists()
    assert not Cart.objects.exists()
    assert not WishlistItem.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert Review.objects.get().author_name == "Former customer"
    order = Order.objects.get()
    assert (order.pk, order.user_id, order.email, order.shipping_address, order.lines.count()) == (
        history.pk,
        customer.pk,
        f"deleted-{customer.pk}@invalid",
        {"country": "GB", "country_name": "United Kingdom"},
        1,
    )


def test_the_page_asks_for_the_password_then_deletes_and_signs_out(client, customer, history):
    client.force_login(customer)

    wrong = client.post("/account/delete/", {"password": "guess"})
    assert wrong.context["form"].errors == {"password": ["That is not your password."]}
    assert User.objects.get(pk=customer.pk).is_active

    response = client.post("/account/delete/", {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "Your account has been deleted." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.get(pk=customer.pk).is_active
    # the old email no longer signs in, and is free for a new account
    assert Client().post("/account/login/", {"username": "ana@example.com", "password": PASSWORD}).status_code == 200
    assert services.user_register(email="ana@example.com", password="harbour-lantern-42").pk != customer.pk


def test_other_sessions_of_a_deleted_account_end(customer):
    other_device = Client()
    other_device.force_login(customer)

    services.user_delete(user=customer)

    assert other_device.get("/account/")["Location"] == "/account/login/?next=/account/"


def test_a_staff_account_is_not_deleted_from_the_shop(client):
    staff = UserFactory(username="boss", email="boss@example.com", is_staff=True)
    client.force_login(staff)

    response = client.post("/account/delete/", {"password": PASSWORD})

    assert response.context["form"].non_field_errors() == [
        "Staff accounts are closed by an administrator in the back office."
    ]
    staff.refresh_from_db()
    assert (staff.is_active, staff.email) == (True, "boss@example.com")
    with pytest.raises(ApplicationError):
        services.user_delete(user=staff)


def test_the_api_deletes_the_account_after_checking_the_password(api, customer, history):
    token = Token.objects.get(user=customer)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    wrong = api.delete("/api/v1/auth/me/", {"password": "guess"}, format="json")
    deleted = api.delete("/api/v1/auth/me/", {"password": PASSWORD}, format="json")

    assert wrong.status_code == 400
    assert wrong.json()["error"]["details"] == {"password": ["That is not your password."]}
    assert deleted.status_code == 204
    assert not User.objects.get(pk=customer.pk).is_active
    assert api.get("/api/v1/auth/me/").status_code == 401
