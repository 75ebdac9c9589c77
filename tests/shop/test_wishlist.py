"""The wishlist: services, the "back in stock" rule, the product page toggle, the wishlist page and the API."""

import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.errors import NotFoundError
from events.models import Interaction
from events.services import interactions_flush
from shop import selectors, services
from shop.models import Product, Variant, WishlistItem
from tests.factories import UserFactory, VariantFactory, WishlistItemFactory

pytestmark = pytest.mark.django_db

WISHLIST_PAGE_QUERIES = 5  # user, navigation, cart count, wishlist count and page (sessions are cached)


@pytest.fixture
def products(make_product):
    """A lamp in stock, a kettle sold out, and a shirt with two sizes."""
    return {
        "lamp": make_product(name="Desk Lamp", slug="desk-lamp", price="39.00", stock=4),
        "kettle": make_product(name="Steel Kettle", slug="steel-kettle", price="24.50", stock=0),
        "shirt": make_product(
            name="Linen Shirt",
            slug="linen-shirt",
            variants=[
                {"name": "S", "price": Decimal("45.00"), "stock_quantity": 0},
                {"name": "M", "price": Decimal("45.00"), "stock_quantity": 2},
            ],
        ),
    }


def restock(product: Product, quantity: int = 5) -> None:
    Variant.objects.filter(product=product).update(stock_quantity=quantity)
    services.product_denormalised_refresh(product_ids=[product.pk])


def wishlist_rows(user) -> list[tuple[str, bool, bool]]:
    return [(p.slug, p.in_stock, p.back_in_stock) for p in selectors.wishlist_for_user(user=user)]


