"""Forms of the cart and checkout pages. They check the input's shape; the rules (stock, prices,
card checks, addresses) live in checkout.services, payments.gateways and the Address model."""

from django import forms

from checkout.services import MAX_LINE_QUANTITY


class CartAddForm(forms.Form):
    variant = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class CartLineForm(forms.Form):
    line = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class CartLineQuantityForm(CartLineForm):
    quantity = forms.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


NEW_ADDRESS = "new"


class CardInput(forms.TextInput):
    """A text input that never renders its value back: card details are not echoed into pages."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class CheckoutForm(forms.Form):
    """Contact, shipping method, address choices and card of the one-page checkout.

    The addresses themselves are `accounts.forms.AddressForm`s with the prefixes "shipping" and
    "billing"; `shipping_choice` / `billing_choice` pick a saved address of a customer, or "new".
    `token` identifies this view of the page, so a double submission places one order.
    """

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    shipping_choice = forms.ChoiceField(widget=forms.RadioSelect, label="Ship to")
    billing_same = forms.BooleanField(required=False, initial=True, label="Bill to the shipping address")
    billing_choice = forms.ChoiceField(widget=forms.RadioSelect, label="Bill to", required=False)
    shipping_method = forms.ChoiceField(widget=forms.RadioSelect, label="Delivery")
    card_number = forms.CharField(
        label="Card number",
        max_length=30,
        widget=CardInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    card_expiry = forms.CharField(
        label="Expiry (MM/YY)",
        max_length=7,
        widget=CardInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    card_cvc = forms.CharField(
        label="Security code",
        max_length=4,
        widget=CardInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def __init__(self, *args, saved_addresses=(), shipping_methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        address_choices = [(str(address.pk), str(address)) for address in saved_addresses]
        address_choices.append((NEW_ADDRESS, "A new address"))
        self.fields["shipping_choice"].choices = address_choices
        self.fields["billing_choice"].choices = address_choices
        self.fields["shipping_method"].choices = [(method.code, method.name) for method in shipping_methods]
