"""Registration on the website and over the API: a new account, a taken email, a weak password."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts import services
from core.errors import ApplicationError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "harbour-lantern-42"


def form(**overrides) -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Silva",
        "email": "Ana@Example.com",
        "password1": STRONG,
        "password2": STRONG,
        **overrides,
    }


def test_registering_creates_the_account_signs_in_and_uses_the_email_as_username(client):
    response = client.post("/account/register/", form())

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    user = User.objects.get()
    assert (user.username, user.email, user.first_name, user.last_name, user.is_active, user.is_staff) == (
        "ana@example.com",
        "Ana@example.com",
        "Ana",
        "Silva",
        True,
        False,
    )
    assert user.check_password(STRONG)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_registering_follows_a_safe_next_and_ignores_another_site(client):
    assert client.post("/account/register/?next=/cart/", form())["Location"] == "/cart/"
    other = Client()
    assert other.post("/account/register/?next=https://evil.example/", form(email="bo@example.com"))["Location"] == (
        "/account/"
    )


def test_an_email_in_use_in_any_case_is_refused_and_nothing_is_written(client):
    UserFactory(username="ana", email="ana@example.com")

    response = client.post("/account/register/", form(email="ANA@example.COM"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["An account with this email address already exists."]}
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_a_weak_password_is_refused_with_the_validators_messages(client):
    response = client.post("/account/register/", form(password1="ana12345", password2="ana12345"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password1": ["This password is too short. It must contain at least 10 characters."]
    }
    assert not User.objects.exists()


def test_a_password_like_the_email_is_refused(client):
    response = client.post("/account/register/", form(password1="ana@example.com1", password2="ana@example.com1"))

    assert response.context["form"].errors == {"password1": ["The password is too similar to the email address."]}
    assert not User.objects.exists()


def test_mismatched_passwords_and_a_bad_email_are_form_errors(client):
    response = client.post("/account/register/", form(email="not-an-email", password2="something-else-42"))

    assert response.context["form"].errors == {
        "email": ["Enter a valid email address."],
        "password2": ["The two passwords do not match."],
    }
    assert not User.objects.exists()


def test_the_register_page_lists_the_password_rules(client):
    html = client.get("/account/register/").content.decode()

    assert "Your password must contain at least 10 characters." in html
    assert 'autocomplete="new-password"' in html


def test_the_service_reports_every_problem_at_once():
    UserFactory(username="ana", email="ana@example.com")

    with pytest.raises(ApplicationError) as error:
        services.user_register(email="ana@example.com", password="123")

    assert error.value.code == "invalid"
    assert error.value.details == {
        "email": ["An account with this email address already exists."],
        "password": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ],
    }
    assert User.objects.count() == 1


def test_the_database_refuses_a_second_account_with_the_same_email_in_another_case():
    UserFactory(username="ana", email="ana@example.com")

    with pytest.raises(IntegrityError, match="accounts_user_email_ci_uniq"):
        UserFactory(username="ana2", email="ANA@EXAMPLE.COM")


# --- API -----------------------------------------------------------------------------------------


def test_api_registration_returns_a_token_and_the_user(api):
    response = api.post(
        "/api/v1/auth/register/", {"email": "bo@example.com", "password": STRONG, "first_name": "Bo"}, format="json"
    )

    assert response.status_code == 201
    user = User.objects.get()
    assert response.json() == {
        "token": Token.objects.get(user=user).key,
        "user": {
            "id": user.pk,
            "username": "bo@example.com",
            "email": "bo@example.com",
            "first_name": "Bo",
            "last_name": "",
            "date_joined": response.json()["user"]["date_joined"],
        },
    }


def test_api_registration_with_a_taken_email_and_weak_password_is_a_400_with_field_errors(api):
    UserFactory(username="bo", email="bo@example.com")

    response = api.post("/api/v1/auth/register/", {"email": "BO@example.com", "password": "password"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "The request has invalid fields.",
            "details": {
                "email": ["An account with this email address already exists."],
                "password": [
                    "This password is too short. It must contain at least 10 characters.",
                    "This password is too common.",
                ],
            },
        }
    }
    assert User.objects.count() == 1
    assert not Token.objects.exists()


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, {"email": ["This field is required."], "password": ["This field is required."]}),
        ({"email": "x", "password": STRONG}, {"email": ["Enter a valid email address."]}),
        (
            {"email": f"{'a' * 140}@example.com", "password": STRONG},
            {"email": ["Ensure this field has no more than 150 characters."]},
        ),
        (
            {"email": "bo@example.com", "password": "p" * 129},
            {"password": ["Ensure this field has no more than 128 characters."]},
        ),
        (
            {"email": "bo@example.com", "password": STRONG, "first_name": {"a": 1}},
            {"first_name": ["Not a valid string."]},
        ),
    ],
)
def test_api_registration_with_bad_input_is_a_400_and_writes_nothing(api, body, details):
    response = api.post("/api/v1/auth/register/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    assert not User.objects.exists()


def test_api_registration_with_malformed_json_is_a_400(api):
    response = api.post("/api/v1/auth/register/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert not User.objects.exists()
