"""Racing workflow changes on one order, each in its own database connection: exactly one wins."""

import threading

import pytest
from django.db import connection

from core.errors import ApplicationError
from orders.models import Order, OrderStatusChange
from orders.services import order_cancel, order_refund, order_ship
from payments.models import Refund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions) -> list[str]:
    """Run the actions at the same moment in threads (own connections); 'ok' or each error's code."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index: int, action) -> None:
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except ApplicationError as exc:
            outcomes[index] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, action)) for n, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_cancel_and_ship_at_once_one_wins_and_the_other_is_refused(make_order):
    # given
    order = make_order(stock=3)
    staff = UserFactory(username="warehouse", is_staff=True)

    # when: the customer cancels while the warehouse ships, eight times over
    outcomes = race(
        *[lambda: order_cancel(order=order, by=order.user) for _ in range(4)],
        *[lambda: order_ship(order=order, tracking_number="1Z", by=staff) for _ in range(4)],
    )

    # then: exactly one change happened, and its side effects exactly once
    assert outcomes.count("ok") == 1
    assert outcomes.count("invalid_transition") == 7
    order.refresh_from_db()
    assert OrderStatusChange.objects.count() == 1
    stock = order.lines.get().variant.stock_quantity
    if order.status == Order.Status.CANCELLED:
        assert (stock, Refund.objects.count(), order.refunded_total) == (5, 1, order.total)
    else:
        assert order.status == Order.Status.SHIPPED
        assert (stock, Refund.objects.count()) == (3, 0)


def test_two_full_refunds_at_once_refund_the_money_once(make_order):
    order = make_order(status=Order.Status.DELIVERED)
    staff = UserFactory(username="refunds", is_staff=True)

    outcomes = race(*[lambda: order_refund(order=order, lines=None, by=staff) for _ in range(4)])

    assert sorted(outcomes) == ["invalid_transition"] * 3 + ["ok"]
    assert [refund.amount for refund in Refund.objects.all()] == [order.total]
    assert Order.objects.get(pk=order.pk).refunded_total == order.total
