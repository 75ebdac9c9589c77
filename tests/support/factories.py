"""factory_boy factories of the support app."""

import factory

from support.models import Conversation, Ticket
from tests.factories import UserFactory


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    user = factory.SubFactory(UserFactory)
    status = Conversation.Status.HANDED_OFF


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    conversation = factory.SubFactory(ConversationFactory)
    user = factory.SelfAttribute("conversation.user")
    email = factory.LazyAttribute(lambda ticket: ticket.user.email if ticket.user else "")
    reason = "The customer asked for a person"
    transcript = "[2026-11-23 09:00] Customer: I want to talk to a person"
