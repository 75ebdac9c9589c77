"""Forms of the account pages. They check the shape of the input; the rules (unique email, strong
password, valid postal code) live in accounts.services and the Address model, and the views turn
the services' errors back into form errors with `add_service_errors`."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import Address
from accounts.services import ADDRESS_FIELDS
from core.errors import ApplicationError

EMAIL_MAX_LENGTH = 150  # the email doubles as the username, which Django caps at 150 characters
NAME_MAX_LENGTH = 150


def add_service_errors(form: forms.Form, error: ApplicationError, *, field_names: dict[str, str] | None = None) -> None:
    """Show a service's ApplicationError on the form: its field errors on their fields (renamed
    through `field_names`, e.g. the service's "password" is the form's "password1"), else as a
    form-wide error."""
    field_names = field_names or {}
    if not error.details:
        form.add_error(None, error.message)
    for field, messages in error.details.items():
        name = field_names.get(field, field)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class LoginForm(AuthenticationForm):
    """Django's login form (it passes the request to authenticate(), which the lockout needs)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email or username and password do not match. Passwords are case-sensitive.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email or username"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})


class RegistrationForm(forms.Form):
    first_name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False)
    last_name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False)
    email = forms.EmailField(max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirm password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    marketing_email = forms.BooleanField(
        label="Send me offers and news by e-mail", required=False, help_text="You can change this any time."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "The two passwords do not match.")
        return cleaned


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False)
    last_name = forms.CharField(max_length=NAME_MAX_LENGTH, required=False)
    email = forms.EmailField(max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class AddressForm(forms.ModelForm):
    """A postal address, validated as the Address model does (required fields, lengths, postal code
    per country). Checkout uses it for guests too: after `is_valid()`, `save(commit=False)` gives an
    unsaved Address for `accounts.services.address_snapshot`. Use a `prefix` for two on one page."""

    class Meta:
        model = Address
        fields = list(ADDRESS_FIELDS)
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "region": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = {"postal_code": "Leave empty only where your country has no postal codes."}


class AddressBookForm(AddressForm):
    """An address of the customer's address book, with its default flags."""

    class Meta(AddressForm.Meta):
        fields = [*AddressForm.Meta.fields, "is_default_shipping", "is_default_billing"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
