"""Cart and checkout API: guests by session with CSRF, customers by token, object-level 404s,
idempotent checkout and a table of bad inputs that all get 400 with field errors and write nothing."""

import json
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import address_create
from checkout.models import Cart, CartLine
from orders.models import Order
from payments.models import Payment
from shop.models import Variant
from tests.checkout.conftest import ADDRESS, ADDRESS_SNAPSHOT, CARD
from tests.factories import CartFactory, CartLineFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mug(make_product, standard, express):
    return make_product(name="Blue Mug", slug="blue-mug", price="12.50", stock=5).variants.get()


def customer_client(user=None) -> APIClient:
    user = user or UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


@pytest.fixture
def customer():
    return customer_client()


def checkout_body(**overrides) -> dict:
    body = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": "standard", "payment": CARD}
    body.update(overrides)
    return body


def test_a_guest_uses_the_session_cookie_and_the_csrf_token(mug):
    guest = APIClient(enforce_csrf_checks=True)

    empty = guest.get("/api/v1/cart/")
    refused = guest.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")
    added = guest.post(
        "/api/v1/cart/lines/",
        {"variant": mug.pk, "quantity": 2},
        format="json",
        HTTP_X_CSRFTOKEN=guest.cookies["csrftoken"].value,
    )

    assert empty.json() == {
        "lines": [],
        "saved": [],
        "item_count": 0,
        "subtotal": "0.00",
        "currency": "EUR",
        "needs_attention": False,
    }
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert added.status_code == 201
    body = added.json()
    assert (body["item_count"], body["subtotal"]) == (2, "25.00")
    assert body["lines"][0] | {"id": 0, "thumbnail": None} == {
        "id": 0,
        "variant": mug.pk,
        "sku": mug.sku,
        "product_name": "Blue Mug",
        "variant_name": "Standard",
        "product_url": "http://testserver/p/blue-mug/",
        "thumbnail": None,
        "quantity": 2,
        "unit_price": "12.50",
        "line_total": "25.00",
        "price_when_added": "12.50",
        "price_changed": False,
        "available": True,
        "stock_quantity": 5,
        "exceeds_stock": False,
        "saved_for_later": False,
    }
    assert Cart.objects.get().session_key == guest.cookies["sessionid"].value


def test_a_guest_checks_out_through_the_api(mug):
    guest = APIClient()
    guest.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")

    response = guest.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert response.status_code == 201
    order = Order.objects.get()
    assert response.json()["number"] == order.number
    assert (order.user, order.email, order.total, order.shipping_address) == (
        None,
        "ana@example.com",
        Decimal("29.95"),
        ADDRESS_SNAPSHOT,
    )
    assert order.idempotency_key == f"api:session:{guest.cookies['sessionid'].value}:k-1"


def test_a_customer_manages_lines_and_saves_for_later(customer, mug):
    added = customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json").json()
    line = added["lines"][0]["id"]

    changed = customer.patch(f"/api/v1/cart/lines/{line}/", {"quantity": 3}, format="json")
    saved = customer.patch(f"/api/v1/cart/lines/{line}/", {"saved_for_later": True}, format="json")
    deleted = customer.delete(f"/api/v1/cart/lines/{line}/")

    assert changed.json()["item_count"] == 3
    assert (saved.json()["lines"], saved.json()["saved"][0]["id"], saved.json()["item_count"]) == ([], line, 0)
    assert deleted.status_code == 200
    assert deleted.json()["saved"] == []
    assert Cart.objects.get().user == customer.user
    assert CartLine.objects.count() == 0


def test_stock_and_price_notices_show_in_the_cart(customer, mug):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 4}, format="json")
    Variant.objects.filter(pk=mug.pk).update(price=Decimal("13.00"), stock_quantity=2)

    body = customer.get("/api/v1/cart/").json()

    line = body["lines"][0]
    assert (line["price_changed"], line["exceeds_stock"], line["unit_price"], line["price_when_added"]) == (
        True,
        True,
        "13.00",
        "12.50",
    )
    assert body["needs_attention"] is True
    response = customer.patch(f"/api/v1/cart/lines/{line['id']}/", {"quantity": 3}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "insufficient_stock",
        "message": "Only 2 left.",
        "details": {"quantity": ["Only 2 left."], "available": 2},
    }


