"""Template context every storefront page needs (shop name, currency, top categories, cart size)."""

from django.conf import settings

from checkout.selectors import cart_count
from shop import selectors


def _cart_count(request) -> int:
    """Items in the visitor's cart: one query, none for a visitor without a session cookie."""
    session = getattr(request, "session", None)
    session_key = session.session_key if session is not None else None
    if not session_key:
        return 0
    return cart_count(user=getattr(request, "user", None), session_key=session_key)


def storefront(request):
    return {
        "shop_name": settings.SHOP_NAME,
        "currency_symbol": settings.SHOP_CURRENCY_SYMBOL,
        "media_url": settings.MEDIA_URL,
        "nav_categories": selectors.category_navigation,
        "cart_count": _cart_count(request),
    }
