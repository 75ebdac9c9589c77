"""Writes of the accounts app: registration, login, profile, account deletion and the address book.

Customers are Django's `auth.User`. A customer registers with an email address, which also becomes
their username (lower-cased), so "log in by email" and "log in by username" are the same for them;
staff and demo accounts keep their own usernames (accounts.backends accepts both). Emails are
unique case-insensitively: checked here for a clear message, enforced by a database index.
"""

from typing import Literal

from axes.utils import reset as axes_reset
from django.contrib.auth import authenticate, get_user_model, login, password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from accounts.models import Address
from accounts.signals import customer_signed_in
from core.errors import ApplicationError
from privacy.services import marketing_consent_set, person_erase

User = get_user_model()

EMAIL_TAKEN = "An account with this email address already exists."
ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
DefaultKind = Literal["shipping", "billing"]
# The backend that a session of a just-registered customer is bound to (authenticate() sets it otherwise).
PASSWORD_BACKEND = "accounts.backends.EmailOrUsernameBackend"


def _email_taken(*, email: str, exclude_user_id: int | None = None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_user_id).exists()


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError("The request has invalid fields.", code="invalid", details={field: [message]})


# --- Registration and login ----------------------------------------------------------------------


def user_register(
    *, email: str, password: str, first_name: str = "", last_name: str = "", marketing_email: bool = False
) -> AbstractBaseUser:
    """Create an active customer account, with their marketing consent if they gave it on the form.
    Raises ApplicationError with field errors for a taken email or a password that fails
    AUTH_PASSWORD_VALIDATORS; nothing is written then."""
    email = User.objects.normalize_email(email.strip())
    user = User(username=email.lower(), email=email, first_name=first_name, last_name=last_name)
    errors: dict[str, list[str]] = {}
    if _email_taken(email=email):
        errors["email"] = [EMAIL_TAKEN]
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ApplicationError("The request has invalid fields.", code="invalid", details=errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            if marketing_email:
                marketing_consent_set(user=user, given=True, source="registration")
    except IntegrityError as exc:  # a concurrent registration with the same email won the race
        raise _invalid("email", EMAIL_TAKEN) from exc
    return user


def user_authenticate(*, request: HttpRequest, username: str, password: str) -> AbstractBaseUser:
    """The active user with this email or username and password. The request lets django-axes count
    failures per client; a locked-out client fails here too and gets axes' lockout response."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApplicationError("That email or username and password do not match.", code="invalid_credentials")
    return user


def user_login(*, request: HttpRequest, user: AbstractBaseUser) -> None:
    """Start a session for an authenticated user and move the guest's cart into theirs.

    Django's login() gives the session a new key (against session fixation), so the guest cart's
    key is read before it.
    """
    guest_session_key = request.session.session_key
    login(request, user, backend=getattr(user, "backend", PASSWORD_BACKEND))
    if guest_session_key:
        customer_signed_in.send(sender=User, user=user, guest_session_key=guest_session_key)


def user_token_login(*, request: HttpRequest, user: AbstractBaseUser) -> Token:
    """The API login: the user's token (created on first use) and their guest cart, if the client
    sent a session cookie, merged into theirs. No session is started: API clients send the token."""
    token, _created = Token.objects.get_or_create(user=user)
    if request.session.session_key:
        customer_signed_in.send(sender=User, user=user, guest_session_key=request.session.session_key)
    return token


def user_token_revoke(*, user: AbstractBaseUser) -> None:
    """Delete the user's API token: every client that uses it is logged out."""
    Token.objects.filter(user=user).delete()


def user_lockout_clear(*, user: AbstractBaseUser) -> None:
    """Forget the failed logins recorded for the user's email and username (on any client), e.g.
    once a password reset link has proved who they are."""
    for name in {user.get_username().lower(), user.email.lower()} - {""}:
        axes_reset(username=name)


# --- Profile and account deletion --------------------------------------------------------------


def user_profile_update(*, user: AbstractBaseUser, first_name: str, last_name: str, email: str) -> AbstractBaseUser:
    """Change name and email. A customer whose username is their email keeps the two in step."""
    email = User.objects.normalize_email(email.strip())
    if _email_taken(email=email, exclude_user_id=user.pk):
        raise _invalid("email", EMAIL_TAKEN)
    if user.username == user.email.lower():
        user.username = email.lower()
    user.first_name, user.last_name, user.email = first_name, last_name, email
    try:
        with transaction.atomic():
            user.save(update_fields=["username", "first_name", "last_name", "email"])
    except IntegrityError as exc:
        user.refresh_from_db()
        raise _invalid("email", EMAIL_TAKEN) from exc
    return user


def user_delete(
    *, user: AbstractBaseUser, actor: AbstractBaseUser | None = None, reason: str = "The customer closed their account"
) -> dict[str, int]:
    """Close an account: erase the person's data everywhere and keep the orders for the books.

    Every app's registered eraser runs (privacy.services.person_erase, which also records the
    erasure in the access audit; `actor` is the staff member acting on an e-mailed request, or the
    customer): addresses, API token, failed sign-in records, cart and wishlist are deleted, chats and
    tickets anonymised, events re-keyed to a pseudonym, review author names become "Former customer",
    and orders keep their amounts with the e-mail replaced and only the country of their addresses.
    Then name, email and username become `deleted-<id>`, the password is made unusable and the account
    deactivated (which also ends its sessions). Returns the erased counts per app and item.
    """
    if user.is_staff or user.is_superuser:
        raise ApplicationError(
            "Staff accounts are closed by an administrator in the back office.", code="staff_account"
        )
    if not user.is_active:
        raise ApplicationError("This account is already closed.", code="account_closed")
    with transaction.atomic():
        counts = person_erase(user=user, actor=actor or user, reason=reason)
        user.username = f"deleted-{user.pk}"
        user.email = f"deleted-{user.pk}@invalid"
        user.first_name = user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.save()
    return counts


# --- Address book --------------------------------------------------------------------------------


def _lock_address_book(user: AbstractBaseUser) -> None:
    """Serialise changes of one customer's default addresses (the user row is the lock), so two
    concurrent "make default" requests cannot both pass the one-default-per-kind constraint."""
    User.objects.select_for_update().filter(pk=user.pk).exists()


def _check_address_fields(fields: dict) -> None:
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown address fields: {sorted(unknown)}")


def _address_save(*, address: Address, is_default_shipping: bool | None, is_default_billing: bool | None) -> Address:
    address.full_clean(exclude=["user", "is_default_shipping", "is_default_billing"], validate_constraints=False)
    with transaction.atomic():
        _lock_address_book(address.user)
        others = Address.objects.filter(user=address.user).exclude(pk=address.pk)
        if address.pk is None and not others.exists():
            # A customer's first address is where they ship and bill until they say otherwise.
            is_default_shipping = is_default_billing = True
        if is_default_shipping is not None:
            if is_default_shipping:
                others.filter(is_default_shipping=True).update(is_default_shipping=False)
            address.is_default_shipping = is_default_shipping
        if is_default_billing is not None:
            if is_default_billing:
                others.filter(is_default_billing=True).update(is_default_billing=False)
            address.is_default_billing = is_default_billing
        address.save()
    return address


def address_create(
    *, user: AbstractBaseUser, is_default_shipping: bool = False, is_default_billing: bool = False, **fields
) -> Address:
    """Add an address (fields: ADDRESS_FIELDS). Making it a default moves that default from the
    previous one. Raises Django's ValidationError with field errors for an invalid address."""
    _check_address_fields(fields)
    address = Address(user=user, **{name: fields.get(name, "") for name in ADDRESS_FIELDS})
    return _address_save(
        address=address, is_default_shipping=is_default_shipping, is_default_billing=is_default_billing
    )


def address_update(
    *, address: Address, is_default_shipping: bool | None = None, is_default_billing: bool | None = None, **fields
) -> Address:
    """Change some fields of an address; a default flag left as None stays as it is."""
    _check_address_fields(fields)
    for name, value in fields.items():
        setattr(address, name, value)
    return _address_save(
        address=address, is_default_shipping=is_default_shipping, is_default_billing=is_default_billing
    )


def address_default_set(*, address: Address, kind: DefaultKind) -> Address:
    """Make the address the customer's default shipping or billing address."""
    if kind not in ("shipping", "billing"):
        raise _invalid("kind", 'Choose "shipping" or "billing".')
    return address_update(address=address, **{f"is_default_{kind}": True})


def address_delete(*, address: Address) -> None:
    address.delete()


def address_snapshot(*, address: Address) -> dict[str, str]:
    """The address as frozen into an order (`Order.shipping_address` / `billing_address`).

    Works for a saved address and for an unsaved one, such as a guest's from
    `AddressForm(...).save(commit=False)` after `is_valid()`.
    """
    snapshot = {name: str(getattr(address, name) or "") for name in ADDRESS_FIELDS}
    snapshot["country"] = address.country.code
    snapshot["country_name"] = str(address.country.name)
    return snapshot
