"""Reads of the support app: training data, FAQ index, conversations, tickets, analytics."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.errors import NotFoundError
from support.models import Conversation, FaqEntry, Intent, IntentExample, Message, Ticket

CONVERSATION_NOT_FOUND = "No such conversation."


def intent_training_rows() -> tuple[list[str], list[str]]:
    """(texts, intent names) of every active intent's examples, labelled messages included."""
    rows = IntentExample.objects.filter(intent__is_active=True).values_list("text", "intent__name").order_by("id")
    texts, names = [], []
    for text, name in rows:
        texts.append(text)
        names.append(name)
    return texts, names


def intent_data_stamp() -> str:
    """Changes whenever intents, examples or FAQs change: the key of the in-process caches built from them."""
    parts = [
        Intent.objects.aggregate(n=Count("id"), t=Max("updated_at")),
        IntentExample.objects.aggregate(n=Count("id"), t=Max("created_at")),
        FaqEntry.objects.aggregate(n=Count("id"), t=Max("updated_at")),
    ]
    return "|".join(f"{part['n']}@{part['t']}" for part in parts)


def faq_questions() -> list[tuple[int, str]]:
    """(faq id, question or variant) of every active FAQ entry."""
    return [
        (entry.pk, question)
        for entry in FaqEntry.objects.filter(is_active=True).order_by("id")
        for question in entry.all_questions
    ]


def faq_for_category(*, category: str) -> list[FaqEntry]:
    return list(FaqEntry.objects.filter(is_active=True, category=category).order_by("id"))


def conversation_get(*, public_id, user) -> Conversation:
    """The conversation with this id, if the caller may see it: a signed-in owner, or anyone holding a guest one's id.

    A guest conversation's id is a random UUID that only the browser which started it knows; a
    customer's conversation is only ever shown to that customer.
    """
    conversation = Conversation.objects.filter(public_id=public_id).first()
    if conversation is None:
        raise NotFoundError(CONVERSATION_NOT_FOUND, code="conversation_not_found")
    owner_id = conversation.user_id
    caller_id = user.pk if user is not None and user.is_authenticated else None
    if owner_id != caller_id:
        raise NotFoundError(CONVERSATION_NOT_FOUND, code="conversation_not_found")
    return conversation


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.order_by("created_at", "id")


def tickets_for_user(*, user) -> QuerySet[Ticket]:
    return Ticket.objects.filter(user=user).prefetch_related("replies").order_by("-created_at")


def ticket_for_user(*, user, ticket_id: int) -> Ticket:
    queryset = Ticket.objects.prefetch_related("replies")
    ticket = (
        queryset.filter(pk=ticket_id).first() if user.is_staff else queryset.filter(pk=ticket_id, user=user).first()
    )
    if ticket is None:
        raise NotFoundError("No such ticket.", code="ticket_not_found")
    return ticket


def messages_to_label() -> QuerySet[Message]:
    return Message.objects.filter(review_status=Message.Review.PENDING).select_related("conversation")


@dataclass(frozen=True)
class DailyFigures:
    day: date
    customer_messages: int
    fallbacks: int
    handoffs: int
    thumbs_up: int
    thumbs_down: int

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.customer_messages if self.customer_messages else 0.0

    @property
    def thumbs_up_rate(self) -> float:
        rated = self.thumbs_up + self.thumbs_down
        return self.thumbs_up / rated if rated else 0.0


@dataclass(frozen=True)
class SupportAnalytics:
    days: list[DailyFigures]
    per_intent: list[tuple[str, int]]
    conversations: int
    handed_off: int
    customer_messages: int
    fallbacks: int
    thumbs_up: int
    thumbs_down: int

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.customer_messages if self.customer_messages else 0.0

    @property
    def handoff_rate(self) -> float:
        return self.handed_off / self.conversations if self.conversations else 0.0

    @property
    def thumbs_up_rate(self) -> float:
        rated = self.thumbs_up + self.thumbs_down
        return self.thumbs_up / rated if rated else 0.0


def support_analytics(*, days: int = 30, end: datetime | None = None) -> SupportAnalytics:
    """Messages per intent, fallback, hand-off and thumbs-up rates over the `days` days before `end` (default:
    now), and per day."""
    end = end or timezone.now()
    since = end - timedelta(days=days)
    messages = Message.objects.filter(created_at__gte=since, created_at__lt=end)
    customer = messages.filter(role=Message.Role.CUSTOMER)
    bot = messages.filter(role=Message.Role.BOT)
    per_day: dict[date, dict] = {}
    for row in (
        customer.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"), fallbacks=Count("id", filter=Q(is_fallback=True)))
    ):
        per_day.setdefault(row["day"], {}).update(customer_messages=row["n"], fallbacks=row["fallbacks"])
    for row in (
        bot.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            up=Count("id", filter=Q(feedback=Message.Feedback.UP)),
            down=Count("id", filter=Q(feedback=Message.Feedback.DOWN)),
        )
    ):
        per_day.setdefault(row["day"], {}).update(thumbs_up=row["up"], thumbs_down=row["down"])
    for row in (
        Ticket.objects.filter(created_at__gte=since, created_at__lt=end)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
    ):
        per_day.setdefault(row["day"], {}).update(handoffs=row["n"])
    figures = [
        DailyFigures(
            day=day,
            customer_messages=values.get("customer_messages", 0),
            fallbacks=values.get("fallbacks", 0),
            handoffs=values.get("handoffs", 0),
            thumbs_up=values.get("thumbs_up", 0),
            thumbs_down=values.get("thumbs_down", 0),
        )
        for day, values in sorted(per_day.items())
    ]
    conversations = Conversation.objects.filter(created_at__gte=since, created_at__lt=end)
    per_intent = list(
        customer.exclude(intent="").values_list("intent").annotate(n=Count("id")).order_by("-n", "intent")
    )
    return SupportAnalytics(
        days=figures,
        per_intent=[(name, n) for name, n in per_intent],
        conversations=conversations.count(),
        handed_off=conversations.filter(tickets__isnull=False).distinct().count(),
        customer_messages=sum(f.customer_messages for f in figures),
        fallbacks=sum(f.fallbacks for f in figures),
        thumbs_up=sum(f.thumbs_up for f in figures),
        thumbs_down=sum(f.thumbs_down for f in figures),
    )


def ticket_queue() -> dict:
    """Open tickets waiting for staff: `open` (count) and `oldest_at` (when the oldest was opened, None if none)."""
    return Ticket.objects.filter(status=Ticket.Status.OPEN).aggregate(open=Count("id"), oldest_at=Min("created_at"))
