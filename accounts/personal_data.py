"""Personal data of the accounts app for privacy.registry: the customer's account (Django's
auth.User), their address book, and django-axes' records of failed sign-ins.

The account row itself is anonymised last, by accounts.services.user_delete, after every app's
`erase` has run (some find the person's rows by their e-mail).
"""

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Coalesce
from rest_framework.authtoken.models import Token

from accounts.models import Address

FIELDS = [
    ("auth.User", "username", "contact", "account"),
    ("auth.User", "email", "contact", "account"),
    ("auth.User", "first_name", "contact", "account"),
    ("auth.User", "last_name", "contact", "account"),
    ("accounts.Address", "full_name", "contact", "account"),
    ("accounts.Address", "phone", "contact", "account"),
    *(("accounts.Address", name, "address", "account") for name in ("line1", "line2", "city", "region", "postal_code")),
    *(
        (model, name, category, "account")
        for model in ("axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog")
        for name, category in (("username", "contact"), ("ip_address", "network"), ("user_agent", "network"))
    ),
]


def export(*, user) -> dict:
    profile = {
        name: getattr(user, name)
        for name in ("username", "email", "first_name", "last_name", "date_joined", "last_login")
    }
    addresses = [
        {**address, "country": str(address["country"])}
        for address in Address.objects.filter(user=user).values(
            "full_name",
            "line1",
            "line2",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "is_default_shipping",
            "is_default_billing",
            "created_at",
        )
    ]
    return {"profile": profile, "addresses": addresses}


def erase(*, user, pseudonym) -> dict[str, int]:
    names = {user.get_username().lower(), user.email.lower()} - {""}
    by_name = Q()
    for name in names:
        by_name |= Q(username__iexact=name)
    return {
        "addresses": Address.objects.filter(user=user).delete()[0],
        "api_tokens": Token.objects.filter(user=user).delete()[0],
        "sign_in_records": sum(model.objects.filter(by_name).delete()[0] for model in _AXES_MODELS) if names else 0,
    }


_AXES_MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def retain(*, policy, now: datetime, pseudonym) -> dict[str, int]:
    """Address books of customers not seen (signed in, or joined) for `dormant_address_days`."""
    cutoff = now - timedelta(days=policy.days("dormant_address"))
    dormant = (
        get_user_model()
        .objects.annotate(seen=Coalesce("last_login", "date_joined"))
        .filter(seen__lt=cutoff)
        .values("pk")
    )
    return {"dormant_addresses_deleted": Address.objects.filter(user__in=dormant).delete()[0]}
