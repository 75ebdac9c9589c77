"""Object-level safety: nobody reaches someone else's orders or conversations; input limits."""

import pytest
from rest_framework.test import APIClient

from orders.models import Order
from support.models import Message
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_another_customers_order_number_reveals_nothing(customer_chat, make_order):
    chat, _ = customer_chat
    other = make_order(user=UserFactory(), status=Order.Status.PAID)

    reply = chat.say(f"where is order {other.number}")
    cancel = chat.say(f"cancel order {other.number}")

    assert reply["text"] == f"I can't find an order {other.number} on your account. Please check the number."
    assert reply["cards"] == []
    assert cancel["cards"] == []
    other.refresh_from_db()
    assert other.status == Order.Status.PAID


def test_a_customers_conversation_is_404_for_others(customer_chat):
    chat, _ = customer_chat
    chat.say("hello")
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())

    assert stranger.get(f"/api/v1/support/conversations/{chat.conversation}/").status_code == 404
    anonymous = APIClient().post(
        "/api/v1/support/messages/", {"message": "where is my order", "conversation": chat.conversation}, format="json"
    )
    assert anonymous.status_code == 404
    assert anonymous.json()["error"]["code"] == "conversation_not_found"


def test_too_long_and_empty_messages_are_400_and_nothing_is_stored():
    client = APIClient()
    long = client.post("/api/v1/support/messages/", {"message": "x" * 501}, format="json")
    empty = client.post("/api/v1/support/messages/", {"message": "   "}, format="json")

    assert long.status_code == 400
    assert long.json()["error"]["details"] == {"message": ["Ensure this field has no more than 500 characters."]}
    assert empty.status_code == 400
    assert Message.objects.count() == 0


def test_feedback_only_on_own_bot_messages(chat):
    chat.say("hello")
    bot = Message.objects.get(role=Message.Role.BOT)
    customer = Message.objects.get(role=Message.Role.CUSTOMER)

    ok = chat.client.post(
        f"/api/v1/support/messages/{bot.pk}/feedback/",
        {"conversation": chat.conversation, "value": "up"},
        format="json",
    )
    on_customer = chat.client.post(
        f"/api/v1/support/messages/{customer.pk}/feedback/",
        {"conversation": chat.conversation, "value": "up"},
        format="json",
    )

    assert ok.status_code == 200
    bot.refresh_from_db()
    assert bot.feedback == "up"
    assert on_customer.status_code == 404


def test_tickets_endpoint_shows_only_own_tickets(customer_chat):
    chat, _ = customer_chat
    chat.say("I want to talk to a person")
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())

    own = chat.client.get("/api/v1/support/tickets/").json()
    assert [t["reason"] for t in own] == ["Asked for a person"]
    assert stranger.get("/api/v1/support/tickets/").json() == []
    assert stranger.get(f"/api/v1/support/tickets/{own[0]['id']}/").status_code == 404
    assert stranger.post(f"/api/v1/support/tickets/{own[0]['id']}/replies/", {"text": "hi"}).status_code == 403


def test_the_chat_api_is_throttled(chat, monkeypatch):
    from support.api import SupportThrottle

    monkeypatch.setattr(SupportThrottle, "THROTTLE_RATES", {"support": "2/min"})
    chat.say("hello")
    chat.say("thanks")

    response = chat.client.post("/api/v1/support/messages/", {"message": "hello"}, format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
