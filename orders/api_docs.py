"""OpenAPI documentation of the orders API: summaries, descriptions, parameters, responses and
examples, as decorators that `orders.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from core.api import INVALID_PAGE_EXAMPLE, THROTTLED_RESPONSE, error_example, error_response
from orders.serializers import (
    OrderCancelSerializer,
    OrderListSerializer,
    OrderRefundSerializer,
    OrderSerializer,
    OrderShipSerializer,
    StaffOrderFilterSerializer,
    StaffOrderSerializer,
)

# Order numbers: the routes in `orders.api` match this pattern and ORDER_NUMBER documents it.
NUMBER_REGEX = r"[-A-Za-z0-9]+"


ORDER_NUMBER = OpenApiParameter(
    "number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{NUMBER_REGEX}$",
    description="The order number, e.g. `SF-2026-000123`.",
)

_NOT_SIGNED_IN = error_example(
    "Not signed in", code="not_authenticated", message="Authentication credentials were not provided."
)
NOT_SIGNED_IN = error_response("Not signed in (send a token or a session cookie).", _NOT_SIGNED_IN)
NOT_STAFF = error_response(
    "Not staff (changing orders also needs the 'change order' permission).",
    error_example("Not staff", code="permission_denied", message="You do not have permission to perform this action."),
)
ORDER_NOT_FOUND = error_response(
    "No order has that number (or it is another customer's).",
    error_example("Unknown order", code="order_not_found", message="No such order."),
)
ORDERS_NOT_FOUND = error_response(
    "The page is past the end.", error_example("Page past the end", code="not_found", message="Invalid page.")
)


def _conflict(description: str, message: str, status: str, to_status: str):
    return error_response(
        description,
        error_example(
            "Not allowed now",
            code="invalid_transition",
            message=message,
            details={"status": status, "to_status": to_status},
        ),
    )


_REFUND_FAILED = error_example(
    "Provider unreachable",
    code="network_error",
    message="The payment provider could not be reached. Please try again.",
)

_LINE = {
    "id": 81,
    "sku": "TR2-42",
    "product_name": "Trail Runner 2",
    "variant_name": "EU 42",
    "quantity": 2,
    "unit_price": "89.90",
    "line_total": "179.80",
    "refunded_quantity": 0,
}
# Examples for the schema; checkout/api.py shows the same order.
ADDRESS_EXAMPLE = {
    "full_name": "Ana Silva",
    "line1": "1 High Street",
    "line2": "",
    "city": "London",
    "region": "",
    "postal_code": "SW1A 1AA",
    "country": "GB",
    "phone": "",
}
ORDER_EXAMPLE = {
    "number": "SF-2026-000123",
    "status": "paid",
    "created_at": "2026-05-01T09:30:00+01:00",
    "email": "ana@example.com",
    "currency": "EUR",
    "subtotal": "179.80",
    "shipping": "0.00",
    "tax": "29.97",
    "tax_rate": "20.00",
    "prices_include_tax": True,
    "total": "179.80",
    "refunded_total": "0.00",
    "shipping_method": "Standard delivery",
    "shipping_address": {**ADDRESS_EXAMPLE, "country_name": "United Kingdom"},
    "billing_address": {**ADDRESS_EXAMPLE, "country_name": "United Kingdom"},
    "tracking_number": "",
    "lines": [_LINE],
    "status_history": [
        {"from_status": "", "to_status": "pending_payment", "created_at": "2026-05-01T09:30:00+01:00"},
        {"from_status": "pending_payment", "to_status": "paid", "created_at": "2026-05-01T09:30:01+01:00"},
    ],
    "can_cancel": True,
}
_STAFF_ORDER = {
    **ORDER_EXAMPLE,
    "user": "ana",
    "status": "shipped",
    "tracking_number": "1Z999AA10123456784",
    "can_cancel": False,
    "status_history": [
        {
            "from_status": "",
            "to_status": "pending_payment",
            "created_at": "2026-05-01T09:30:00+01:00",
            "changed_by": "ana",
            "note": "",
        },
        {
            "from_status": "pending_payment",
            "to_status": "paid",
            "created_at": "2026-05-01T09:30:01+01:00",
            "changed_by": "ana",
            "note": "Payment captured",
        },
        {
            "from_status": "paid",
            "to_status": "shipped",
            "created_at": "2026-05-02T15:00:00+01:00",
            "changed_by": "warehouse",
            "note": "Tracking number 1Z999AA10123456784",
        },
    ],
}
_LIST_ITEM = {
    "number": "SF-2026-000123",
    "status": "paid",
    "created_at": "2026-05-01T09:30:00+01:00",
    "currency": "EUR",
    "total": "179.80",
    "refunded_total": "0.00",
    "item_count": 2,
}

# --- OrderViewSet -----------------------------------------------------------------------------------

order_list = extend_schema(
    summary="List my orders",
    description="The signed-in customer's orders, newest first.",
    responses={
        200: OrderListSerializer(many=True),
        400: error_response("Invalid `page` or `page_size`.", INVALID_PAGE_EXAMPLE),
        401: NOT_SIGNED_IN,
        404: ORDERS_NOT_FOUND,
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Order", description="One order of the page.", response_only=True, value=_LIST_ITEM)],
)

order_retrieve = extend_schema(
    summary="Get one of my orders",
    description="With its lines, addresses, tracking number and status history.",
    parameters=[ORDER_NUMBER],
    responses={200: OrderSerializer, 401: NOT_SIGNED_IN, 404: ORDER_NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[OpenApiExample("Order", response_only=True, value=ORDER_EXAMPLE)],
)

order_cancel = extend_schema(
    summary="Cancel one of my orders",
    description=(
        "Allowed while the order has not shipped (`can_cancel`). The items return to stock, any payment "
        "is refunded to the card, and a cancellation email is sent. Answers with the cancelled order."
    ),
    parameters=[ORDER_NUMBER],
    request=OrderCancelSerializer,
    responses={
        200: OrderSerializer,
        400: error_response(
            "Invalid input, or the refund failed at the payment provider (nothing was changed).",
            error_example(
                "Reason too long",
                code="invalid",
                message="The request has invalid fields.",
                details={"reason": ["Ensure this field has no more than 300 characters."]},
            ),
            _REFUND_FAILED,
        ),
        401: NOT_SIGNED_IN,
        404: ORDER_NOT_FOUND,
        409: _conflict(
            "The order has shipped or is already closed.",
            "Order SF-2026-000123 is shipped and cannot be cancelled.",
            "shipped",
            "cancelled",
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample("Change of mind", request_only=True, value={"reason": "Ordered the wrong size."}),
        OpenApiExample(
            "Cancelled",
            response_only=True,
            value={**ORDER_EXAMPLE, "status": "cancelled", "refunded_total": "179.80", "can_cancel": False},
        ),
    ],
)

# --- StaffOrderViewSet ------------------------------------------------------------------------------

staff_order_list = extend_schema(
    summary="List all orders",
    description="Every order, newest first, narrowed by status, creation days and customer email.",
    parameters=[StaffOrderFilterSerializer],
    responses={
        200: OrderListSerializer(many=True),
        400: error_response(
            "Invalid filter or page parameters.",
            error_example(
                "Bad filters",
                code="invalid",
                message="The request has invalid fields.",
                details={
                    "status": ['"sent" is not a valid choice.'],
                    "created_from": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
                },
            ),
            INVALID_PAGE_EXAMPLE,
        ),
        403: NOT_STAFF,
        404: ORDERS_NOT_FOUND,
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Order", description="One order of the page.", response_only=True, value=_LIST_ITEM)],
)

staff_order_retrieve = extend_schema(
    summary="Get any order",
    description="With its lines, addresses, and the full status history: who changed it and their notes.",
    parameters=[ORDER_NUMBER],
    responses={200: StaffOrderSerializer, 403: NOT_STAFF, 404: ORDER_NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[OpenApiExample("Order", response_only=True, value=_STAFF_ORDER)],
)

staff_order_ship = extend_schema(
    summary="Ship an order",
    description="Marks a paid order shipped with the carrier's tracking number and emails it to the customer.",
    parameters=[ORDER_NUMBER],
    request=OrderShipSerializer,
    responses={
        200: StaffOrderSerializer,
        400: error_response(
            "Missing or over-long tracking number.",
            error_example(
                "Missing tracking number",
                code="invalid",
                message="The request has invalid fields.",
                details={"tracking_number": ["This field is required."]},
            ),
        ),
        403: NOT_STAFF,
        404: ORDER_NOT_FOUND,
        409: _conflict(
            "Only a paid order can ship.",
            "Order SF-2026-000123 is cancelled and cannot be shipped.",
            "cancelled",
            "shipped",
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample("Tracking number", request_only=True, value={"tracking_number": "1Z999AA10123456784"}),
        OpenApiExample("Shipped", response_only=True, value=_STAFF_ORDER),
    ],
)

staff_order_deliver = extend_schema(
    summary="Mark an order delivered",
    description="For a shipped order. The request has no body.",
    parameters=[ORDER_NUMBER],
    request=None,
    responses={
        200: StaffOrderSerializer,
        403: NOT_STAFF,
        404: ORDER_NOT_FOUND,
        409: _conflict(
            "Only a shipped order can be delivered.",
            "Order SF-2026-000123 is paid and cannot be marked delivered.",
            "paid",
            "delivered",
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Delivered", response_only=True, value={**_STAFF_ORDER, "status": "delivered"})],
)

staff_order_refund = extend_schema(
    summary="Refund an order, in full or some lines",
    description=(
        "Without `lines`: refunds everything not refunded yet, shipping included, and the order becomes "
        "`refunded`. With `lines`: refunds those quantities at the prices they were ordered at (plus their tax "
        "when prices excluded it), and the order becomes `partially_refunded`. The money goes back to the "
        "card; units of an order that has not shipped return to stock, shipped ones only with `restock`. "
        "The customer gets an email."
    ),
    parameters=[ORDER_NUMBER],
    request=OrderRefundSerializer,
    responses={
        200: StaffOrderSerializer,
        400: error_response(
            "Invalid lines or quantities, or the refund failed at the payment provider (nothing was changed).",
            error_example(
                "Too many units",
                code="invalid",
                message="Some refund lines are invalid.",
                details={"lines": {"81": ["Only 2 of this line can still be refunded."]}},
            ),
            error_example(
                "Bad quantity",
                code="invalid",
                message="The request has invalid fields.",
                details={"lines": {"0": {"quantity": ["Ensure this value is greater than or equal to 1."]}}},
            ),
            _REFUND_FAILED,
        ),
        403: NOT_STAFF,
        404: ORDER_NOT_FOUND,
        409: _conflict(
            "The order was never paid or is already closed.",
            "Order SF-2026-000123 is cancelled and cannot be refunded.",
            "cancelled",
            "refunded",
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample("Full refund", request_only=True, value={"reason": "Parcel lost in transit."}),
        OpenApiExample(
            "One unit of a line",
            request_only=True,
            value={"lines": [{"line_id": 81, "quantity": 1}], "reason": "Arrived damaged.", "restock": False},
        ),
        OpenApiExample(
            "Partially refunded",
            response_only=True,
            value={
                **_STAFF_ORDER,
                "status": "partially_refunded",
                "refunded_total": "89.90",
                "lines": [{**_LINE, "refunded_quantity": 1}],
            },
        ),
    ],
)
