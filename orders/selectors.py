"""Reading orders: a customer's own, a guest's by number and email, and the staff list.

The single-order selectors prefetch the lines, payments and status history (with who changed it),
so showing an order costs the same few queries however long it is.
"""

from datetime import date

from django.db.models import Prefetch, QuerySet, Sum

from core.errors import NotFoundError
from orders.models import Order, OrderLine, OrderStatusChange
from payments.models import Payment

ORDER_NOT_FOUND = "No such order."


def _with_details(queryset: QuerySet[Order]) -> QuerySet[Order]:
    return queryset.prefetch_related(
        "lines",
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id")),
        Prefetch("status_changes", queryset=OrderStatusChange.objects.select_related("changed_by")),
    )


def orders_for_user(*, user) -> QuerySet[Order]:
    """The user's orders, newest first, each with `item_count` (units ordered) and its lines."""
    return (
        Order.objects.filter(user=user)
        .annotate(item_count=Sum("lines__quantity"))
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def order_for_customer(*, user, number: str) -> Order:
    """One of the user's orders. Someone else's order is reported exactly like a missing one."""
    order = _with_details(Order.objects.filter(user=user, number=number)).first()
    if order is None:
        raise NotFoundError(ORDER_NOT_FOUND, code="order_not_found")
    return order


def order_for_guest(*, number: str, email: str) -> Order:
    """The order with this number if it was placed with this email (compared case-insensitively).

    A wrong number and a wrong email give the same error, so the lookup does not reveal which
    order numbers exist.
    """
    order = _with_details(Order.objects.filter(number=number.strip(), email__iexact=email.strip())).first()
    if order is None:
        raise NotFoundError("No order matches that number and email.", code="order_not_found")
    return order


def order_detail(*, number: str) -> Order:
    """Any order by its number (staff)."""
    order = _with_details(Order.objects.filter(number=number)).first()
    if order is None:
        raise NotFoundError(ORDER_NOT_FOUND, code="order_not_found")
    return order


def orders_for_staff(
    *,
    status: str | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    email: str | None = None,
) -> QuerySet[Order]:
    """All orders, newest first, narrowed by status, creation dates (inclusive) and customer email."""
    orders = Order.objects.annotate(item_count=Sum("lines__quantity")).order_by("-created_at", "-id")
    if status:
        orders = orders.filter(status=status)
    if created_from:
        orders = orders.filter(created_at__date__gte=created_from)
    if created_to:
        orders = orders.filter(created_at__date__lte=created_to)
    if email:
        orders = orders.filter(email__iexact=email.strip())
    return orders


# Orders whose lines make their customer a verified buyer: paid and not cancelled or fully refunded.
REVIEWABLE_ORDER_STATUSES = (
    Order.Status.PAID,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.PARTIALLY_REFUNDED,
)


def order_lines_bought(*, user, product) -> QuerySet[OrderLine]:
    """The customer's lines of the product's variants in paid, shipped, delivered or partially refunded
    orders: what makes them a verified buyer who may review it (shop.extensions.verified_purchases)."""
    return OrderLine.objects.filter(
        order__user=user, order__status__in=REVIEWABLE_ORDER_STATUSES, variant__product=product
    )
