"""Writes of the support app: handling a chat message, tickets and staff replies, feedback, labelling,
the default data, and scheduling the retraining when staff change what the bot knows."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction

from core.errors import ApplicationError, NotFoundError
from core.outbox import SWEEP_LIMIT, outbox_email_deliver, outbox_email_send_on_commit, outbox_emails_deliver_pending
from core.task_queue import task_send
from support import selectors
from support.dialogue import Reply, Turn, respond
from support.models import (
    Conversation,
    FaqEntry,
    Intent,
    IntentExample,
    Message,
    Ticket,
    TicketReply,
    TicketReplyEmail,
)
from support.pii import pii_mask
from support.seed import FAQ, INTENTS

logger = logging.getLogger(__name__)

RETRAIN_LOCK_KEY = "support:retrain-scheduled"


@dataclass(frozen=True)
class Exchange:
    conversation: Conversation
    customer_message: Message
    bot_message: Message
    reply: Reply
    ticket: Ticket | None


def _clean_text(text: str, *, field: str = "message") -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ApplicationError(
            "Write a message first.", code="invalid", details={field: ["This field may not be blank."]}
        )
    limit = settings.SUPPORT_MESSAGE_MAX_LENGTH
    if len(text) > limit:
        raise ApplicationError(
            f"Messages are limited to {limit} characters.",
            code="invalid",
            details={field: [f"Ensure this field has no more than {limit} characters."]},
        )
    return text


def message_handle(*, text: str, user=None, public_id=None, client_key: str = "", page_product: str = "") -> Exchange:
    """Answer one customer message: store it (masked), reply, remember the context, open a ticket when handing off."""
    text = _clean_text(text)
    user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        if public_id:
            conversation = selectors.conversation_get(public_id=public_id, user=user)
            conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        else:
            conversation = Conversation.objects.create(user=user)
        customer = Message.objects.create(conversation=conversation, role=Message.Role.CUSTOMER, text=pii_mask(text))
        reply = respond(
            Turn(
                conversation=conversation, text=text, user=user, client_key=client_key, page_product=page_product[:220]
            )
        )
        customer.intent = reply.intent if not reply.fallback else ""
        customer.confidence = reply.confidence
        customer.model_label, customer.model_version_id = reply.model_label, reply.model_version_id
        customer.is_fallback = reply.fallback
        customer.review_status = Message.Review.PENDING if reply.fallback else Message.Review.NONE
        customer.save(
            update_fields=["intent", "confidence", "model_label", "model_version", "is_fallback", "review_status"]
        )
        bot = Message.objects.create(
            conversation=conversation,
            role=Message.Role.BOT,
            text=pii_mask(reply.text),
            intent=reply.intent,
            confidence=reply.confidence,
            model_label=reply.model_label,
            model_version_id=reply.model_version_id,
            payload={"quick_replies": reply.quick_replies, "cards": reply.cards, "actions": reply.actions},
        )
        ticket = None
        if reply.handoff_reason:
            ticket = ticket_create(conversation=conversation, reason=reply.handoff_reason)
            reply.actions.append({"type": "ticket_opened", "ticket_id": ticket.pk})
            bot.payload = {**bot.payload, "actions": reply.actions}
            bot.save(update_fields=["payload"])
        conversation.save(update_fields=["state", "status", "updated_at"])
    return Exchange(conversation=conversation, customer_message=customer, bot_message=bot, reply=reply, ticket=ticket)


def _transcript(conversation: Conversation) -> str:
    lines = [
        f"[{message.created_at:%Y-%m-%d %H:%M}] {message.get_role_display()}: {message.text}"
        for message in conversation.messages.order_by("created_at", "id")
    ]
    return pii_mask("\n".join(lines))


def ticket_create(*, conversation: Conversation, reason: str) -> Ticket:
    """A ticket with the conversation's transcript; the conversation is marked handed off."""
    user = conversation.user
    email = user.email if user is not None else conversation.state.get("email", "")
    ticket = Ticket.objects.create(
        conversation=conversation, user=user, email=email, reason=reason[:200], transcript=_transcript(conversation)
    )
    conversation.status = Conversation.Status.HANDED_OFF
    return ticket


def ticket_reply_add(*, ticket: Ticket, author, text: str) -> TicketReply:
    """A staff answer: stored on the ticket, shown in the customer's chat, and emailed to them through the
    outbox (the email row is written with the reply; a worker sends it after the commit)."""
    if author is None or not author.is_staff:
        raise NotFoundError("No such ticket.", code="ticket_not_found")
    text = (text or "").strip()
    if not text:
        raise ApplicationError(
            "Write a reply first.", code="invalid", details={"text": ["This field may not be blank."]}
        )
    if len(text) > 5000:
        raise ApplicationError(
            "Replies are limited to 5000 characters.",
            code="invalid",
            details={"text": ["Ensure this field has no more than 5000 characters."]},
        )
    with transaction.atomic():
        reply = TicketReply.objects.create(ticket=ticket, author=author, text=text)
        Message.objects.create(conversation_id=ticket.conversation_id, role=Message.Role.STAFF, text=pii_mask(text))
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.ANSWERED)
        if ticket.email:
            _ticket_reply_email_queue(reply=reply, to=ticket.email)
    ticket.refresh_from_db()
    return reply


