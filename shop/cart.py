"""The shopping cart, kept in the visitor's session until the buying flow moves it to the database.

The session holds only `{variant id: quantity}`; prices, names and stock are read fresh from the
catalog whenever the cart is shown, so a price change is never hidden by a stale copy. Stock is
checked when a line is added or changed; it is not reserved (placing an order does that).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import OuterRef, Subquery

from core.errors import ApplicationError, NotFoundError
from shop.models import ProductImage, Variant

SESSION_KEY = "cart"
MAX_LINE_QUANTITY = 99
MAX_LINES = 50


@dataclass
class CartLine:
    variant: Variant
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price

    @property
    def line_total(self) -> Decimal:
        return self.variant.price * self.quantity

    @property
    def exceeds_stock(self) -> bool:
        """Stock fell below the quantity since the line was added."""
        return self.quantity > self.variant.stock_quantity


def _items(session: SessionBase) -> dict[str, int]:
    items = session.get(SESSION_KEY)
    return dict(items) if isinstance(items, dict) else {}


def _save(session: SessionBase, items: dict[str, int]) -> None:
    session[SESSION_KEY] = items
    session.modified = True


def _sellable_variant(variant_id: int) -> Variant:
    variant = (
        Variant.objects.select_related("product").filter(pk=variant_id, is_active=True, product__is_active=True).first()
    )
    if variant is None:
        raise NotFoundError("That product is no longer available.", code="variant_not_found")
    return variant


def _check_stock(variant: Variant, quantity: int) -> None:
    if quantity > MAX_LINE_QUANTITY:
        raise ApplicationError(
            f"You can buy at most {MAX_LINE_QUANTITY} of an item.",
            code="quantity_too_large",
            details={"max": MAX_LINE_QUANTITY},
        )
    if variant.stock_quantity <= 0:
        raise ApplicationError("Sorry, this item is out of stock.", code="out_of_stock", details={"available": 0})
    if quantity > variant.stock_quantity:
        raise ApplicationError(
            f"Only {variant.stock_quantity} left.",
            code="insufficient_stock",
            details={"available": variant.stock_quantity},
        )


def cart_add(*, session: SessionBase, variant_id: int, quantity: int) -> Variant:
    """Add `quantity` of a variant to the cart (on top of what is already there) and return it.

    Raises ApplicationError when the total would exceed the stock; the cart is then unchanged.
    """
    if quantity < 1:
        raise ApplicationError("Quantity must be at least 1.", code="invalid_quantity")
    variant = _sellable_variant(variant_id)
    items = _items(session)
    key = str(variant.pk)
    if key not in items and len(items) >= MAX_LINES:
        raise ApplicationError(f"A cart holds at most {MAX_LINES} different items.", code="cart_full")
    total = items.get(key, 0) + quantity
    _check_stock(variant, total)
    items[key] = total
    _save(session, items)
    return variant


def cart_update(*, session: SessionBase, variant_id: int, quantity: int) -> tuple[Variant | None, int]:
    """Set a line's quantity; 0 removes it. Returns the variant (None if it left the catalog) and
    the quantity the line had before.

    Raises ApplicationError for a line that is not in the cart or a quantity above the stock.
    """
    if quantity < 0:
        raise ApplicationError("Quantity must not be negative.", code="invalid_quantity")
    items = _items(session)
    key = str(variant_id)
    if key not in items:
        raise NotFoundError("That item is not in your cart.", code="cart_line_not_found")
    previous = items[key]
    if quantity == 0:
        del items[key]
        _save(session, items)
        variant = Variant.objects.select_related("product").filter(pk=variant_id, product__is_active=True).first()
        return variant, previous
    variant = _sellable_variant(variant_id)
    _check_stock(variant, quantity)
    items[key] = quantity
    _save(session, items)
    return variant, previous


def cart_lines(*, session: SessionBase) -> list[CartLine]:
    """The cart's lines in the order they were added, with current prices (one query).

    Variants that left the catalog since they were added are skipped.
    """
    items = _items(session)
    if not items:
        return []
    first_thumbnail = ProductImage.objects.filter(product=OuterRef("product_id")).order_by("position", "id")
    variants = (
        Variant.objects.filter(pk__in=[int(k) for k in items], is_active=True, product__is_active=True)
        .select_related("product", "product__brand")
        .annotate(card_image=Subquery(first_thumbnail.values("thumbnail_small")[:1]))
    )
    by_key = {str(v.pk): v for v in variants}
    return [CartLine(variant=by_key[key], quantity=quantity) for key, quantity in items.items() if key in by_key]


def cart_count(*, session: SessionBase) -> int:
    """Number of items in the cart (sum of quantities), read from the session without a query."""
    return sum(_items(session).values())
