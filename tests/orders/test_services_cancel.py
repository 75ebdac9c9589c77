"""Cancelling an order: stock returns, the captured payment is refunded, the customer is told."""

from decimal import Decimal

import pytest

from core.errors import NotFoundError
from orders.models import Order, OrderStatusChange
from orders.services import InvalidTransitionError, order_cancel
from payments.models import Payment, Refund
from shop.models import Product
from shop.services import product_denormalised_refresh
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _stock(order: Order) -> list[int]:
    return [line.variant.stock_quantity for line in order.lines.select_related("variant").order_by("id")]


def test_customer_cancels_a_paid_order_stock_returns_and_payment_is_refunded(
    make_order, mailoutbox, django_capture_on_commit_callbacks
):
    # given: a paid order of 2 x 10.00 and 1 x 5.50 plus 4.95 shipping, captured in full
    order = make_order(lines=(("10.00", 2), ("5.50", 1)), shipping="4.95", stock=3)
    payment = order.payments.get()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = order_cancel(order=order, by=order.user, reason="Ordered the wrong size")

    # then: the status, the stock, the money and the history
    order.refresh_from_db()
    assert cancelled.status == order.status == Order.Status.CANCELLED
    assert _stock(order) == [5, 4]
    assert order.refunded_total == Decimal("30.45")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("30.45"))
    refund = Refund.objects.get()
    assert (refund.payment, refund.amount, refund.reason, refund.created_by) == (
        payment,
        Decimal("30.45"),
        "Ordered the wrong size",
        order.user,
    )
    change = OrderStatusChange.objects.get(order=order)
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "paid",
        "cancelled",
        order.user,
        "Ordered the wrong size",
    )
    # and the customer gets one email, in text and HTML
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [order.email]
    assert email.subject == f"Your order {order.number} has been cancelled"
    assert "We have refunded €30.45 to your card." in email.body
    assert "Reason: Ordered the wrong size" in email.body
    assert "€30.45" in email.alternatives[0].content


def test_cancelling_makes_a_sold_out_product_available_again(make_order):
    # given: the last unit was sold
    order = make_order(lines=(("10.00", 1),), stock=0)
    product = order.lines.get().variant.product
    product_denormalised_refresh(product_ids=[product.pk])
    assert Product.objects.get(pk=product.pk).in_stock is False

    # when
    order_cancel(order=order, by=order.user)

    # then
    assert Product.objects.get(pk=product.pk).in_stock is True


def test_cancelling_an_unpaid_order_refunds_nothing(make_order, mailoutbox, django_capture_on_commit_callbacks):
    order = make_order(status=Order.Status.PENDING_PAYMENT, paid=False, stock=1)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, by=order.user)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.refunded_total == Decimal("0.00")
    assert _stock(order) == [3]
    assert not Refund.objects.exists()
    assert "You have not been charged." in mailoutbox[0].body


def test_staff_cancel_any_customers_order(make_order):
    order = make_order()
    staff = UserFactory(username="support", is_staff=True)

    order_cancel(order=order, by=staff, reason="Customer phoned")

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert OrderStatusChange.objects.get().changed_by == staff
    assert Refund.objects.get().created_by == staff


@pytest.mark.parametrize("status", [Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.CANCELLED])
def test_order_that_shipped_or_closed_cannot_be_cancelled_and_nothing_changes(
    make_order, status, mailoutbox, django_capture_on_commit_callbacks
):
    order = make_order(status=status, stock=3)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransitionError):
        order_cancel(order=order, by=order.user)

    order.refresh_from_db()
    assert order.status == status
    assert order.refunded_total == Decimal("0.00")
    assert _stock(order) == [3]
    assert order.payments.get().status == Payment.Status.CAPTURED
    assert not Refund.objects.exists()
    assert not OrderStatusChange.objects.exists()
    assert mailoutbox == []


def test_customer_cannot_cancel_someone_elses_order(make_order):
    order = make_order(stock=3)
    stranger = UserFactory()

    with pytest.raises(NotFoundError):
        order_cancel(order=order, by=stranger)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert _stock(order) == [3]
    assert not Refund.objects.exists()


def test_guest_cancel_is_recorded_without_a_user(make_order):
    order = make_order(user=None, email="guest@example.com")

    order_cancel(order=order, by=None)

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert OrderStatusChange.objects.get().changed_by is None
    assert Refund.objects.get().amount == order.total
