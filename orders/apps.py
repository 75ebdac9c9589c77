from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        """After every `migrate`: the periodic sweep that sends order emails left pending (orders.services)."""
        from core.outbox import outbox_sweep_schedule

        outbox_sweep_schedule(
            self,
            name=EMAIL_SWEEP_TASK_NAME,
            task="orders.tasks.order_emails_deliver_pending",
            description="Sends order emails whose task could not be queued or failed (broker, worker or mail down).",
        )


EMAIL_SWEEP_TASK_NAME = "Order emails: send pending"
