"""Template tags for the recommendation blocks.

    {% recommendations_placeholder "for_you" %}       an empty block the storefront script fills from the API
    {% recommendations_block "cart" lines %}          a block rendered on the server (personal pages only)
    {% order_recommendations order as block %}        "You may also like" for an order (page and email)

Pages that the shared page cache stores (home, product; core.page_cache) use placeholders only, so nothing
personal is ever baked into cached HTML; the cart and the order confirmation are never cached.
"""

import logging
from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import reverse

from recommendations import inference

logger = logging.getLogger(__name__)
register = template.Library()

ENDPOINTS = {
    "for_you": ("recommendations-for-you", False),
    "trending": ("recommendations-trending", False),
    "similar": ("product-similar", True),
    "bought_together": ("product-bought-together", True),
    "cart": ("recommendations-cart", False),
}


@register.inclusion_tag("recommendations/_placeholder.html")
def recommendations_placeholder(block: str, product=None, *, limit: int = 0) -> dict:
    name, per_product = ENDPOINTS[block]
    url = reverse(name, kwargs={"pk": product.pk}) if per_product else reverse(name)
    return {
        "block": block,
        "title": inference.BLOCK_TITLES[block],
        "url": f"{url}?limit={limit or settings.RECOMMENDATIONS_BLOCK_LIMIT}",
        "product": product,
        "currency_symbol": settings.SHOP_CURRENCY_SYMBOL,
    }


@register.inclusion_tag("recommendations/_block.html", takes_context=True)
def recommendations_block(context, block: str, lines) -> dict:
    """Products bought with those of `lines` (cart or order lines), then similar ones, then the chain."""
    request = context["request"]
    session = getattr(request, "session", None)
    found = _safely(
        block,
        lambda: inference.bought_together(
            product_ids=_product_ids(lines),
            user=request.user,
            session_key=(session and session.session_key) or "",
            limit=settings.RECOMMENDATIONS_BLOCK_LIMIT,
            block=block,
        ),
    )
    return {"recs": found, "media_url": settings.MEDIA_URL, "currency_symbol": settings.SHOP_CURRENCY_SYMBOL}


@register.simple_tag
def order_recommendations(order, limit: int = 4) -> inference.RecommendationBlock:
    return _safely(
        "order",
        lambda: inference.bought_together(
            product_ids=_product_ids(order.lines.all()), user=order.user, limit=limit, block="order"
        ),
    )


def _safely(block: str, build: Callable[[], inference.RecommendationBlock]) -> inference.RecommendationBlock:
    """The block, or an empty one when building it fails: a page or an email never fails for a recommendation."""
    try:
        return build()
    except Exception:
        logger.exception("Could not build the %s recommendation block", block)
        return inference.RecommendationBlock(
            block=block, title=inference.BLOCK_TITLES[block], items=[], model_version_id=None
        )


def _product_ids(lines) -> list[int]:
    return list(dict.fromkeys(line.variant.product_id for line in lines if line.variant_id))
