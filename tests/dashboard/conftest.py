"""Fixtures of the back-office tests: staff with chosen permissions, and a small store with sales that
can be added up by hand (first days of March 2026, before daylight saving time, so local = UTC)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission

from orders.models import Order, OrderStatusChange
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    RefundFactory,
    UserFactory,
    VariantFactory,
)
from tests.shop.conftest import browser_page  # noqa: F401 (fixture used by the browser test)

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=LONDON)


@pytest.fixture
def staff_with():
    """A staff user holding exactly the given permissions ("app_label.codename")."""

    def make(*permissions: str, username: str = "staff"):
        user = UserFactory(username=username, is_staff=True)
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        return user

    return make


@pytest.fixture
def sales():
    """Mug (Acme, 10.00, cost 4.00) and Tea (Leaf, 25.00, cost 15.00). Sold in [1 March, 4 March):
    - 2 March, alice, paid: 2 mugs + 1 tea = 45.00 (margin 22.00);
    - 3 March, bob, delivered: 1 mug = 10.00 (margin 6.00);
    - 3 March, alice, partially refunded: 2 teas, 1 refunded = 25.00 kept (margin 10.00), order total 50.00.
    Not sales: a cancelled and an unpaid order on 3 March; outside: a paid order on 5 March.
    The cancelled order was cancelled on 3 March; 5.00 of alice's tea was refunded on 3 March."""
    mug = VariantFactory(
        product=ProductFactory(name="Mug", category=CategoryFactory(name="Mugs"), brand=BrandFactory(name="Acme")),
        price=Decimal("10.00"),
        cost=Decimal("4.00"),
    )
    tea = VariantFactory(
        product=ProductFactory(name="Tea", category=CategoryFactory(name="Tea"), brand=BrandFactory(name="Leaf")),
        price=Decimal("25.00"),
        cost=Decimal("15.00"),
    )
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")

    def order(user, day, hour, status, lines, total):
        placed = OrderFactory(user=user, created_at=at(day, hour), status=status, subtotal=total, total=total)
        for variant, quantity, refunded in lines:
            OrderLineFactory(order=placed, variant=variant, quantity=quantity, refunded_quantity=refunded)
        return placed

    order(alice, 2, 10, Order.Status.PAID, [(mug, 2, 0), (tea, 1, 0)], Decimal("45.00"))
    order(bob, 3, 9, Order.Status.DELIVERED, [(mug, 1, 0)], Decimal("10.00"))
    refunded = order(alice, 3, 15, Order.Status.PARTIALLY_REFUNDED, [(tea, 2, 1)], Decimal("50.00"))
    refunded.refunded_total = Decimal("25.00")
    refunded.save()
    cancelled = order(bob, 3, 11, Order.Status.CANCELLED, [(mug, 5, 0)], Decimal("50.00"))
    order(bob, 3, 12, Order.Status.PENDING_PAYMENT, [(mug, 1, 0)], Decimal("10.00"))
    order(bob, 5, 12, Order.Status.PAID, [(mug, 3, 0)], Decimal("30.00"))
    change = OrderStatusChange.objects.create(order=cancelled, from_status="paid", to_status=Order.Status.CANCELLED)
    OrderStatusChange.objects.filter(pk=change.pk).update(created_at=at(3, 16))
    refund = RefundFactory(payment__order=refunded, amount=Decimal("25.00"))
    type(refund).objects.filter(pk=refund.pk).update(created_at=at(3, 17))
    return {"mug": mug, "tea": tea}
