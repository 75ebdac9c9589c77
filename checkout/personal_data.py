"""Personal data of checkout for privacy.registry: carts (a guest's is keyed by their session)."""

from datetime import datetime, timedelta

from checkout.models import Cart, CartLine
from checkout.services import cart_delete

FIELDS = [("checkout.Cart", "session_key", "behaviour", "guest_cart")]


def export(*, user) -> dict:
    lines = CartLine.objects.filter(cart__user=user).values(
        "variant__sku", "variant__product__name", "quantity", "saved_for_later", "added_at"
    )
    return {"cart": list(lines)}


def erase(*, user, pseudonym) -> dict[str, int]:
    return {"carts": cart_delete(user=user)}


def retain(*, policy, now: datetime, pseudonym) -> dict[str, int]:
    """Guest carts untouched for `guest_cart_days` (their visitor is gone; nobody can reach them)."""
    abandoned = Cart.objects.filter(user__isnull=True, updated_at__lt=now - timedelta(days=policy.days("guest_cart")))
    return {"guest_carts_deleted": abandoned.delete()[1].get(Cart._meta.label, 0)}
