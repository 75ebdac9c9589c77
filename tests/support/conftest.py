"""Fixtures of the support tests: an API client that chats, and the shop and order builders of other apps."""

import os

import pytest
from rest_framework.test import APIClient

from tests.ml.conftest import _fresh_loader_cache, model_root
from tests.orders.conftest import make_order
from tests.shop.conftest import browser_page, make_product

__all__ = ["_fresh_loader_cache", "browser_page", "make_order", "make_product", "model_root"]

MESSAGES_URL = "/api/v1/support/messages/"


class Chat:
    """One chat conversation through the API: `say(text)` posts and returns the reply's JSON."""

    def __init__(self, client: APIClient):
        self.client = client
        self.conversation = None
        self.transcript: list[str] = []

    def say(self, text: str, **extra) -> dict:
        body = {"message": text, **extra}
        if self.conversation:
            body["conversation"] = self.conversation
        response = self.client.post(MESSAGES_URL, body, format="json")
        assert response.status_code == 200, response.content
        data = response.json()
        self.conversation = data["conversation"]
        reply = data["reply"]
        self.transcript += [f"Customer: {text}", f"Bot: {reply['text']}"]
        self.transcript += [
            f"     [{card['type']} card: {card.get('name') or card.get('number')}"
            f" {card.get('price') or card.get('status')}]"
            for card in reply["cards"]
        ]
        self.transcript += [f"     [action: {action}]" for action in reply["actions"]]
        self.transcript += [
            f"     [intent {reply['intent'] or '-'}, confidence {reply['confidence']}, {reply['model_version']}]"
        ]
        return data["reply"]


def _keep_transcript(request, chat: Chat, who: str) -> None:
    """With SUPPORT_TRANSCRIPTS=path, append each scripted conversation to that Markdown file (for people to read)."""
    path = os.environ.get("SUPPORT_TRANSCRIPTS")
    if path and chat.transcript:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\n## {request.node.name} ({who})\n\n```\n" + "\n".join(chat.transcript) + "\n```\n")


@pytest.fixture
def chat(request):
    conversation = Chat(APIClient())
    yield conversation
    _keep_transcript(request, conversation, "guest")


@pytest.fixture
def customer_chat(request):
    """(chat, user): a chat of a signed-in customer."""
    from tests.factories import UserFactory

    user = UserFactory(username="ana", email="ana@example.com")
    client = APIClient()
    client.force_authenticate(user)
    conversation = Chat(client)
    yield conversation, user
    _keep_transcript(request, conversation, "signed-in customer")
