"""Refunds: in full or some lines, amounts from frozen prices, stock only when goods did not leave."""

from decimal import Decimal

import pytest

from core.errors import ApplicationError
from orders.models import Order, OrderLine, OrderStatusChange
from orders.services import InvalidTransitionError, order_refund
from payments.models import Payment, Refund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="refunds", is_staff=True)


def _lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("variant").order_by("id"))


def test_partial_refund_of_some_lines_of_a_shipped_order(
    make_order, staff, mailoutbox, django_capture_on_commit_callbacks
):
    # given: a shipped order of 2 x 10.00 and 1 x 5.50 plus 4.95 shipping
    order = make_order(lines=(("10.00", 2), ("5.50", 1)), shipping="4.95", status=Order.Status.SHIPPED, stock=3)
    first, second = _lines(order)

    # when: one unit of the first line and the second line are refunded
    with django_capture_on_commit_callbacks(execute=True):
        refunded = order_refund(order=order, lines={first.pk: 1, second.pk: 1}, by=staff, reason="Arrived damaged")

    # then: exactly their prices, no shipping, and the goods stay out of stock
    order.refresh_from_db()
    assert refunded.status == order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_total == Decimal("15.50")
    assert [line.refunded_quantity for line in _lines(order)] == [1, 1]
    assert [line.variant.stock_quantity for line in _lines(order)] == [3, 3]
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason, refund.created_by) == (Decimal("15.50"), "Arrived damaged", staff)
    payment = order.payments.get()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.PARTIALLY_REFUNDED, Decimal("15.50"))
    change = OrderStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        "shipped",
        "partially_refunded",
        staff,
        "Arrived damaged",
    )
    assert [email.subject for email in mailoutbox] == [f"Your refund for order {order.number}"]
    assert "We have refunded €15.50 for your order" in mailoutbox[0].body
    assert "Refunded so far: €15.50 of €30.45." in mailoutbox[0].body


def test_partial_refund_with_restock_returns_the_units(make_order, staff):
    order = make_order(lines=(("10.00", 2),), status=Order.Status.DELIVERED, stock=3)
    (line,) = _lines(order)

    order_refund(order=order, lines={line.pk: 2}, by=staff, restock=True)

    assert _lines(order)[0].variant.stock_quantity == 5


def test_refund_of_a_paid_order_that_has_not_shipped_always_restocks(make_order, staff):
    order = make_order(lines=(("10.00", 2),), status=Order.Status.PAID, stock=3)
    (line,) = _lines(order)

    order_refund(order=order, lines={line.pk: 1}, by=staff)

    assert _lines(order)[0].variant.stock_quantity == 4


def test_partial_refund_adds_the_tax_when_prices_excluded_it(make_order, staff):
    # given: 3 x 9.99 excl. 20 % tax: total 29.97 + 5.99 tax
    order = make_order(lines=(("9.99", 3),), prices_include_tax=False, status=Order.Status.DELIVERED)
    (line,) = _lines(order)
    assert order.total == Decimal("35.96")

    # when
    order_refund(order=order, lines={line.pk: 1}, by=staff)

    # then: 9.99 + 2.00 tax
    assert Order.objects.get(pk=order.pk).refunded_total == Decimal("11.99")


def test_full_refund_returns_everything_left_including_shipping(make_order, staff):
    # given: one unit already refunded
    order = make_order(lines=(("10.00", 2), ("5.50", 1)), shipping="4.95", status=Order.Status.DELIVERED)
    first, _second = _lines(order)
    order_refund(order=order, lines={first.pk: 1}, by=staff)

    # when
    order_refund(order=order, lines=None, by=staff, reason="Goodwill")

    # then
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_total == order.total == Decimal("30.45")
    assert [line.refunded_quantity for line in _lines(order)] == [2, 1]
    assert sorted(refund.amount for refund in Refund.objects.all()) == [Decimal("10.00"), Decimal("20.45")]
    payment = order.payments.get()
    assert (payment.status, payment.refunded_amount) == (Payment.Status.REFUNDED, Decimal("30.45"))
    assert [change.to_status for change in OrderStatusChange.objects.order_by("id")] == [
        "partially_refunded",
        "refunded",
    ]


def test_several_partial_refunds_add_up(make_order, staff):
    order = make_order(lines=(("10.00", 3),), status=Order.Status.SHIPPED)
    (line,) = _lines(order)

    order_refund(order=order, lines={line.pk: 1}, by=staff)
    order_refund(order=order, lines={line.pk: 1}, by=staff)

    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_total == Decimal("20.00")
    assert _lines(order)[0].refunded_quantity == 2


@pytest.mark.parametrize(
    ("lines", "details"),
    [
        (lambda pk: {999_999: 1}, lambda pk: {"999999": ["This line is not part of the order."]}),
        (lambda pk: {pk: 3}, lambda pk: {str(pk): ["Only 2 of this line can still be refunded."]}),
        (lambda pk: {pk: 0}, lambda pk: {str(pk): ["Ensure the quantity is at least 1."]}),
        (lambda pk: {pk: -1}, lambda pk: {str(pk): ["Ensure the quantity is at least 1."]}),
        (lambda pk: {}, lambda pk: {"lines": ["Choose at least one line to refund."]}),
    ],
    ids=["unknown line", "too many", "zero", "negative", "none"],
)
def test_invalid_refund_lines_are_refused_and_nothing_is_written(make_order, staff, lines, details):
    # given: lines and details are built from the id of the order's line
    order = make_order(lines=(("10.00", 2),), status=Order.Status.SHIPPED)
    (line,) = _lines(order)

    # when
    with pytest.raises(ApplicationError) as caught:
        order_refund(order=order, lines=lines(line.pk), by=staff)

    # then
    assert caught.value.details == {"lines": details(line.pk)}
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == (Order.Status.SHIPPED, Decimal("0.00"))
    assert _lines(order)[0].refunded_quantity == 0
    assert not Refund.objects.exists()
    assert not OrderStatusChange.objects.exists()


def test_refund_without_captured_money_is_refused_and_nothing_is_written(make_order, staff):
    order = make_order(status=Order.Status.DELIVERED, paid=False)

    with pytest.raises(ApplicationError) as caught:
        order_refund(order=order, lines=None, by=staff)

    assert caught.value.code == "refund_exceeds_payments"
    order.refresh_from_db()
    assert (order.status, order.refunded_total) == (Order.Status.DELIVERED, Decimal("0.00"))
    assert not OrderStatusChange.objects.exists()
    assert _lines(order)[0].refunded_quantity == 0


@pytest.mark.parametrize("status", [Order.Status.PENDING_PAYMENT, Order.Status.CANCELLED, Order.Status.REFUNDED])
def test_orders_never_paid_or_closed_cannot_be_refunded(make_order, staff, status):
    order = make_order(status=status)

    with pytest.raises(InvalidTransitionError):
        order_refund(order=order, lines=None, by=staff)

    assert Order.objects.get(pk=order.pk).status == status
    assert not Refund.objects.exists()


def test_over_long_reason_is_refused(make_order, staff):
    order = make_order(status=Order.Status.SHIPPED)

    with pytest.raises(ApplicationError) as caught:
        order_refund(order=order, lines=None, by=staff, reason="x" * 301)

    assert caught.value.details == {"reason": ["Ensure this field has no more than 300 characters."]}
    assert not Refund.objects.exists()
