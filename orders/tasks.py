"""Celery tasks of the orders app: thin wrappers around orders.services, each named `orders.tasks.<function>`."""

from celery import shared_task

from orders import services


@shared_task(name="orders.tasks.order_email_deliver")
def order_email_deliver(email_id: int) -> bool:
    return services.order_email_deliver(email_id=email_id)


@shared_task(name="orders.tasks.order_emails_deliver_pending")
def order_emails_deliver_pending() -> int:
    return services.order_emails_deliver_pending()
