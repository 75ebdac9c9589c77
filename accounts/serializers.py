"""Request and response bodies of the accounts API.

Input serializers check types and lengths; the rules (unique email, password strength, postal code
per country) are the services' and the Address model's, so the website and the API agree.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from accounts.forms import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from accounts.models import Address
from accounts.services import ADDRESS_FIELDS

PASSWORD_MAX_LENGTH = 128


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "username", "email", "first_name", "last_name", "date_joined"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        help_text="At least 10 characters; not common, not all digits, not like your name or email.",
    )
    first_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True, default="")


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="Your email address (or, for older accounts, username).")
    password = serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    user = UserSerializer()


class ProfileUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH, required=False)


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, help_text="Your password, to be sure it is you."
    )

    def validate_password(self, password: str) -> str:
        if not self.context["user"].check_password(password):
            raise serializers.ValidationError("That is not your password.")
        return password


class AddressSerializer(CountryFieldMixin, serializers.ModelSerializer):
    """An address of the address book. Setting a default flag moves that default from the customer's
    other address; the first address becomes both defaults."""

    class Meta:
        model = Address
        fields = ["id", *ADDRESS_FIELDS, "is_default_shipping", "is_default_billing", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs):
        """The model's own check of the postal code against the country, as field errors."""
        current = {name: getattr(self.instance, name) for name in ADDRESS_FIELDS} if self.instance else {}
        address = Address(**{**current, **{name: attrs[name] for name in ADDRESS_FIELDS if name in attrs}})
        try:
            address.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        if "postal_code" in attrs:
            attrs["postal_code"] = address.postal_code  # normalised
        return attrs
