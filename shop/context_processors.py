"""Template context every storefront page needs (shop name, currency, top categories, cart size)."""

from django.conf import settings

from shop import selectors
from shop.cart import cart_count


def storefront(request):
    session = getattr(request, "session", None)
    return {
        "shop_name": settings.SHOP_NAME,
        "currency_symbol": settings.SHOP_CURRENCY_SYMBOL,
        "media_url": settings.MEDIA_URL,
        "nav_categories": selectors.category_navigation,
        "cart_count": cart_count(session=session) if session is not None else 0,
    }
