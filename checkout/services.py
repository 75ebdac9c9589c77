"""Write side of the cart and checkout: cart lines, merging a guest cart at login, placing orders.

Carts live in the database for customers (one per user) and guests (one per session key). Each
cart change locks the cart's row, so two requests of one shopper cannot interleave. Stock is
checked when a line is added or changed but only reserved by `order_place`.

`order_place` is one transaction that locks the cart, takes the stock (`shop.services.stock_take`
locks the variants in id order, the order every stock writer uses, so they cannot deadlock), writes
the order (`orders.services.order_create`), authorises the card, asks the order screen
(`checkout.extensions`: the fraud check) and then captures (approve), holds the order with the
authorisation uncaptured (review), or releases the authorisation, returns the stock and cancels
the order (decline). Trade-off: the gateway is called
while the stock rows are locked, so other buyers of the same variants wait for one payment round
trip (short in practice: authorise and capture are two calls). In return nothing can oversell and a
failed payment needs no compensating writes: rolling back restores stock, cart and orders exactly. A
gateway that may take seconds would call for reserving stock first and paying after commit instead.
"""

import logging
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from checkout import extensions, selectors
from checkout.extensions import ClientSignals, Decision, FailedAttempt, ScreenRequest
from checkout.models import Cart, CartLine, ShippingMethod
from core.errors import ApplicationError, NotFoundError
from events.models import Interaction
from events.services import EventOrigin, interaction_record
from orders.models import DECLINED_NOTE, Order, OrderEmail
from orders.services import order_cancel, order_create, order_email_queue, order_hold, order_status_change
from payments.gateways import CardDetails, PaymentError, PaymentNetworkError
from payments.models import Payment
from payments.services import payment_authorize, payment_capture, payment_failure_record, payment_void
from shop.models import MAX_LINE_QUANTITY, Variant
from shop.services import stock_take

logger = logging.getLogger(__name__)

MAX_LINES = 50
EMAIL_MAX_LENGTH = 254


class PaymentUnavailableError(ApplicationError):
    """The payment provider could not be reached: nobody was charged and retrying may work."""

    status_code = 503


class IdempotencyKeyReusedError(ApplicationError):
    """An idempotency key already placed an order that differs from this request."""

    status_code = 422


# --- Cart --------------------------------------------------------------------------------------------


def cart_get_or_create(*, user=None, session_key: str | None = None) -> Cart:
    """The customer's cart, or the guest cart of an existing session; created when missing."""
    if user is not None and user.is_authenticated:
        return Cart.objects.get_or_create(user=user)[0]
    if not session_key:
        raise ApplicationError("A guest cart needs a session.", code="session_required")
    return Cart.objects.get_or_create(session_key=session_key, user=None)[0]


def _cart_count_forget(cart: Cart) -> None:
    """Drop the cart's cached header count (`selectors.cart_count_cached`) now and again after the
    commit, so a page read in between cannot keep the count from before this write."""
    key = selectors.cart_count_key(user_id=cart.user_id, session_key=cart.session_key)
    cache.delete(key)
    transaction.on_commit(partial(cache.delete, key))


def _cart_lock(cart: Cart) -> None:
    """Lock the cart's row until the end of the transaction and note the activity (the UPDATE takes
    the row lock), so one shopper's concurrent requests change their cart one after the other."""
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


