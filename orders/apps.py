from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self) -> None:
        """Plug into lower apps' extension points: order gauges for /metrics, who bought what for the
        catalogue's verified reviews. (The sweep of pending order emails is scheduled in ops.schedules.)"""
        from core.metrics import metric_source_register
        from orders.metrics import order_gauges
        from orders.selectors import order_lines_bought
        from shop.extensions import verified_purchases_register

        metric_source_register(order_gauges)
        verified_purchases_register(order_lines_bought)
