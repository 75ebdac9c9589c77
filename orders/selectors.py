"""Reading orders: a customer's own, a guest's by number and email, and the staff list.

The single-order selectors prefetch the lines, payments and status history (with who changed it),
so showing an order costs the same few queries however long it is.
"""

from datetime import date, datetime

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower, TruncDate

from core.errors import NotFoundError
from orders.models import ZERO, Order, OrderLine, OrderStatusChange
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


# --- Sales figures (the back office's dashboard and reports) ------------------------------------

# Orders that count as sales: paid for, whatever happened after (refunds are netted out line by line).
SOLD_STATUSES = (
    Order.Status.PAID,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.PARTIALLY_REFUNDED,
    Order.Status.REFUNDED,
)
SALES_DIMENSIONS = ("day", "category", "brand", "product")
_KEPT_UNITS = F("quantity") - F("refunded_quantity")
_MONEY = DecimalField(max_digits=14, decimal_places=2)
_NET_REVENUE = ExpressionWrapper(F("unit_price") * _KEPT_UNITS, output_field=_MONEY)
_MARGIN = ExpressionWrapper((F("unit_price") - F("variant__cost")) * _KEPT_UNITS, output_field=_MONEY)
_DIMENSION_KEYS = {
    "day": TruncDate("order__created_at"),
    "category": Coalesce(F("variant__product__category__name"), Value("(deleted product)")),
    "brand": Coalesce(F("variant__product__brand__name"), Value("(deleted product)")),
    "product": F("product_name"),
}


def _sold_lines(*, start: datetime, end: datetime) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(
        order__status__in=SOLD_STATUSES, order__created_at__gte=start, order__created_at__lt=end
    )


def sales_totals(*, start: datetime, end: datetime) -> dict:
    """Sales of orders placed in [start, end): `orders`, `units` and `revenue` net of refunded units
    (unit prices as charged, shipping excluded), and `average_basket` (revenue per order, None without orders)."""
    totals = _sold_lines(start=start, end=end).aggregate(
        orders=Count("order_id", distinct=True),
        units=Coalesce(Sum(_KEPT_UNITS), 0),
        revenue=Coalesce(Sum(_NET_REVENUE), Value(ZERO)),
    )
    totals["average_basket"] = (totals["revenue"] / totals["orders"]).quantize(ZERO) if totals["orders"] else None
    return totals


def sales_by(*, dimension: str, start: datetime, end: datetime) -> list[dict]:
    """Sales of orders placed in [start, end) per `dimension` (one of SALES_DIMENSIONS): `key`, `orders`,
    `units`, `revenue` and `margin` (revenue less the variant's current cost; lines of deleted variants
    count no margin). Days in order; the others by revenue, highest first."""
    rows = (
        _sold_lines(start=start, end=end)
        .annotate(key=_DIMENSION_KEYS[dimension])
        .values("key")
        .annotate(
            orders=Count("order_id", distinct=True),
            units=Sum(_KEPT_UNITS),
            revenue=Sum(_NET_REVENUE),
            margin=Coalesce(Sum(_MARGIN), Value(ZERO)),
        )
    )
    return list(rows.order_by("key") if dimension == "day" else rows.order_by("-revenue", "key"))


def cancellations_by_day(*, start: datetime, end: datetime) -> list[dict]:
    """Orders cancelled in [start, end), per day they were cancelled: `day`, `cancelled`, `cancelled_value`."""
    return list(
        OrderStatusChange.objects.filter(to_status=Order.Status.CANCELLED, created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(cancelled=Count("order_id", distinct=True), cancelled_value=Sum("order__total"))
        .order_by("day")
    )


def customers_by_day(*, start: datetime, end: datetime) -> list[dict]:
    """Sold orders placed in [start, end) per day, from new customers (no earlier sold order with the same
    email, any case) and from returning ones: `day`, `new_orders`, `new_revenue`, `returning_orders`,
    `returning_revenue` (order totals).

    Two queries and one pass in order of time, instead of a subquery per order: emails have no
    case-insensitive index, and a per-order scan of all orders takes minutes on a large store.
    """
    placed = list(
        Order.objects.filter(status__in=SOLD_STATUSES, created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at"), customer=Lower("email"))
        .order_by("created_at", "id")
        .values_list("day", "customer", "total")
    )
    seen = set(
        Order.objects.filter(status__in=SOLD_STATUSES, created_at__lt=start)
        .annotate(customer=Lower("email"))
        .filter(customer__in={customer for _, customer, _ in placed})
        .values_list("customer", flat=True)
        .distinct()
    )
    days: dict[date, dict] = {}
    for day, customer, total in placed:
        row = days.setdefault(
            day, {"day": day, "new_orders": 0, "new_revenue": ZERO, "returning_orders": 0, "returning_revenue": ZERO}
        )
        kind = "returning" if customer in seen else "new"
        row[f"{kind}_orders"] += 1
        row[f"{kind}_revenue"] += total
        seen.add(customer)
    return list(days.values())


def order_status_exists(status: str) -> bool:
    """Whether the order workflow has `status` (e.g. "on_hold", which risk control adds)."""
    return status in Order.Status.values


def order_count(*, status: str) -> int:
    return Order.objects.filter(status=status).count()
