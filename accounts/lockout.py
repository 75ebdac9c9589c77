"""How django-axes names a login attempt and answers a locked-out client (see settings, "Accounts")."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKOUT_CODE = "locked_out"


def lockout_username(request: HttpRequest, credentials: dict | None) -> str:
    """The identifier failures are counted for: what was typed, trimmed and lower-cased, so that
    "Ann@Example.com" and "ann@example.com " share one counter."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed sign-in attempts. For your security, signing in is blocked for {minutes} minutes. "
        "Try again later, or reset your password."
    )


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """The answer to the failure that reached the limit and to every attempt while locked out:
    the API's error shape under /api/, a page everywhere else; 429 with Retry-After in both."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": LOCKOUT_CODE, "message": lockout_message(), "details": {"retry_after": retry_after}}},
            status=429,
        )
    else:
        response = render(request, "accounts/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
