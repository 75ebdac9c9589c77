"""checkout's answers to the accounts app's signals (connected in CheckoutConfig.ready)."""

from checkout.services import cart_merge


def guest_cart_merge(sender, *, user, guest_session_key: str, **kwargs) -> None:
    """A visitor signed in: the cart they filled as a guest becomes (part of) their cart."""
    cart_merge(session_key=guest_session_key, user=user)
