"""Customers' address books.

The customer account itself is Django's `auth.User`: the email is the login (see accounts.services),
and a unique index on `UPPER(email)` (migration 0002) keeps emails unique case-insensitively.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_countries.fields import CountryField

from accounts.validators import phone_validator, postal_code_error, postal_code_normalise


class Address(models.Model):
    """A saved address; at most one default shipping and one default billing address per customer.

    The field names are also the keys of the snapshot frozen into orders (`address_snapshot`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=100)
    line1 = models.CharField("address line 1", max_length=100)
    line2 = models.CharField("address line 2", max_length=100, blank=True)
    city = models.CharField(max_length=60)
    region = models.CharField("county, state or region", max_length=60, blank=True)
    postal_code = models.CharField(max_length=12, blank=True)
    country = CountryField()
    phone = models.CharField(max_length=30, blank=True, validators=[phone_validator])
    is_default_shipping = models.BooleanField("default shipping address", default=False)
    is_default_billing = models.BooleanField("default billing address", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_default_shipping", "-is_default_billing", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default_shipping=True), name="address_one_default_shipping"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default_billing=True), name="address_one_default_billing"
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="address_user_idx")]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city} ({self.country.code})"

    def clean(self) -> None:
        """Normalise the postal code and check it against the country (loosely; see accounts.validators)."""
        self.postal_code = postal_code_normalise(self.postal_code or "")
        if not self.country:
            return  # the country field reports its own error
        error = postal_code_error(country=self.country.code, postal_code=self.postal_code)
        if error:
            raise ValidationError({"postal_code": error})
