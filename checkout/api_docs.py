"""OpenAPI documentation of the checkout API: summaries, descriptions, parameters, responses and
examples, as decorators that `checkout.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from checkout.serializers import (
    CartLineCreateSerializer,
    CartLineUpdateSerializer,
    CartSerializer,
    CheckoutSerializer,
    ShippingMethodSerializer,
)
from core.api import THROTTLED_RESPONSE, error_example, error_response
from orders.api_docs import ADDRESS_EXAMPLE, ORDER_EXAMPLE
from orders.serializers import OrderSerializer

_INVALID = "The request has invalid fields."


# Registered with drf-spectacular when this module is imported (by the API module); `target_class` is
# a dotted path, so this module needs no import of the views.
class GuestCsrfScheme(OpenApiAuthenticationExtension):
    """No scheme of its own in the OpenAPI schema: a guest's session is the `cookieAuth` cookie already
    listed, and the CSRF rule is in the endpoint descriptions."""

    target_class = "checkout.api.GuestCsrfAuthentication"
    name = []

    def get_security_definition(self, auto_schema):
        return []

    def get_security_requirement(self, auto_schema):
        return None


_LINE = {
    "id": 31,
    "variant": 77,
    "sku": "TR2-42",
    "product_name": "Trail Runner 2",
    "variant_name": "EU 42",
    "product_url": "https://shop.example/p/trail-runner-2/",
    "thumbnail": "https://shop.example/media/products/thumbs/42-0-320.jpg",
    "quantity": 2,
    "unit_price": "89.90",
    "line_total": "179.80",
    "price_when_added": "89.90",
    "price_changed": False,
    "available": True,
    "stock_quantity": 14,
    "exceeds_stock": False,
    "saved_for_later": False,
}
_CART = {
    "lines": [_LINE],
    "saved": [],
    "item_count": 2,
    "subtotal": "179.80",
    "currency": "EUR",
    "needs_attention": False,
}
CART_EXAMPLE = OpenApiExample("Cart", response_only=True, value=_CART)

LINE_NOT_FOUND = error_response(
    "No line with that id in the shopper's cart (another shopper's line is a 404 too).",
    error_example("Unknown line", code="cart_line_not_found", message="That item is not in your cart."),
)
CSRF_FAILED = error_response(
    "A session (cookie) request without the CSRF token: send the `csrftoken` cookie's value as `X-CSRFToken`.",
    error_example("CSRF", code="permission_denied", message="CSRF Failed: CSRF token missing."),
)
STOCK_EXAMPLES = [
    error_example(
        "Not enough stock",
        code="insufficient_stock",
        message="Only 3 left.",
        details={"quantity": ["Only 3 left."], "available": 3},
    ),
    error_example(
        "Out of stock",
        code="out_of_stock",
        message="Sorry, Trail Runner 2 is out of stock.",
        details={"available": 0},
    ),
]
LINE_ID = OpenApiParameter("line_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The cart line's `id`.")

# --- CartView ---------------------------------------------------------------------------------------

cart_get = extend_schema(
    summary="Get the cart",
    description=(
        "The shopper's cart with current prices: lines to buy (with price-changed, stock and availability "
        "flags) and lines saved for later. A visitor without a cart gets an empty one. Also sets the "
        "`csrftoken` cookie that a guest's writes need."
    ),
    responses={200: CartSerializer, 429: THROTTLED_RESPONSE},
    examples=[CART_EXAMPLE],
)

# --- CartLineListView -------------------------------------------------------------------------------

cart_line_list_post = extend_schema(
    summary="Add to the cart",
    description=(
        "Adds `quantity` of a variant, named by its id (`variant`: a product's `variants[].id` or a card's "
        "`default_variant`) or by its `sku`; a variant already in the cart gets the sum (a saved line moves back "
        "into the cart). The line remembers the price shown now. At most 99 of an item and never more than "
        "the stock. Returns the whole cart."
    ),
    request=CartLineCreateSerializer,
    responses={
        201: CartSerializer,
        400: error_response(
            "Invalid fields, or not enough stock.",
            error_example(
                "Bad quantity",
                code="invalid",
                message=_INVALID,
                details={"quantity": ["Ensure this value is less than or equal to 99."]},
            ),
            *STOCK_EXAMPLES,
        ),
        403: CSRF_FAILED,
        404: error_response(
            "No variant with that id or SKU is on sale.",
            error_example(
                "Unknown variant",
                code="variant_not_found",
                message="That product is no longer available.",
                details={"variant": ["That product is no longer available."]},
            ),
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Add two", request_only=True, value={"variant": 77, "quantity": 2}), CART_EXAMPLE],
)

# --- CartLineDetailView -----------------------------------------------------------------------------

cart_line_detail_patch = extend_schema(
    summary="Change a cart line",
    description=(
        "Sets the quantity (1 to 99, within the stock for lines in the cart) and/or moves the line to the "
        "saved-for-later list (`saved_for_later: true`) or back (`false`; the quantity is lowered to the "
        "stock left and the current price is taken as seen). Returns the whole cart."
    ),
    parameters=[LINE_ID],
    request=CartLineUpdateSerializer,
    responses={
        200: CartSerializer,
        400: error_response(
            "Invalid fields, not enough stock, or the item left the catalog.",
            error_example(
                "Bad quantity",
                code="invalid",
                message=_INVALID,
                details={"quantity": ["Ensure this value is greater than or equal to 1."]},
            ),
            *STOCK_EXAMPLES,
        ),
        403: CSRF_FAILED,
        404: LINE_NOT_FOUND,
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample("Three", request_only=True, value={"quantity": 3}),
        OpenApiExample("Save for later", request_only=True, value={"saved_for_later": True}),
        CART_EXAMPLE,
    ],
)

cart_line_detail_delete = extend_schema(
    summary="Remove a cart line",
    description="Deletes the line (from the cart or the saved list). Returns the whole cart.",
    parameters=[LINE_ID],
    request=None,
    responses={200: CartSerializer, 403: CSRF_FAILED, 404: LINE_NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[CART_EXAMPLE],
)

# --- ShippingMethodListView -------------------------------------------------------------------------

shipping_method_list_get = extend_schema(
    summary="List shipping methods",
    description="The delivery options on offer, with what each costs for the shopper's cart as it is now.",
    responses={200: ShippingMethodSerializer(many=True), 429: THROTTLED_RESPONSE},
    examples=[
        OpenApiExample(
            "Methods",
            response_only=True,
            value=[
                {
                    "code": "standard",
                    "name": "Standard delivery",
                    "price": "4.95",
                    "free_over": "50.00",
                    "price_for_cart": "0.00",
                    "delivery_estimate": "3-5 working days",
                },
                {
                    "code": "express",
                    "name": "Express",
                    "price": "9.95",
                    "free_over": None,
                    "price_for_cart": "9.95",
                    "delivery_estimate": "1-2 working days",
                },
            ],
        )
    ],
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "A unique key per order attempt (e.g. a UUID), 1 to 100 visible ASCII characters. Retrying with the "
        "same key returns the order it placed (200, same body) and never charges twice; reusing it for a "
        "different order is a 422. Keys are scoped to the customer or guest session. Strongly recommended."
    ),
)

DEVICE_ID = OpenApiParameter(
    "X-Device-Id",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "A stable random id of the app installation (at most 64 characters), for the fraud check: it is "
        "kept only as a keyed hash. Optional."
    ),
)

# --- CheckoutView -----------------------------------------------------------------------------------

checkout_post = extend_schema(
    summary="Place the order (checkout)",
    description=(
        "Buys the lines of the cart (not those saved for later) in one transaction: checks availability, "
        "stock and prices, takes the stock, authorises the card, runs the fraud check and returns the order: "
        '`status` "paid" (captured), "on_hold" (authorised, not charged, while staff check it; `status_note` '
        'says what happens next) or "cancelled" (the check declined it: authorisation released, stock '
        "returned, `status_note` says so). Nothing changes when it fails. A price that changed since it was "
        "added is refused once with "
        "`price_changed` (the cart then shows the new price as seen; send the request again to accept it). "
        "Test cards: 4242 4242 4242 4242 approves, 4000 0000 0000 0002 is declined, 4000 0000 0000 0119 "
        "fails as a network error (503, retry with the same `Idempotency-Key`)."
    ),
    parameters=[IDEMPOTENCY_KEY, DEVICE_ID],
    request=CheckoutSerializer,
    responses={
        201: OrderSerializer,
        200: OrderSerializer,
        400: error_response(
            "Invalid fields (including card checks), or the cart cannot be bought as it is.",
            error_example(
                "Bad card",
                code="card_invalid",
                message="Please check your card details.",
                details={"card_number": ["Enter a valid card number."]},
            ),
            error_example(
                "Missing fields",
                code="invalid",
                message=_INVALID,
                details={"email": ["This field is required."], "shipping_method": ["This field is required."]},
            ),
            error_example("Empty cart", code="cart_empty", message="Your cart is empty."),
            error_example(
                "Sold out", code="sold_out", message="Sorry, Trail Runner 2 just sold out.", details={"line": 31}
            ),
            error_example(
                "Price changed",
                code="price_changed",
                message=(
                    "The price of some items changed since you added them: Trail Runner 2 (was €89.90, now "
                    "€94.90). Please review your order and place it again."
                ),
                details={"lines": [{"line": 31, "old_price": "89.90", "new_price": "94.90"}]},
            ),
            error_example("Declined", code="payment_declined", message="Your card was declined."),
        ),
        403: CSRF_FAILED,
        404: error_response(
            "A saved address id that is not the customer's.",
            error_example("Unknown address", code="address_not_found", message="No such address."),
        ),
        422: error_response(
            "The `Idempotency-Key` already placed a different order.",
            error_example(
                "Key reused",
                code="idempotency_key_reused",
                message="This idempotency key was already used for a different order; use a new key for a new order.",
                details={"order": "SF-2026-000123"},
            ),
        ),
        429: THROTTLED_RESPONSE,
        503: error_response(
            "The payment provider could not be reached; nobody was charged. Retry with the same key.",
            error_example(
                "Network error",
                code="payment_network_error",
                message="We could not reach the payment provider; you were not charged.",
            ),
        ),
    },
    examples=[
        OpenApiExample(
            "Guest checkout",
            request_only=True,
            value={
                "email": "ana@example.com",
                "shipping_address": ADDRESS_EXAMPLE,
                "shipping_method": "standard",
                "payment": {"card_number": "4242 4242 4242 4242", "card_expiry": "12/30", "card_cvc": "123"},
            },
        ),
        OpenApiExample(
            "Customer with a saved address",
            request_only=True,
            value={
                "shipping_address_id": 5,
                "shipping_method": "express",
                "payment": {"card_number": "4242424242424242", "card_expiry": "12/2030", "card_cvc": "123"},
            },
        ),
        OpenApiExample("Order", response_only=True, value=ORDER_EXAMPLE),
    ],
)
