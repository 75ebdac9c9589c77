from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        """Plug into lower apps' extension points (order gauges for /metrics, who bought what for the
        catalogue's verified reviews) and, after every `migrate`, the periodic sweep that sends order
        emails left pending (orders.services)."""
        from core.metrics import metric_source_register
        from core.outbox import outbox_sweep_schedule
        from orders.metrics import order_gauges
        from orders.selectors import order_lines_bought
        from shop.extensions import verified_purchases_register

        metric_source_register(order_gauges)
        verified_purchases_register(order_lines_bought)
        outbox_sweep_schedule(
            self,
            name=EMAIL_SWEEP_TASK_NAME,
            task="orders.tasks.order_emails_deliver_pending",
            description="Sends order emails whose task could not be queued or failed (broker, worker or mail down).",
        )


EMAIL_SWEEP_TASK_NAME = "Order emails: send pending"
