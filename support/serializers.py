"""Serializers of the support API: input validation and the shapes of replies, messages and tickets."""

from django.conf import settings
from rest_framework import serializers

from support.models import Message, Ticket, TicketReply


class MessageInSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=settings.SUPPORT_MESSAGE_MAX_LENGTH, trim_whitespace=True)
    conversation = serializers.UUIDField(required=False, allow_null=True, help_text="Omit to start a conversation.")
    page_product = serializers.SlugField(
        required=False, allow_blank=True, max_length=220, help_text="Slug of the product page the chat is open on."
    )


class CardSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["product", "order"])
    name = serializers.CharField(required=False, help_text="Product cards.")
    url = serializers.CharField(required=False, help_text="Product cards.")
    price = serializers.CharField(required=False, help_text="Product cards: the lowest variant price.")
    number = serializers.CharField(required=False, help_text="Order cards.")
    status = serializers.CharField(required=False, help_text="Order cards.")
    total = serializers.CharField(required=False, help_text="Order cards.")
    currency = serializers.CharField(required=False)
    in_stock = serializers.BooleanField(required=False, help_text="Product cards.")
    image = serializers.CharField(required=False, allow_blank=True, help_text="Product cards: thumbnail URL or ''.")
    status_label = serializers.CharField(required=False, help_text="Order cards.")
    placed = serializers.CharField(required=False, help_text="Order cards: the order's date.")
    tracking_number = serializers.CharField(required=False, allow_blank=True, help_text="Order cards.")


class ReplySerializer(serializers.Serializer):
    message_id = serializers.IntegerField(help_text="Id of the bot's message, for feedback.")
    text = serializers.CharField()
    intent = serializers.CharField(allow_blank=True)
    confidence = serializers.FloatField(allow_null=True)
    model_version = serializers.CharField(allow_blank=True)
    quick_replies = serializers.ListField(child=serializers.CharField())
    cards = CardSerializer(many=True)
    actions = serializers.ListField(child=serializers.DictField())


class ExchangeSerializer(serializers.Serializer):
    conversation = serializers.UUIDField()
    status = serializers.CharField()
    reply = ReplySerializer()


class MessageSerializer(serializers.ModelSerializer):
    quick_replies = serializers.SerializerMethodField()
    cards = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "role",
            "text",
            "intent",
            "confidence",
            "feedback",
            "quick_replies",
            "cards",
            "actions",
            "created_at",
        ]

    def get_quick_replies(self, message: Message) -> list[str]:
        return message.payload.get("quick_replies", [])

    def get_cards(self, message: Message) -> list[dict]:
        return message.payload.get("cards", [])

    def get_actions(self, message: Message) -> list[dict]:
        return message.payload.get("actions", [])


class ConversationSerializer(serializers.Serializer):
    conversation = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    messages = MessageSerializer(many=True)


class FeedbackSerializer(serializers.Serializer):
    conversation = serializers.UUIDField()
    value = serializers.ChoiceField(choices=Message.Feedback.values)


class TicketReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketReply
        fields = ["id", "text", "created_at"]


class TicketSerializer(serializers.ModelSerializer):
    replies = TicketReplySerializer(many=True, read_only=True)
    conversation = serializers.UUIDField(source="conversation.public_id", read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "conversation", "reason", "status", "transcript", "replies", "created_at", "updated_at"]


class TicketReplyInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
