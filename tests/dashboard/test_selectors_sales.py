"""The sales figures behind the dashboard and reports, on hand-computable orders (see conftest.sales)."""

from decimal import Decimal

import pytest

from events.models import Interaction
from events.selectors import session_conversion
from orders import selectors
from payments.selectors import refunds_by_day
from tests.dashboard.conftest import at

pytestmark = pytest.mark.django_db

START, END = at(1, 0), at(4, 0)


def test_totals_count_paid_orders_net_of_refunded_units_and_leave_out_unpaid_and_cancelled_ones(sales):
    totals = selectors.sales_totals(start=START, end=END)

    assert totals == {"orders": 3, "units": 5, "revenue": Decimal("80.00"), "average_basket": Decimal("26.67")}


def test_a_period_without_sales_has_no_average_basket(sales):
    assert selectors.sales_totals(start=at(20, 0), end=at(21, 0)) == {
        "orders": 0,
        "units": 0,
        "revenue": Decimal("0.00"),
        "average_basket": None,
    }


def test_sales_by_day_give_revenue_units_and_margin_in_date_order(sales):
    rows = selectors.sales_by(dimension="day", start=START, end=END)

    assert [(str(r["key"]), r["orders"], r["units"], r["revenue"], r["margin"]) for r in rows] == [
        ("2026-03-02", 1, 3, Decimal("45.00"), Decimal("22.00")),
        ("2026-03-03", 2, 2, Decimal("35.00"), Decimal("16.00")),
    ]


@pytest.mark.parametrize(
    ("dimension", "keys"), [("category", ["Tea", "Mugs"]), ("brand", ["Leaf", "Acme"]), ("product", ["Tea", "Mug"])]
)
def test_sales_by_category_brand_and_product_come_highest_revenue_first(sales, dimension, keys):
    rows = selectors.sales_by(dimension=dimension, start=START, end=END)

    assert [r["key"] for r in rows] == keys
    assert [(r["orders"], r["units"], r["revenue"], r["margin"]) for r in rows] == [
        (2, 2, Decimal("50.00"), Decimal("20.00")),
        (2, 3, Decimal("30.00"), Decimal("18.00")),
    ]


def test_new_and_returning_customers_per_day(sales):
    rows = selectors.customers_by_day(start=START, end=END)

    assert [
        (str(r["day"]), r["new_orders"], r["new_revenue"], r["returning_orders"], r["returning_revenue"]) for r in rows
    ] == [
        ("2026-03-02", 1, Decimal("45.00"), 0, Decimal("0.00")),
        ("2026-03-03", 1, Decimal("10.00"), 1, Decimal("50.00")),
    ]


def test_cancellations_and_refunds_are_dated_when_they_happened(sales):
    cancellations = selectors.cancellations_by_day(start=START, end=END)
    assert [(str(r["day"]), r["cancelled"], r["cancelled_value"]) for r in cancellations] == [
        ("2026-03-03", 1, Decimal("50.00"))
    ]
    assert [(str(r["day"]), r["refunds"], r["refunded"]) for r in refunds_by_day(start=START, end=END)] == [
        ("2026-03-03", 1, Decimal("25.00"))
    ]


def test_conversion_is_the_share_of_browser_sessions_with_a_purchase():
    for session, kind, day in [
        ("s1", "view", 2),
        ("s1", "purchase", 2),
        ("s2", "view", 2),
        ("s3", "add_to_cart", 3),
        ("", "purchase", 3),  # an API purchase without a browser session
        ("s4", "purchase", 9),  # outside the period
    ]:
        Interaction.objects.create(session_key=session, kind=kind, created_at=at(day))

    assert session_conversion(start=START, end=END) == {"sessions": 3, "converted": 1, "rate": 1 / 3}
    assert session_conversion(start=at(20, 0), end=at(21, 0)) == {"sessions": 0, "converted": 0, "rate": None}
