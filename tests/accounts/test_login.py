"""Signing in and out on the website and over the API: email or username, lockout after repeated
failures, session rotation, the guest cart merged at login, and token authentication."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from checkout.models import Cart
from checkout.services import cart_get_or_create, cart_line_add
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. For your security, signing in is blocked for 15 minutes. "
    "Try again later, or reset your password."
)


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/account/login/", {"username": username, "password": password}, **extra)


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def signed_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


# --- Website -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ana@example.com", "ANA@Example.com", " ana@example.com "])
def test_a_customer_signs_in_with_their_email_in_any_case(client, customer, typed):
    response = sign_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert signed_in_user_id(client) == str(customer.pk)


def test_an_account_with_its_own_username_signs_in_with_it_or_its_email(client):
    staff = UserFactory(username="boss", email="boss@example.com")

    assert sign_in(client, "boss").status_code == 302
    assert signed_in_user_id(client) == str(staff.pk)
    other = Client()
    assert sign_in(other, "boss@example.com").status_code == 302
    assert signed_in_user_id(other) == str(staff.pk)


def test_signing_in_goes_to_a_safe_next_page(client, customer):
    response = client.post("/account/login/", {"username": "ana@example.com", "password": PASSWORD, "next": "/cart/"})

    assert response["Location"] == "/cart/"


def test_a_wrong_password_is_a_form_error_and_no_session(client, customer):
    response = sign_in(client, "ana@example.com", "wrong-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "That email or username and password do not match. Passwords are case-sensitive."
    ]
    assert signed_in_user_id(client) is None


def test_an_inactive_account_cannot_sign_in(client, customer):
    customer.is_active = False
    customer.save()

    assert sign_in(client, "ana@example.com").status_code == 200
    assert signed_in_user_id(client) is None


def test_signing_in_rotates_the_session_key(client, customer):
    before = client.session.session_key

    sign_in(client, "ana@example.com")

    assert client.session.session_key != before


def test_five_failures_lock_that_username_from_that_client_out_for_15_minutes(client, customer):
    # given four failures
    for _ in range(4):
        assert sign_in(client, "ana@example.com", "wrong-password").status_code == 200

    # when the fifth fails too
    fifth = sign_in(client, "ana@example.com", "wrong-password")

    # then it and even the right password get the lockout page, and nobody is signed in
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    assert LOCKED_MESSAGE in fifth.content.decode()
    right = sign_in(client, "Ana@example.com", PASSWORD)
    assert right.status_code == 429
    assert LOCKED_MESSAGE in right.content.decode()
    assert signed_in_user_id(client) is None
    assert AccessAttempt.objects.get().username == "ana@example.com"


def test_a_lockout_applies_only_to_that_username_and_client(client, customer):
    for _ in range(5):
        sign_in(client, "ana@example.com", "wrong-password")
    UserFactory(username="bo@example.com", email="bo@example.com")

    # another account from the same client, and the same account from another client, still sign in
    assert sign_in(Client(), "bo@example.com").status_code == 302
    assert sign_in(Client(), "ana@example.com", REMOTE_ADDR="10.1.2.3").status_code == 302
    assert sign_in(Client(), "ana@example.com").status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(client, customer):
    for _ in range(4):
        sign_in(client, "ana@example.com", "wrong-password")

    assert sign_in(client, "ana@example.com").status_code == 302

    assert not AccessAttempt.objects.exists()


def test_signing_out_needs_a_post(client, customer):
    client.force_login(customer)

    assert client.get("/account/logout/").status_code == 405
    assert signed_in_user_id(client) == str(customer.pk)
    response = client.post("/account/logout/", follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert signed_in_user_id(client) is None
    assert "You have signed out." in response.content.decode()


def test_the_admin_login_is_locked_out_too(client, admin_user):
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "admin", "password": "wrong-password"})

    assert response.status_code == 429
    assert client.post("/admin/login/", {"username": "admin", "password": "password"}).status_code == 429


# --- The guest cart follows the customer -------------------------------------------------------


def guest_cart_with(client, variant, quantity: int) -> Cart:
    cart = cart_get_or_create(session_key=client.session.session_key)
    cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


def test_signing_in_moves_the_guest_cart_into_the_customers_cart(client, customer, make_product):
    # given a guest with 2 mugs in the cart and a customer cart holding 1 kettle
    mug = make_product(name="Mug", stock=5).variants.get()
    kettle = make_product(name="Kettle", stock=5).variants.get()
    guest_cart = guest_cart_with(client, mug, 2)
    cart_line_add(cart=cart_get_or_create(user=customer), variant_id=kettle.pk, quantity=1)

    # when the guest signs in
    assert sign_in(client, "ana@example.com").status_code == 302

    # then the customer's cart holds both and the guest cart is gone
    lines = Cart.objects.get(user=customer).lines.order_by("variant__product__name")
    assert [(line.variant_id, line.quantity) for line in lines] == [(kettle.pk, 1), (mug.pk, 2)]
    assert not Cart.objects.filter(pk=guest_cart.pk).exists()
    assert 'id="cart-count">3</span>' in client.get("/").content.decode()  # the header's personal part


def test_registering_keeps_the_guest_cart(client, make_product):
    mug = make_product(name="Mug", stock=5).variants.get()
    guest_cart_with(client, mug, 2)

    client.post(
        "/account/register/",
        {"email": "new@example.com", "password1": "harbour-lantern-42", "password2": "harbour-lantern-42"},
    )

    cart = Cart.objects.get(user__email="new@example.com")
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(mug.pk, 2)]


def test_api_login_merges_the_guest_cart_of_the_session_cookie(api, customer, make_product):
    mug = make_product(name="Mug", stock=5).variants.get()
    guest_cart_with(api, mug, 3)

    response = api.post("/api/v1/auth/login/", {"username": "ana@example.com", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    cart = Cart.objects.get(user=customer)
    assert [(line.variant_id, line.quantity) for line in cart.lines.all()] == [(mug.pk, 3)]
    assert Cart.objects.count() == 1


# --- API ---------------------------------------------------------------------------------------


def test_api_login_returns_the_token_and_the_token_opens_protected_endpoints(api, customer):
    response = api.post("/api/v1/auth/login/", {"username": "ana@example.com", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = Token.objects.get(user=customer)
    assert response.json()["token"] == token.key
    assert response.json()["user"]["email"] == "ana@example.com"
    me = token_client(token.key).get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.json()["id"] == customer.pk


def test_a_second_login_returns_the_same_token(api, customer):
    body = {"username": "ana@example.com", "password": PASSWORD}

    first = api.post("/api/v1/auth/login/", body, format="json").json()["token"]
    second = api.post("/api/v1/auth/login/", body, format="json").json()["token"]

    assert first == second


def test_protected_endpoints_refuse_no_token_and_a_bad_token(api):
    anonymous = api.get("/api/v1/auth/me/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    response = token_client("0" * 40).get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_api_login_with_wrong_credentials_is_a_400_without_a_token(api, customer):
    response = api.post("/api/v1/auth/login/", {"username": "ana@example.com", "password": "nope"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_credentials",
            "message": "That email or username and password do not match.",
            "details": {},
        }
    }
    assert not Token.objects.exists()


def test_api_login_with_missing_fields_is_a_400_with_field_errors(api):
    response = api.post("/api/v1/auth/login/", {"username": "ana@example.com"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"password": ["This field is required."]}


def test_api_login_locks_out_after_five_failures_with_the_error_shape(api, customer):
    body = {"username": "ana@example.com", "password": "wrong-password"}
    statuses = [api.post("/api/v1/auth/login/", body, format="json").status_code for _ in range(5)]

    right = api.post("/api/v1/auth/login/", {"username": "ana@example.com", "password": PASSWORD}, format="json")

    assert statuses == [400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert right.json() == {"error": {"code": "locked_out", "message": LOCKED_MESSAGE, "details": {"retry_after": 900}}}
    assert not Token.objects.exists()


def test_web_and_api_failures_count_together(client, api, customer):
    for _ in range(3):
        sign_in(client, "ana@example.com", "wrong-password")
    for _ in range(2):
        last = api.post("/api/v1/auth/login/", {"username": "ana@example.com", "password": "x"}, format="json")

    assert last.status_code == 429


def test_api_logout_deletes_the_token(customer):
    token = Token.objects.create(user=customer)
    client = token_client(token.key)

    response = client.post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert not Token.objects.exists()
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_api_logout_with_the_session_cookie_ends_the_session(client, customer):
    client.force_login(customer)
    Token.objects.create(user=customer)

    assert client.post("/api/v1/auth/logout/").status_code == 204

    assert signed_in_user_id(client) is None
    assert not Token.objects.exists()
