"""Personal data of the support bot for privacy.registry: chats, tickets, staff replies and their
e-mails, return requests.

Chats and tickets are anonymised rather than deleted, so the bot's statistics (fallback rate,
hand-offs, feedback) keep their counts: the texts become ERASED, the e-mails and the dialogue memory
(which may hold a guest's e-mail or order number) are emptied and the user link is cut. That happens
when the account closes and, for everyone, `support_days` after a conversation was last active.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q

from support.models import Conversation, Message, ReturnRequest, Ticket, TicketReply, TicketReplyEmail
from support.selectors import intent_training_rows

FIELDS = [
    ("support.Conversation", "state", "contact", "support"),  # dialogue memory: may hold a guest's e-mail
    ("support.Message", "text", "free_text", "support"),
    ("support.Ticket", "email", "contact", "support"),
    ("support.Ticket", "reason", "free_text", "support"),
    ("support.Ticket", "transcript", "free_text", "support"),
    ("support.TicketReply", "text", "free_text", "support"),
    ("support.TicketReplyEmail", "to", "contact", "support"),
    ("support.ReturnRequest", "reason", "free_text", "orders"),
]

ERASED = "[erased]"


def export(*, user) -> dict:
    conversations = Conversation.objects.filter(user=user).order_by("created_at")
    return {
        "chats_and_tickets": [
            {
                "started": conversation.created_at,
                "status": conversation.status,
                "messages": list(conversation.messages.values("role", "text", "created_at")),
                "tickets": [
                    {
                        "email": ticket.email,
                        "reason": ticket.reason,
                        "status": ticket.status,
                        "created_at": ticket.created_at,
                        "replies": list(ticket.replies.values("text", "created_at")),
                    }
                    for ticket in conversation.tickets.prefetch_related("replies")
                ],
            }
            for conversation in conversations.prefetch_related("messages", "tickets")
        ],
        "return_requests": list(
            ReturnRequest.objects.filter(order__user=user).values("order__number", "reason", "status", "created_at")
        ),
    }


def conversations_anonymise(conversations) -> dict[str, int]:
    """Erase the texts and contacts of these conversations, their tickets, replies and reply e-mails."""
    ids = list(conversations.values_list("pk", flat=True))
    tickets = Ticket.objects.filter(conversation__in=ids)
    counts = {
        "messages": Message.objects.filter(conversation__in=ids).exclude(text=ERASED).update(text=ERASED),
        "tickets": tickets.update(user=None, email="", reason=ERASED, transcript=ERASED),
        "ticket_replies": TicketReply.objects.filter(ticket__conversation__in=ids).update(text=ERASED),
        "reply_emails": TicketReplyEmail.objects.filter(reply__ticket__conversation__in=ids).update(to=""),
        "return_reasons": ReturnRequest.objects.filter(conversation__in=ids).update(reason=""),
    }
    counts["conversations"] = Conversation.objects.filter(pk__in=ids).update(user=None, state={})
    return counts


def erase(*, user, pseudonym) -> dict[str, int]:
    """Everything the person said or was sent while signed in. (Rows found by e-mail alone are left:
    e-mail addresses are not verified, so a match could be somebody else's.)"""
    mine = Conversation.objects.filter(Q(user=user) | Q(tickets__user=user))
    return conversations_anonymise(Conversation.objects.filter(pk__in=mine.values("pk")))


def retain(*, policy, now: datetime, pseudonym) -> dict[str, int]:
    old = Conversation.objects.filter(updated_at__lt=now - timedelta(days=policy.days("support")))
    unerased = Message.objects.filter(conversation=OuterRef("pk")).exclude(text=ERASED)
    counts = conversations_anonymise(old.filter(Q(user__isnull=False) | ~Q(state={}) | Exists(unerased)))
    return {"conversations_anonymised": counts["conversations"], "tickets_anonymised": counts["tickets"]}


def training_data(*, pseudonym) -> dict[str, list[dict]]:
    """The intent classifier's examples (seed, staff-written, and labelled chat messages, which are
    stored masked by support.pii): text and intent, nobody's id."""
    texts, intents = intent_training_rows()
    return {"intent_examples.csv": [{"text": t, "intent": i} for t, i in zip(texts, intents, strict=True)]}


TRAINING_DATA = {"support": training_data}
