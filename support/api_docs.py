"""OpenAPI documentation of the support API: summaries, descriptions, parameters, responses and
examples, as decorators that `support.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema

from core.api import THROTTLED_RESPONSE, error_example, error_response
from support.serializers import (
    ConversationSerializer,
    ExchangeSerializer,
    FeedbackSerializer,
    MessageInSerializer,
    MessageSerializer,
    TicketReplyInSerializer,
    TicketReplySerializer,
    TicketSerializer,
)

INVALID = error_response(
    "Invalid fields (e.g. an empty or too long message).",
    error_example(
        "Too long",
        code="invalid",
        message="The request has invalid fields.",
        details={"message": ["Ensure this field has no more than 500 characters."]},
    ),
)
CONVERSATION_NOT_FOUND = error_response(
    "No conversation with that id that the caller may see.",
    error_example("Unknown conversation", code="conversation_not_found", message="No such conversation."),
)
TICKET_NOT_FOUND = error_response(
    "No such ticket (or someone else's).", error_example("Unknown", code="ticket_not_found", message="No such ticket.")
)
NOT_STAFF = error_response(
    "Not staff.",
    error_example("Not staff", code="permission_denied", message="You do not have permission to perform this action."),
)
NOT_SIGNED_IN = error_response(
    "Not signed in.",
    error_example("Not signed in", code="not_authenticated", message="Authentication credentials were not provided."),
)

EXCHANGE_EXAMPLE = OpenApiExample(
    "Order status",
    request_only=False,
    response_only=True,
    value={
        "conversation": "6f1c7a52-4e39-4c35-9f0e-2b7f3f0b8a11",
        "status": "open",
        "reply": {
            "message_id": 42,
            "text": "Order SF-2026-000123 has shipped. Tracking number: TRK123.",
            "intent": "order_status",
            "confidence": 0.93,
            "model_version": "support_intents v3",
            "quick_replies": ["Talk to a person"],
            "cards": [
                {
                    "type": "order",
                    "number": "SF-2026-000123",
                    "status": "shipped",
                    "status_label": "Shipped",
                    "total": "59.90",
                    "currency": "EUR",
                    "placed": "2026-11-20",
                    "tracking_number": "TRK123",
                }
            ],
            "actions": [],
        },
    },
)

# --- MessageView ------------------------------------------------------------------------------------

message_post = extend_schema(
    tags=["support"],
    summary="Send a chat message to the support bot",
    request=MessageInSerializer,
    responses={200: ExchangeSerializer, 400: INVALID, 404: CONVERSATION_NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[
        OpenApiExample("Ask", request_only=True, value={"message": "where is my order?"}),
        OpenApiExample(
            "Continue",
            request_only=True,
            value={
                "message": "SF-2026-000123 sam@example.com",
                "conversation": "6f1c7a52-4e39-4c35-9f0e-2b7f3f0b8a11",
            },
        ),
        EXCHANGE_EXAMPLE,
    ],
)

# --- ConversationView -------------------------------------------------------------------------------

conversation_get = extend_schema(
    tags=["support"],
    summary="A conversation's messages (to restore the chat on another page)",
    responses={200: ConversationSerializer, 404: CONVERSATION_NOT_FOUND, 429: THROTTLED_RESPONSE},
)

# --- FeedbackView -----------------------------------------------------------------------------------

feedback_post = extend_schema(
    tags=["support"],
    summary="Thumbs up or down on a bot reply",
    request=FeedbackSerializer,
    responses={200: MessageSerializer, 400: INVALID, 404: CONVERSATION_NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[
        OpenApiExample(
            "Helpful",
            request_only=True,
            value={"conversation": "6f1c7a52-4e39-4c35-9f0e-2b7f3f0b8a11", "value": "up"},
        )
    ],
)

# --- TicketListView ---------------------------------------------------------------------------------

ticket_list_get = extend_schema(
    tags=["support"],
    summary="The signed-in customer's tickets",
    responses={200: TicketSerializer(many=True), 401: NOT_SIGNED_IN, 429: THROTTLED_RESPONSE},
)

# --- TicketDetailView -------------------------------------------------------------------------------

ticket_detail_get = extend_schema(
    tags=["support"],
    summary="One of the customer's tickets (staff: any)",
    responses={200: TicketSerializer, 401: NOT_SIGNED_IN, 404: TICKET_NOT_FOUND, 429: THROTTLED_RESPONSE},
)

# --- TicketReplyView --------------------------------------------------------------------------------

ticket_reply_post = extend_schema(
    tags=["support"],
    summary="Staff reply to a ticket (shown in the customer's chat and emailed)",
    request=TicketReplyInSerializer,
    responses={
        201: TicketReplySerializer,
        400: INVALID,
        403: NOT_STAFF,
        404: TICKET_NOT_FOUND,
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Reply", request_only=True, value={"text": "We have sent a new parcel today."})],
)
