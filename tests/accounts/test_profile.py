"""The profile (name and email) on the website and over the API, and the header's account links."""

import re

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_profile_page_needs_a_signed_in_customer(client):
    assert client.get("/account/")["Location"] == "/account/login/?next=/account/"


def test_changing_name_and_email_moves_the_username_along(client, customer):
    client.force_login(customer)

    response = client.post(
        "/account/", {"first_name": "Ana Maria", "last_name": "Silva", "email": "ana.silva@example.com"}, follow=True
    )

    assert response.redirect_chain == [("/account/", 302)]
    assert "Your details have been saved." in response.content.decode()
    customer.refresh_from_db()
    assert (customer.first_name, customer.email, customer.username) == (
        "Ana Maria",
        "ana.silva@example.com",
        "ana.silva@example.com",
    )
    # the new email signs in
    client.post("/account/logout/")
    login = client.post("/account/login/", {"username": "ana.silva@example.com", "password": "correct-horse-battery"})
    assert login.status_code == 302


def test_a_username_of_its_own_stays_when_the_email_changes(client):
    staff = UserFactory(username="boss", email="boss@example.com")
    client.force_login(staff)

    client.post("/account/", {"first_name": "", "last_name": "", "email": "chief@example.com"})

    staff.refresh_from_db()
    assert (staff.username, staff.email) == ("boss", "chief@example.com")


def test_an_email_of_another_account_is_refused_and_nothing_changes(client, customer):
    UserFactory(username="bo@example.com", email="bo@example.com")
    client.force_login(customer)

    response = client.post("/account/", {"first_name": "X", "last_name": "Y", "email": "BO@example.com"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["An account with this email address already exists."]}
    customer.refresh_from_db()
    assert (customer.first_name, customer.email) == ("Ana", "ana@example.com")


def test_api_me_shows_and_patches_the_profile(api, customer):
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=customer).key}")

    response = api.patch("/api/v1/auth/me/", {"last_name": "Costa"}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "username": "ana@example.com",
        "email": "ana@example.com",
        "first_name": "Ana",
        "last_name": "Costa",
        "date_joined": response.json()["date_joined"],
    }
    assert api.get("/api/v1/auth/me/").json()["last_name"] == "Costa"


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"email": "bo@example.com"}, {"email": ["An account with this email address already exists."]}),
        ({"email": "nope"}, {"email": ["Enter a valid email address."]}),
        ({"first_name": "x" * 151}, {"first_name": ["Ensure this field has no more than 150 characters."]}),
        ({"email": None}, {"email": ["This field may not be null."]}),
    ],
)
def test_api_me_bad_changes_are_400s_and_nothing_changes(api, customer, body, details):
    UserFactory(username="bo@example.com", email="bo@example.com")
    api.force_authenticate(customer)

    response = api.patch("/api/v1/auth/me/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    customer.refresh_from_db()
    assert (customer.first_name, customer.email, customer.username) == ("Ana", "ana@example.com", "ana@example.com")


# --- Header --------------------------------------------------------------------------------------


def test_the_header_offers_sign_in_and_register_to_visitors(client):
    html = client.get("/account/login/").content.decode()

    links = re.search(r'<nav class="account-links".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', links) == ["/account/login/", "/account/register/"]
    assert '<span class="account-label">Sign in</span>' in links
    assert ">Register</a>" in links
    assert "My account" not in html


def test_the_header_menu_of_a_customer_links_their_pages_and_signs_out_with_a_post(client, customer):
    client.force_login(customer)

    html = client.get("/account/").content.decode()

    menu = re.search(r'<details class="account-menu".*?</details>', html, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', menu) == ["/account/", "/account/orders/", "/account/addresses/", "/wishlist/"]
    assert '<form method="post" action="/account/logout/">' in menu
    assert "Sign in" not in html
