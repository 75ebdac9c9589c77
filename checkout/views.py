"""Cart and checkout pages: the cart with its saved-for-later list, the one-page checkout and the
order confirmation.

Views parse a form, call one service and redirect with a message (cart) or re-render with field
errors (checkout). Guests get a session, and with it a cart, when they first add something.
"""

import secrets

from django import forms
from django.contrib import messages
from django.db import transaction
from django.forms.utils import pretty_name
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import AddressForm
from accounts.selectors import address_default, address_get, address_list
from accounts.services import address_snapshot
from checkout import selectors, services
from checkout.extensions import ClientSignals
from checkout.forms import NEW_ADDRESS, CartAddForm, CartLineForm, CartLineQuantityForm, CheckoutForm
from checkout.models import Cart, CartLine
from core.errors import ApplicationError, NotFoundError
from events.services import EventOrigin
from payments.gateways import TestGateway, gateway_get
from shop.models import Variant

PLACED_ORDERS_SESSION_KEY = "checkout_orders"  # numbers of the orders this browser placed as a guest
PLACED_ORDERS_KEPT = 20
# A random id the checkout page gives the browser, so the fraud check can tell devices apart (it
# keeps only a hash). Set on the checkout page only, so cached catalogue pages stay cookie-free.
DEVICE_COOKIE = "sf_device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


def _owner(request: HttpRequest) -> dict:
    return {"user": request.user, "session_key": request.session.session_key}


def _cart_for_write(request: HttpRequest) -> Cart:
    """The shopper's cart, created (and for a guest, the session with it) when missing."""
    if not request.user.is_authenticated and request.session.session_key is None:
        request.session.save()
    return services.cart_get_or_create(**_owner(request))


def _form_error_message(form: forms.Form) -> str:
    return " ".join(f"{pretty_name(field)}: {' '.join(errors)}" for field, errors in form.errors.items())


def _label(line: CartLine) -> str:
    product = line.variant.product
    return f"{product.name} ({line.variant.name})" if line.variant.name else product.name


# --- Cart --------------------------------------------------------------------------------------------


@require_safe
def cart(request: HttpRequest) -> HttpResponse:
    detail = selectors.cart_detail(cart=selectors.cart_get(**_owner(request)))
    return render(request, "checkout/cart.html", {"cart": detail, "tax": selectors.tax_configuration_get()})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_message(form))
        return redirect("checkout:cart")
    variant_id, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
    try:
        line = services.cart_line_add(
            cart=_cart_for_write(request),
            variant_id=variant_id,
            quantity=quantity,
            origin=EventOrigin.from_request(request),
        )
    except NotFoundError as exc:
        messages.error(request, exc.message)
        return redirect("checkout:cart")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        slug = Variant.objects.filter(pk=variant_id).values_list("product__slug", flat=True).first()
        return redirect("shop:product", slug=slug)
    messages.success(request, f"Added to your cart: {_label(line)}, quantity {quantity}.")
    return redirect(line.variant.product.get_absolute_url())


MAX_BUNDLE = 10


@require_POST
def cart_add_bundle(request: HttpRequest) -> HttpResponse:
    """Add one of each variant in `variants` (ids separated by commas): all of them, or none with the error."""
    parts = [part.strip() for part in request.POST.get("variants", "").split(",") if part.strip()]
    if not parts or len(parts) > MAX_BUNDLE or not all(part.isdigit() and len(part) < 19 for part in parts):
        messages.error(request, f"Choose 1 to {MAX_BUNDLE} products to add.")
        return redirect("checkout:cart")
    try:
        with transaction.atomic():
            cart_ = _cart_for_write(request)
            origin = EventOrigin.from_request(request)
            lines = [
                services.cart_line_add(cart=cart_, variant_id=int(part), quantity=1, origin=origin)
                for part in dict.fromkeys(parts)
            ]
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("checkout:cart")
    messages.success(request, f"Added to your cart: {', '.join(_label(line) for line in lines)}.")
    return redirect("checkout:cart")


