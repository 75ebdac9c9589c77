"""Who may use which URL: every route of the project is listed here with its audience, and each is
requested as an anonymous visitor, a signed-in customer and a staff member.

A new route fails `test_every_route_has_a_declared_audience` until it is added to ACCESS, so no
endpoint ships without someone deciding who may use it. Routes are requested with placeholder
arguments (no such order, address...): the audience check comes before any lookup of private
objects, so a refusal (401, 403 or a redirect to a sign-in page) shows even for objects that do
not exist.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from orders.models import Order
from tests.factories import OrderLineFactory, ProductFactory, ReviewFactory, UserFactory

PUBLIC, CUSTOMER, STAFF, INTERNAL = "public", "customer", "staff", "internal"

ACCESS = {
    # operations
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "metrics": INTERNAL,
    # storefront pages
    "": PUBLIC,
    "c/<slug:slug>/": PUBLIC,
    "p/<slug:slug>/": PUBLIC,
    "p/<slug:slug>/review/": CUSTOMER,
    "reviews/<int:pk>/helpful/": CUSTOMER,
    "wishlist/": CUSTOMER,
    "wishlist/<slug:slug>/add/": CUSTOMER,
    "wishlist/<slug:slug>/remove/": CUSTOMER,
    "search/": PUBLIC,
    "search/autocomplete/": PUBLIC,
    "cart/": PUBLIC,
    "cart/add/": PUBLIC,
    "cart/add-bundle/": PUBLIC,
    "cart/update/": PUBLIC,
    "cart/remove/": PUBLIC,
    "cart/save-for-later/": PUBLIC,
    "cart/move-to-cart/": PUBLIC,
    "checkout/": PUBLIC,
    "checkout/done/<str:number>/": PUBLIC,
    "orders/lookup/": PUBLIC,
    "orders/lookup/<str:number>/": PUBLIC,
    "orders/lookup/<str:number>/cancel/": PUBLIC,
    "account/orders/": CUSTOMER,
    "account/orders/<str:number>/": CUSTOMER,
    "account/orders/<str:number>/cancel/": CUSTOMER,
    "account/": CUSTOMER,
    "account/register/": PUBLIC,
    "account/login/": PUBLIC,
    "account/logout/": PUBLIC,
    "account/password/": CUSTOMER,
    "account/password-reset/": PUBLIC,
    "account/password-reset/sent/": PUBLIC,
    "account/reset/<uidb64>/<token>/": PUBLIC,
    "account/reset/done/": PUBLIC,
    "account/delete/": CUSTOMER,
    "account/privacy/": CUSTOMER,
    "account/privacy/consent/": CUSTOMER,
    "account/privacy/exports/": CUSTOMER,
    "account/privacy/exports/<uuid:public_id>/": CUSTOMER,
    "account/addresses/": CUSTOMER,
    "account/addresses/add/": CUSTOMER,
    "account/addresses/<int:address_id>/edit/": CUSTOMER,
    "account/addresses/<int:address_id>/delete/": CUSTOMER,
    "account/addresses/<int:address_id>/default/": CUSTOMER,
    # API: documentation, catalog, accounts, cart and checkout, orders
    "api/schema/": PUBLIC,
    "api/docs/": PUBLIC,
    "api/v1/": PUBLIC,
    "api/v1/^.*/$": PUBLIC,
    "api/v1/^categories/$": PUBLIC,
    "api/v1/^categories/(?P<slug>[-a-zA-Z0-9_]+)/$": PUBLIC,
    "api/v1/^products/$": PUBLIC,
    "api/v1/^products/(?P<slug>[-a-zA-Z0-9_]+)/$": PUBLIC,
    "api/v1/^products/(?P<slug>[-a-zA-Z0-9_]+)/reviews/$": PUBLIC,
    "api/v1/^reviews/(?P<pk>[0-9]{1,18})/$": CUSTOMER,
    "api/v1/^reviews/(?P<pk>[0-9]{1,18})/helpful/$": CUSTOMER,
    "api/v1/^wishlist/$": CUSTOMER,
    "api/v1/^wishlist/(?P<product_slug>[-a-zA-Z0-9_]+)/$": CUSTOMER,
    "api/v1/search/autocomplete/": PUBLIC,
    "api/v1/auth/register/": PUBLIC,
    "api/v1/privacy/exports/": CUSTOMER,
    "api/v1/privacy/exports/<uuid:public_id>/": CUSTOMER,
    "api/v1/privacy/exports/<uuid:public_id>/download/": CUSTOMER,
    "api/v1/privacy/consent/": CUSTOMER,
    "api/v1/auth/login/": PUBLIC,
    "api/v1/auth/logout/": CUSTOMER,
    "api/v1/auth/me/": CUSTOMER,
    "api/v1/^addresses/$": CUSTOMER,
    "api/v1/^addresses/(?P<pk>\\d{1,18})/$": CUSTOMER,
    "api/v1/cart/": PUBLIC,
    "api/v1/cart/lines/": PUBLIC,
    "api/v1/cart/lines/<int:line_id>/": PUBLIC,
    "api/v1/checkout/shipping-methods/": PUBLIC,
    "api/v1/checkout/": PUBLIC,
    "api/v1/^orders/$": CUSTOMER,
    "api/v1/^orders/(?P<number>[-A-Za-z0-9]+)/$": CUSTOMER,
    "api/v1/^orders/(?P<number>[-A-Za-z0-9]+)/cancel/$": CUSTOMER,
    "api/v1/^staff/orders/$": STAFF,
    "api/v1/^staff/orders/(?P<number>[-A-Za-z0-9]+)/$": STAFF,
    "api/v1/^staff/orders/(?P<number>[-A-Za-z0-9]+)/deliver/$": STAFF,
    "api/v1/^staff/orders/(?P<number>[-A-Za-z0-9]+)/refund/$": STAFF,
    "api/v1/^staff/orders/(?P<number>[-A-Za-z0-9]+)/ship/$": STAFF,
    # API: machine learning registry
    "api/v1/ml/": PUBLIC,  # the router's index: links to the endpoints below, no data
    "api/v1/ml/^runs/$": STAFF,
    "api/v1/ml/^runs/(?P<pk>[^/.]+)/$": STAFF,
    "api/v1/ml/^versions/$": STAFF,
    "api/v1/ml/^versions/(?P<pk>[^/.]+)/$": STAFF,
    "api/v1/ml/^versions/(?P<pk>[^/.]+)/promote/$": STAFF,
    "api/v1/ml/^models/$": STAFF,
    "api/v1/ml/^models/(?P<name>[^/.]+)/$": STAFF,
    "api/v1/ml/^models/(?P<name>[^/.]+)/rollback/$": STAFF,
    # API: recommendations (for-you is always the requester's own list)
    "api/v1/recommendations/for-you/": PUBLIC,
    "api/v1/recommendations/trending/": PUBLIC,
    "api/v1/recommendations/cart/": PUBLIC,
    "api/v1/recommendations/events/": PUBLIC,
    "api/v1/products/<int:pk>/similar/": PUBLIC,
    "api/v1/products/<int:pk>/bought-together/": PUBLIC,
    # API: pricing (staff only; the public catalog shows current prices)
    "api/v1/pricing/suggestions/": STAFF,
    "api/v1/pricing/suggestions/approve/": STAFF,
    "api/v1/pricing/suggestions/<int:pk>/": STAFF,
    "api/v1/pricing/history/": STAFF,
    # API: review sentiment
    "api/v1/products/<int:pk>/sentiment/": PUBLIC,
    "api/v1/sentiment/score/": STAFF,
    # API: support bot (a conversation or ticket is only ever its owner's: object-level checks)
    "api/v1/support/messages/": PUBLIC,
    "api/v1/support/messages/<int:message_id>/feedback/": PUBLIC,
    "api/v1/support/conversations/<uuid:public_id>/": PUBLIC,
    "api/v1/support/tickets/": CUSTOMER,
    "api/v1/support/tickets/<int:ticket_id>/": CUSTOMER,
    "api/v1/support/tickets/<int:ticket_id>/replies/": STAFF,
}
# Format-suffix twins of API routes (`.json`) share their route's audience; the admin has its own
# login and is checked separately below; `media/` is served by Django only with DEBUG on (locally).
SKIPPED = re.compile(r"\\\.\(\?P<format>|<drf_format_suffix:format>|^\^media/")
PLACEHOLDERS = {
    "int": "999999",
    "slug": "no-such-thing",
    "str": "SF-0000000",
    "uuid": str(uuid.UUID(int=1)),
    "uidb64": "MQ",
    "token": "set-password",
    "path": "missing.jpg",
}
SIGN_IN_REDIRECT = re.compile(r"/(account|admin)/login/")


def routes(patterns=None, prefix: str = ""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                continue
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not SKIPPED.search(route):
            yield route


def concrete_path(route: str) -> str:
    """A requestable path for a route, with placeholder arguments."""
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: PLACEHOLDERS.get(m.group(1), PLACEHOLDERS["int"]), path)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: PLACEHOLDERS.get(m.group(1) or m.group(2), "x"), path)
    return "/" + path.replace(".*/", "no-such-endpoint/")


def refused(response) -> bool:
    """Asked to sign in or turned away before anything was looked up."""
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and bool(SIGN_IN_REDIRECT.search(response.get("Location", "")))


def answers(client, path: str) -> list:
    return [client.get(path), client.post(path, {}, format="json")]


@pytest.fixture
def clients(db):
    # Public objects behind the placeholders: the wishlist and helpful-vote pages find the product
    # or review first (to send the visitor back to it after signing in), then ask for a sign-in.
    product = ProductFactory(slug=PLACEHOLDERS["slug"])
    ReviewFactory(pk=int(PLACEHOLDERS["int"]), product=product)
    shopper = UserFactory(username="shopper")
    operator = UserFactory(username="operator", is_staff=True, is_superuser=True)
    for buyer in (shopper, operator):  # reviews are for buyers of the product
        OrderLineFactory(order__user=buyer, order__status=Order.Status.DELIVERED, variant__product=product)
    anonymous = APIClient()
    customer = APIClient()
    customer.force_login(shopper)
    staff = APIClient()
    staff.force_login(operator)
    return {"anonymous": anonymous, "customer": customer, "staff": staff}


def test_every_route_has_a_declared_audience():
    assert sorted(set(routes()) - set(ACCESS)) == []
    assert sorted(set(ACCESS) - set(routes())) == []


@pytest.mark.parametrize("route", sorted(ACCESS))
def test_each_route_admits_exactly_its_audience(clients, route):
    path = concrete_path(route)
    audience = ACCESS[route]
    if audience == INTERNAL:
        assert clients["anonymous"].get(path, REMOTE_ADDR="203.0.113.5").status_code == 404
        assert clients["anonymous"].get(path).status_code == 200  # from the loopback network
        return
    allowed = {PUBLIC: {"anonymous", "customer", "staff"}, CUSTOMER: {"customer", "staff"}, STAFF: {"staff"}}[audience]
    for who, client in clients.items():
        responses = answers(client, path)
        statuses = [response.status_code for response in responses]
        assert all(status < 500 for status in statuses), (who, path, statuses)
        if who in allowed:
            assert not all(refused(response) for response in responses), (who, path, statuses)
        else:
            assert any(refused(response) for response in responses), (who, path, statuses)
            assert not any(200 <= status < 300 for status in statuses), (who, path, statuses)


def test_the_admin_needs_a_staff_login(clients):
    for who in ("anonymous", "customer"):
        response = clients[who].get("/admin/")
        assert response.status_code == 302, who
        assert response["Location"].startswith("/admin/login/"), who
    assert clients["staff"].get("/admin/").status_code == 200
