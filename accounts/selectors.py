"""Reads of the accounts app: a customer's address book. Another customer's address is a 404."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from accounts.models import Address
from core.errors import NotFoundError


def address_list(*, user: AbstractBaseUser) -> QuerySet[Address]:
    """The customer's addresses, defaults first, then newest first."""
    return Address.objects.filter(user=user)


def address_get(*, user: AbstractBaseUser, address_id: int) -> Address:
    """One of the customer's addresses; NotFoundError for an unknown id or someone else's."""
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFoundError("No such address.", code="address_not_found")
    return address


def address_default(*, user: AbstractBaseUser, kind: str) -> Address | None:
    """The customer's default "shipping" or "billing" address, if they have one (checkout prefills it)."""
    if not user.is_authenticated:
        return None
    return Address.objects.filter(user=user, **{f"is_default_{kind}": True}).first()
