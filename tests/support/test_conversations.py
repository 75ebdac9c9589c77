"""Scripted conversations end to end through the API, served by the seeded nearest-example model
(no trained version: the kind's baseline), with real orders, products and the real encoder."""

import pytest
from django.core import mail

from ml import loader
from ml.models import TrainingRun
from ml.services import training_run_create, training_run_execute
from orders.models import Order
from support.models import Conversation, Message, ReturnRequest, Ticket, TicketReplyEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_customer_asks_where_their_order_is(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.SHIPPED, tracking_number="TRK-778")

    reply = chat.say("where is my order?")

    assert reply["intent"] == "order_status"
    assert reply["text"] == f"Order {order.number} has shipped. Tracking number: TRK-778."
    assert [card["number"] for card in reply["cards"]] == [order.number]
    assert reply["model_version"] == "support_intents baseline"
    stored = list(Message.objects.order_by("id").values_list("role", "model_label", "model_version"))
    assert stored == [("customer", "support_intents baseline", None), ("bot", "support_intents baseline", None)]


def test_guest_lookup_needs_the_matching_email_and_masks_it(chat, make_order):
    owner = UserFactory(email="sam@example.com")
    order = make_order(user=owner, email="sam@example.com", status=Order.Status.PAID)

    first = chat.say("where is my order")
    wrong = chat.say(f"{order.number} wrong@example.com")
    right = chat.say(f"{order.number} sam@example.com")

    assert first["text"].startswith("Please give me your order number")
    assert wrong["text"] == "No order matches that number and email. Please check both and send them again."
    assert wrong["cards"] == []
    assert right["text"] == f"Order {order.number} is paid and being prepared for shipping."
    stored = list(Message.objects.filter(role=Message.Role.CUSTOMER).values_list("text", flat=True))
    assert stored == ["where is my order", f"{order.number} [email]", f"{order.number} [email]"]


def test_guest_lookups_are_rate_limited(chat, make_order, settings):
    settings.SUPPORT_GUEST_LOOKUP_ATTEMPTS = 2
    order = make_order(email="sam@example.com")
    chat.say("where is my order")
    chat.say(f"{order.number} a@example.com")
    chat.say(f"{order.number} b@example.com")

    reply = chat.say(f"{order.number} sam@example.com")

    assert reply["text"].startswith("Too many order lookups that did not match.")
    assert reply["cards"] == []


def test_cancel_needs_an_explicit_yes(customer_chat, make_order, django_capture_on_commit_callbacks):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.PAID)

    ask = chat.say("please cancel my order")
    order.refresh_from_db()
    assert ask["text"] == (
        f"Do you want me to cancel order {order.number} (EUR {order.total})? The payment will be refunded."
    )
    assert order.status == Order.Status.PAID
    with django_capture_on_commit_callbacks(execute=True):
        done = chat.say("yes")

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert done["actions"] == [{"type": "order_cancelled", "order": order.number}]


def test_cancel_answered_no_changes_nothing(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.PAID)
    chat.say("cancel my order")

    reply = chat.say("no, keep it")

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert reply["text"] == "All right, I have not changed anything."


def test_return_request_after_confirmation(customer_chat, make_order):
    chat, user = customer_chat
    order = make_order(user=user, status=Order.Status.DELIVERED)

    ask = chat.say("how do I return these shoes")
    assert ask["intent"] == "return_refund"
    assert ReturnRequest.objects.count() == 0
    done = chat.say("yes, start it")

    request = ReturnRequest.objects.get()
    assert request.order == order
    assert request.reason == "how do I return these shoes"
    assert done["actions"] == [{"type": "return_requested", "order": order.number, "return_id": request.pk}]


def test_product_search_with_a_price_limit(chat, make_product):
    cheap = make_product(name="Waterproof Jacket Lite", price="69.00")
    make_product(name="Waterproof Jacket Pro", price="129.00")
    make_product(name="Garden Hose", price="19.00")

    reply = chat.say("do you have a waterproof jacket under 80")

    assert reply["intent"] == "product_search"
    assert reply["text"] == "Here is what I found for waterproof jacket under 80:"
    assert [card["name"] for card in reply["cards"]] == [cheap.name]
    assert reply["cards"][0]["price"] == "69.00"


def test_handoff_opens_a_ticket_and_the_staff_reply_reaches_the_chat(customer_chat, django_capture_on_commit_callbacks):
    chat, user = customer_chat
    chat.say("hello")
    reply = chat.say("I want to talk to a person")

    ticket = Ticket.objects.get()
    assert reply["intent"] == "human_handoff"
    assert reply["actions"] == [{"type": "ticket_opened", "ticket_id": ticket.pk}]
    assert ticket.user == user
    assert ticket.email == "ana@example.com"
    assert "Customer: hello" in ticket.transcript
    assert "Customer: I want to talk to a person" in ticket.transcript
    assert Conversation.objects.get().status == Conversation.Status.HANDED_OFF

    from rest_framework.test import APIClient

    staff_client = APIClient()
    staff_client.force_authenticate(UserFactory(is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/api/v1/support/tickets/{ticket.pk}/replies/", {"text": "Your parcel left today."}, format="json"
        )
    assert response.status_code == 201
    history = chat.client.get(f"/api/v1/support/conversations/{chat.conversation}/").json()
    assert history["messages"][-1]["role"] == "staff"
    assert history["messages"][-1]["text"] == "Your parcel left today."
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    assert TicketReplyEmail.objects.get().status == TicketReplyEmail.Status.SENT  # through the outbox
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.ANSWERED


def test_out_of_scope_then_repeated_misunderstanding_hands_off(chat):
    first = chat.say("what is the capital of Australia")
    assert first["intent"] == ""
    assert first["text"].startswith("Sorry, I can't help with that yet.")
    assert "Talk to a person" in first["quick_replies"]

    second = chat.say("who won the chess world championship in 1972")
    assert second["intent"] == "human_handoff"
    assert second["text"].startswith("Sorry, I'm not getting this. I'll pass you to our team.")
    third = chat.say("sam@example.com")

    ticket = Ticket.objects.get()
    assert ticket.email == "sam@example.com"
    assert ticket.reason == "The bot did not understand repeatedly"
    assert third["actions"] == [{"type": "ticket_opened", "ticket_id": ticket.pk}]
    assert Message.objects.filter(review_status=Message.Review.PENDING).count() == 2


@pytest.mark.slow
def test_a_reply_of_the_trained_champion_stores_its_model_version(chat, settings):
    # given: support_intents v1 trained on the seeded set and released as champion
    settings.ML_DEVICE = "cpu"
    run = training_run_create(
        kind="support_intents", trigger=TrainingRun.Trigger.COMMAND, params={"finetune_seconds": 0.0}
    )
    run = training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    champion = run.version
    assert loader.champion("support_intents").version_id == champion.pk

    # when
    reply = chat.say("where is my parcel")

    # then: the API still answers the label; both messages store the label and the version's row
    assert (reply["intent"], reply["model_version"]) == ("order_status", "support_intents v1")
    stored = list(Message.objects.order_by("id").values_list("role", "model_label", "model_version"))
    assert stored == [("customer", "support_intents v1", champion.pk), ("bot", "support_intents v1", champion.pk)]
    bot = Message.objects.get(role=Message.Role.BOT)
    assert (bot.model_version, bot.model_label) == (champion, str(champion))
