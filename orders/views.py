"""Order pages: a customer's order history and detail (with cancel), and the guest order lookup.

A guest proves access to an order with its number and email; the numbers proven this way are kept
in the session, so the guest can reopen (and cancel) that order without typing them again.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from core.errors import ApplicationError, NotFoundError
from orders import selectors, services
from orders.forms import GuestLookupForm
from orders.models import Order

ORDERS_PER_PAGE = 10
GUEST_ORDERS_SESSION_KEY = "orders_guest_numbers"
GUEST_ORDERS_REMEMBERED = 10
TOO_MANY_LOOKUPS = "Too many order lookups from your connection. Please wait a few minutes and try again."


def _detail(request: HttpRequest, order: Order, *, cancel_url: str, guest: bool) -> HttpResponse:
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "lines": list(order.lines.all()),
            "history": list(order.status_changes.all()),
            "payments": list(order.payments.all()),
            "can_cancel": services.order_is_cancellable(order=order),
            "cancel_url": cancel_url,
            "guest": guest,
        },
    )


def _cancel(request: HttpRequest, order: Order, *, by) -> None:
    try:
        services.order_cancel(order=order, by=by)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Order {order.number} has been cancelled. We have emailed you a confirmation.")


# --- Customers -----------------------------------------------------------------------------------


@require_safe
@login_required
def order_history(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.orders_for_user(user=request.user), ORDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))  # a bad or too large page shows the nearest one
    return render(
        request,
        "orders/history.html",
        {
            "page_obj": page,
            "orders": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


def _customer_order(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.order_for_customer(user=request.user, number=number)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


@require_safe
@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _customer_order(request, number)
    return _detail(request, order, cancel_url=reverse("orders:cancel", args=[order.number]), guest=False)


@require_POST
@login_required
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    _cancel(request, _customer_order(request, number), by=request.user)
    return redirect("orders:detail", number=number)


# --- Guests --------------------------------------------------------------------------------------


def _lookup_rate(group: str, request: HttpRequest) -> str:
    """Read at request time, so that the setting can change without a restart (and in tests)."""
    return settings.ORDERS_LOOKUP_RATE


# django-ratelimit counts the lookups per client IP in the cache, whatever the session: a session
# limit alone would not stop enumeration, since a script can drop its cookies.
@ratelimit(key="ip", rate=_lookup_rate, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def guest_lookup(request: HttpRequest) -> HttpResponse:
    form = GuestLookupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if request.limited:
            form.add_error(None, TOO_MANY_LOOKUPS)
            status = 429
        elif form.is_valid():
            try:
                order = selectors.order_for_guest(number=form.cleaned_data["number"], email=form.cleaned_data["email"])
            except NotFoundError as exc:
                form.add_error(None, exc.message)
            else:
                numbers = [n for n in request.session.get(GUEST_ORDERS_SESSION_KEY, []) if n != order.number]
                request.session[GUEST_ORDERS_SESSION_KEY] = [order.number, *numbers][:GUEST_ORDERS_REMEMBERED]
                return redirect("orders:guest_detail", number=order.number)
    return render(request, "orders/lookup.html", {"form": form}, status=status)


def _guest_order(request: HttpRequest, number: str) -> Order | None:
    """The order if this session has proven its number and email, else None."""
    if number not in request.session.get(GUEST_ORDERS_SESSION_KEY, []):
        return None
    try:
        return selectors.order_detail(number=number)
    except NotFoundError:
        return None


@require_safe
def guest_order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _guest_order(request, number)
    if order is None:
        messages.error(request, "Enter the order number and the email used for the order to see it.")
        return redirect("orders:lookup")
    return _detail(request, order, cancel_url=reverse("orders:guest_cancel", args=[order.number]), guest=True)


@require_POST
def guest_order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _guest_order(request, number)
    if order is None:
        messages.error(request, "Enter the order number and the email used for the order to see it.")
        return redirect("orders:lookup")
    _cancel(request, order, by=None)
    return redirect("orders:guest_detail", number=number)
