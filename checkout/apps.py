from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "checkout"

    def ready(self) -> None:
        """Follow the customer through the accounts app's extension points (accounts.signals).
        A closing account's cart goes in checkout.personal_data.erase."""
        from accounts.signals import customer_signed_in
        from checkout import receivers

        customer_signed_in.connect(receivers.guest_cart_merge, dispatch_uid="checkout.guest_cart_merge")
