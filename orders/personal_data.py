"""Personal data of orders for privacy.registry.

An order is an accounting record and stays for years, but not the person: when the account closes
its e-mail becomes the closed account's placeholder and its addresses keep only the country (what
tax records need: the place of supply). Amounts, lines, tax and status history are untouched.
"""

from orders.models import Order
from orders.selectors import orders_for_user

FIELDS = [
    ("orders.Order", "email", "contact", "orders"),
    ("orders.Order", "shipping_address", "address", "orders"),
    ("orders.Order", "billing_address", "address", "orders"),
]

KEPT_ADDRESS_KEYS = ("country", "country_name")


def export(*, user) -> dict:
    return {
        "orders": [
            {
                "number": order.number,
                "status": order.status,
                "created_at": order.created_at,
                "email": order.email,
                "currency": order.currency,
                "total": order.total,
                "shipping_address": order.shipping_address,
                "billing_address": order.billing_address,
                "lines": [
                    {
                        "product": line.product_name,
                        "variant": line.variant_name,
                        "sku": line.sku,
                        "quantity": line.quantity,
                    }
                    for line in order.lines.all()
                ],
            }
            for order in orders_for_user(user=user)
        ]
    }


def erase(*, user, pseudonym) -> dict[str, int]:
    orders = list(Order.objects.filter(user=user))
    for order in orders:
        order.email = f"deleted-{user.pk}@invalid"
        for name in ("shipping_address", "billing_address"):
            setattr(
                order, name, {key: value for key, value in getattr(order, name).items() if key in KEPT_ADDRESS_KEYS}
            )
    return {"orders_anonymised": Order.objects.bulk_update(orders, ["email", "shipping_address", "billing_address"])}