def _cart_line_action(request: HttpRequest, form_class, action) -> HttpResponse:
    """Run `action(cart, cleaned_data)` on the shopper's cart, showing its message or error."""
    form = form_class(request.POST)
    cart_ = selectors.cart_get(**_owner(request))
    if not form.is_valid():
        messages.error(request, _form_error_message(form))
    elif cart_ is None:
        messages.error(request, "That item is not in your cart.")
    else:
        try:
            messages.success(request, action(cart_, form.cleaned_data))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    return redirect("checkout:cart")


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    def update(cart_, data):
        services.cart_line_update(
            cart=cart_, line_id=data["line"], quantity=data["quantity"], origin=EventOrigin.from_request(request)
        )
        return "Your cart was updated."

    return _cart_line_action(request, CartLineQuantityForm, update)


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    def remove(cart_, data):
        line = services.cart_line_remove(cart=cart_, line_id=data["line"], origin=EventOrigin.from_request(request))
        return f"Removed {_label(line)} from your cart."

    return _cart_line_action(request, CartLineForm, remove)


@require_POST
def cart_save_for_later(request: HttpRequest) -> HttpResponse:
    def save(cart_, data):
        line = services.cart_line_save_for_later(cart=cart_, line_id=data["line"], saved=True)
        return f"Saved {_label(line)} for later."

    return _cart_line_action(request, CartLineForm, save)


@require_POST
def cart_move_to_cart(request: HttpRequest) -> HttpResponse:
    def move(cart_, data):
        before = CartLine.objects.filter(pk=data["line"], cart=cart_).values_list("quantity", flat=True).first()
        line = services.cart_line_save_for_later(cart=cart_, line_id=data["line"], saved=False)
        if before is not None and line.quantity < before:
            return f"Only {line.quantity} left: moved {line.quantity} of {_label(line)} to your cart."
        return f"Moved {_label(line)} to your cart."

    return _cart_line_action(request, CartLineForm, move)


# --- Checkout ------------------------------------------------------------------------------------


def _address_initial(request: HttpRequest, saved: list, kind: str) -> str:
    default = address_default(user=request.user, kind=kind)
    return str(default.pk) if default is not None else (str(saved[0].pk) if saved else NEW_ADDRESS)


def _address_snapshot(request: HttpRequest, choice: str, address_form: AddressForm) -> dict | None:
    """The chosen saved address or the typed one as an order snapshot; None if the typed one is invalid."""
    if choice != NEW_ADDRESS:
        return address_snapshot(address=address_get(user=request.user, address_id=int(choice)))
    if not address_form.is_valid():
        return None
    return address_snapshot(address=address_form.save(commit=False))


_FORM_FIELDS_OF_ERRORS = {"email", "shipping_method", "card_number", "card_expiry", "card_cvc"}


def _add_service_errors(form: CheckoutForm, error: ApplicationError) -> None:
    """An order_place error on its field where the checkout form has one, else on the whole form."""
    fields = [name for name in error.details if name in _FORM_FIELDS_OF_ERRORS]
    for name in fields:
        for message in error.details[name]:
            form.add_error(name, message)
    if not fields:
        form.add_error(None, error.message)


def _remember_placed(request: HttpRequest, number: str) -> None:
    placed = [n for n in request.session.get(PLACED_ORDERS_SESSION_KEY, []) if n != number]
    request.session[PLACED_ORDERS_SESSION_KEY] = [*placed, number][-PLACED_ORDERS_KEPT:]


