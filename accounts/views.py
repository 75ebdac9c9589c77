"""Account pages: register, sign in and out, password change and reset, profile, address book and
account deletion.

Sign-in, sign-out and the password pages are Django's own views with our templates; sign-in goes
through `accounts.services.user_login` so that the guest's cart follows the customer. Every other
view parses a form, calls one service and redirects with a message.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from accounts import selectors, services
from accounts.forms import (
    AccountDeleteForm,
    AddressBookForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    add_service_errors,
)
from core.errors import ApplicationError, NotFoundError

logger = logging.getLogger(__name__)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


# --- Sign in, sign out, register -----------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        services.user_login(request=self.request, user=form.get_user())
        return HttpResponseRedirect(self.get_success_url())


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link or an image cannot sign anyone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_register(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                marketing_email=data["marketing_email"],
            )
        except ApplicationError as error:
            add_service_errors(form, error, field_names={"password": "password1"})
        else:
            services.user_login(request=request, user=user)
            messages.success(request, "Welcome! Your account is ready.")
            return redirect(_safe_next(request, fallback=reverse("accounts:profile")))
    return render(request, "accounts/register.html", {"form": form, "next": _safe_next(request, fallback="")})


# --- Passwords -----------------------------------------------------------------------------------


def _reset_link_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Keeps this session signed in and ends the customer's other sessions (Django does both)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Emails a one-time link when an active account has that email; says the same either way, so
    the form does not reveal who has an account."""

    template_name = "accounts/password_reset_form.html"
    subject_template_name = "emails/password_reset_subject.txt"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"shop_name": settings.SHOP_NAME, "reset_hours": _reset_link_hours()}

    def form_valid(self, form):
        """Throttled per client IP and per email address (django-ratelimit, in the cache): past the
        limit no email is sent, but the answer is the same, so the limit reveals nothing either."""
        email = form.cleaned_data["email"].strip().lower()
        limited = [
            is_ratelimited(self.request, group="password-reset-ip", key="ip", rate=_reset_rate_ip, increment=True),
            is_ratelimited(
                self.request,
                group="password-reset-email",
                key=lambda g, r: email,
                rate=_reset_rate_email,
                increment=True,
            ),
        ]
        if any(limited):
            logger.warning("Password reset throttled for %s", "this client" if limited[0] else "this email")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


def _reset_rate_ip(group: str, request: HttpRequest) -> str:
    return settings.PASSWORD_RESET_RATE_IP


def _reset_rate_email(group: str, request: HttpRequest) -> str:
    return settings.PASSWORD_RESET_RATE_EMAIL


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_hours": _reset_link_hours()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_lockout_clear(user=form.user)  # the email proved who they are
        return response


# --- Profile and account deletion --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(user=user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your details have been saved.")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, "Your account has been deleted. Thank you for shopping with us.")
            return redirect("shop:home")
    return render(request, "accounts/account_delete.html", {"form": form})


# --- Address book --------------------------------------------------------------------------------


def _own_address(request: HttpRequest, address_id: int):
    try:
        return selectors.address_get(user=request.user, address_id=address_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


@login_required
@require_safe
def address_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/address_list.html", {"addresses": selectors.address_list(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request: HttpRequest) -> HttpResponse:
    form = AddressBookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.address_create(user=request.user, **form.cleaned_data)
        messages.success(request, "Address added.")
        return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    form = AddressBookForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_update(address=address, **form.cleaned_data)
        messages.success(request, "Address saved.")
        return redirect("accounts:addresses")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


@login_required
@require_http_methods(["GET", "POST"])
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, "Address deleted.")
        return redirect("accounts:addresses")
    return render(request, "accounts/address_delete.html", {"address": address})


@login_required
@require_POST
def address_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    kind = request.POST.get("kind", "")
    try:
        services.address_default_set(address=address, kind=kind)
    except ApplicationError as error:
        messages.error(request, error.details.get("kind", [error.message])[0])
    else:
        messages.success(request, f"Default {kind} address changed.")
    return redirect("accounts:addresses")
