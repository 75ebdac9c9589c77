"""The back office of dynamic pricing: guardrails and modes, suggestions (bulk approve), runs, dashboard.

Every action calls one pricing.services function, the same one the API uses.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join, json_script

from pricing import selectors, services
from pricing.charts import demand_curve_chart
from pricing.ml import explain
from pricing.models import (
    CategoryPricing,
    Guardrail,
    PriceChangeAudit,
    PriceExperiment,
    PriceSuggestion,
    PricingRun,
)


@admin.register(Guardrail)
class GuardrailAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "floor_pct",
        "ceiling_pct",
        "min_price",
        "max_price",
        "min_margin_pct",
        "max_change_pct",
        "max_weekly_change_pct",
        "min_days_between_changes",
        "frozen",
    ]
    list_filter = ["frozen"]
    list_editable = ["frozen"]
    autocomplete_fields = ["category", "product"]
    search_fields = ["product__name", "category__name", "note"]
    fieldsets = [
        ("Scope (one of them)", {"fields": ["category", "product", "note"]}),
        ("Bounds", {"fields": ["floor_pct", "ceiling_pct", "min_price", "max_price", "min_margin_pct"]}),
        (
            "Change limits",
            {"fields": ["max_change_pct", "max_weekly_change_pct", "min_days_between_changes", "frozen"]},
        ),
    ]


@admin.register(CategoryPricing)
class CategoryPricingAdmin(admin.ModelAdmin):
    list_display = ["category", "mode", "objective", "clear_by", "updated_at"]
    list_editable = ["mode", "objective"]
    autocomplete_fields = ["category"]


def _money(value) -> str:
    return f"{settings.SHOP_CURRENCY_SYMBOL}{value:,.2f}"


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PriceSuggestion)
class PriceSuggestionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "variant_sku",
        "status",
        "mode",
        "current",
        "suggested",
        "change",
        "units_now_vs_new",
        "profit_now_vs_new",
        "elasticity",
        "created_at",
    ]
    list_filter = ["status", "mode", "objective", "created_at"]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product"]
    actions = ["approve", "reject"]
    readonly_fields = [
        "variant",
        "status",
        "mode",
        "objective",
        "prices",
        "figures",
        "reason",
        "top_contributions",
        "chart",
        "model_label",
        "model_version",
        "run",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fields = readonly_fields

    class Media:  # the demand curve: Chart.js from the store's static files, drawn by the admin's chart script
        css = {"all": ["css/admin-dashboard.css"]}
        js = ["vendor/chartjs/chart.umd.min.js", "js/admin-charts.js"]

    @admin.display(description="SKU", ordering="variant__sku")
    def variant_sku(self, obj: PriceSuggestion) -> str:
        return obj.variant.sku

    @admin.display(description="Current", ordering="current_price")
    def current(self, obj: PriceSuggestion) -> str:
        return _money(obj.current_price)

    @admin.display(description="Suggested", ordering="suggested_price")
    def suggested(self, obj: PriceSuggestion) -> str:
        return _money(obj.suggested_price)

    @admin.display(description="Change")
    def change(self, obj: PriceSuggestion) -> str:
        return f"{obj.change_pct:+.1f}%"

    @admin.display(description="Units/day now → new")
    def units_now_vs_new(self, obj: PriceSuggestion) -> str:
        return f"{obj.expected_units_current:.2f} → {obj.expected_units:.2f}"

    @admin.display(description="Profit/day now → new")
    def profit_now_vs_new(self, obj: PriceSuggestion) -> str:
        return f"{obj.expected_profit_current:,.2f} → {obj.expected_profit:,.2f}"

    @admin.display(description="Prices")
    def prices(self, obj: PriceSuggestion) -> str:
        return format_html(
            "current <strong>{}</strong> → suggested <strong>{}</strong> ({}); guardrails allowed {} - {}; cost {}",
            _money(obj.current_price),
            _money(obj.suggested_price),
            f"{obj.change_pct:+.1f}%",
            _money(obj.min_allowed),
            _money(obj.max_allowed),
            _money(obj.cost),
        )

    @admin.display(description="Expected per day")
    def figures(self, obj: PriceSuggestion) -> str:
        rows = [
            (
                "At the current price",
                f"{obj.expected_units_current:.2f}",
                f"{obj.expected_revenue_current:,.2f}",
                f"{obj.expected_profit_current:,.2f}",
                "",
            ),
            (
                "At the suggested price",
                f"{obj.expected_units:.2f}",
                f"{obj.expected_revenue:,.2f}",
                f"{obj.expected_profit:,.2f}",
                f"{obj.units_low:.0f} - {obj.units_high:.0f} units (10-90%)",
            ),
        ]
        body = format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><tr><th></th><th>units</th><th>revenue</th><th>profit</th><th>band</th></tr>{}</table>", body
        )

    @admin.display(description="Top feature contributions (LightGBM pred_contrib, log units)")
    def top_contributions(self, obj: PriceSuggestion) -> str:
        top = explain.top_contributions(obj.contributions or {})
        if not top:
            return "— (no trees: the elasticity fit alone)"
        rows = [(name, f"{value:+.3f}", f"{(2.718281828**value - 1) * 100:+.0f}% units") for name, value in top]
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows)
        )

    @admin.display(description="Demand curve")
    def chart(self, obj: PriceSuggestion) -> str:
        """A Chart.js canvas drawn from json_script data, and the same points as a table (its accessible view)."""
        spec = demand_curve_chart(
            curve=obj.curve,
            current=float(obj.current_price),
            suggested=float(obj.suggested_price),
            currency=settings.SHOP_CURRENCY,
        )
        if spec is None:
            return "No demand curve."
        units, profit = spec["datasets"]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{a['x']:.2f}", f"{a['y']:.2f}", f"{b['y']:.2f}")
                for a, b in zip(units["data"], profit["data"], strict=True)
            ),
        )
        return format_html(
            '<div class="chart-box"><canvas data-chart="demand-curve" role="img" aria-label="{}" '
            'aria-describedby="demand-curve-table"></canvas></div>{}'
            '<details><summary>Table view</summary><table id="demand-curve-table" class="report-table">'
            "<thead><tr><th>Price</th><th>Units per day</th><th>Profit per day</th></tr></thead>"
            "<tbody>{}</tbody></table></details>",
            spec["title"],
            json_script(spec, "demand-curve"),
            rows,
        )

    @admin.action(description="Approve and apply the selected suggestions")
    def approve(self, request, queryset: QuerySet[PriceSuggestion]) -> None:
        changes, errors = services.price_suggestions_approve(
            suggestion_ids=list(queryset.values_list("pk", flat=True)), approved_by=request.user
        )
        if changes:
            self.message_user(request, f"Applied {len(changes)} price change(s).", messages.SUCCESS)
        for suggestion_id, message in errors.items():
            self.message_user(request, f"Suggestion {suggestion_id}: {message}", messages.WARNING)

    @admin.action(description="Reject the selected suggestions")
    def reject(self, request, queryset: QuerySet[PriceSuggestion]) -> None:
        count = services.price_suggestions_reject(
            suggestion_ids=list(queryset.values_list("pk", flat=True)), rejected_by=request.user
        )
        self.message_user(request, f"Rejected {count} suggestion(s).", messages.SUCCESS)


@admin.register(PriceExperiment)
class PriceExperimentAdmin(ReadOnly, admin.ModelAdmin):
    """Price tests: which variants the engine explores, for how long, and what it learned."""

    list_display = ["variant_sku", "state", "started_at", "days", "tests", "last_test", "learned", "base_price"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter), "started_at"]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant"]
    readonly_fields = [f.name for f in PriceExperiment._meta.fields]

    @admin.display(description="SKU", ordering="variant__sku")
    def variant_sku(self, obj: PriceExperiment) -> str:
        return obj.variant.sku

    @admin.display(description="State", ordering="ended_at")
    def state(self, obj: PriceExperiment) -> str:
        return "exploring" if obj.ended_at is None else "concluded"

    @admin.display(description="Days")
    def days(self, obj: PriceExperiment) -> int:
        return ((obj.ended_at or obj.updated_at) - obj.started_at).days

    @admin.display(description="Last test", ordering="last_test_pct")
    def last_test(self, obj: PriceExperiment) -> str:
        return f"{obj.last_test_pct:+.1f}%"

    @admin.display(description="Elasticity (90% interval)", ordering="elasticity")
    def learned(self, obj: PriceExperiment) -> str:
        return (
            f"{obj.elasticity:.2f} ({obj.elasticity_low:.2f} to {obj.elasticity_high:.2f}); "
            f"{obj.elasticity_start:.2f} at the start"
        )


@admin.register(PricingRun)
class PricingRunAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["started_at", "trigger", "status", "model_label", "variants", "suggestions", "applied", "seconds"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in PricingRun._meta.fields]
    change_list_template = "admin/pricing/pricingrun/change_list.html"

    def get_urls(self):
        return [
            path("run-now/", self.admin_site.admin_view(self.run_now), name="pricing_pricingrun_run_now"),
            path("dashboard/", self.admin_site.admin_view(self.dashboard), name="pricing_dashboard"),
            *super().get_urls(),
        ]

    def run_now(self, request):
        """Queue a pricing run for a worker; POST only."""
        if request.method != "POST" or not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:pricing_pricingrun_changelist"))
        run = services.pricing_run_enqueue(started_by=request.user)
        if run.status == PricingRun.Status.FAILED:
            self.message_user(request, f"Pricing run {run.pk} failed: {run.error}", messages.ERROR)
        else:
            message = f"Pricing run {run.pk} queued: it appears under Last run when a worker has finished it."
            self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:pricing_dashboard"))

    def dashboard(self, request):
        context = {
            **self.admin_site.each_context(request),
            "title": "Pricing dashboard",
            "opts": self.model._meta,
            "data": selectors.pricing_dashboard(),
            "currency": settings.SHOP_CURRENCY_SYMBOL,
        }
        return TemplateResponse(request, "admin/pricing/dashboard.html", context)


@admin.register(PriceChangeAudit)
class PriceChangeAuditAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "price_change",
        "model_label",
        "automatic",
        "approved_by",
        "expected_units_before",
        "expected_units_after",
    ]
    list_select_related = ["price_change__variant", "approved_by"]
    list_filter = ["automatic"]
    readonly_fields = [f.name for f in PriceChangeAudit._meta.fields]
