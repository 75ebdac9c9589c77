"""Admin: the support pages render, labelling teaches the bot, staff replies reach the chat, edits schedule training."""

import pytest
from django.core.cache import cache

from support.models import (
    Conversation,
    FaqEntry,
    Intent,
    IntentExample,
    Message,
    ReturnRequest,
    Ticket,
    TicketReply,
)
from support.services import RETRAIN_LOCK_KEY
from tests.factories import UserFactory
from tests.recommendations.store import model_version_row
from tests.support.factories import ConversationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/support/intent/",
        "/admin/support/faqentry/",
        "/admin/support/conversation/",
        "/admin/support/ticket/",
        "/admin/support/message/?review_status__exact=pending",
        "/admin/support/returnrequest/",
        "/admin/support/conversation/analytics/",
    ],
)
def test_support_admin_pages_render(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_seeded_defaults_cover_every_dialogue_intent():
    from support.dialogue import HANDLERS

    assert sorted(Intent.objects.values_list("name", flat=True)) == sorted(HANDLERS)
    assert min(intent.examples.count() for intent in Intent.objects.all()) >= 12
    assert FaqEntry.objects.count() == 13


def test_labelling_a_missed_message_adds_an_example_and_schedules_training(
    admin_client, chat, django_capture_on_commit_callbacks
):
    chat.say("what is the capital of Australia")
    message = Message.objects.get(review_status=Message.Review.PENDING)
    intent = Intent.objects.get(name="greeting")
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(message.pk),
        "form-0-labelled_intent": str(intent.pk),
        "form-0-labelled_faq": "",
        "_save": "Save",
    }

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post("/admin/support/message/?review_status__exact=pending", form)

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.review_status == Message.Review.LABELLED
    assert IntentExample.objects.filter(intent=intent, text="what is the capital of Australia", source="label").exists()
    assert len(callbacks) == 1  # the debounced retraining, sent after the commit


def test_staff_reply_from_the_ticket_admin_reaches_the_chat(admin_client, customer_chat, mailoutbox):
    chat, _ = customer_chat
    chat.say("I want to talk to a person")
    ticket = Ticket.objects.get()
    form = {
        "status": "open",
        "assignee": "",
        "replies-TOTAL_FORMS": "1",
        "replies-INITIAL_FORMS": "0",
        "replies-MIN_NUM_FORMS": "0",
        "replies-MAX_NUM_FORMS": "1000",
        "replies-0-text": "We are on it.",
        "replies-0-ticket": str(ticket.pk),
        "_save": "Save",
    }

    response = admin_client.post(f"/admin/support/ticket/{ticket.pk}/change/", form)

    assert response.status_code == 302, response.content[:2000]
    assert list(TicketReply.objects.values_list("text", flat=True)) == ["We are on it."]
    assert Conversation.objects.get().messages.last().text == "We are on it."


def test_debounce_sends_one_retraining_per_burst(django_capture_on_commit_callbacks, monkeypatch):
    from support import services, tasks

    sent = []
    monkeypatch.setattr(tasks.support_intents_retrain, "apply_async", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        services.support_training_schedule()
        services.support_training_schedule()

    assert sent == [{"countdown": 300}]
    assert cache.get(RETRAIN_LOCK_KEY) == 1


def test_dismissing_takes_only_pending_messages_out_of_the_review_queue(admin_client):
    conversation = ConversationFactory()
    pending = Message.objects.create(
        conversation=conversation, role=Message.Role.CUSTOMER, text="?", review_status=Message.Review.PENDING
    )
    labelled = Message.objects.create(
        conversation=conversation, role=Message.Role.CUSTOMER, text="hi", review_status=Message.Review.LABELLED
    )

    response = admin_client.post(
        "/admin/support/message/", {"action": "dismiss", "_selected_action": [pending.pk, labelled.pk]}
    )

    assert response.status_code == 302
    assert dict(Message.objects.values_list("pk", "review_status")) == {
        pending.pk: Message.Review.DISMISSED,
        labelled.pk: Message.Review.LABELLED,
    }


def test_staff_approve_a_return_request_from_the_list(admin_client, make_order):
    request = ReturnRequest.objects.create(order=make_order(), reason="Too small")
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(request.pk),
        "form-0-status": ReturnRequest.Status.APPROVED,
        "_save": "Save",
    }

    response = admin_client.post("/admin/support/returnrequest/", form)

    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.reason) == (ReturnRequest.Status.APPROVED, "Too small")


def test_a_message_shows_the_label_of_its_model_and_links_the_version(admin_client):
    version = model_version_row(kind="support_intents", number=3)
    message = Message.objects.create(
        conversation=ConversationFactory(),
        role=Message.Role.BOT,
        text="Order 1001 has shipped.",
        model_label="support_intents v3",
        model_version=version,
    )

    page = admin_client.get(f"/admin/support/message/{message.pk}/change/").content.decode()

    assert '<div class="readonly">support_intents v3</div>' in page
    assert f'<a href="/admin/ml/modelversion/{version.pk}/change/">support_intents v3</a>' in page
