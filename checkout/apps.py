from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "checkout"

    def ready(self) -> None:
        """Follow the customer through the accounts app's extension points (accounts.signals)."""
        from accounts.signals import account_closing, customer_signed_in
        from checkout import receivers

        customer_signed_in.connect(receivers.guest_cart_merge, dispatch_uid="checkout.guest_cart_merge")
        account_closing.connect(receivers.cart_delete_of_closed_account, dispatch_uid="checkout.cart_delete")