def signed_in(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def error(response) -> dict:
    return response.json()["error"]


# --- Services and selector ------------------------------------------------------------------------


def test_adding_twice_keeps_one_item_and_its_first_stock_state(products):
    # given
    user, kettle = UserFactory(), products["kettle"]

    # when
    first, created = services.wishlist_add(user=user, product=kettle)
    restock(kettle)
    kettle.refresh_from_db()
    again, created_again = services.wishlist_add(user=user, product=kettle)

    # then
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert list(WishlistItem.objects.values_list("user_id", "product_id", "was_in_stock")) == [
        (user.pk, kettle.pk, False)
    ]


def test_removing_is_idempotent(products):
    user = UserFactory()
    services.wishlist_add(user=user, product=products["lamp"])

    removed = services.wishlist_remove(user=user, product=products["lamp"])
    removed_again = services.wishlist_remove(user=user, product=products["lamp"])

    assert (removed, removed_again) == (True, False)
    assert not WishlistItem.objects.exists()


def test_inactive_products_cannot_be_wishlisted(products):
    lamp = products["lamp"]
    lamp.is_active = False

    with pytest.raises(NotFoundError):
        services.wishlist_add(user=UserFactory(), product=lamp)

    assert not WishlistItem.objects.exists()


def test_back_in_stock_when_added_out_of_stock_and_now_in_stock(products):
    # given
    user = UserFactory()
    for name in ("kettle", "lamp"):
        services.wishlist_add(user=user, product=products[name])

    # when
    still_out = wishlist_rows(user)
    restock(products["kettle"])
    back = wishlist_rows(user)

    # then
    assert still_out == [("desk-lamp", True, False), ("steel-kettle", False, False)]
    assert back == [("desk-lamp", True, False), ("steel-kettle", True, True)]


def test_items_added_in_stock_are_never_flagged_back_in_stock(products):
    """The documented rule: the flag compares the stock at add time with the stock now."""
    user = UserFactory()
    services.wishlist_add(user=user, product=products["lamp"])
    restock(products["lamp"], 0)
    out = wishlist_rows(user)
    restock(products["lamp"], 3)

    assert out == [("desk-lamp", False, False)]
    assert wishlist_rows(user) == [("desk-lamp", True, False)]


def test_each_customer_sees_only_their_own_items_and_flags(products):
    # given: the same product wishlisted by two customers, one while it was sold out
    ana, ben = UserFactory(), UserFactory()
    WishlistItemFactory(user=ana, product=products["lamp"], was_in_stock=False)
    WishlistItemFactory(user=ben, product=products["lamp"], was_in_stock=True)
    WishlistItemFactory(user=ben, product=products["shirt"], was_in_stock=True)

    # when / then
    assert wishlist_rows(ana) == [("desk-lamp", True, True)]
    assert wishlist_rows(ben) == [("linen-shirt", True, False), ("desk-lamp", True, False)]


def test_wishlist_hides_deactivated_products_and_knows_what_can_go_to_the_cart(products):
    # given
    user = UserFactory()
    for name in ("lamp", "kettle", "shirt"):
        services.wishlist_add(user=user, product=products[name])
    gone = Product.objects.get(slug="desk-lamp")
    Product.objects.filter(pk=gone.pk).update(is_active=False)

    # when
    rows = {p.slug: (p.variant_count, p.cart_variant_id) for p in selectors.wishlist_for_user(user=user)}

    # then
    medium = Variant.objects.get(product=products["shirt"], name="M")
    assert rows == {"steel-kettle": (1, None), "linen-shirt": (2, medium.pk)}


def test_adding_is_recorded_as_an_interaction_once(products, django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.wishlist_add(user=user, product=products["lamp"])
        services.wishlist_add(user=user, product=products["lamp"])
    interactions_flush()

    assert list(Interaction.objects.values_list("kind", "user_id", "product_id")) == [
        (Interaction.Kind.WISHLIST_ADD, user.pk, products["lamp"].pk)
    ]


# --- Pages ----------------------------------------------------------------------------------------


def test_product_page_toggles_the_wishlist(client, products):
    # given
    user = UserFactory()
    client.force_login(user)

    # when
    before = client.get("/p/desk-lamp/").content.decode()
    added = client.post("/wishlist/desk-lamp/add/", {"next": "/p/desk-lamp/?sort=helpful"})
    saved = client.get("/p/desk-lamp/").content.decode()
    removed = client.post("/wishlist/desk-lamp/remove/", {"next": "/p/desk-lamp/"})
    after = client.get("/p/desk-lamp/").content.decode()

    # then
    assert '<form class="wishlist-toggle" method="post" action="/wishlist/desk-lamp/add/">' in before
    assert (added.status_code, added["Location"]) == (302, "/p/desk-lamp/?sort=helpful")
    assert '<form class="wishlist-toggle" method="post" action="/wishlist/desk-lamp/remove/">' in saved
    assert "In your wishlist" in saved
    assert "Saved to your wishlist: Desk Lamp." in saved
    assert (removed.status_code, removed["Location"]) == (302, "/p/desk-lamp/")
    assert "Add to wishlist" in after
    assert not WishlistItem.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_first(client, products):
    response = client.post("/wishlist/desk-lamp/add/", {"next": "/p/desk-lamp/"})
    page = client.get("/wishlist/")

    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={quote('/p/desk-lamp/')}"
    assert page["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={quote('/wishlist/')}"
    assert not WishlistItem.objects.exists()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/p/", "javascript:alert(1)"])
def test_wishlist_buttons_never_redirect_off_site(client, products, target):
    client.force_login(UserFactory())

    response = client.post("/wishlist/desk-lamp/add/", {"next": target})

    assert response["Location"] == "/p/desk-lamp/"


def test_wishlist_buttons_of_unknown_products_are_404(client, products):
    client.force_login(UserFactory())

    assert client.post("/wishlist/no-such-thing/add/").status_code == 404
    assert client.get("/wishlist/desk-lamp/add/").status_code == 405
    assert not WishlistItem.objects.exists()


def test_wishlist_page_shows_badges_cart_buttons_and_remove(client, products):
    # given
    user = UserFactory()
    for name in ("kettle", "shirt", "lamp"):
        services.wishlist_add(user=user, product=products[name])
    restock(products["kettle"])
    client.force_login(user)

    # when
    html = client.get("/wishlist/").content.decode()

    # then
    items = re.findall(r'<li class="wishlist-item" data-product="([^"]+)">', html)
    assert items == ["desk-lamp", "linen-shirt", "steel-kettle"]
    assert html.count('<p class="badge badge-back-in-stock">Back in stock</p>') == 1
    kettle_item = html.split('data-product="steel-kettle"')[1]
    assert '<p class="badge badge-back-in-stock">Back in stock</p>' in kettle_item
    lamp_variant = products["lamp"].variants.get()
    assert f'<input type="hidden" name="variant" value="{lamp_variant.pk}">' in html
    assert '<a class="button button-small" href="/p/linen-shirt/">Choose options' in html
    assert '<form method="post" action="/wishlist/desk-lamp/remove/">' in html
    assert "3 saved products" in html


def test_wishlist_page_removes_an_item_and_shows_the_empty_state(client, products):
    user = UserFactory()
    services.wishlist_add(user=user, product=products["lamp"])
    client.force_login(user)

    response = client.post("/wishlist/desk-lamp/remove/", {"next": "/wishlist/"}, follow=True)

    html = response.content.decode()
    assert "Removed from your wishlist: Desk Lamp." in html
    assert "Your wishlist is empty." in html


def test_wishlist_page_queries_are_bounded(client, make_product, django_assert_max_num_queries):
    user = UserFactory()
    for n in range(30):
        product = make_product(name=f"Mug {n}", images=1, stock=n % 2)
        VariantFactory(product=product, position=1)
        WishlistItemFactory(user=user, product=product, was_in_stock=False)
    client.force_login(user)

    with django_assert_max_num_queries(WISHLIST_PAGE_QUERIES):
        response = client.get("/wishlist/")

    assert response.content.decode().count('<li class="wishlist-item"') == 30


# --- API ----------------------------------------------------------------------------------------


def test_api_wishlist_add_list_and_remove(products):
    # given
    user = UserFactory()
    api = signed_in(user)
    services.wishlist_add(user=user, product=products["kettle"])
    restock(products["kettle"])

    # when
    added = api.post("/api/v1/wishlist/", {"product": "desk-lamp"}, format="json")
    again = api.post("/api/v1/wishlist/", {"product": "desk-lamp"}, format="json")
    listed = api.get("/api/v1/wishlist/")
    removed = api.delete("/api/v1/wishlist/desk-lamp/")
    removed_again = api.delete("/api/v1/wishlist/desk-lamp/")

    # then
    assert (added.status_code, again.status_code) == (201, 200)
    assert added.json() == again.json()
    assert added.json()["slug"] == "desk-lamp"
    assert (added.json()["in_stock"], added.json()["back_in_stock"]) == (True, False)
    body = listed.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [(item["slug"], item["in_stock"], item["back_in_stock"]) for item in body["results"]] == [
        ("desk-lamp", True, False),
        ("steel-kettle", True, True),
    ]
    assert body["results"][1]["url"] == "http://testserver/p/steel-kettle/"
    assert (removed.status_code, removed_again.status_code) == (204, 204)
    assert list(WishlistItem.objects.values_list("product__slug", flat=True)) == ["steel-kettle"]


def test_api_wishlist_is_private(products):
    # given
    owner, other = UserFactory(), UserFactory()
    services.wishlist_add(user=owner, product=products["lamp"])

    # when
    listed = signed_in(other).get("/api/v1/wishlist/")
    deleted = signed_in(other).delete("/api/v1/wishlist/desk-lamp/")
    anonymous = [
        APIClient().get("/api/v1/wishlist/"),
        APIClient().post("/api/v1/wishlist/", {"product": "desk-lamp"}, format="json"),
        APIClient().delete("/api/v1/wishlist/desk-lamp/"),
    ]

    # then
    assert listed.json()["count"] == 0
    assert deleted.status_code == 204
    assert [(r.status_code, error(r)["code"]) for r in anonymous] == [(401, "not_authenticated")] * 3
    assert list(WishlistItem.objects.values_list("user_id", flat=True)) == [owner.pk]


@pytest.mark.parametrize(
    ("method", "url", "payload", "status", "code", "fields"),
    [
        ("post", "/api/v1/wishlist/", {}, 400, "invalid", ["product"]),
        ("post", "/api/v1/wishlist/", {"product": ""}, 400, "invalid", ["product"]),
        ("post", "/api/v1/wishlist/", {"product": None}, 400, "invalid", ["product"]),
        ("post", "/api/v1/wishlist/", {"product": "bad slug!"}, 400, "invalid", ["product"]),
        ("post", "/api/v1/wishlist/", {"product": "x" * 221}, 400, "invalid", ["product"]),
        ("post", "/api/v1/wishlist/", {"product": ["desk-lamp"]}, 400, "invalid", ["product"]),
        ("post", "/api/v1/wishlist/", {"product": "desk-lamp", "user": 1}, 400, "invalid", ["user"]),
        ("post", "/api/v1/wishlist/", ["desk-lamp"], 400, "invalid", ["non_field_errors"]),
        ("post", "/api/v1/wishlist/", {"product": "no-such-product"}, 404, "product_not_found", []),
        ("delete", "/api/v1/wishlist/no-such-product/", None, 404, "product_not_found", []),
        ("delete", "/api/v1/wishlist/bad%20slug/", None, 404, "not_found", []),
        ("get", "/api/v1/wishlist/?page=0", None, 400, "invalid", ["page"]),
        ("get", "/api/v1/wishlist/?page_size=1000", None, 400, "invalid", ["page_size"]),
    ],
)
def test_api_bad_wishlist_input_is_an_error_and_writes_nothing(products, method, url, payload, status, code, fields):
    # given
    user = UserFactory()
    services.wishlist_add(user=user, product=products["kettle"])
    before = list(WishlistItem.objects.values())

    # when
    response = getattr(signed_in(user), method)(url, payload, format="json")

    # then
    assert (response.status_code, error(response)["code"]) == (status, code)
    assert sorted(error(response)["details"]) == sorted(fields)
    assert list(WishlistItem.objects.values()) == before


def test_api_malformed_json_is_400_and_writes_nothing(products):
    response = signed_in(UserFactory()).post("/api/v1/wishlist/", '{"product": ', content_type="application/json")

    assert (response.status_code, error(response)["code"]) == (400, "parse_error")
    assert not WishlistItem.objects.exists()


def test_api_wishlist_endpoints_are_documented_with_examples_and_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    expected = {
        ("/api/v1/wishlist/", "get"): {"200", "400", "401", "404", "429"},
        ("/api/v1/wishlist/", "post"): {"200", "201", "400", "401", "404", "429"},
        ("/api/v1/wishlist/{product_slug}/", "delete"): {"204", "401", "404", "429"},
    }

    for (path, method), statuses in expected.items():
        responses = schema["paths"][path][method]["responses"]
        assert set(responses) == statuses, (path, method)
        for status in statuses - {"204"}:
            assert responses[status]["content"]["application/json"]["examples"], (path, method, status)


# --- Admin ----------------------------------------------------------------------------------------


def test_staff_see_wishlists_read_only(admin_client, products):
    item = WishlistItemFactory(product=products["kettle"], was_in_stock=False)

    listed = admin_client.get("/admin/shop/wishlistitem/")
    detail = admin_client.get(f"/admin/shop/wishlistitem/{item.pk}/change/")
    add = admin_client.get("/admin/shop/wishlistitem/add/")
    delete = admin_client.post(f"/admin/shop/wishlistitem/{item.pk}/delete/", {"post": "yes"})

    assert listed.status_code == 200
    assert "Steel Kettle" in listed.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert (add.status_code, delete.status_code) == (403, 403)
    assert WishlistItem.objects.count() == 1