def _order_place(request: HttpRequest, cart_: Cart | None, data: dict, shipping_form, billing_form):
    """Place the order of a valid checkout form; None when a typed address is invalid (its form
    then holds the errors). Raises ApplicationError from order_place."""
    shipping = _address_snapshot(request, data["shipping_choice"], shipping_form)
    billing = shipping
    if not data["billing_same"]:
        billing = _address_snapshot(request, data["billing_choice"] or NEW_ADDRESS, billing_form)
    if shipping is None or billing is None:
        return None
    return services.order_place(
        cart=cart_ or _cart_for_write(request),
        email=data["email"],
        shipping_address=shipping,
        billing_address=billing,
        shipping_method=selectors.shipping_method_get(code=data["shipping_method"]),
        payment_details={name: data[name] for name in ("card_number", "card_expiry", "card_cvc")},
        user=request.user,
        idempotency_key=f"form:{data['token']}",
        client=ClientSignals(
            device_id=request.COOKIES.get(DEVICE_COOKIE, "")[:64], ip=request.META.get("REMOTE_ADDR", "")
        ),
    )


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart_ = selectors.cart_get(**_owner(request))
    detail = selectors.cart_detail(cart=cart_)
    # A POST goes on with an empty cart: it may be the second click of a double submission, which
    # the idempotency token answers with the order the first click placed.
    if request.method == "GET" and not detail.buyable:
        messages.info(request, "Your cart is empty." if not detail.lines else "Nothing in your cart can be bought.")
        return redirect("checkout:cart")
    saved = list(address_list(user=request.user)) if request.user.is_authenticated else []
    methods = selectors.shipping_method_list()
    form_kwargs = {"saved_addresses": saved, "shipping_methods": methods}
    if request.method == "POST":
        form = CheckoutForm(request.POST, **form_kwargs)
        # Only the address forms in use are bound, so an unused one shows no errors.
        new_shipping = request.POST.get("shipping_choice") == NEW_ADDRESS
        new_billing = not request.POST.get("billing_same") and (
            request.POST.get("billing_choice", NEW_ADDRESS) == NEW_ADDRESS
        )
        shipping_form = AddressForm(request.POST if new_shipping else None, prefix="shipping")
        billing_form = AddressForm(request.POST if new_billing else None, prefix="billing")
        if form.is_valid():
            try:
                order = _order_place(request, cart_, form.cleaned_data, shipping_form, billing_form)
            except services.IdempotencyKeyReusedError as exc:
                # This page view already placed an order (the shopper went back and changed something):
                # a fresh token lets the next submission place a new one.
                form.add_error(
                    None,
                    f"This checkout page already placed order {exc.details['order']}. "
                    "Check your order below and place it again to buy it as well.",
                )
                form.data = form.data.copy()
                form.data["token"] = secrets.token_urlsafe(24)
            except ApplicationError as exc:
                _add_service_errors(form, exc)
                detail = selectors.cart_detail(cart=cart_)  # price_changed updated the seen prices
            else:
                if order is not None:
                    _remember_placed(request, order.number)
                    return redirect("checkout:done", number=order.number)
    else:
        form = CheckoutForm(
            initial={
                "token": secrets.token_urlsafe(24),
                "email": request.user.email if request.user.is_authenticated else "",
                "shipping_choice": _address_initial(request, saved, "shipping"),
                "billing_choice": _address_initial(request, saved, "billing"),
                "shipping_method": methods[0].code if methods else "",
            },
            **form_kwargs,
        )
        shipping_form = AddressForm(prefix="shipping")
        billing_form = AddressForm(prefix="billing")

    chosen = form["shipping_method"].value()
    method = next((m for m in methods if m.code == chosen), methods[0] if methods else None)
    tax = selectors.tax_configuration_get()
    line_totals = [line.line_total for line in detail.buyable]
    response = render(
        request,
        "checkout/checkout.html",
        {
            "form": form,
            "shipping_form": shipping_form,
            "billing_form": billing_form,
            "cart": detail,
            "methods": [(m, selectors.shipping_price(method=m, subtotal=detail.subtotal)) for m in methods],
            "totals": selectors.checkout_totals(line_totals=line_totals, method=method, tax=tax) if method else None,
            "tax": tax,
            "has_saved_addresses": bool(saved),
            "test_payments": isinstance(gateway_get(), TestGateway),
        },
    )
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_safe
def done(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = selectors.order_for_confirmation(
            number=number, user=request.user, placed_numbers=request.session.get(PLACED_ORDERS_SESSION_KEY, [])
        )
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    payment = next((p for p in order.payments.all() if p.card_last4), None)
    return render(request, "checkout/done.html", {"order": order, "lines": list(order.lines.all()), "payment": payment})
