"""Back office for orders: find them, read everything about one, and move it through its workflow.

Orders are never edited or deleted by hand: the detail page is read-only, and every change goes
through an action that calls `orders.services` (mark paid, ship with tracking numbers, mark
delivered, cancel, refund in full, refund some lines), so the admin cannot bypass the transition
rules, the stock and payment side effects or the customer emails. A service that says no shows
its reason as a message next to the order number.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.errors import ApplicationError
from orders import services
from orders.forms import RefundLinesAdminForm, ShipAdminFormSet
from orders.models import Order, OrderLine, OrderStatusChange
from payments.models import Payment
from privacy.admin_masking import PersonalDataAdminMixin

# (query value, label, lowest total inclusive, highest total exclusive or None)
AMOUNT_BANDS = [
    ("0-50", "Under 50", 0, 50),
    ("50-100", "50 to 100", 50, 100),
    ("100-250", "100 to 250", 100, 250),
    ("250-500", "250 to 500", 250, 500),
    ("500-", "500 and over", 500, None),
]


class AmountBandFilter(admin.SimpleListFilter):
    title = "total"
    parameter_name = "total"

    def lookups(self, request, model_admin):
        return [(key, f"{label} {settings.SHOP_CURRENCY_SYMBOL}") for key, label, _low, _high in AMOUNT_BANDS]

    def queryset(self, request, queryset):
        for key, _label, low, high in AMOUNT_BANDS:
            if self.value() == key:
                return queryset.filter(Q(total__gte=low) & (Q(total__lt=high) if high is not None else Q()))
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["sku", "product_name", "variant_name", "quantity", "unit_price", "line_total", "refunded_quantity"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["created_at", "gateway", "reference", "status", "amount", "refunded_amount", "card", "failure_message"]

    @admin.display(description="Card")
    def card(self, payment: Payment) -> str:
        return f"{payment.card_brand} •••• {payment.card_last4}" if payment.card_last4 else "—"


class StatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    verbose_name = "status change"
    verbose_name_plural = "status history"
    fields = ["created_at", "from_status", "to_status", "changed_by", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Order)
class OrderAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    list_display = ["number", "created_at", "email", "status", "total", "refunded_total"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter), AmountBandFilter]
    search_fields = ["number", "email"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["number", "status", "created_at", "updated_at", "user", "email", "tracking_number"]}),
        (
            "Money",
            {
                "fields": [
                    "currency",
                    "subtotal",
                    "shipping",
                    "tax",
                    "tax_rate",
                    "prices_include_tax",
                    "total",
                    "refunded_total",
                ]
            },
        ),
        ("Delivery and billing", {"fields": ["shipping_method", "shipping_address", "billing_address"]}),
    ]
    inlines = [OrderLineInline, PaymentInline, StatusChangeInline]
    actions = ["mark_paid", "ship", "mark_delivered", "cancel", "refund_in_full"]

    unmasked_with = {"shipping_address": "privacy.view_shipping_address"}  # fulfilment ships it

    def get_readonly_fields(self, request, obj=None):
        return [field for _title, options in self.get_fieldsets(request, obj) for field in options["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_fulfil_permission(self, request) -> bool:
        """Moving orders through their workflow: staff with the "change order" permission."""
        return request.user.has_perm("orders.change_order")

    # --- Actions -------------------------------------------------------------------------------

    def _each(self, request, queryset, service: Callable[[Order], object], done: str) -> None:
        """Call `service` for each selected order; report successes in one message, each refusal in its own."""
        succeeded = []
        for order in queryset.order_by("created_at", "id"):
            try:
                service(order)
            except ApplicationError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
            else:
                succeeded.append(order.number)
        if succeeded:
            self.message_user(request, f"{done}: {', '.join(succeeded)}.", messages.SUCCESS)

    @admin.action(description="Mark selected orders paid", permissions=["fulfil"])
    def mark_paid(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_status_change(
                order=order, to_status=Order.Status.PAID, changed_by=request.user, note="Marked paid in admin"
            ),
            "Marked paid",
        )

    @admin.action(description="Ship selected orders (enter tracking numbers)", permissions=["fulfil"])
    def ship(self, request, queryset):
        """First call shows a tracking number field per order; its submit ("apply") calls the action again."""
        orders = {order.pk: order for order in queryset.order_by("created_at", "id")}
        if "apply" in request.POST:
            formset = ShipAdminFormSet(request.POST)
            if formset.is_valid():
                tracking = {form.cleaned_data["order"]: form.cleaned_data["tracking_number"] for form in formset}
                self._each(
                    request,
                    queryset.filter(pk__in=tracking),
                    lambda order: services.order_ship(order=order, tracking_number=tracking[order.pk], by=request.user),
                    "Shipped",
                )
                return None
        else:
            formset = ShipAdminFormSet(initial=[{"order": pk} for pk in orders])

        def order_of(form) -> Order | None:
            value = str(form["order"].value() or "")
            return orders.get(int(value)) if value.isdigit() else None

        context = {
            **self.admin_site.each_context(request),
            "title": "Ship orders",
            "opts": self.model._meta,
            "formset": formset,
            "rows": [(form, order_of(form)) for form in formset],
            "selected": list(orders),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/ship.html", context)

    @admin.action(description="Mark selected orders delivered", permissions=["fulfil"])
    def mark_delivered(self, request, queryset):
        self._each(request, queryset, lambda order: services.order_deliver(order=order, by=request.user), "Delivered")

    @admin.action(description="Cancel selected orders (restock and refund)", permissions=["fulfil"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_cancel(order=order, by=request.user, reason="Cancelled by staff"),
            "Cancelled",
        )

    @admin.action(description="Refund selected orders in full", permissions=["fulfil"])
    def refund_in_full(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda order: services.order_refund(order=order, lines=None, by=request.user, reason="Refunded by staff"),
            "Refunded",
        )

    # --- Refund some lines ---------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.refund_lines_view)
        return [path("<int:object_id>/refund-lines/", view, name="orders_order_refund_lines"), *super().get_urls()]

    def refund_lines_view(self, request, object_id: int):
        """Refund chosen quantities of chosen lines, with a reason and an optional restock."""
        if not self.has_fulfil_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order.objects.prefetch_related("lines"), pk=object_id)
        lines = [line for line in order.lines.all() if line.refunded_quantity < line.quantity]
        if not lines:
            raise Http404("Nothing left to refund on this order.")
        form = RefundLinesAdminForm(request.POST if request.method == "POST" else None, lines=lines)
        if form.is_valid():
            try:
                services.order_refund(
                    order=order,
                    lines=form.line_quantities(),
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    restock=form.cleaned_data["restock"],
                )
            except ApplicationError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Refunded some lines of {order.number}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund lines of order {order.number}",
            "opts": self.model._meta,
            "order": order,
            "form": form,
            "line_fields": [(line, form[form.field_name(line)]) for line in lines],
        }
        return TemplateResponse(request, "admin/orders/order/refund_lines.html", context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_refund_lines"] = (
            obj is not None and obj.status in services.REFUNDABLE and self.has_fulfil_permission(request)
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
