"""The cart page and its forms: adding from the product page with stock checks, updating, removing,
saving for later, notices for changed prices and stock, the header indicator and the events."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from checkout.models import Cart, CartLine
from events.models import Interaction
from events.services import interactions_flush
from shop.models import Variant
from tests.factories import CartFactory, CartLineFactory, UserFactory

pytestmark = pytest.mark.django_db


def lines_of(client) -> list[tuple[int, int, bool]]:
    session_key = client.session.session_key
    return list(
        CartLine.objects.filter(cart__session_key=session_key)
        .order_by("id")
        .values_list("variant_id", "quantity", "saved_for_later")
    )


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


def line_id(client, variant) -> int:
    return CartLine.objects.get(cart__session_key=client.session.session_key, variant=variant).pk


def test_a_visitor_has_no_session_until_adding_and_then_a_cart_and_the_indicator(client, variant):
    html = client.get("/p/blue-mug/").content.decode()
    assert '<span class="cart-count is-empty" id="cart-count">0</span>' in html
    assert "sessionid" not in client.cookies
    assert 'action="/cart/add/"' in html

    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})

    assert response.status_code == 302
    assert response["Location"] == "/p/blue-mug/"
    assert messages_of(response) == ["Added to your cart: Blue Mug (Standard), quantity 2."]
    assert lines_of(client) == [(variant.pk, 2, False)]
    assert Cart.objects.get().session_key == client.session.session_key
    html = client.get("/p/blue-mug/").content.decode()
    assert '<span class="cart-count" id="cart-count">2</span>' in html


def test_adding_again_adds_up_within_the_stock(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 2})
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})

    assert messages_of(response) == ["Only 3 left."]
    assert response["Location"] == "/p/blue-mug/"
    assert lines_of(client) == [(variant.pk, 2, False)]


def test_an_out_of_stock_variant_cannot_be_added(client, variant):
    Variant.objects.filter(pk=variant.pk).update(stock_quantity=0)

    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})

    assert messages_of(response) == ["Sorry, Blue Mug is out of stock."]
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"variant": "abc", "quantity": "1"}, "Variant: Enter a whole number."),
        ({"variant": "1", "quantity": "-1"}, "Quantity: Ensure this value is greater than or equal to 1."),
        ({"variant": "1", "quantity": "0"}, "Quantity: Ensure this value is greater than or equal to 1."),
        ({"variant": "1", "quantity": "100"}, "Quantity: Ensure this value is less than or equal to 99."),
        (
            {"variant": "99999999999999999999", "quantity": "1"},
            f"Variant: Ensure this value is less than or equal to {2**63 - 1}.",
        ),
        ({"quantity": "1"}, "Variant: This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, variant, data, message):
    response = client.post("/cart/add/", data)

    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert CartLine.objects.count() == 0
    assert Cart.objects.count() == 0


def test_an_inactive_or_unknown_variant_cannot_be_added(client, variant):
    Variant.objects.filter(pk=variant.pk).update(is_active=False)

    for variant_id in (variant.pk, variant.pk + 1000):
        response = client.post("/cart/add/", {"variant": variant_id, "quantity": 1}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["That product is no longer available."]
    assert CartLine.objects.count() == 0


def test_cart_writes_need_post_and_a_csrf_token(variant):
    strict = Client(enforce_csrf_checks=True)

    for url in ("/cart/add/", "/cart/update/", "/cart/remove/", "/cart/save-for-later/", "/cart/move-to-cart/"):
        assert strict.get(url).status_code == 405
    assert strict.post("/cart/add/", {"variant": variant.pk, "quantity": 1}).status_code == 403
    assert CartLine.objects.count() == 0


def test_cart_page_lists_lines_with_current_prices_notices_and_subtotal(client, make_product, variant):
    other = make_product(name="Teapot", price="30.00").variants.get()
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 2})
    post(client, "/cart/add/", {"variant": other.pk, "quantity": 1})
    Variant.objects.filter(pk=other.pk).update(price=Decimal("32.00"))
    Variant.objects.filter(pk=variant.pk).update(stock_quantity=1)

    html = client.get("/cart/").content.decode()

    assert '<h3 class="cart-line-title"><a href="/p/blue-mug/">Blue Mug</a></h3>' in html
    assert '<p class="cart-line-total">€25.00</p>' in html
    assert '<p class="cart-line-total">€32.00</p>' in html
    assert "Price changed from €30.00 to €32.00 since you added it." in html
    assert "Only 1 left: please lower the quantity." in html
    assert '<dd data-testid="subtotal">€57.00</dd>' in html
    assert '<dd data-testid="item-count">3</dd>' in html
    assert "Prices include 20% VAT." in html
    assert 'href="/checkout/" data-testid="checkout-button"' in html


def test_empty_cart_page(client):
    html = client.get("/cart/").content.decode()

    assert "Your cart is empty" in html
    assert 'data-testid="checkout-button"' not in html


def test_updating_a_line_checks_the_stock(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 1})
    line = line_id(client, variant)

    response = client.post("/cart/update/", {"line": line, "quantity": 3}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Your cart was updated."]
    assert lines_of(client) == [(variant.pk, 3, False)]

    response = client.post("/cart/update/", {"line": line, "quantity": 4})
    assert messages_of(response) == ["Only 3 left."]
    assert lines_of(client) == [(variant.pk, 3, False)]


def test_remove_save_for_later_and_move_back(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 2})
    line = line_id(client, variant)

    response = client.post("/cart/save-for-later/", {"line": line}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [("/cart/", 302)]
    assert "Saved Blue Mug (Standard) for later." in html
    assert '<h2 id="saved-title">Saved for later</h2>' in html
    assert '<span class="cart-count is-empty" id="cart-count">0</span>' in html
    assert lines_of(client) == [(variant.pk, 2, True)]

    response = client.post("/cart/move-to-cart/", {"line": line}, follow=True)
    assert "Moved Blue Mug (Standard) to your cart." in response.content.decode()
    assert lines_of(client) == [(variant.pk, 2, False)]

    response = client.post("/cart/remove/", {"line": line}, follow=True)
    assert "Removed Blue Mug (Standard) from your cart." in response.content.decode()
    assert lines_of(client) == []


def test_another_shoppers_line_cannot_be_touched(client, variant):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 1})
    theirs = CartLineFactory(cart=CartFactory(user=UserFactory(), session_key=None), quantity=2)

    for url, data in [
        ("/cart/update/", {"line": theirs.pk, "quantity": 1}),
        ("/cart/remove/", {"line": theirs.pk}),
        ("/cart/save-for-later/", {"line": theirs.pk}),
    ]:
        response = client.post(url, data, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["That item is not in your cart."]
    assert CartLine.objects.filter(pk=theirs.pk, quantity=2, saved_for_later=False).exists()


def test_a_signed_in_customer_has_their_own_cart(client, variant):
    user = UserFactory()
    client.force_login(user)

    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 1})

    assert Cart.objects.get().user == user
    assert '<span class="cart-count" id="cart-count">1</span>' in client.get("/cart/").content.decode()


def test_lines_whose_variant_left_the_catalog_must_be_removed(client, variant, mug):
    post(client, "/cart/add/", {"variant": variant.pk, "quantity": 1})
    mug.is_active = False
    mug.save()

    html = client.get("/cart/").content.decode()

    assert "No longer available: please remove it." in html
    assert '<dd data-testid="subtotal">€0.00</dd>' in html
    assert 'data-testid="checkout-button"' not in html
    assert '<span class="cart-count is-empty" id="cart-count">0</span>' in html


def test_cart_changes_are_recorded_as_interactions(client, variant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # recorded once each change commits
        client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})
        line = line_id(client, variant)
        client.post("/cart/update/", {"line": line, "quantity": 3})
        client.post("/cart/remove/", {"line": line})

    assert interactions_flush() == 3
    events = Interaction.objects.order_by("id").values_list("kind", "variant_id", "product_id", "quantity", "price")
    assert list(events) == [
        ("add_to_cart", variant.pk, variant.product_id, 2, Decimal("12.50")),
        ("add_to_cart", variant.pk, variant.product_id, 1, Decimal("12.50")),
        ("remove_from_cart", variant.pk, variant.product_id, 3, Decimal("12.50")),
    ]
    assert set(Interaction.objects.values_list("session_key", flat=True)) == {client.session.session_key}


def test_cart_page_queries_do_not_grow_with_the_lines(client, make_product, django_assert_num_queries):
    for _ in range(10):
        post(client, "/cart/add/", {"variant": make_product(images=1).variants.get().pk, "quantity": 1})
    client.get("/cart/")

    # the cart, its lines (with products and thumbnails), the tax setting, the header's count; the
    # session comes from the cache
    with django_assert_num_queries(4):
        response = client.get("/cart/")

    assert response.content.decode().count('data-testid="cart-line"') == 10
