"""Template context every storefront page needs from checkout: the size of the visitor's cart."""

from checkout.selectors import cart_count_cached


def cart(request):
    """`cart_count`: items in the visitor's cart; from the cache (a query when it expired or the cart
    changed), none for a visitor without a session cookie."""
    session = getattr(request, "session", None)
    session_key = session.session_key if session is not None else None
    if not session_key:
        return {"cart_count": 0}
    return {"cart_count": cart_count_cached(user=getattr(request, "user", None), session_key=session_key)}
