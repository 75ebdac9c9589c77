"""Forms of the order pages and of the order admin's intermediate pages."""

from django import forms

from orders.models import Order, OrderLine
from orders.services import REFUND_REASON_MAX, TRACKING_MAX


class GuestLookupForm(forms.Form):
    number = forms.CharField(
        label="Order number", max_length=Order._meta.get_field("number").max_length, help_text="e.g. SF-2026-000123"
    )
    email = forms.EmailField(label="Email used for the order", max_length=254)


class ShipAdminForm(forms.Form):
    """One order of the "ship" admin action: its tracking number."""

    order = forms.IntegerField(widget=forms.HiddenInput)
    tracking_number = forms.CharField(max_length=TRACKING_MAX)


ShipAdminFormSet = forms.formset_factory(ShipAdminForm, extra=0)


class RefundLinesAdminForm(forms.Form):
    """How many units of each line to refund, why, and whether they return to stock."""

    reason = forms.CharField(max_length=REFUND_REASON_MAX, required=False)
    restock = forms.BooleanField(
        required=False,
        label="Return the refunded units to stock",
        help_text="Goods of an order that has not shipped always return to stock.",
    )

    def __init__(self, *args, lines: list[OrderLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            left = line.quantity - line.refunded_quantity
            self.fields[self.field_name(line)] = forms.IntegerField(
                min_value=0, max_value=left, initial=0, label=f"{line.sku} {line.product_name}"
            )

    @staticmethod
    def field_name(line: OrderLine) -> str:
        return f"line_{line.pk}"

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(self.field_name(line)) for line in self.lines):
            raise forms.ValidationError("Enter a quantity to refund for at least one line.")
        return cleaned

    def line_quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[self.field_name(line)]
            for line in self.lines
            if self.cleaned_data[self.field_name(line)]
        }
