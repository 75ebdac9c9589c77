"""Order numbers: human-friendly, unique, and never equal to a demo order's number."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from orders.models import Order
from orders.services import order_number_next
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _demo_orders(count: int) -> list[Order]:
    """Orders numbered the way the demo loader numbers them: `SF-<year>-<id>`, ids from the sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Order._meta.db_table, count],
        )
        ids = [row[0] for row in cursor.fetchall()]
    year = timezone.localdate().year
    return [OrderFactory(id=pk, number=f"SF-{year}-{pk:06d}", user=None, email="demo@example.com") for pk in ids]


def test_numbers_look_like_sf_year_and_six_digits():
    number = order_number_next()

    assert re.fullmatch(rf"SF-{timezone.localdate().year}-\d{{6,}}", number)


def test_numbers_are_unique_and_never_collide_with_demo_orders():
    # given: demo orders of this year, numbered from their ids
    demo_numbers = {order.number for order in _demo_orders(5)}

    # when: new numbers are drawn, and orders are inserted with them in between
    drawn = []
    for _ in range(20):
        drawn.append(order_number_next())
        OrderFactory(number=drawn[-1], user=None, email="shopper@example.com")
    demo_numbers |= {order.number for order in _demo_orders(5)}

    # then
    assert len(set(drawn)) == 20
    assert not set(drawn) & demo_numbers
    assert Order.objects.count() == 30
