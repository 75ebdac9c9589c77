"""The session cart: adding with stock checks, updating, removing, the cart page and its events."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from events.models import Interaction
from events.services import interactions_flush
from shop.models import Variant

pytestmark = pytest.mark.django_db


def cart_of(client) -> dict:
    return client.session.get("cart", {})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post(client, url: str, data: dict) -> None:
    """A request whose outcome is not under test: follow the redirect so its message is shown and used up."""
    assert client.post(url, data, follow=True).status_code == 200


@pytest.fixture
def mug(make_product):
    return make_product(name="Blue Mug", slug="blue-mug", price="12.50", stock=3)


@pytest.fixture
def variant(mug):
    return mug.variants.get()


def test_adding_puts_the_variant_in_the_cart_and_updates_the_indicator(client, variant):
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})

    assert response.status_code == 302
    assert response["Location"] == "/p/blue-mug/"
    assert cart_of(client) == {str(variant.pk): 2}
    assert messages_of(response) == ["Added to your cart: Blue Mug (Standard), quantity 2."]
    html = client.get("/p/blue-mug/").content.decode()
    assert '<span class="cart-count" id="cart-count">2</span>' in html


def test_adding_again_adds_up_within_the_stock(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 2})
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})

    assert messages_of(response) == ["Only 3 left."]
    assert response["Location"] == "/p/blue-mug/"
    assert cart_of(client) == {str(variant.pk): 2}


def test_an_out_of_stock_variant_cannot_be_added(client, variant):
    Variant.objects.filter(pk=variant.pk).update(stock_quantity=0)

    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})

    assert messages_of(response) == ["Sorry, this item is out of stock."]
    assert cart_of(client) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"variant": "abc", "quantity": "1"}, "Variant: Enter a whole number."),
        ({"variant": "1", "quantity": "-1"}, "Quantity: Ensure this value is greater than or equal to 0."),
        ({"quantity": "1"}, "Variant: This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, variant, data, message):
    response = client.post("/cart/add/", data)

    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert cart_of(client) == {}


def test_a_zero_quantity_cannot_be_added(client, variant):
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 0})

    assert messages_of(response) == ["Quantity must be at least 1."]
    assert cart_of(client) == {}


def test_an_inactive_or_unknown_variant_cannot_be_added(client, variant):
    Variant.objects.filter(pk=variant.pk).update(is_active=False)

    for variant_id in (variant.pk, variant.pk + 1000):
        response = client.post("/cart/add/", {"variant": variant_id, "quantity": 1}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["That product is no longer available."]
    assert cart_of(client) == {}


def test_cart_add_needs_post_and_a_csrf_token(variant):
    strict = Client(enforce_csrf_checks=True)

    assert strict.get("/cart/add/").status_code == 405
    assert strict.post("/cart/add/", {"variant": variant.pk, "quantity": 1}).status_code == 403
    assert cart_of(strict) == {}


def test_cart_page_lists_lines_with_current_prices_and_subtotal(client, make_product, variant):
    other = make_product(name="Teapot", price="30.00").variants.get()
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 2})
    post(client, "/cart/add/", {"variant": other.pk, "quantity": 1})
    Variant.objects.filter(pk=other.pk).update(price=Decimal("32.00"))

    html = client.get("/cart/").content.decode()

    assert '<h2 class="cart-line-title"><a href="/p/blue-mug/">Blue Mug</a></h2>' in html
    assert '<p class="cart-line-total">€25.00</p>' in html
    assert '<p class="cart-line-total">€32.00</p>' in html
    assert '<dd data-testid="subtotal">€57.00</dd>' in html
    assert "<div><dt>Items</dt><dd>3</dd></div>" in html


def test_empty_cart_page(client):
    html = client.get("/cart/").content.decode()

    assert "Your cart is empty" in html


def test_updating_a_line_checks_the_stock(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 1})

    response = client.post("/cart/update/", {"variant": variant.pk, "quantity": 3}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Your cart was updated."]
    assert cart_of(client) == {str(variant.pk): 3}

    response = client.post("/cart/update/", {"variant": variant.pk, "quantity": 4})
    assert messages_of(response) == ["Only 3 left."]
    assert cart_of(client) == {str(variant.pk): 3}


def test_quantity_zero_removes_the_line(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 2})

    response = client.post("/cart/update/", {"variant": variant.pk, "quantity": 0})

    assert response["Location"] == "/cart/"
    assert messages_of(response) == ["Removed the item from your cart."]
    assert cart_of(client) == {}


def test_updating_a_line_that_is_not_in_the_cart_fails(client, variant):
    response = client.post("/cart/update/", {"variant": variant.pk, "quantity": 1})

    assert messages_of(response) == ["That item is not in your cart."]
    assert cart_of(client) == {}


def test_lines_whose_variant_left_the_catalog_are_not_shown(client, variant, mug):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 1})
    mug.is_active = False
    mug.save()

    html = client.get("/cart/").content.decode()

    assert "Blue Mug" not in html
    assert "Your cart is empty" in html


def test_cart_changes_are_recorded_as_interactions(client, variant):
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})
    client.post("/cart/update/", {"variant": variant.pk, "quantity": 3})
    client.post("/cart/update/", {"variant": variant.pk, "quantity": 0})

    assert interactions_flush() == 3
    events = Interaction.objects.order_by("id").values_list("kind", "variant_id", "product_id", "quantity", "price")
    assert list(events) == [
        ("add_to_cart", variant.pk, variant.product_id, 2, Decimal("12.50")),
        ("add_to_cart", variant.pk, variant.product_id, 1, Decimal("12.50")),
        ("remove_from_cart", variant.pk, variant.product_id, 3, Decimal("12.50")),
    ]


def test_cart_page_queries_are_bounded(client, make_product, django_assert_max_num_queries):
    for _ in range(10):
        post(client, "/cart/add/", {"variant": make_product(images=1).variants.get().pk, "quantity": 1})
    client.get("/cart/")

    with django_assert_max_num_queries(1):
        response = client.get("/cart/")

    assert response.content.decode().count('<li class="cart-line">') == 10