def _quantity_check(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        message = f"Enter a quantity from 1 to {MAX_LINE_QUANTITY}."
        raise ApplicationError(message, code="invalid_quantity", details={"quantity": [message]})


def _stock_check(variant: Variant, quantity: int) -> None:
    if variant.stock_quantity <= 0:
        raise ApplicationError(
            f"Sorry, {variant.product.name} is out of stock.", code="out_of_stock", details={"available": 0}
        )
    if quantity > variant.stock_quantity:
        raise ApplicationError(
            f"Only {variant.stock_quantity} left.",
            code="insufficient_stock",
            details={"quantity": [f"Only {variant.stock_quantity} left."], "available": variant.stock_quantity},
        )


def _sellable_variant(variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("product").filter(pk=variant_id, is_active=True, product__is_active=True).first()
    )
    if variant is None:
        raise NotFoundError(
            "That product is no longer available.",
            code="variant_not_found",
            details={"variant": ["That product is no longer available."]},
        )
    return variant


def _line_get(cart: Cart, line_id: int) -> CartLine:
    line = cart.lines.select_related("variant__product").filter(pk=line_id).first()
    if line is None:
        raise NotFoundError("That item is not in your cart.", code="cart_line_not_found")
    return line


def _cart_event(*, origin: EventOrigin | None, cart: Cart, kind: str, variant: Variant, quantity: int) -> None:
    """Record a cart change for recommendations and demand once it commits; `origin` None means the cart's owner."""
    if origin is None:
        origin = EventOrigin(user=cart.user, session_key=cart.session_key or "")
    transaction.on_commit(
        partial(
            interaction_record,
            kind=kind,
            user=origin.user,
            session_key=origin.session_key,
            source=origin.source,
            variant=variant,
            quantity=quantity,
            price=variant.price,
        )
    )


@transaction.atomic
def cart_line_add(*, cart: Cart, variant_id: int, quantity: int, origin: EventOrigin | None = None) -> CartLine:
    """Add `quantity` of a variant (on top of a line already holding it, which moves back into the
    cart if it was saved for later). The line remembers the price shown now. An add-to-cart event
    is recorded after commit, as done by `origin` (the page's or API's request; default: the cart's owner).

    Raises ApplicationError when the line would exceed the stock or 99; the cart is then unchanged.
    """
    _quantity_check(quantity)
    _cart_lock(cart)
    variant = _sellable_variant(variant_id)
    line = cart.lines.filter(variant=variant).first()
    if line is None and cart.lines.count() >= MAX_LINES:
        raise ApplicationError(f"A cart holds at most {MAX_LINES} different items.", code="cart_full")
    total = quantity + (line.quantity if line else 0)
    if total > MAX_LINE_QUANTITY:
        message = f"You can buy at most {MAX_LINE_QUANTITY} of an item."
        raise ApplicationError(message, code="quantity_too_large", details={"quantity": [message]})
    _stock_check(variant, total)
    if line is None:
        line = CartLine(cart=cart, variant=variant)
    line.variant, line.quantity, line.saved_for_later, line.price_when_added = variant, total, False, variant.price
    line.save()
    _cart_count_forget(cart)
    _cart_event(origin=origin, cart=cart, kind=Interaction.Kind.ADD_TO_CART, variant=variant, quantity=quantity)
    return line


@transaction.atomic
def cart_line_update(
    *, cart: Cart, line_id: int, quantity: int, origin: EventOrigin | None = None
) -> tuple[CartLine, int]:
    """Set a line's quantity (1 to 99; remove a line with `cart_line_remove`). Lines in the cart are
    checked against the stock; saved ones are not until they move back. Returns the line and the
    quantity it had before; a change in the cart is recorded as an add or removal of the difference.
    Raises NotFoundError for a line of another cart."""
    _quantity_check(quantity)
    _cart_lock(cart)
    line = _line_get(cart, line_id)
    if not line.is_available:
        raise ApplicationError(
            f"{line.variant.product.name} is no longer available; please remove it.", code="unavailable"
        )
    if not line.saved_for_later:
        _stock_check(line.variant, quantity)
    previous = line.quantity
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    _cart_count_forget(cart)
    if quantity != previous and not line.saved_for_later:
        kind = Interaction.Kind.ADD_TO_CART if quantity > previous else Interaction.Kind.REMOVE_FROM_CART
        _cart_event(origin=origin, cart=cart, kind=kind, variant=line.variant, quantity=abs(quantity - previous))
    return line, previous


@transaction.atomic
def cart_line_remove(*, cart: Cart, line_id: int, origin: EventOrigin | None = None) -> CartLine:
    """Delete a line; returns it (unsaved, with its variant) for the caller's message. A line that was
    in the cart (not saved for later) is recorded as a removal of its quantity."""
    _cart_lock(cart)
    line = _line_get(cart, line_id)
    CartLine.objects.filter(pk=line.pk).delete()
    _cart_count_forget(cart)
    if not line.saved_for_later:
        _cart_event(
            origin=origin,
            cart=cart,
            kind=Interaction.Kind.REMOVE_FROM_CART,
            variant=line.variant,
            quantity=line.quantity,
        )
    return line


@transaction.atomic
def cart_line_save_for_later(*, cart: Cart, line_id: int, saved: bool) -> CartLine:
    """Move a line to the saved-for-later list (`saved=True`) or back into the cart.

    Moving back takes the current price as seen and lowers the quantity to the stock left (check the
    returned line's quantity); an out-of-stock or withdrawn item cannot move back.
    """
    _cart_lock(cart)
    line = _line_get(cart, line_id)
    if not saved:
        if not line.is_available:
            raise ApplicationError(f"{line.variant.product.name} is no longer available.", code="unavailable")
        _stock_check(line.variant, 1)
        line.quantity = min(line.quantity, line.variant.stock_quantity)
        line.price_when_added = line.variant.price
    line.saved_for_later = saved
    line.save(update_fields=["saved_for_later", "quantity", "price_when_added"])
    _cart_count_forget(cart)
    return line


@transaction.atomic
def cart_merge(*, session_key: str, user) -> None:
    """Merge the guest cart of `session_key` into the customer's cart, then delete the guest cart.

    Call right after a successful login with the session key from BEFORE `login()` (which rotates
    the key). A variant in both carts gets the sum of both quantities, capped by the stock and 99
    but never below what the customer already had; a line is in the cart (not saved) if either was.
    """
    guest = Cart.objects.select_for_update().filter(session_key=session_key, user__isnull=True).first()
    if guest is None or user is None or not user.is_authenticated:
        return
    customer = Cart.objects.get_or_create(user=user)[0]
    _cart_lock(customer)
    existing = {line.variant_id: line for line in customer.lines.select_related("variant")}
    for line in guest.lines.select_related("variant"):
        mine = existing.get(line.variant_id)
        if mine is None:
            line.quantity = max(1, min(line.quantity, line.variant.stock_quantity))
            CartLine.objects.filter(pk=line.pk).update(cart=customer, quantity=line.quantity)
            continue
        summed = min(mine.quantity + line.quantity, MAX_LINE_QUANTITY, line.variant.stock_quantity)
        mine.quantity = max(mine.quantity, summed)
        mine.saved_for_later = mine.saved_for_later and line.saved_for_later
        if line.added_at > mine.added_at:
            mine.price_when_added = line.price_when_added
        mine.save(update_fields=["quantity", "saved_for_later", "price_when_added"])
    guest.delete()
    _cart_count_forget(guest)
    _cart_count_forget(customer)


def cart_delete(*, user) -> int:
    """Delete the customer's cart and its lines (their account is being closed); returns rows deleted."""
    deleted, _by_model = Cart.objects.filter(user=user).delete()
    _cart_count_forget(Cart(user=user))
    return deleted


# --- Placing an order ------------------------------------------------------------------------------


class _PricesChanged(Exception):
    """Raised inside the order transaction to roll it back; handled right outside it."""

    def __init__(self, changes: list[tuple[CartLine, Decimal]]):
        super().__init__("prices changed")
        self.changes = changes


class _PaymentFailed(Exception):
    """A gateway failure with the amount tried, raised inside the order transaction to roll it back."""

    def __init__(self, error: PaymentError, amount: Decimal):
        super().__init__(error.message)
        self.error, self.amount = error, amount


def order_place(
    *,
    cart: Cart,
    email: str,
    shipping_address: dict,
    billing_address: dict,
    shipping_method: ShippingMethod,
    payment_details: dict,
    user=None,
    idempotency_key: str | None = None,
    source: str = Interaction.Source.WEB,
    client: ClientSignals | None = None,
) -> Order:
    """Buy the cart's lines (not those saved for later): one transaction from stock to payment.

    The order screen (`checkout.extensions`, given `client`: the device and IP of the request)
    decides after the authorisation: the returned order is paid (approved), on hold (the payment
    authorised, not captured, while staff check it) or cancelled (declined: authorisation released,
    stock returned, `DECLINED_NOTE` in its history). A retried idempotency key returns that same
    order, whatever the decision was, and charges nothing.

    `payment_details` has `card_number`, `card_expiry` (MM/YY) and `card_cvc`. `idempotency_key`
    (scoped by the caller, e.g. "form:<token>" or "api:<scope>:<key>") makes retries safe: a key that
    already placed an order returns that order (`order.replayed` is True; False for a new one) and
    charges nothing, or raises IdempotencyKeyReusedError (422) if this request differs from it.

    Raises ApplicationError with a code for anything that stops the purchase, and then nothing has
    changed: `card_invalid`, `invalid_email`, `address_invalid`, `shipping_method_invalid`,
    `cart_empty`, `unavailable`, `sold_out`, `insufficient_stock`, `price_changed` (the lines' seen
    prices are updated first, so submitting again confirms the new prices), `payment_declined`, or
    `payment_network_error` (PaymentUnavailableError, 503). The confirmation email is sent after commit.
    """
    card = CardDetails.parse(
        number=payment_details.get("card_number", ""),
        expiry=payment_details.get("card_expiry", ""),
        cvc=payment_details.get("card_cvc", ""),
        today=timezone.localdate(),
    )
    email = _email_check(email)
    for name, address in (("shipping_address", shipping_address), ("billing_address", billing_address)):
        if not isinstance(address, dict) or not address:
            message = "Enter the address."
            raise ApplicationError(message, code="address_invalid", details={name: [message]})
    request = {
        "email": email,
        "shipping_address": shipping_address,
        "billing_address": billing_address,
        "shipping_method": shipping_method,
        "card": card,
    }
    client = client or ClientSignals()
    try:
        with transaction.atomic():
            if idempotency_key:
                # Concurrent retries of one key queue here; the later ones then find the order.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [idempotency_key])
                existing = Order.objects.filter(idempotency_key=idempotency_key).first()
                if existing is not None:
                    return _order_replay(existing, cart=cart, **request)
            order = _order_write(
                cart=cart, user=user, idempotency_key=idempotency_key, source=source, client=client, **request
            )
    except _PricesChanged as exc:
        _prices_acknowledge(exc.changes)
    except _PaymentFailed as exc:
        failed = payment_failure_record(card=card, amount=exc.amount, currency=settings.SHOP_CURRENCY, error=exc.error)
        extensions.payment_failure_notify(FailedAttempt(payment=failed, user=user, email=email, client=client))
        error_class = PaymentUnavailableError if isinstance(exc.error, PaymentNetworkError) else ApplicationError
        raise error_class(exc.error.message, code=exc.error.code) from exc.error
    except IntegrityError:
        # The advisory lock makes this unreachable for well-behaved callers; the unique key still wins.
        existing = Order.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None
        if existing is None:
            raise
        return _order_replay(existing, cart=cart, **request)
    else:
        order.replayed = False
        return order


def _email_check(email: str) -> str:
    email = email.strip() if isinstance(email, str) else ""
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        message = "Enter a valid email address."
        raise ApplicationError(message, code="invalid_email", details={"email": [message]}) from None
    return email


def _prices_acknowledge(changes: list[tuple[CartLine, Decimal]]) -> None:
    """Record the new prices as seen, then refuse this attempt so the shopper can look and confirm."""
    for line, price in changes:
        CartLine.objects.filter(pk=line.pk).update(price_when_added=price)
    symbol = settings.SHOP_CURRENCY_SYMBOL
    names = ", ".join(
        f"{line.variant.product.name} (was {symbol}{line.price_when_added}, now {symbol}{price})"
        for line, price in changes
    )
    raise ApplicationError(
        f"The price of some items changed since you added them: {names}. Please review your order and place it again.",
        code="price_changed",
        details={
            "lines": [
                {"line": line.pk, "old_price": str(line.price_when_added), "new_price": str(price)}
                for line, price in changes
            ]
        },
    )


def _order_replay(order: Order, *, cart: Cart, email, shipping_address, billing_address, shipping_method, card):
    """The order a retried request already placed, if the retry asks for the same order."""
    payment = order.payments.exclude(status=Payment.Status.FAILED).first()
    ordered = sorted((line.variant_id, line.quantity) for line in order.lines.all())
    in_cart = sorted(cart.lines.filter(saved_for_later=False).values_list("variant_id", "quantity"))
    same = (
        email.lower() == order.email.lower()
        and shipping_address == order.shipping_address
        and billing_address == order.billing_address
        and shipping_method.name == order.shipping_method
        and payment is not None
        and (payment.card_brand, payment.card_last4) == (card.brand, card.last4)
        and in_cart in ([], ordered)
    )
    if not same:
        raise IdempotencyKeyReusedError(
            "This idempotency key was already used for a different order; use a new key for a new order.",
            code="idempotency_key_reused",
            details={"order": order.number},
        )
    order.replayed = True
    return order


def _order_write(
    *, cart, email, shipping_address, billing_address, shipping_method, card, user, idempotency_key, source, client
) -> Order:
    _cart_lock(cart)
    lines = list(cart.lines.filter(saved_for_later=False).select_related("variant__product").order_by("variant_id"))
    if not lines:
        raise ApplicationError("Your cart is empty.", code="cart_empty")
    try:  # a refusal rolls the transaction back, so a price or shipping refusal below undoes the take
        variants = stock_take(quantities={line.variant_id: line.quantity for line in lines})
    except ApplicationError as exc:  # the same refusal, naming the cart line instead of the variant
        details = dict(exc.details)
        variant_id = details.pop("variant", None)
        line_id = next((line.pk for line in lines if line.variant_id == variant_id), None)
        raise ApplicationError(exc.message, code=exc.code, details={"line": line_id, **details}) from exc
    changes = [(line, variants[line.variant_id].price) for line in lines]
    changes = [(line, price) for line, price in changes if price != line.price_when_added]
    if changes:
        raise _PricesChanged(changes)
    method = ShippingMethod.objects.filter(pk=shipping_method.pk, is_active=True).first()
    if method is None:
        message = "This shipping method is no longer offered; please choose another."
        raise ApplicationError(message, code="shipping_method_invalid", details={"shipping_method": [message]})
    line_totals = [variants[line.variant_id].price * line.quantity for line in lines]
    totals = selectors.checkout_totals(line_totals=line_totals, method=method, tax=selectors.tax_configuration_get())

    order = order_create(
        user=user,
        email=email,
        lines=[(variants[line.variant_id], line.quantity) for line in lines],
        subtotal=totals.subtotal,
        shipping=totals.shipping,
        tax=totals.tax,
        total=totals.total,
        tax_rate=totals.tax_rate,
        prices_include_tax=totals.prices_include_tax,
        shipping_method=method.name,
        shipping_address=shipping_address,
        billing_address=billing_address,
        idempotency_key=idempotency_key,
    )
    try:
        payment = payment_authorize(order=order, card=card, amount=order.total, currency=order.currency)
    except PaymentError as exc:
        raise _PaymentFailed(exc, order.total) from exc
    screened = extensions.order_screen(ScreenRequest(order=order, payment=payment, client=client, source=source))
    CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
    _cart_count_forget(cart)
    if screened.decision == Decision.REVIEW:
        return order_hold(order=order, note=screened.reason or "Held for a check")
    if screened.decision == Decision.DECLINE:
        return order_cancel(order=order, reason=DECLINED_NOTE)
    _order_capture(order=order, payment=payment)
    order = order_status_change(
        order=order, to_status=Order.Status.PAID, changed_by=order.user, note="Payment captured"
    )
    purchases = [(variants[line.variant_id], line.quantity) for line in lines]
    session_key = cart.session_key or ""
    transaction.on_commit(
        lambda: _purchases_record(order=order, purchases=purchases, session_key=session_key, source=source), robust=True
    )
    order_email_queue(order=order, kind=OrderEmail.Kind.CONFIRMATION)
    return order


def _order_capture(*, order: Order, payment: Payment) -> None:
    """Capture the authorised total; release the authorisation if the capture fails."""
    try:
        payment_capture(payment=payment)
    except PaymentError as exc:
        try:
            payment_void(payment=payment)
        except PaymentError:
            logger.exception("Could not void authorisation %s of order %s", payment.reference, order.number)
        raise _PaymentFailed(exc, order.total) from exc


def _purchases_record(*, order: Order, purchases: list[tuple[Variant, int]], session_key: str, source: str) -> None:
    for variant, quantity in purchases:
        interaction_record(
            kind=Interaction.Kind.PURCHASE,
            user=order.user_id,
            session_key=session_key,
            variant=variant,
            quantity=quantity,
            price=variant.price,
            source=source,
        )
