"""Template context every storefront page needs (shop name, currency, top categories)."""

from django.conf import settings

from shop import selectors


def storefront(request):
    return {
        "shop_name": settings.SHOP_NAME,
        "currency_symbol": settings.SHOP_CURRENCY_SYMBOL,
        "media_url": settings.MEDIA_URL,
        "nav_categories": selectors.category_navigation,
    }