def test_another_customers_line_is_not_found(customer, mug):
    theirs = CartLineFactory(cart=CartFactory(user=UserFactory(), session_key=None), variant=mug, quantity=2)
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")

    responses = [
        customer.patch(f"/api/v1/cart/lines/{theirs.pk}/", {"quantity": 1}, format="json"),
        customer.patch(f"/api/v1/cart/lines/{theirs.pk}/", {"saved_for_later": True}, format="json"),
        customer.delete(f"/api/v1/cart/lines/{theirs.pk}/"),
        APIClient().delete(f"/api/v1/cart/lines/{theirs.pk}/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert {r.json()["error"]["code"] for r in responses} == {"cart_line_not_found"}
    assert CartLine.objects.filter(pk=theirs.pk, quantity=2, saved_for_later=False).exists()


def test_shipping_methods_with_their_price_for_this_cart(customer, mug):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 4}, format="json")

    response = customer.get("/api/v1/checkout/shipping-methods/")

    assert response.json() == [
        {
            "code": "standard",
            "name": "Standard delivery",
            "price": "4.95",
            "free_over": "50.00",
            "price_for_cart": "0.00",
            "delivery_estimate": "3-5 working days",
        },
        {
            "code": "express",
            "name": "Express",
            "price": "9.95",
            "free_over": None,
            "price_for_cart": "9.95",
            "delivery_estimate": "1-2 working days",
        },
    ]


# --- Checkout and idempotency ----------------------------------------------------------------------------


def test_checkout_replays_return_the_same_order_and_charge_once(customer, mug):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")

    first = customer.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-1")
    again = customer.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["status"] == "paid"
    assert first.json()["total"] == "29.95"
    assert Order.objects.get().idempotency_key == f"api:user:{customer.user.pk}:order-1"
    assert Payment.objects.count() == 1
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 3


