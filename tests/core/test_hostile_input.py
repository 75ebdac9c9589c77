"""Hostile input across the store: SQL metacharacters and huge strings in search, markup in what
shoppers write (rendered escaped on pages, in the admin and in emails), path traversal, absurd
numbers and wrong content types. Each gets a clean answer, never a 500, and nothing is written."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from checkout.models import CartLine
from orders.models import Order
from shop.models import Review
from tests.checkout.conftest import ADDRESS, CARD
from tests.factories import OrderLineFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SQL = "'; DROP TABLE shop_product; -- \" OR 1=1 \\ %_"


@pytest.fixture
def mug(make_product, standard, express):
    return make_product(name="Blue Mug", slug="blue-mug", price="12.50", stock=5).variants.get()


@pytest.mark.parametrize("query", [SQL, "x" * 20_000, "\x00null byte", "ünïcødé 🎉", "%", "   "])
def test_search_survives_sql_metacharacters_and_huge_strings(client, mug, query):
    page = client.get("/search/", {"q": query})
    api = APIClient().get("/api/v1/products/", {"q": query})
    suggestions = APIClient().get("/api/v1/search/autocomplete/", {"q": query})

    assert page.status_code in {200, 400}
    assert api.status_code in {200, 400}
    assert suggestions.status_code in {200, 400}
    assert mug.product.__class__.objects.filter(pk=mug.product_id).exists()  # the table is still there


def test_markup_in_a_review_is_escaped_on_the_product_page_and_in_the_admin(client, admin_client, mug):
    ReviewFactory(product=mug.product, title=SCRIPT, body=f"Nice {SCRIPT}", author_name=SCRIPT)

    page = client.get("/p/blue-mug/").content.decode()
    admin = admin_client.get("/admin/shop/review/").content.decode()

    for html in (page, admin):
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(" in html


def test_markup_in_names_and_addresses_is_escaped_in_the_order_email_and_admin(
    admin_client, mug, django_capture_on_commit_callbacks
):
    guest = APIClient()
    guest.post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": 1}, format="json")
    address = {**ADDRESS, "full_name": SCRIPT, "line1": f"1 {SCRIPT} Street"}

    with django_capture_on_commit_callbacks(execute=True):
        placed = guest.post(
            "/api/v1/checkout/",
            {"email": "ana@example.com", "shipping_address": address, "shipping_method": "standard", "payment": CARD},
            format="json",
        )

    assert placed.status_code == 201
    order = Order.objects.get()
    assert order.shipping_address["full_name"] == SCRIPT  # stored as written, escaped when shown
    html_email = mail.outbox[0].alternatives[0][0]
    admin_page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    for html in (html_email, admin_page):
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html


def test_markup_in_a_registered_name_is_escaped_on_the_account_page(client):
    user = UserFactory(first_name=SCRIPT)
    client.force_login(user)

    html = client.get("/account/").content.decode()

    assert SCRIPT not in html


@pytest.mark.parametrize(
    "path", ["/media/../../etc/passwd", "/media/..%2f..%2fetc%2fpasswd", "/static/../config/settings.py"]
)
def test_path_traversal_never_reads_files_outside_media_and_static(client, path):
    response = client.get(path)

    assert response.status_code in {400, 404}
    assert b"SECRET_KEY" not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.parametrize("quantity", [-1, 0, 10**20, "1e309", "NaN", None, [1]])
def test_absurd_quantities_are_400_with_a_field_error_and_write_nothing(mug, quantity):
    response = APIClient().post("/api/v1/cart/lines/", {"variant": mug.pk, "quantity": quantity}, format="json")

    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["details"]
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    "params",
    [{"page": -1}, {"page_size": 10**12}, {"min_price": "-5"}, {"max_price": "1e400"}, {"page": "../../"}],
)
def test_absurd_listing_parameters_never_fail_the_server(client, mug, params):
    api = APIClient().get("/api/v1/products/", params)
    page = client.get("/search/", {"q": "mug", **params})

    assert api.status_code in {200, 400, 404}
    assert page.status_code in {200, 400, 404}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/plain", "variant=1&quantity=1"), ("application/xml", "<cart/>"), ("application/json", "{not json")],
)
def test_wrong_content_types_are_refused_cleanly(mug, content_type, body):
    response = APIClient().post("/api/v1/cart/lines/", body, content_type=content_type)

    assert response.status_code in {400, 415}
    assert response.json()["error"]["code"] in {"unsupported_media_type", "parse_error"}
    assert not CartLine.objects.exists()


def test_a_review_with_a_huge_body_is_refused_with_a_field_error(mug):
    buyer = UserFactory()
    OrderLineFactory(order__user=buyer, order__status=Order.Status.DELIVERED, variant=mug)
    client = APIClient()
    client.force_authenticate(buyer)

    response = client.post("/api/v1/products/blue-mug/reviews/", {"rating": 5, "title": "t", "body": "x" * 100_000})

    assert response.status_code == 400
    assert "body" in response.json()["error"]["details"]
    assert not Review.objects.exists()


CHAT_URL = "/api/v1/support/messages/"


def test_markup_and_sql_in_chat_messages_are_stored_as_text_and_escaped_in_the_admin(admin_client):
    from support.models import Message, Ticket

    customer = UserFactory(email="ana@example.com")
    api = APIClient()
    api.force_authenticate(customer)
    first = api.post(CHAT_URL, {"message": f"{SCRIPT} {SQL}"}, format="json")
    handoff = api.post(
        CHAT_URL,
        {"message": f"I want to talk to a person {SCRIPT}", "conversation": first.json()["conversation"]},
        format="json",
    )

    assert first.status_code == 200
    assert handoff.json()["reply"]["intent"] == "human_handoff"
    assert Message.objects.filter(text__startswith=SCRIPT).count() == 1
    ticket = Ticket.objects.get()
    pages = [
        admin_client.get("/admin/support/message/").content.decode(),
        admin_client.get(f"/admin/support/ticket/{ticket.pk}/change/").content.decode(),
    ]
    for html in pages:
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize("message", ["x" * 20_000, "\x00 where is my order", "   "])
def test_absurd_chat_messages_are_400_with_a_field_error_and_write_nothing(message):
    from support.models import Conversation, Message

    response = APIClient().post(CHAT_URL, {"message": message}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["message"]
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()
