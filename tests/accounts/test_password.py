"""Password reset by email (the link works once) and password change (other sessions end)."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "harbour-lantern-42"


def reset_link(message) -> str:
    return re.search(r"http://testserver(/account/reset/\S+/)", message.body).group(1)


def test_asking_for_a_reset_sends_one_email_with_a_working_link(client, customer):
    response = client.post("/account/password-reset/", {"email": "ANA@example.com"})

    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    [message] = mail.outbox
    assert message.to == ["ana@example.com"]
    assert message.subject == "Reset your Storefront AI password"
    assert message.body.startswith("Hello Ana,\n\nSomeone asked to reset the password of your Storefront AI account")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver{reset_link(message)}"' in html

    # the link opens the form (Django moves the token out of the URL), and the new password works
    form_page = client.get(reset_link(message), follow=True)
    assert form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/account/reset/done/"
    customer.refresh_from_db()
    assert customer.check_password(NEW)

    # and it works only once
    assert client.get(reset_link(message), follow=True).context["validlink"] is False


def test_a_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, customer):
    response = client.post("/account/password-reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/account/password-reset/sent/"
    assert mail.outbox == []


def test_the_new_password_must_pass_the_rules(client, customer):
    client.post("/account/password-reset/", {"email": "ana@example.com"})
    set_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(set_url, {"new_password1": "12345", "new_password2": "12345"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == [
        "This password is too short. It must contain at least 10 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


def test_a_reset_lifts_a_lockout(client, customer):
    for _ in range(5):
        client.post("/account/login/", {"username": "ana@example.com", "password": "wrong-password"})
    assert AccessAttempt.objects.exists()
    client.post("/account/password-reset/", {"email": "ana@example.com"})
    set_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})

    assert not AccessAttempt.objects.exists()
    assert client.post("/account/login/", {"username": "ana@example.com", "password": NEW}).status_code == 302


def test_changing_the_password_keeps_this_session_and_ends_the_others(client, customer):
    client.force_login(customer)
    other_device = Client()
    other_device.force_login(customer)

    response = client.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )

    assert response.redirect_chain == [("/account/", 302)]
    assert "Your password has been changed." in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(NEW)
    assert client.get("/account/").status_code == 200
    assert other_device.get("/account/")["Location"] == "/account/login/?next=/account/"


def test_changing_the_password_needs_the_old_one(client, customer):
    client.force_login(customer)

    response = client.post("/account/password/", {"old_password": "guess", "new_password1": NEW, "new_password2": NEW})

    assert response.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
    assert client.session[SESSION_KEY] == str(customer.pk)


def test_password_reset_emails_are_throttled_per_address_without_saying_so(client, customer, settings):
    settings.PASSWORD_RESET_RATE_EMAIL = "3/h"

    answers = [client.post("/account/password-reset/", {"email": "ana@example.com"}) for _ in range(5)]

    assert [answer["Location"] for answer in answers] == ["/account/password-reset/sent/"] * 5
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_throttled_per_client_across_addresses(client, customer, settings):
    settings.PASSWORD_RESET_RATE_IP = "2/h"
    settings.PASSWORD_RESET_RATE_EMAIL = "100/h"

    for _ in range(3):
        client.post("/account/password-reset/", {"email": "ana@example.com"}, REMOTE_ADDR="198.51.100.7")
    other_client = client.post("/account/password-reset/", {"email": "ana@example.com"}, REMOTE_ADDR="198.51.100.8")

    assert other_client.status_code == 302
    assert len(mail.outbox) == 3  # two from the first client, then one from the other
