"""Authentication backends: login lockout first, then email-or-username with a password."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request.

    Every login of the website, the API and the admin passes its request. A call without one (the
    test client's `login()`, a shell) has no client to count failures for, so it is let through to
    the password check instead of failing with axes' "request required" error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class EmailOrUsernameBackend(ModelBackend):
    """Accepts an email address (any case) or a username, with the password.

    Customers registered here have their email as username too; staff and demo accounts may have a
    different username. An identifier with "@" is looked up as an email, which is unique
    case-insensitively (index in accounts migration 0002), anything else as a username.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        users = get_user_model()._default_manager
        identifier = username.strip()
        lookup = {"email__iexact": identifier} if "@" in identifier else {"username": identifier}
        user = users.filter(**lookup).first()
        if user is None:
            # Hash anyway, so that response time does not tell whether the account exists (as ModelBackend).
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
