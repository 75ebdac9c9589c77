"""Order emails go through an outbox: checkout never waits for, or fails because of, the broker, the
worker or the mail server; queued emails are delivered when the worker is back; none is sent twice.
Real processes: redis-server, `celery worker`, PostgreSQL (tests/celery_processes.py)."""

import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from orders import tasks
from orders.models import Order, OrderEmail
from orders.services import order_email_deliver, order_emails_deliver_pending
from tests.celery_processes import broker_connections_reset, celery_on, redis_server, redis_url, start_worker
from tests.checkout.conftest import ADDRESS, CARD

__all__ = ["celery_on", "redis_server", "redis_url", "start_worker"]  # fixtures

CHECKOUT = {"email": "ana@example.com", "shipping_address": ADDRESS, "shipping_method": "standard", "payment": CARD}


@pytest.fixture
def mug(make_product, standard, express):
    return make_product(name="Blue Mug", slug="blue-mug", price="12.50", stock=5).variants.get()


def checkout(variant) -> int:
    guest = APIClient()
    guest.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 1}, format="json")
    return guest.post("/api/v1/checkout/", CHECKOUT, format="json").status_code


def sent_emails(tmp_path: Path) -> list[str]:
    folder = tmp_path / "emails"
    return sorted(path.read_text() for path in folder.glob("*.log")) if folder.exists() else []


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_emails_queued_while_the_worker_is_down_are_sent_once_it_is_back(mug, start_worker, tmp_path):
    # given: no worker running; the checkout queues its confirmation task in Redis
    assert checkout(mug) == 201
    email = OrderEmail.objects.get()
    assert (email.kind, email.status) == (OrderEmail.Kind.CONFIRMATION, OrderEmail.Status.PENDING)

    # when: the worker comes back
    start_worker()

    # then: the email is sent exactly once, and a later sweep sends nothing more
    wait_for(lambda: OrderEmail.objects.get().status == OrderEmail.Status.SENT)
    tasks.order_emails_deliver_pending.delay()
    assert order_email_deliver(email_id=email.pk) is False
    [message] = sent_emails(tmp_path)
    assert f"Your order {Order.objects.get().number} is confirmed" in message


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_checkout_works_with_the_broker_down_and_the_sweep_sends_the_email_later(
    mug, redis_server, start_worker, tmp_path, monkeypatch
):
    # given: the broker is down
    redis_server.stop()
    monkeypatch.setitem(celery_app.conf, "task_publish_retry", False)

    # when: a shopper checks out
    status = checkout(mug)

    # then: the order is placed and its email waits in the outbox
    assert status == 201
    assert Order.objects.get().status == Order.Status.PAID
    assert OrderEmail.objects.get().status == OrderEmail.Status.PENDING

    # when: the broker is back, a worker runs, and beat sends the periodic sweep
    redis_server.start()
    broker_connections_reset()
    start_worker()
    tasks.order_emails_deliver_pending.delay()

    # then: sent once; sweeping again sends nothing
    wait_for(lambda: OrderEmail.objects.get().status == OrderEmail.Status.SENT)
    assert order_emails_deliver_pending() == 0
    assert len(sent_emails(tmp_path)) == 1


@pytest.mark.django_db
def test_a_mail_server_failure_keeps_the_email_pending_until_the_retries_run_out(mug, settings):
    settings.EMAIL_BACKEND = "tests.orders.test_email_outbox.RefusingEmailBackend"
    assert checkout(mug) == 201

    for _ in range(5):
        order_emails_deliver_pending()

    email = OrderEmail.objects.get()
    assert (email.status, email.attempts, email.last_error) == (OrderEmail.Status.FAILED, 5, "mail server refused")
    assert Order.objects.get().status == Order.Status.PAID


class RefusingEmailBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server refused")
