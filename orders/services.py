"""The order workflow: numbers, creation, status transitions with history, hold for a fraud check,
cancel, ship, deliver and refunds. Checkout's `order_place` writes its orders with `order_create`; stock goes back
through `shop.services.stock_return`.

Every write locks the order row first (`select_for_update`) and checks the transition against the
locked row, so two staff members (or a customer and staff) acting at once cannot both succeed.
Money goes back through `payments.services.payment_refund`; emails are sent after commit.

`order_status_change` is the low-level step (check, write, record history). Cancelling, shipping
and refunding have side effects (stock, money, emails), so callers use their own services for them.
"""

import logging
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from core.errors import ApplicationError, NotFoundError
from core.outbox import SWEEP_LIMIT, outbox_email_deliver, outbox_email_send_on_commit, outbox_emails_deliver_pending
from orders.models import ZERO, Order, OrderEmail, OrderLine, OrderStatusChange
from payments.gateways import PaymentError
from payments.models import Payment
from payments.services import payment_capture, payment_refund, payment_void
from shop.models import Variant
from shop.services import stock_return

logger = logging.getLogger(__name__)
Status = Order.Status
CENT = Decimal("0.01")

# Allowed moves. Cancelled and refunded are terminal; a partially refunded order can only be
# refunded further. An order on hold (authorised, not captured, being checked) is either approved
# (paid) or declined (cancelled).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING_PAYMENT: frozenset({Status.ON_HOLD, Status.PAID, Status.CANCELLED}),
    Status.ON_HOLD: frozenset({Status.PAID, Status.CANCELLED}),
    Status.PAID: frozenset({Status.SHIPPED, Status.CANCELLED, Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.SHIPPED: frozenset({Status.DELIVERED, Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.DELIVERED: frozenset({Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.PARTIALLY_REFUNDED: frozenset({Status.REFUNDED, Status.PARTIALLY_REFUNDED}),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}
CANCELLABLE = frozenset(status for status, targets in TRANSITIONS.items() if Status.CANCELLED in targets)
REFUNDABLE = frozenset(status for status, targets in TRANSITIONS.items() if Status.REFUNDED in targets)
REFUND_REASON_MAX = 300  # payments.Refund.reason
NOTE_MAX = 500  # OrderStatusChange.note
TRACKING_MAX = 100  # Order.tracking_number


class InvalidTransitionError(ApplicationError):
    """The order's current status does not allow the requested move (a conflict, hence 409)."""

    status_code = 409

    def __init__(self, *, order: Order, to_status: str):
        super().__init__(
            f"Order {order.number} is {Status(order.status).label.lower()} and cannot be "
            f"{_TRANSITION_VERBS[to_status]}.",
            code="invalid_transition",
            details={"status": order.status, "to_status": to_status},
        )


_TRANSITION_VERBS = {
    Status.PENDING_PAYMENT: "set back to pending payment",
    Status.ON_HOLD: "put on hold",
    Status.PAID: "marked paid",
    Status.SHIPPED: "shipped",
    Status.DELIVERED: "marked delivered",
    Status.CANCELLED: "cancelled",
    Status.REFUNDED: "refunded",
    Status.PARTIALLY_REFUNDED: "partially refunded",
}


def order_number_next() -> str:
    """A new order number `SF-<year>-<n>`, n zero-padded to at least 6 digits; call before inserting.

    n is drawn from the orders table's own id sequence. The demo loader numbers its orders
    `SF-<year>-<id>` with ids drawn from that same sequence, and PostgreSQL never hands out a
    sequence value twice, so a new number cannot collide with a demo order (nor with another new
    one) whatever the year. Resetting the sequence to the highest id stays safe too: each number's
    value is drawn before its order's id, so it is below that id.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Order._meta.db_table])
        (value,) = cursor.fetchone()
    return f"SF-{timezone.localdate().year}-{value:06d}"


@transaction.atomic
def order_create(
    *,
    user,
    email: str,
    lines: list[tuple[Variant, int]],
    subtotal: Decimal,
    shipping: Decimal,
    tax: Decimal,
    total: Decimal,
    tax_rate: Decimal,
    prices_include_tax: bool,
    shipping_method: str,
    shipping_address: dict,
    billing_address: dict,
    idempotency_key: str | None = None,
) -> Order:
    """Write a new order awaiting payment, with its (variant, quantity) lines and its first history
    entry ("Order placed"); returns it.

    Names, SKU and unit prices are frozen from the variants given, each line costing price x
    quantity; the amounts are the caller's (checkout computes shipping and tax). Takes no stock and
    sends nothing: the caller takes the stock (`shop.services.stock_take`) in the same transaction.
    """
    user = _user_or_none(user)
    order = Order.objects.create(
        number=order_number_next(),
        user=user,
        email=email,
        status=Status.PENDING_PAYMENT,
        currency=settings.SHOP_CURRENCY,
        subtotal=subtotal,
        shipping=shipping,
        tax=tax,
        total=total,
        tax_rate=tax_rate,
        prices_include_tax=prices_include_tax,
        shipping_method=shipping_method,
        shipping_address=shipping_address,
        billing_address=billing_address,
        idempotency_key=idempotency_key,
        created_at=timezone.now(),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant_id=variant.pk,
            product_name=variant.product.name,
            variant_name=variant.name,
            sku=variant.sku,
            quantity=quantity,
            unit_price=variant.price,
            line_total=variant.price * quantity,
        )
        for variant, quantity in lines
    )
    OrderStatusChange.objects.create(
        order=order, from_status="", to_status=Status.PENDING_PAYMENT, changed_by=user, note="Order placed"
    )
    return order


def order_is_cancellable(*, order: Order) -> bool:
    """Whether the order can still be cancelled (not shipped, not already closed)."""
    return order.status in CANCELLABLE


def order_status_change(*, order: Order, to_status: str, changed_by=None, note: str = "") -> Order:
    """Move the order to `to_status` if its workflow allows it, recording who, when and why.

    Returns the locked, updated order. Raises InvalidTransitionError for a move the workflow forbids.
    """
    with transaction.atomic():
        locked = _order_lock(order=order)
        _status_set(order=locked, to_status=to_status, changed_by=changed_by, note=note)
        return locked


def order_hold(*, order: Order, note: str) -> Order:
    """Hold an order whose payment is authorised but not captured while it is checked (fraud review),
    and tell the shopper it is being checked. `order_hold_release` or `order_cancel` ends the hold."""
    with transaction.atomic():
        locked = _order_lock(order=order)
        _status_set(order=locked, to_status=Status.ON_HOLD, changed_by=None, note=note)
        order_email_queue(order=locked, kind=OrderEmail.Kind.ON_HOLD)
        return locked


def order_hold_release(*, order: Order, by=None, note: str = "") -> Order:
    """Approve a held order: capture its authorised payments, mark it paid and send the confirmation.

    Raises InvalidTransitionError unless the order is on hold, and ApplicationError (with the
    gateway's code) when a capture fails; the order then stays on hold.
    """
    with transaction.atomic():
        locked = _order_lock(order=order)
        if locked.status != Status.ON_HOLD:
            raise InvalidTransitionError(order=locked, to_status=Status.PAID)
        for payment in Payment.objects.select_for_update().filter(order=locked, status=Payment.Status.AUTHORIZED):
            try:
                payment_capture(payment=payment)
            except PaymentError as exc:
                raise ApplicationError(exc.message, code=exc.code) from exc
        _status_set(order=locked, to_status=Status.PAID, changed_by=by, note=note or "Payment captured")
        order_email_queue(order=locked, kind=OrderEmail.Kind.CONFIRMATION)
        return locked


def order_cancel(*, order: Order, by=None, reason: str = "") -> Order:
    """Cancel an order that has not shipped: its stock returns, authorisations not captured (an
    order on hold) are released and the captured money is refunded.

    `by` is the customer who owns the order, a staff member, or None for a guest who proved the
    order's number and email (the guest lookup). Customers cannot cancel other people's orders.
    """
    reason = _text(reason, field="reason", limit=REFUND_REASON_MAX)
    with transaction.atomic():
        locked = _order_lock(order=order)
        if by is not None and not by.is_staff and locked.user_id != by.pk:
            raise NotFoundError("No such order.", code="order_not_found")
        _status_set(order=locked, to_status=Status.CANCELLED, changed_by=by, note=reason)
        stock_return(
            quantities=_stock_units(
                units=[(line.variant_id, line.quantity - line.refunded_quantity) for line in locked.lines.all()]
            )
        )
        _payments_void(order=locked)
        amount = _payments_refund(
            order=locked,
            amount=locked.total - locked.refunded_total,
            reason=reason or "Order cancelled",
            by=by,
            at_most_captured=True,
        )
        locked.refunded_total += amount
        locked.save(update_fields=["refunded_total", "updated_at"])
        order_email_queue(order=locked, kind=OrderEmail.Kind.CANCELLED, context={"amount": amount, "reason": reason})
        return locked


def order_ship(*, order: Order, tracking_number: str, by=None) -> Order:
    """Mark a paid order shipped with the carrier's tracking number, and tell the customer."""
    tracking_number = _text(tracking_number, field="tracking_number", limit=TRACKING_MAX)
    if not tracking_number:
        raise ApplicationError(
            "Enter the tracking number.", details={"tracking_number": ["Enter the tracking number."]}
        )
    with transaction.atomic():
        locked = _order_lock(order=order)
        _status_set(order=locked, to_status=Status.SHIPPED, changed_by=by, note=f"Tracking number {tracking_number}")
        locked.tracking_number = tracking_number
        locked.save(update_fields=["tracking_number", "updated_at"])
        order_email_queue(order=locked, kind=OrderEmail.Kind.SHIPPED)
        return locked


def order_deliver(*, order: Order, by=None) -> Order:
    """Mark a shipped order delivered."""
    return order_status_change(order=order, to_status=Status.DELIVERED, changed_by=by)


def order_refund(
    *, order: Order, lines: dict[int, int] | None, by=None, reason: str = "", restock: bool = False
) -> Order:
    """Refund the whole order (`lines=None`) or some quantities of some lines (`{line_id: quantity}`).

    Amounts come from the prices frozen in the lines (plus their tax when prices excluded it); the
    shipping charge is refunded only by a full refund, which returns everything not yet refunded.
    Goods of a paid order that has not shipped go back to stock. Goods that have shipped stay out of
    stock unless `restock` says they came back in sellable condition: a refund alone does not prove
    that the customer returned anything.
    """
    reason = _text(reason, field="reason", limit=REFUND_REASON_MAX)
    with transaction.atomic():
        locked = _order_lock(order=order)
        if locked.status not in REFUNDABLE:
            raise InvalidTransitionError(
                order=locked, to_status=Status.REFUNDED if lines is None else Status.PARTIALLY_REFUNDED
            )
        order_lines = {line.pk: line for line in locked.lines.all()}
        if lines is None:
            quantities = {pk: line.quantity - line.refunded_quantity for pk, line in order_lines.items()}
            amount = locked.total - locked.refunded_total
            to_status = Status.REFUNDED
        else:
            quantities = _refund_quantities(order_lines=order_lines, lines=lines)
            amount = min(
                _lines_amount(order=locked, order_lines=order_lines, quantities=quantities),
                locked.total - locked.refunded_total,
            )
            to_status = Status.PARTIALLY_REFUNDED
        restock = restock or locked.status == Status.PAID
        _status_set(order=locked, to_status=to_status, changed_by=by, note=reason)
        for pk, quantity in quantities.items():
            if quantity:
                OrderLine.objects.filter(pk=pk).update(refunded_quantity=F("refunded_quantity") + quantity)
        if restock:
            stock_return(
                quantities=_stock_units(
                    units=[(order_lines[pk].variant_id, quantity) for pk, quantity in quantities.items()]
                )
            )
        _payments_refund(order=locked, amount=amount, reason=reason or "Refund", by=by)
        locked.refunded_total += amount
        locked.save(update_fields=["refunded_total", "updated_at"])
        order_email_queue(order=locked, kind=OrderEmail.Kind.REFUNDED, context={"amount": amount, "reason": reason})
        return locked


# --- helpers -------------------------------------------------------------------------------------


def _order_lock(*, order: Order) -> Order:
    """The order's row, locked until the end of the transaction, with its current values."""
    return Order.objects.select_for_update().get(pk=order.pk)


def _status_set(*, order: Order, to_status: str, changed_by, note: str) -> None:
    if to_status not in TRANSITIONS:
        raise ApplicationError(f"Unknown status {to_status!r}.", details={"to_status": ["Unknown status."]})
    if to_status not in TRANSITIONS[order.status]:
        raise InvalidTransitionError(order=order, to_status=to_status)
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=to_status,
        changed_by=_user_or_none(changed_by),
        note=_text(note, field="note", limit=NOTE_MAX),
    )
    order.status = to_status
    order.save(update_fields=["status", "updated_at"])


def _text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        message = f"Ensure this field has no more than {limit} characters."
        raise ApplicationError(message, details={field: [message]})
    return value


def _refund_quantities(*, order_lines: dict[int, OrderLine], lines: dict[int, int]) -> dict[int, int]:
    """Validate `{line_id: quantity}` against what is left to refund on each line of the order."""
    errors = {}
    for pk, quantity in lines.items():
        line = order_lines.get(pk)
        if line is None:
            errors[str(pk)] = ["This line is not part of the order."]
        elif not isinstance(quantity, int) or quantity < 1:
            errors[str(pk)] = ["Ensure the quantity is at least 1."]
        elif quantity > line.quantity - line.refunded_quantity:
            errors[str(pk)] = [f"Only {line.quantity - line.refunded_quantity} of this line can still be refunded."]
    if not lines:
        errors["lines"] = ["Choose at least one line to refund."]
    if errors:
        raise ApplicationError("Some refund lines are invalid.", details={"lines": errors})
    return dict(lines)


def _lines_amount(*, order: Order, order_lines: dict[int, OrderLine], quantities: dict[int, int]) -> Decimal:
    """What the customer paid for these quantities: frozen unit prices, plus tax if it was added on top."""
    goods = sum((order_lines[pk].unit_price * quantity for pk, quantity in quantities.items()), ZERO)
    if not order.prices_include_tax:
        goods += (goods * order.tax_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return goods


def _stock_units(*, units: list[tuple[int | None, int]]) -> dict[int, int]:
    """(variant id, quantity) units summed per variant for `stock_return`; lines whose variant was
    deleted, and nothing left to return, are skipped."""
    quantities: Counter[int] = Counter()
    for variant_id, quantity in units:
        if variant_id is not None and quantity > 0:
            quantities[variant_id] += quantity
    return dict(quantities)


def _payments_void(*, order: Order) -> None:
    """Release the order's authorisations that were never captured. One the gateway refuses to release
    is logged and left: the bank drops an uncaptured authorisation by itself within days."""
    for payment in Payment.objects.select_for_update().filter(order=order, status=Payment.Status.AUTHORIZED):
        try:
            payment_void(payment=payment)
        except PaymentError:
            logger.exception("Could not void authorisation %s of order %s", payment.reference, order.number)


def _payments_refund(*, order: Order, amount: Decimal, reason: str, by, at_most_captured: bool = False) -> Decimal:
    """Refund `amount` through the order's captured payments, oldest first; returns what was refunded.

    With `at_most_captured` (cancellation) whatever was captured, up to `amount`, is refunded, since
    an order cancelled before payment has nothing to give back; otherwise too little captured money
    is an error.
    """
    payments = list(
        Payment.objects.select_for_update()
        .filter(order=order, status__in=[Payment.Status.CAPTURED, Payment.Status.PARTIALLY_REFUNDED])
        .order_by("created_at", "id")
    )
    available = sum((payment.refundable_amount for payment in payments), ZERO)
    if at_most_captured:
        amount = min(amount, available)
    elif available < amount:
        raise ApplicationError(
            f"Order {order.number} has only {available} of captured payments left to refund, not {amount}.",
            code="refund_exceeds_payments",
            details={"amount": str(amount), "refundable": str(available)},
        )
    left = amount
    for payment in payments:
        part = min(left, payment.refundable_amount)
        if part > 0:
            payment_refund(payment=payment, amount=part, reason=reason, created_by=_user_or_none(by))
            left -= part
    return amount


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


# --- emails --------------------------------------------------------------------------------------
# An outbox: the email row is written in the transaction of the change it reports, a task sends
# it after the commit, and a periodic sweep sends whatever the task could not (broker, worker or
# mail server down). The mechanism is core.outbox; here is what the order emails say.

EMAIL_SUBJECTS = {
    OrderEmail.Kind.CONFIRMATION: "Your order {number} is confirmed",
    OrderEmail.Kind.ON_HOLD: "We are checking your order {number}",
    OrderEmail.Kind.SHIPPED: "Your order {number} is on its way",
    OrderEmail.Kind.CANCELLED: "Your order {number} has been cancelled",
    OrderEmail.Kind.REFUNDED: "Your refund for order {number}",
}
EMAIL_MONEY_KEYS = ("amount",)  # stored as strings in the JSON context, Decimals again when rendered


def order_email_queue(*, order: Order, kind: str, context: dict | None = None) -> OrderEmail:
    """Record the email in the current transaction and ask a worker to send it once committed (the
    sweep sends it if the broker cannot take the task)."""
    stored = {key: str(value) if isinstance(value, Decimal) else value for key, value in (context or {}).items()}
    email = OrderEmail.objects.create(order=order, kind=kind, context=stored)
    outbox_email_send_on_commit(email=email, task="orders.tasks.order_email_deliver")
    return email


def order_email_deliver(*, email_id: int) -> bool:
    """Send one pending email once (core.outbox.outbox_email_deliver); True if this call sent it."""
    return outbox_email_deliver(emails=OrderEmail.objects.all(), email_id=email_id, message=_order_email_message)


def order_emails_deliver_pending(*, limit: int = SWEEP_LIMIT) -> int:
    """The sweep: send pending emails, oldest first; the number sent."""
    return outbox_emails_deliver_pending(emails=OrderEmail.objects.all(), deliver=order_email_deliver, limit=limit)


def _order_email_message(email: OrderEmail) -> EmailMultiAlternatives:
    """The text and HTML bodies from `emails/order_<kind>.txt|html`."""
    order = Order.objects.prefetch_related("lines").get(pk=email.order_id)
    context = {
        **email.context,
        **{key: Decimal(email.context[key]) for key in EMAIL_MONEY_KEYS if email.context.get(key)},
        "order": order,
        "lines": list(order.lines.all()),
        "shop_name": settings.SHOP_NAME,
        "currency_symbol": settings.SHOP_CURRENCY_SYMBOL,
    }
    message = EmailMultiAlternatives(
        subject=EMAIL_SUBJECTS[email.kind].format(number=order.number),
        body=render_to_string(f"emails/order_{email.kind}.txt", context),
        to=[order.email],
    )
    message.attach_alternative(render_to_string(f"emails/order_{email.kind}.html", context), "text/html")
    return message