def test_a_key_reused_for_a_different_order_is_422(customer, mug):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")
    customer.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-1")

    response = customer.post(
        "/api/v1/checkout/", checkout_body(shipping_method="express"), format="json", HTTP_IDEMPOTENCY_KEY="order-1"
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_keys_are_scoped_per_customer(mug):
    first, second = customer_client(), customer_client()
    for client in (first, second):
        client.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")

    responses = [
        client.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
        for client in (first, second)
    ]

    assert [r.status_code for r in responses] == [201, 201]
    assert Order.objects.count() == 2


def test_a_customer_uses_a_saved_address_and_their_account_email(mug):
    user = UserFactory(email="ana@example.com")
    saved = address_create(user=user, **ADDRESS)
    stranger = address_create(user=UserFactory(), **ADDRESS)
    client = customer_client(user)
    client.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")
    body = {"shipping_address_id": saved.pk, "shipping_method": "express", "payment": CARD}

    refused = client.post("/api/v1/checkout/", {**body, "shipping_address_id": stranger.pk}, format="json")
    placed = client.post("/api/v1/checkout/", body, format="json")

    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "address_not_found"
    assert placed.status_code == 201
    order = Order.objects.get()
    assert (order.user, order.email, order.shipping_address, order.billing_address) == (
        user,
        "ana@example.com",
        ADDRESS_SNAPSHOT,
        ADDRESS_SNAPSHOT,
    )


@pytest.mark.parametrize(
    ("card_number", "status", "code"),
    [("4000 0000 0000 0002", 400, "payment_declined"), ("4000 0000 0000 0119", 503, "payment_network_error")],
)
def test_payment_failures_are_clear_errors_and_change_nothing(customer, mug, card_number, status, code):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")

    response = customer.post(
        "/api/v1/checkout/", checkout_body(payment={**CARD, "card_number": card_number}), format="json"
    )

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Order.objects.count() == 0
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 5
    assert CartLine.objects.get().quantity == 2


def test_a_sold_out_item_is_a_clear_error(customer, mug):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")
    Variant.objects.filter(pk=mug.pk).update(stock_quantity=0)

    response = customer.post("/api/v1/checkout/", checkout_body(), format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sold_out"
    assert response.json()["error"]["message"] == "Sorry, Blue Mug just sold out."


# --- Bad input -------------------------------------------------------------------------------------------

BAD_LINE_BODIES = [
    ({"variant": "abc", "quantity": 1}, "variant"),
    ({"variant": 1.5, "quantity": 1}, "variant"),
    ({"variant": None, "quantity": 1}, "variant"),
    ({"quantity": 1}, "variant"),
    ({"variant": 2**64, "quantity": 1}, "variant"),
    ({"variant": "{mug}", "quantity": -1}, "quantity"),
    ({"variant": "{mug}", "quantity": 0}, "quantity"),
    ({"variant": "{mug}", "quantity": 100}, "quantity"),
    ({"variant": "{mug}", "quantity": 10**30}, "quantity"),
    ({"variant": "{mug}", "quantity": "lots"}, "quantity"),
    ({"variant": "{mug}", "quantity": [1]}, "quantity"),
]
BAD_PATCH_BODIES = [
    ({}, "non_field_errors"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": 1000}, "quantity"),
    ({"quantity": "x"}, "quantity"),
    ({"saved_for_later": "maybe"}, "saved_for_later"),
]
BAD_CHECKOUT_BODIES = [
    ({"email": "nope"}, "email"),
    ({"email": "a" * 250 + "@example.com"}, "email"),
    ({"email": None}, "email"),
    ({"shipping_address": None}, "shipping_address"),
    ({"shipping_address": "1 High Street"}, "shipping_address"),
    ({"shipping_address": {**ADDRESS, "line1": "x" * 101}}, "shipping_address"),
    ({"shipping_address": {**ADDRESS, "country": "XX"}}, "shipping_address"),
    ({"shipping_address": {**ADDRESS, "city": ""}}, "shipping_address"),
    ({"shipping_address_id": 1}, "shipping_address_id"),
    ({"shipping_method": "teleport"}, "shipping_method"),
    ({"shipping_method": ["standard"]}, "shipping_method"),
    ({"shipping_method": "s" * 41}, "shipping_method"),
    ({"payment": None}, "payment"),
    ({"payment": {**CARD, "card_number": "4242 4242 4242 4241"}}, "card_number"),
    ({"payment": {**CARD, "card_number": "4" * 31}}, "payment"),
    ({"payment": {**CARD, "card_expiry": "01/20"}}, "card_expiry"),
    ({"payment": {**CARD, "card_cvc": "12345"}}, "payment"),
]


def _fill(body: dict, mug) -> dict:
    return {key: mug.pk if value == "{mug}" else value for key, value in body.items()}


@pytest.mark.parametrize(("body", "field"), BAD_LINE_BODIES)
def test_bad_cart_line_input_is_a_400_with_field_errors(customer, mug, body, field):
    response = customer.post("/api/v1/cart/lines/", _fill(body, mug), format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize(("body", "field"), BAD_PATCH_BODIES)
def test_bad_cart_line_changes_are_a_400_with_field_errors(customer, mug, body, field):
    line = CartLineFactory(cart=CartFactory(user=customer.user, session_key=None), variant=mug, quantity=2)

    response = customer.patch(f"/api/v1/cart/lines/{line.pk}/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert CartLine.objects.filter(pk=line.pk, quantity=2, saved_for_later=False).exists()


@pytest.mark.parametrize(("overrides", "field"), BAD_CHECKOUT_BODIES)
def test_bad_checkout_input_is_a_400_with_field_errors(make_product, standard, overrides, field):
    # a guest: saved address ids are refused, the email is required
    guest = APIClient()
    mug = make_product(price="12.50", stock=5).variants.get()
    guest.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 2}, format="json")

    response = guest.post("/api/v1/checkout/", checkout_body(**overrides), format="json")

    assert response.status_code == 400
    assert field in json.dumps(response.json()["error"]["details"])
    assert Order.objects.count() == 0
    assert Payment.objects.count() == 0
    assert Variant.objects.get(pk=mug.pk).stock_quantity == 5


@pytest.mark.parametrize(
    ("url", "method"),
    [("/api/v1/cart/lines/", "post"), ("/api/v1/checkout/", "post"), ("/api/v1/cart/lines/1/", "patch")],
)
def test_malformed_json_is_a_400(customer, mug, url, method):
    response = getattr(customer, method)(url, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert CartLine.objects.count() == 0


@pytest.mark.parametrize("key", ["", "x" * 101, "has space", "émoji"])
def test_a_bad_idempotency_key_is_a_400(customer, mug, key):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")

    response = customer.post("/api/v1/checkout/", checkout_body(), format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]
    assert Order.objects.count() == 0


def test_unknown_line_ids_of_any_size_are_404(customer, mug):
    customer.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")

    for line_id in (999999, 2**63, 10**30):
        response = customer.delete(f"/api/v1/cart/lines/{line_id}/")
        assert response.status_code == 404
    assert CartLine.objects.count() == 1


def test_checkout_with_an_empty_cart_is_a_clear_error(customer, standard):
    response = customer.post("/api/v1/checkout/", checkout_body(), format="json")

    assert response.status_code == 400
    assert response.json()["error"] == {"code": "cart_empty", "message": "Your cart is empty.", "details": {}}


# --- From the catalogue to the cart, with values the API gave -----------------------------------------


@pytest.fixture
def jackets(make_product, standard):
    """A rain jacket in two sizes (M cheaper) and a fleece, so search has more than one result."""
    make_product(name="Fleece Jacket", slug="fleece-jacket", price="45.00")
    return make_product(
        name="Rain Jacket",
        slug="rain-jacket",
        variants=[
            {"sku": "RAIN-L", "name": "L", "price": Decimal("80.00"), "stock_quantity": 3},
            {"sku": "RAIN-M", "name": "M", "price": Decimal("75.00"), "stock_quantity": 3},
        ],
    )


def test_a_client_walks_from_a_search_result_to_an_order_using_only_api_values(customer, jackets):
    # given: a search, then the detail of its first result, by the slug the result gave
    results = customer.get("/api/v1/products/", {"q": "rain jacket"}).json()["results"]
    card = next(result for result in results if result["name"] == "Rain Jacket")
    detail = customer.get(f"/api/v1/products/{card['slug']}/").json()
    size_l = next(variant for variant in detail["variants"] if variant["name"] == "L")

    # when: one line by the variant id of the detail, one by the card's default variant
    by_detail = customer.post("/api/v1/cart/lines/", {"variant": size_l["id"], "quantity": 1})
    by_card = customer.post("/api/v1/cart/lines/", {"variant": card["default_variant"], "quantity": 1})
    method = customer.get("/api/v1/checkout/shipping-methods/").json()[0]["code"]
    order = customer.post("/api/v1/checkout/", checkout_body(shipping_method=method), HTTP_IDEMPOTENCY_KEY="walk-1")

    # then: the card's default variant is the cheapest one (M, at min_price), and both reached the order
    assert (by_detail.status_code, by_card.status_code, order.status_code) == (201, 201, 201)
    assert card["min_price"] == "75.00"
    assert {line["sku"] for line in by_card.json()["lines"]} == {"RAIN-L", "RAIN-M"}
    assert sorted(line["sku"] for line in order.json()["lines"]) == ["RAIN-L", "RAIN-M"]


def test_the_cart_takes_a_sku_instead_of_a_variant_id(customer, jackets):
    # when
    response = customer.post("/api/v1/cart/lines/", {"sku": "RAIN-M", "quantity": 2})

    # then
    assert response.status_code == 201
    assert [(line["sku"], line["quantity"]) for line in response.json()["lines"]] == [("RAIN-M", 2)]


def test_an_unknown_sku_is_a_404_naming_the_field(customer, jackets):
    # when
    response = customer.post("/api/v1/cart/lines/", {"sku": "NO-SUCH-SKU"})

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "variant_not_found"
    assert response.json()["error"]["details"] == {"sku": ["No variant with that SKU is on sale."]}
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("body", [{"quantity": 1}, {"variant": 1, "sku": "RAIN-M"}], ids=["neither", "both"])
def test_a_line_needs_exactly_one_of_variant_and_sku(customer, jackets, body):
    # when
    response = customer.post("/api/v1/cart/lines/", body)

    # then
    assert response.status_code == 400
    assert "Send either `variant`" in json.dumps(response.json())


@pytest.mark.parametrize("content", ["multipart", "urlencoded"])
def test_only_json_bodies_are_accepted(customer, mug, content):
    # given: the body a form-posting client would send
    body = {"variant": str(mug.pk), "quantity": "1"}
    if content == "multipart":
        response = customer.post("/api/v1/cart/lines/", body, format="multipart")
    else:
        response = customer.generic(
            "POST", "/api/v1/cart/lines/", f"variant={mug.pk}&quantity=1", "application/x-www-form-urlencoded"
        )

    # then: 415 in the API's error shape, and nothing was added
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not CartLine.objects.exists()
