"""Support API under /api/v1/support/: chat messages, conversation history, feedback, tickets.

Anyone may chat (guests too); the API is throttled per client (`support` scope). A conversation is
addressed by its random UUID: a signed-in customer's conversation only answers to that customer,
a guest's to whoever holds its id (the browser that started it). Orders are only ever shown as the
dialogue's object-level checks allow (support.dialogue).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import THROTTLED_RESPONSE, error_example, error_response
from support import selectors, services
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


def _client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class SupportThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"


class MessageView(APIView):
    """POST a customer message; the bot replies."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SupportThrottle]
    throttle_scope = "support"

    @extend_schema(
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
    def post(self, request):
        data = MessageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exchange = services.message_handle(
            text=data.validated_data["message"],
            user=request.user,
            public_id=data.validated_data.get("conversation"),
            client_key=_client_key(request),
            page_product=data.validated_data.get("page_product", ""),
        )
        reply, bot = exchange.reply, exchange.bot_message
        body = {
            "conversation": exchange.conversation.public_id,
            "status": exchange.conversation.status,
            "reply": {
                "message_id": bot.pk,
                "text": reply.text,
                "intent": reply.intent,
                "confidence": reply.confidence,
                "model_version": reply.model_version,
                "quick_replies": reply.quick_replies,
                "cards": reply.cards,
                "actions": reply.actions,
            },
        }
        return Response(ExchangeSerializer(body).data)


class ConversationView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["support"],
        summary="A conversation's messages (to restore the chat on another page)",
        responses={200: ConversationSerializer, 404: CONVERSATION_NOT_FOUND, 429: THROTTLED_RESPONSE},
    )
    def get(self, request, public_id):
        conversation = selectors.conversation_get(public_id=public_id, user=request.user)
        body = {
            "public_id": conversation.public_id,
            "status": conversation.status,
            "messages": selectors.conversation_messages(conversation=conversation),
        }
        return Response(ConversationSerializer(body).data)


class FeedbackView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SupportThrottle]
    throttle_scope = "support"

    @extend_schema(
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
    def post(self, request, message_id: int):
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_feedback_set(
            message_id=message_id,
            value=data.validated_data["value"],
            user=request.user,
            public_id=data.validated_data["conversation"],
        )
        return Response(MessageSerializer(message).data)


class TicketListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The signed-in customer's tickets",
        responses={200: TicketSerializer(many=True), 401: NOT_SIGNED_IN, 429: THROTTLED_RESPONSE},
    )
    def get(self, request):
        return Response(TicketSerializer(selectors.tickets_for_user(user=request.user), many=True).data)


class TicketDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="One of the customer's tickets (staff: any)",
        responses={200: TicketSerializer, 401: NOT_SIGNED_IN, 404: TICKET_NOT_FOUND, 429: THROTTLED_RESPONSE},
    )
    def get(self, request, ticket_id: int):
        return Response(TicketSerializer(selectors.ticket_for_user(user=request.user, ticket_id=ticket_id)).data)


class TicketReplyView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @extend_schema(
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
    def post(self, request, ticket_id: int):
        data = TicketReplyInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = selectors.ticket_for_user(user=request.user, ticket_id=ticket_id)
        reply = services.ticket_reply_add(ticket=ticket, author=request.user, text=data.validated_data["text"])
        return Response(TicketReplySerializer(reply).data, status=status.HTTP_201_CREATED)
