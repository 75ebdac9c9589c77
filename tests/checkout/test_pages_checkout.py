"""The one-page checkout for guests and customers, its errors, double submission and the
confirmation page."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from accounts.services import address_create
from checkout.models import CartLine
from orders.models import Order
from payments.models import Payment
from shop.models import Variant
from tests.checkout.conftest import ADDRESS, ADDRESS_SNAPSHOT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug(make_product, standard, express):
    return make_product(name="Blue Mug", slug="blue-mug", price="12.50", stock=5).variants.get()


@pytest.fixture
def shopper(client, mug):
    """A guest with two mugs in the cart."""
    assert client.post("/cart/add/", {"variant": mug.pk, "quantity": 2}).status_code == 302
    return client


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def form_data(token: str, **overrides) -> dict:
    data = {
        "token": token,
        "email": "ana@example.com",
        "shipping_choice": "new",
        **{f"shipping-{name}": value for name, value in ADDRESS.items()},
        "billing_same": "on",
        "shipping_method": "standard",
        "card_number": "4242 4242 4242 4242",
        "card_expiry": "12/35",
        "card_cvc": "123",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def open_checkout(client) -> str:
    response = client.get("/checkout/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_cart_goes_back_to_the_cart(client):
    response = client.get("/checkout/", follow=True)

    assert response.redirect_chain == [("/cart/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Your cart is empty."]


def test_the_page_shows_the_form_summary_and_shipping_options(shopper):
    html = open_checkout(shopper)

    assert "Checking out as a guest." in html
    assert '<input type="hidden" name="shipping_choice" value="new">' in html
    assert 'name="shipping-full_name"' in html
    assert '<dd data-testid="summary-subtotal">€25.00</dd>' in html
    assert '<dd data-testid="summary-shipping">€4.95</dd>' in html
    assert "<dt>Includes 20% VAT</dt>" in html
    assert '<dd data-testid="summary-tax">€5.00</dd>' in html  # 4.17 in the mugs + 0.83 (0.825) in shipping
    assert '<dd data-testid="summary-total">€29.95</dd>' in html
    assert "Free on orders from €50.00" in html
    assert "Test mode: pay with card 4242 4242 4242 4242" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", html)


def test_a_guest_checks_out_and_sees_the_confirmation(shopper, mug, django_capture_on_commit_callbacks):
    token = token_of(open_checkout(shopper))

    with django_capture_on_commit_callbacks(execute=True):
        response = shopper.post("/checkout/", form_data(token))

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/checkout/done/{order.number}/"
    assert (order.user, order.email, order.total, order.shipping_address) == (
        None,
        "ana@example.com",
        Decimal("29.95"),
        ADDRESS_SNAPSHOT,
    )
    assert order.billing_address == ADDRESS_SNAPSHOT
    assert order.idempotency_key == f"form:{token}"
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 3
    assert CartLine.objects.count() == 0
    assert len(mail.outbox) == 1
    html = shopper.get(response["Location"]).content.decode()
    assert f'<strong data-testid="order-number">{order.number}</strong>' in html
    assert '<dd data-testid="order-total">€29.95</dd>' in html
    assert "Paid by Visa ending in 4242." in html
    assert '<span class="cart-count is-empty" id="cart-count">0</span>' in html
    assert Client().get(response["Location"]).status_code == 404


def test_a_double_submitted_form_places_one_order(shopper):
    token = token_of(open_checkout(shopper))

    first = shopper.post("/checkout/", form_data(token))
    second = shopper.post("/checkout/", form_data(token))

    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/checkout/done/{Order.objects.get().number}/"


def test_missing_and_invalid_fields_are_shown_and_nothing_is_written(shopper, mug):
    token = token_of(open_checkout(shopper))

    response = shopper.post(
        "/checkout/",
        form_data(token, email="nope", **{"shipping-city": "", "shipping-country": "XX"}, shipping_method="teleport"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    assert "Select a valid choice. teleport is not one of the available choices." in html
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 5


def test_address_errors_show_on_the_address_fields(shopper):
    token = token_of(open_checkout(shopper))

    response = shopper.post("/checkout/", form_data(token, **{"shipping-city": "", "shipping-line1": "x" * 101}))

    html = response.content.decode()
    assert "This field is required." in html
    assert "Ensure this value has at most 100 characters (it has 101)." in html
    assert Order.objects.count() == 0


def test_card_errors_show_on_the_card_fields_and_the_number_is_not_echoed(shopper):
    token = token_of(open_checkout(shopper))

    response = shopper.post(
        "/checkout/", form_data(token, card_number="4242 4242 4242 4241", card_expiry="01/20", card_cvc="1")
    )

    html = response.content.decode()
    assert "Enter a valid card number." in html
    assert "This card has expired." in html
    assert "Enter the 3 or 4 digit security code." in html
    assert "4242 4242 4242 4241" not in html
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0


def test_a_declined_card_shows_the_message_and_changes_nothing(shopper, mug):
    token = token_of(open_checkout(shopper))

    response = shopper.post("/checkout/", form_data(token, card_number="4000 0000 0000 0002"))

    html = response.content.decode()
    assert '<div class="message message-error" role="alert" data-testid="checkout-error">' in html
    assert "<p>Your card was declined.</p>" in html
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 5
    assert CartLine.objects.get().quantity == 2


def test_a_changed_price_is_shown_and_the_next_submission_accepts_it(shopper, mug):
    token = token_of(open_checkout(shopper))
    Variant.objects.filter(pk=mug.pk).update(price=Decimal("13.00"))

    refused = shopper.post("/checkout/", form_data(token))
    accepted = shopper.post("/checkout/", form_data(token))

    assert "The price of some items changed since you added them: Blue Mug (was €12.50, now €13.00)." in (
        refused.content.decode()
    )
    assert '<dd data-testid="summary-subtotal">€26.00</dd>' in refused.content.decode()
    assert accepted.status_code == 302
    assert Order.objects.get().subtotal == Decimal("26.00")


def test_a_customer_ships_to_a_saved_address_and_bills_to_a_new_one(client, mug):
    user = UserFactory(email="ana@example.com")
    saved = address_create(user=user, **{**ADDRESS, "full_name": "Ana at home"})
    client.force_login(user)
    client.post("/cart/add/", {"variant": mug.pk, "quantity": 1})
    html = open_checkout(client)
    assert f'value="{saved.pk}"' in html
    assert 'value="ana@example.com"' in html

    billing = {**ADDRESS, "full_name": "Ana at work", "line1": "9 Office Road"}
    response = client.post(
        "/checkout/",
        form_data(
            token_of(html),
            shipping_choice=str(saved.pk),
            billing_same=None,
            billing_choice="new",
            shipping_method="express",
            **{f"shipping-{name}": None for name in ADDRESS},
            **{f"billing-{name}": value for name, value in billing.items()},
        ),
    )

    order = Order.objects.get()
    assert response["Location"] == f"/checkout/done/{order.number}/"
    assert (order.user, order.shipping_method, order.shipping) == (user, "Express", Decimal("9.95"))
    assert order.shipping_address == {**ADDRESS_SNAPSHOT, "full_name": "Ana at home"}
    assert order.billing_address == {**ADDRESS_SNAPSHOT, "full_name": "Ana at work", "line1": "9 Office Road"}
    assert client.get(response["Location"]).status_code == 200
    other = Client()
    other.force_login(UserFactory())
    assert other.get(response["Location"]).status_code == 404


def test_another_customers_saved_address_cannot_be_chosen(client, mug):
    user = UserFactory()
    stranger = address_create(user=UserFactory(), **ADDRESS)
    client.force_login(user)
    client.post("/cart/add/", {"variant": mug.pk, "quantity": 1})

    response = client.post("/checkout/", form_data(token_of(open_checkout(client)), shipping_choice=str(stranger.pk)))

    assert f"Select a valid choice. {stranger.pk} is not one of the available choices." in response.content.decode()
    assert Order.objects.count() == 0


def test_reusing_a_page_that_placed_an_order_for_a_new_cart_asks_to_confirm(shopper, mug, make_product):
    token = token_of(open_checkout(shopper))
    shopper.post("/checkout/", form_data(token))
    first = Order.objects.get()
    teapot = make_product(name="Teapot", price="30.00").variants.get()
    shopper.post("/cart/add/", {"variant": teapot.pk, "quantity": 1})

    refused = shopper.post("/checkout/", form_data(token))
    html = refused.content.decode()
    placed = shopper.post("/checkout/", form_data(token_of(html)))

    assert f"This checkout page already placed order {first.number}." in html
    assert token_of(html) != token
    assert placed.status_code == 302
    assert list(Order.objects.order_by("id").values_list("subtotal", flat=True)) == [Decimal("25.00"), Decimal("30.00")]
