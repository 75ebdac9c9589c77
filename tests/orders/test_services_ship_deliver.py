"""Shipping with a tracking number and delivery; the shipment email and its escaping."""

import re

import pytest

from core.errors import ApplicationError
from orders.models import Order, OrderStatusChange
from orders.services import InvalidTransitionError, order_deliver, order_ship
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="warehouse", is_staff=True)


def test_shipping_a_paid_order_stores_the_tracking_number_and_emails_it(
    make_order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    order = make_order(shipping_address={"full_name": "Ana Silva", "line1": "1 High St", "city": "Leeds"})

    with django_capture_on_commit_callbacks(execute=True):
        shipped = order_ship(order=order, tracking_number="  1Z999AA1  ", by=staff)

    order.refresh_from_db()
    assert shipped.status == order.status == Order.Status.SHIPPED
    assert order.tracking_number == "1Z999AA1"
    change = OrderStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "paid",
        "shipped",
        staff,
        "Tracking number 1Z999AA1",
    )
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert (email.to, email.subject) == ([order.email], f"Your order {order.number} is on its way")
    assert "Tracking number: 1Z999AA1" in email.body
    assert "Delivering to: Ana Silva, 1 High St" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>1Z999AA1</strong>" in html


def test_shipment_email_escapes_html_only_in_its_html_part(
    make_order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    # given: text typed by people, with markup in it
    order = make_order(shipping_address={"full_name": "<b>Ana</b> & Co", "line1": "1 High St", "city": "Leeds"})
    order.lines.update(product_name='<img src=x onerror="alert(1)">Lamp')

    # when
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order=order, tracking_number="<script>", by=staff)

    # then: the HTML part shows it as text, the plain-text part as typed
    email = mailoutbox[0]
    html = email.alternatives[0].content
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; Co" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Lamp" in html
    assert "&lt;script&gt;" in html
    assert not re.search(r"<(b|img|script)\b", html)
    assert "Delivering to: <b>Ana</b> & Co, 1 High St" in email.body
    assert '2 x <img src=x onerror="alert(1)">Lamp' in email.body
    assert "&lt;" not in email.body
    assert "&amp;" not in email.body


@pytest.mark.parametrize("tracking", ["", "   ", "x" * 101])
def test_shipping_needs_a_tracking_number_of_at_most_100_characters(make_order, staff, tracking, mailoutbox):
    order = make_order()

    with pytest.raises(ApplicationError) as caught:
        order_ship(order=order, tracking_number=tracking, by=staff)

    assert list(caught.value.details) == ["tracking_number"]
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (Order.Status.PAID, "")
    assert not OrderStatusChange.objects.exists()


def test_a_cancelled_order_cannot_ship(make_order, staff, mailoutbox, django_capture_on_commit_callbacks):
    order = make_order(status=Order.Status.CANCELLED)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransitionError) as caught:
        order_ship(order=order, tracking_number="1Z", by=staff)

    assert caught.value.message == f"Order {order.number} is cancelled and cannot be shipped."
    assert Order.objects.get(pk=order.pk).tracking_number == ""
    assert mailoutbox == []


def test_delivering_a_shipped_order(make_order, staff, mailoutbox, django_capture_on_commit_callbacks):
    order = make_order(status=Order.Status.SHIPPED)

    with django_capture_on_commit_callbacks(execute=True):
        order_deliver(order=order, by=staff)

    assert Order.objects.get(pk=order.pk).status == Order.Status.DELIVERED
    change = OrderStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("shipped", "delivered", staff)
    assert mailoutbox == []


def test_an_order_that_has_not_shipped_cannot_be_delivered(make_order, staff):
    order = make_order(status=Order.Status.PAID)

    with pytest.raises(InvalidTransitionError):
        order_deliver(order=order, by=staff)

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
