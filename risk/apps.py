from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk control"

    def ready(self) -> None:
        """Screen every order at checkout, hear of failed card attempts, and train the `risk` model kind."""
        from checkout.extensions import order_screen_register, payment_failure_listener_register
        from ml.kinds import register
        from risk import services
        from risk.kinds import RiskKind

        order_screen_register(services.order_screen)
        payment_failure_listener_register(services.failed_payment_record)
        register(RiskKind())
