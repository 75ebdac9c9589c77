"""Marketing consent: given and withdrawn on the account page or the API, with its history; the
campaign e-mails go only to customers whose latest choice is yes."""

import pytest
from rest_framework.test import APIClient

from privacy.models import ConsentEvent
from privacy.selectors import customers_with_marketing_consent
from privacy.services import marketing_consent_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_api_gives_and_withdraws_consent_and_keeps_the_history():
    user = UserFactory()
    api = APIClient()
    api.force_authenticate(user)

    assert api.get("/api/v1/privacy/consent/").json() == {"marketing_email": False, "history": []}
    api.put("/api/v1/privacy/consent/", {"marketing_email": True}, format="json")
    body = api.put("/api/v1/privacy/consent/", {"marketing_email": False}, format="json").json()

    assert body["marketing_email"] is False
    assert [(event["given"], event["source"]) for event in body["history"]] == [(False, "api"), (True, "api")]


def test_a_bad_body_is_a_400_with_the_field():
    api = APIClient()
    api.force_authenticate(UserFactory())

    response = api.put("/api/v1/privacy/consent/", {"marketing_email": "perhaps"}, format="json")

    assert response.status_code == 400
    assert "marketing_email" in response.json()["error"]["details"]
    assert not ConsentEvent.objects.exists()


def test_the_account_page_records_where_consent_was_given(client):
    user = UserFactory()
    client.force_login(user)

    client.post("/account/privacy/consent/", {"marketing_email": "on"})
    client.post("/account/privacy/consent/", {"marketing_email": "on"})  # no change: no new event

    assert list(ConsentEvent.objects.values_list("given", "source")) == [(True, "account_page")]
    assert "checked" in client.get("/account/privacy/").content.decode()


def test_campaigns_select_only_active_customers_whose_latest_choice_is_yes():
    yes, withdrew, never, closed = UserFactory(), UserFactory(), UserFactory(), UserFactory(is_active=False)
    for user in (yes, withdrew, closed):
        marketing_consent_set(user=user, given=True, source="registration")
    marketing_consent_set(user=withdrew, given=False, source="account_page")

    assert list(customers_with_marketing_consent()) == [yes]
    assert never not in customers_with_marketing_consent()


def test_consent_ticked_at_registration_is_recorded_with_where(client):
    client.post(
        "/account/register/",
        {"email": "new@example.com", "password1": "harbour-lantern-42", "password2": "harbour-lantern-42",
         "marketing_email": "on"},
    )  # fmt: skip

    assert list(ConsentEvent.objects.values_list("user__email", "given", "source")) == [
        ("new@example.com", True, "registration")
    ]
