"""Read side of the cart and checkout: carts with current prices, the cart indicator, shipping
methods, the tax setting, checkout totals and the confirmation page's order.

Money follows `TaxConfiguration.prices_include_tax`: catalog prices, line totals, the subtotal and
shipping are all in the same convention (all including tax, or all excluding it), so a page never
mixes them. Tax is computed per line (shipping counts as a line) with `ROUND_HALF_UP` to the cent.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery, Sum

from checkout.models import Cart, CartLine, ShippingMethod, TaxConfiguration
from core.errors import ApplicationError, NotFoundError
from orders.models import Order
from shop.models import ProductImage

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cart_get(*, user=None, session_key: str | None = None) -> Cart | None:
    """The customer's cart when `user` is signed in, else the guest cart of `session_key`."""
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    if session_key:
        return Cart.objects.filter(session_key=session_key, user__isnull=True).first()
    return None


def cart_count(*, user=None, session_key: str | None = None) -> int:
    """Items in the cart (quantities of available lines not saved for later) for the header: one
    query, or none for a visitor without a session."""
    if user is not None and user.is_authenticated:
        owner = {"cart__user": user}
    elif session_key:
        owner = {"cart__session_key": session_key, "cart__user__isnull": True}
    else:
        return 0
    lines = CartLine.objects.filter(
        **owner, saved_for_later=False, variant__is_active=True, variant__product__is_active=True
    )
    return lines.aggregate(count=Sum("quantity"))["count"] or 0


def cart_count_key(*, user_id: int | None = None, session_key: str | None = None) -> str:
    """The cache key of a cart's header count: the customer's, else the guest session's."""
    return f"cart-count:user:{user_id}" if user_id else f"cart-count:session:{session_key}"


def cart_count_cached(*, user=None, session_key: str | None = None) -> int:
    """`cart_count` kept in the cache for the header on every page: checkout's services forget it on
    each cart write (`services._cart_count_forget`); a catalog change (an item withdrawn) shows
    within `PAGE_CACHE_SECONDS`, as on the cached pages. The cache must be shared (Redis) when more
    than one process serves (docs/deployment.md), or another process shows the old count that long."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session_key:
        return 0
    key = cart_count_key(user_id=user.pk if signed_in else None, session_key=session_key)
    count = cache.get(key)
    if count is None:
        count = cart_count(user=user, session_key=session_key)
        cache.set(key, count, settings.PAGE_CACHE_SECONDS)
    return count


@dataclass
class CartDetail:
    """A cart as the cart page, checkout and API show it, with the catalog's current prices.

    `lines` are the lines to buy, including unavailable ones (their variant left the catalog) so the
    shopper sees and removes them; `saved` are the lines saved for later. Item count and subtotal
    cover the available lines to buy.
    """

    cart: Cart | None
    lines: list[CartLine] = field(default_factory=list)
    saved: list[CartLine] = field(default_factory=list)

    @property
    def buyable(self) -> list[CartLine]:
        return [line for line in self.lines if line.is_available]

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.buyable)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.buyable), ZERO)

    @property
    def needs_attention(self) -> bool:
        """Something must change before checkout can succeed (or the shopper should look again)."""
        return any(not line.is_available or line.exceeds_stock or line.price_changed for line in self.lines)


def cart_detail(*, cart: Cart | None) -> CartDetail:
    """The cart's lines with variant, product, brand and first thumbnail, in one query."""
    if cart is None:
        return CartDetail(cart=None)
    first_thumbnail = ProductImage.objects.filter(product=OuterRef("variant__product_id")).order_by("position", "id")
    lines = list(
        cart.lines.select_related("variant__product__brand").annotate(
            card_image=Subquery(first_thumbnail.values("thumbnail_small")[:1])
        )
    )
    return CartDetail(
        cart=cart,
        lines=[line for line in lines if not line.saved_for_later],
        saved=[line for line in lines if line.saved_for_later],
    )


# --- Shipping and tax --------------------------------------------------------------------------------


def shipping_method_list() -> list[ShippingMethod]:
    return list(ShippingMethod.objects.filter(is_active=True))


def shipping_method_get(*, code: str) -> ShippingMethod:
    method = ShippingMethod.objects.filter(code=code, is_active=True).first() if isinstance(code, str) else None
    if method is None:
        message = "Choose one of the shipping methods offered."
        raise ApplicationError(message, code="shipping_method_invalid", details={"shipping_method": [message]})
    return method


def shipping_price(*, method: ShippingMethod, subtotal: Decimal) -> Decimal:
    """The method's price, or nothing when the goods subtotal reaches its free-shipping threshold."""
    if method.free_over is not None and subtotal >= method.free_over:
        return ZERO
    return method.price


def tax_configuration_get() -> TaxConfiguration:
    """The store's tax setting (the single row created by migration; unsaved defaults if it is gone)."""
    return TaxConfiguration.objects.order_by("pk").first() or TaxConfiguration()


def tax_of(*, amount: Decimal, tax: TaxConfiguration) -> Decimal:
    """The tax in `amount`: extracted when prices include tax, added on top otherwise."""
    divisor = Decimal(100) + tax.rate if tax.prices_include_tax else Decimal(100)
    return (amount * tax.rate / divisor).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CheckoutTotals:
    subtotal: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    tax_rate: Decimal
    prices_include_tax: bool


def checkout_totals(*, line_totals: list[Decimal], method: ShippingMethod, tax: TaxConfiguration) -> CheckoutTotals:
    """Subtotal, shipping, tax and total of an order whose lines cost `line_totals`."""
    subtotal = sum(line_totals, ZERO)
    shipping = shipping_price(method=method, subtotal=subtotal)
    tax_total = sum((tax_of(amount=amount, tax=tax) for amount in [*line_totals, shipping]), ZERO)
    total = subtotal + shipping + (ZERO if tax.prices_include_tax else tax_total)
    return CheckoutTotals(
        subtotal=subtotal,
        shipping=shipping,
        tax=tax_total,
        total=total,
        tax_rate=tax.rate,
        prices_include_tax=tax.prices_include_tax,
    )


# --- Orders ------------------------------------------------------------------------------------------


def order_for_confirmation(*, number: str, user=None, placed_numbers: list[str] | None = None) -> Order:
    """An order for its confirmation page: only the customer who placed it, or the browser session
    that placed it as a guest (`placed_numbers`, kept in the session), may see it."""
    orders = Order.objects.prefetch_related("lines", "payments")
    order = orders.filter(number=number).first() if isinstance(number, str) else None
    allowed = order is not None and (
        (user is not None and user.is_authenticated and order.user_id == user.pk) or number in (placed_numbers or [])
    )
    if not allowed:
        raise NotFoundError("No such order.", code="order_not_found")
    return order
