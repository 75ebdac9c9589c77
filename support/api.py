"""Support API under /api/v1/support/: chat messages, conversation history, feedback, tickets.

Anyone may chat (guests too); the API is throttled per client (`support` scope). A conversation is
addressed by its random UUID: a signed-in customer's conversation only answers to that customer,
a guest's to whoever holds its id (the browser that started it). Orders are only ever shown as the
dialogue's object-level checks allow (support.dialogue).
"""

from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from support import api_docs, selectors, services
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


def _client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class SupportThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"


class MessageView(APIView):
    """POST a customer message; the bot replies."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SupportThrottle]
    throttle_scope = "support"

    @api_docs.message_post
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
                "model_version": reply.model_label,  # the label, e.g. "support_intents v3"
                "quick_replies": reply.quick_replies,
                "cards": reply.cards,
                "actions": reply.actions,
            },
        }
        return Response(ExchangeSerializer(body).data)


class ConversationView(APIView):
    permission_classes = [permissions.AllowAny]

    @api_docs.conversation_get
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

    @api_docs.feedback_post
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

    @api_docs.ticket_list_get
    def get(self, request):
        return Response(TicketSerializer(selectors.tickets_for_user(user=request.user), many=True).data)


class TicketDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @api_docs.ticket_detail_get
    def get(self, request, ticket_id: int):
        return Response(TicketSerializer(selectors.ticket_for_user(user=request.user, ticket_id=ticket_id)).data)


class TicketReplyView(APIView):
    permission_classes = [permissions.IsAdminUser]

    @api_docs.ticket_reply_post
    def post(self, request, ticket_id: int):
        data = TicketReplyInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = selectors.ticket_for_user(user=request.user, ticket_id=ticket_id)
        reply = services.ticket_reply_add(ticket=ticket, author=request.user, text=data.validated_data["text"])
        return Response(TicketReplySerializer(reply).data, status=status.HTTP_201_CREATED)
