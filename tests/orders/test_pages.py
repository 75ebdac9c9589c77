"""Order pages: a customer's history, detail and cancel; the guest lookup with its rate limit."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatusChange
from orders.services import order_ship
from payments.models import Refund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HISTORY = reverse("orders:history")
LOOKUP = reverse("orders:lookup")


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def detail_url(order: Order) -> str:
    return reverse("orders:detail", args=[order.number])


@pytest.fixture
def ana(client):
    user = UserFactory(username="ana")
    client.force_login(user)
    return user


# --- History ------------------------------------------------------------------------------------


def test_history_needs_a_signed_in_customer(client):
    response = client.get(HISTORY)

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={HISTORY}"


def test_history_lists_only_the_customers_orders_newest_first(client, ana, make_order):
    old = make_order(user=ana, lines=(("10.00", 2),), created_at=timezone.now() - timedelta(days=3))
    new = make_order(user=ana, lines=(("249.00", 1),), status=Order.Status.SHIPPED)
    other = make_order()

    response = client.get(HISTORY)

    assert response.status_code == 200
    assert list(response.context["orders"]) == [new, old]
    page = text(response)
    assert page.index(new.number) < page.index(old.number)
    assert other.number not in page
    assert f'href="{detail_url(new)}"' in response.content.decode()
    assert "€249.00" in page
    assert "Shipped" in page
    assert "(2 items)" in page


def test_history_is_paginated(client, ana, make_order):
    for _ in range(12):
        make_order(user=ana, paid=False)

    first, second = client.get(HISTORY), client.get(HISTORY, {"page": 2})

    assert len(first.context["orders"]) == 10
    assert len(second.context["orders"]) == 2
    assert 'rel="next"' in first.content.decode()
    assert client.get(HISTORY, {"page": "bogus"}).status_code == 200


def test_history_without_orders_says_so(client, ana):
    assert "No orders yet" in text(client.get(HISTORY))


def test_history_queries_do_not_grow_with_the_number_of_orders(client, ana, make_order):
    make_order(user=ana, lines=(("1.00", 1), ("2.00", 2)))
    client.get(HISTORY)  # warms the cached navigation
    with CaptureQueriesContext(connection) as few:
        client.get(HISTORY)
    for _ in range(9):
        make_order(user=ana, lines=(("1.00", 1), ("2.00", 2)), paid=False)
    with CaptureQueriesContext(connection) as many:
        response = client.get(HISTORY)

    assert len(response.context["orders"]) == 10
    assert len(many) == len(few)
    assert len(many) <= 8


# --- Detail and cancel --------------------------------------------------------------------------


def test_detail_shows_lines_totals_addresses_tracking_and_timeline(client, ana, make_order):
    order = make_order(
        user=ana,
        lines=(("10.00", 2), ("5.50", 1)),
        shipping="4.95",
        shipping_method="Standard delivery",
        shipping_address={"full_name": "Ana Silva", "line1": "1 High St", "city": "Leeds", "postal_code": "LS1"},
    )
    OrderStatusChange.objects.create(order=order, from_status="", to_status=Order.Status.PENDING_PAYMENT)
    OrderStatusChange.objects.create(order=order, from_status="pending_payment", to_status=Order.Status.PAID)
    order_ship(order=order, tracking_number="1Z999AA1", by=UserFactory(is_staff=True))

    response = client.get(detail_url(order))

    assert response.status_code == 200
    page = text(response)
    line = order.lines.order_by("id").first()
    assert line.product_name in page
    assert "2 \N{MULTIPLICATION SIGN} €10.00" in page
    assert "€20.00" in page
    assert "Subtotal €25.50" in page
    assert "Shipping (Standard delivery) €4.95" in page
    assert "Total €30.45" in page
    assert "Ana Silva 1 High St LS1 Leeds" in page
    assert "Tracking number: 1Z999AA1" in page
    assert re.search(r"Order placed .* Paid .* Shipped", page.split("Status history")[1])
    assert "Paid by Visa ending 4242" in page
    assert "Cancel order" not in page  # shipped


def test_detail_of_another_customers_order_is_404(client, ana, make_order):
    order = make_order()

    assert client.get(detail_url(order)).status_code == 404
    assert client.get(reverse("orders:detail", args=["SF-2026-000000"])).status_code == 404


def test_customer_cancels_from_the_detail_page(client, ana, make_order, mailoutbox, django_capture_on_commit_callbacks):
    # given: the page offers a confirmed cancel
    order = make_order(user=ana, stock=2)
    page = client.get(detail_url(order)).content.decode()
    cancel = reverse("orders:cancel", args=[order.number])
    assert f'<form method="post" action="{cancel}"' in page
    assert "Yes, cancel order" in page

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel, follow=True)

    # then
    assert response.redirect_chain == [(detail_url(order), 302)]
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.lines.get().variant.stock_quantity == 4
    assert Refund.objects.get().amount == Decimal("20.00")
    page = text(response)
    assert f"Order {order.number} has been cancelled." in page
    assert "Cancel order" not in page
    assert len(mailoutbox) == 1


def test_cancel_of_a_shipped_order_explains_why_and_changes_nothing(client, ana, make_order):
    order = make_order(user=ana, status=Order.Status.SHIPPED)

    response = client.post(reverse("orders:cancel", args=[order.number]), follow=True)

    assert f"Order {order.number} is shipped and cannot be cancelled." in text(response)
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED
    assert not Refund.objects.exists()


def test_customer_cannot_cancel_another_customers_order(client, ana, make_order):
    order = make_order()

    response = client.post(reverse("orders:cancel", args=[order.number]))

    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_cancel_only_accepts_post(client, ana, make_order):
    order = make_order(user=ana)

    assert client.get(reverse("orders:cancel", args=[order.number])).status_code == 405
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_detail_queries_are_bounded(client, ana, make_order, django_assert_max_num_queries):
    order = make_order(user=ana, lines=tuple((f"{n}.00", n) for n in range(1, 9)))

    with django_assert_max_num_queries(8):
        assert client.get(detail_url(order)).status_code == 200


@pytest.mark.parametrize("page", ["history", "detail", "lookup"])
def test_pages_have_no_inline_script_or_style(client, ana, make_order, page):
    order = make_order(user=ana)
    url = {"history": HISTORY, "detail": detail_url(order), "lookup": LOOKUP}[page]

    html = client.get(url).content.decode()

    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)
    assert "/static/css/orders.css" in html


def test_html_in_order_text_is_escaped(client, ana, make_order):
    order = make_order(user=ana, shipping_address={"full_name": "<script>alert(1)</script>"})
    order.lines.update(product_name="<b>Bold</b>")

    html = client.get(detail_url(order)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html


# --- Guest lookup -------------------------------------------------------------------------------


@pytest.fixture
def guest_order(make_order):
    return make_order(user=None, email="Guest@Example.com", stock=1)


def test_guest_finds_an_order_with_its_number_and_email(client, guest_order):
    response = client.post(LOOKUP, {"number": guest_order.number, "email": "guest@example.COM"}, follow=True)

    guest_detail = reverse("orders:guest_detail", args=[guest_order.number])
    assert response.redirect_chain == [(guest_detail, 302)]
    page = text(response)
    assert f"Order {guest_order.number}" in page
    assert "Cancel order" in page
    assert client.get(guest_detail).status_code == 200  # kept in the session


@pytest.mark.parametrize("wrong", ["number", "email"])
def test_wrong_number_or_email_gives_the_same_answer(client, guest_order, wrong):
    data = {"number": guest_order.number, "email": guest_order.email}
    data[wrong] = {"number": "SF-2026-999999", "email": "someone@example.com"}[wrong]

    response = client.post(LOOKUP, data)

    assert response.status_code == 200
    assert "No order matches that number and email." in text(response)
    assert guest_order.number not in client.session.get("orders_guest_numbers", [])


def test_lookup_form_reports_missing_and_malformed_fields(client):
    response = client.post(LOOKUP, {"number": "", "email": "not-an-email"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": ["This field is required."],
        "email": ["Enter a valid email address."],
    }


def test_guest_detail_needs_a_lookup_first(client, guest_order):
    response = client.get(reverse("orders:guest_detail", args=[guest_order.number]), follow=True)

    assert response.redirect_chain == [(LOOKUP, 302)]
    assert "Enter the order number and the email used for the order to see it." in text(response)


def test_guest_cancels_a_looked_up_order(client, guest_order):
    client.post(LOOKUP, {"number": guest_order.number, "email": guest_order.email})

    response = client.post(reverse("orders:guest_cancel", args=[guest_order.number]), follow=True)

    assert f"Order {guest_order.number} has been cancelled." in text(response)
    guest_order.refresh_from_db()
    assert guest_order.status == Order.Status.CANCELLED
    assert guest_order.lines.get().variant.stock_quantity == 3
    assert OrderStatusChange.objects.get().changed_by is None


def test_guest_cannot_cancel_an_order_they_did_not_look_up(client, guest_order):
    response = client.post(reverse("orders:guest_cancel", args=[guest_order.number]))

    assert response.status_code == 302
    assert Order.objects.get(pk=guest_order.pk).status == Order.Status.PAID


def test_lookups_are_rate_limited_per_client(client, guest_order, settings):
    # given: 3 lookups allowed per 10 minutes, all used up with wrong guesses
    settings.ORDERS_LOOKUP_RATE = "3/10m"
    for n in range(3):
        assert client.post(LOOKUP, {"number": f"SF-2026-00000{n}", "email": guest_order.email}).status_code == 200

    # when: even the right number and email are tried, from a fresh session
    client.cookies.clear()
    response = client.post(LOOKUP, {"number": guest_order.number, "email": guest_order.email})

    # then
    assert response.status_code == 429
    assert "Too many order lookups from your connection. Please wait a few minutes and try again." in text(response)
    assert "orders_guest_numbers" not in client.session
    # and another client is not affected
    other = client.__class__(REMOTE_ADDR="10.0.0.2")
    assert other.post(LOOKUP, {"number": guest_order.number, "email": guest_order.email}).status_code == 302
