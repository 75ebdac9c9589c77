"""Reading orders: only one's own, guests by number and email, bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import NotFoundError
from orders.models import Order
from orders.selectors import order_for_customer, order_for_guest, orders_for_staff, orders_for_user
from orders.services import order_ship
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_orders_for_user_lists_only_theirs_newest_first_with_item_counts(make_order):
    ana, bob = UserFactory(), UserFactory()
    old = make_order(user=ana, lines=(("10.00", 2), ("3.00", 1)), created_at=timezone.now() - timedelta(days=2))
    new = make_order(user=ana)
    make_order(user=bob)

    orders = list(orders_for_user(user=ana))

    assert orders == [new, old]
    assert [order.item_count for order in orders] == [2, 3]


def test_order_for_customer_loads_lines_payments_and_history_in_four_queries(make_order, django_assert_num_queries):
    order = make_order(lines=(("10.00", 1), ("5.00", 2), ("1.00", 3)))
    order_ship(order=order, tracking_number="1Z", by=UserFactory(is_staff=True))

    with django_assert_num_queries(4):
        found = order_for_customer(user=order.user, number=order.number)
        assert len(found.lines.all()) == 3
        assert len(found.payments.all()) == 1
        assert [change.changed_by.is_staff for change in found.status_changes.all()] == [True]


def test_order_for_customer_hides_other_peoples_orders(make_order):
    order = make_order()

    with pytest.raises(NotFoundError) as caught:
        order_for_customer(user=UserFactory(), number=order.number)

    assert (caught.value.code, caught.value.message) == ("order_not_found", "No such order.")


def test_order_for_guest_matches_the_email_in_any_letter_case(make_order):
    order = make_order(user=None, email="Guest.Shopper@Example.com")

    found = order_for_guest(number=f" {order.number} ", email="guest.shopper@EXAMPLE.COM ")

    assert found == order


@pytest.mark.parametrize("wrong", ["number", "email"])
def test_order_for_guest_gives_the_same_error_for_a_wrong_number_or_email(make_order, wrong):
    order = make_order(user=None, email="guest@example.com")
    number = "SF-2026-999999" if wrong == "number" else order.number
    email = "other@example.com" if wrong == "email" else order.email

    with pytest.raises(NotFoundError) as caught:
        order_for_guest(number=number, email=email)

    assert (caught.value.code, caught.value.message) == ("order_not_found", "No order matches that number and email.")


def test_orders_for_staff_filters_by_status_days_and_email(make_order):
    now = timezone.now()
    a = make_order(user=None, email="a@example.com", created_at=now - timedelta(days=10))
    b = make_order(user=None, email="b@example.com", status=Order.Status.SHIPPED, created_at=now - timedelta(days=3))
    c = make_order(user=None, email="B@Example.com", created_at=now)

    assert list(orders_for_staff()) == [c, b, a]
    assert list(orders_for_staff(status=Order.Status.PAID)) == [c, a]
    assert list(orders_for_staff(email="b@EXAMPLE.com")) == [c, b]
    today = timezone.localdate(now)
    assert list(orders_for_staff(created_from=today - timedelta(days=4), created_to=today)) == [c, b]
    assert list(orders_for_staff(created_to=today - timedelta(days=5))) == [a]