# --- reply emails --------------------------------------------------------------------------------
# An outbox (core.outbox, as the order emails): the email row is written with the reply, a task
# sends it after the commit, and a periodic sweep sends whatever the task could not (broker, worker
# or mail server down).


def _ticket_reply_email_queue(*, reply: TicketReply, to: str) -> TicketReplyEmail:
    email = TicketReplyEmail.objects.create(reply=reply, to=to)
    outbox_email_send_on_commit(email=email, task="support.tasks.ticket_reply_email_deliver")
    return email


def ticket_reply_email_deliver(*, email_id: int) -> bool:
    """Send one pending reply email once (core.outbox.outbox_email_deliver); True if this call sent it."""
    emails = TicketReplyEmail.objects.select_related("reply")
    return outbox_email_deliver(emails=emails, email_id=email_id, message=_ticket_reply_message)


def ticket_reply_emails_deliver_pending(*, limit: int = SWEEP_LIMIT) -> int:
    """The sweep: send pending reply emails, oldest first; the number sent."""
    emails = TicketReplyEmail.objects.all()
    return outbox_emails_deliver_pending(emails=emails, deliver=ticket_reply_email_deliver, limit=limit)


def _ticket_reply_message(email: TicketReplyEmail) -> EmailMessage:
    reply = email.reply
    return EmailMessage(
        subject=f"Re: your support request #{reply.ticket_id}",
        body=f"Hello,\n\n{reply.text}\n\nYou can also read this answer in the chat on our site.\n\n"
        f"{settings.SHOP_NAME}",
        to=[email.to],
    )


def message_feedback_set(*, message_id: int, value: str, user=None, public_id=None) -> Message:
    """Thumbs up or down on a bot reply of the caller's own conversation."""
    if value not in Message.Feedback.values:
        raise ApplicationError("Feedback is 'up' or 'down'.", code="invalid", details={"value": ["Use up or down."]})
    conversation = selectors.conversation_get(public_id=public_id, user=user)
    message = conversation.messages.filter(pk=message_id, role=Message.Role.BOT).first()
    if message is None:
        raise NotFoundError("No such message.", code="message_not_found")
    message.feedback = value
    message.save(update_fields=["feedback"])
    return message


def message_label(*, message: Message, intent: Intent | None = None, faq: FaqEntry | None = None) -> Message:
    """Teach the bot a message it missed: as an example of `intent`, or as a variant of an FAQ question."""
    if (intent is None) == (faq is None):
        raise ApplicationError("Choose an intent or an FAQ entry (one of them).", code="invalid")
    with transaction.atomic():
        if intent is not None:
            IntentExample.objects.get_or_create(
                intent=intent, text=message.text[:500], defaults={"source": IntentExample.Source.LABEL}
            )
            message.labelled_intent = intent
        else:
            faq.variants = "\n".join([*faq.variants.splitlines(), message.text[:300]]).strip()
            faq.save(update_fields=["variants", "updated_at"])
            message.labelled_faq = faq
        message.review_status = Message.Review.LABELLED
        message.save(update_fields=["labelled_intent", "labelled_faq", "review_status"])
        support_training_schedule()
    return message


def messages_dismiss(*, message_ids: Iterable[int]) -> int:
    """Staff found nothing to learn from these customer messages: pending ones leave the review queue."""
    pending = Message.objects.filter(pk__in=sorted(set(message_ids)), review_status=Message.Review.PENDING)
    return pending.update(review_status=Message.Review.DISMISSED)


def support_defaults_seed() -> int:
    """Create the default intents, examples and FAQ entries that are missing; returns how many rows were added."""
    added = 0
    with transaction.atomic():
        for name, spec in INTENTS.items():
            intent, created = Intent.objects.get_or_create(
                name=name, defaults={"title": spec["title"], "description": spec["description"]}
            )
            added += created
            if not created:
                continue  # staff own it now: removed examples stay removed
            IntentExample.objects.bulk_create(
                [IntentExample(intent=intent, text=text, source=IntentExample.Source.SEED) for text in spec["examples"]]
            )
            added += len(spec["examples"])
        for entry in FAQ:
            _, created = FaqEntry.objects.get_or_create(question=entry["question"], defaults=entry)
            added += created
    return added


def support_training_schedule() -> None:
    """Retrain the intent model SUPPORT_RETRAIN_DELAY_SECONDS after the latest change, once for a burst of edits.

    Called by the admin when intents, examples or FAQ entries change; the task is sent after the
    commit, and a cache key keeps a burst of edits from queueing one run each.
    """
    delay = settings.SUPPORT_RETRAIN_DELAY_SECONDS

    def send() -> None:
        if not cache.add(RETRAIN_LOCK_KEY, 1, delay):
            return
        try:
            task_send("support.tasks.support_intents_retrain", countdown=delay)
        except Exception:
            cache.delete(RETRAIN_LOCK_KEY)
            logger.exception("Could not schedule the support intent retraining")

    transaction.on_commit(send)
