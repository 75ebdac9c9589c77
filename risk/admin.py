"""Risk control in the back office: the review queue (approve or decline held orders), every
assessment (record a chargeback), the rules with their hit counts, and the thresholds with the
review load against fraud caught of the champion model."""

from django.contrib import admin, messages
from django.db.models import F
from django.utils.html import format_html, format_html_join

from core.errors import ApplicationError
from orders.models import Order
from risk import inference, selectors, services
from risk.models import ReviewQueueItem, RiskAssessment, RiskLabel, RiskRule, RiskSettings


class RiskLabelInline(admin.TabularInline):
    model = RiskLabel
    fields = ("created_at", "is_fraud", "source", "note", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _run(modeladmin, request, queryset, service, done: str) -> None:
    """Call `service` per selected assessment; report what worked and each refusal."""
    count = 0
    for assessment in queryset.select_related("order"):
        try:
            service(assessment=assessment, by=request.user)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{assessment.order.number}: {exc.message}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, f"{count} order(s) {done}.", messages.SUCCESS)


class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("order", "created_at", "decision", "score_shown", "amount", "top_reason", "model_label")
    list_filter = ("decision", "rules_only", "order__status")
    list_select_related = ("order",)
    search_fields = ("order__number", "order__email")
    inlines = [RiskLabelInline]
    fields = (
        "order",
        "decision",
        "score",
        "reasons_shown",
        "rule_hits",
        "model_label",
        "rules_only",
        "customer_history",
        "linked_accounts",
        "amount",
        "email_domain",
        "signals",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="score", ordering="score")
    def score_shown(self, obj: RiskAssessment) -> str:
        return "rules only" if obj.score is None else f"{obj.score:.2f}"

    @admin.display(description="main reason")
    def top_reason(self, obj: RiskAssessment) -> str:
        return obj.reasons[0] if obj.reasons else ""

    @admin.display(description="reasons")
    def reasons_shown(self, obj: RiskAssessment) -> str:
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in obj.reasons)))

    @admin.display(description="customer's history")
    def customer_history(self, obj: RiskAssessment) -> str:
        history = selectors.customer_history(assessment=obj)
        statuses = ", ".join(f"{n} {Order.Status(s).label.lower()}" for s, n in history["by_status"].items())
        since = f"account since {history['account_since']:%Y-%m-%d}"
        return f"{history['orders']} earlier orders{': ' + statuses if statuses else ''}; {since}"

    @admin.display(description="linked accounts (shared device, card or address)")
    def linked_accounts(self, obj: RiskAssessment) -> str:
        linked = selectors.linked_assessments(assessment=obj)
        if not linked:
            return "none"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>same {}: {} ({}, {})</li>",
                ((what, other.order.number, other.order.email, other.get_decision_display()) for what, other in linked),
            ),
        )


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(AssessmentAdmin):
    actions = ["chargeback"]

    @admin.action(description="Record a chargeback (a fraud label)")
    def chargeback(self, request, queryset) -> None:
        _run(self, request, queryset, services.chargeback_record, "labelled with a chargeback")


@admin.register(ReviewQueueItem)
class ReviewQueueAdmin(AssessmentAdmin):
    """Held orders, riskiest and largest first."""

    actions = ["approve", "decline"]
    list_filter = ()
    ordering = (F("score").desc(nulls_last=True), "-amount")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(order__status=Order.Status.ON_HOLD)

    @admin.action(description="Approve: capture the payment")
    def approve(self, request, queryset) -> None:
        _run(self, request, queryset, services.review_approve, "approved and captured")

    @admin.action(description="Decline: release the payment, return the stock, tell the shopper")
    def decline(self, request, queryset) -> None:
        _run(self, request, queryset, services.review_decline, "declined")


@admin.register(RiskRule)
class RiskRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "action", "is_active", "hit_count", "last_hit_at")
    list_filter = ("kind", "action", "is_active")
    readonly_fields = ("hit_count", "last_hit_at")


@admin.register(RiskSettings)
class RiskSettingsAdmin(admin.ModelAdmin):
    """The thresholds (the first row is used), with what each would have meant on the labelled orders."""

    fields = ("review_threshold", "decline_threshold", "high_resale_categories", "threshold_table_shown")
    readonly_fields = ("threshold_table_shown",)
    filter_horizontal = ("high_resale_categories",)

    @admin.display(description="review load against fraud caught")
    def threshold_table_shown(self, obj: RiskSettings) -> str:
        rows = inference.threshold_rows()
        if not rows:
            return "No champion model or no labelled orders yet."
        return format_html(
            "<table><tr><th>threshold</th><th>orders flagged</th><th>fraud caught</th><th>precision</th>"
            "<th>fraud caught (chart)</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{:.2f}</td><td>{:.1%}</td><td>{:.1%}</td><td>{:.1%}</td>"
                '<td><meter min="0" max="1" value="{:.3f}">{:.0%}</meter></td></tr>',
                (
                    (r["threshold"], r["flagged_share"], r["recall"], r["precision"], r["recall"], r["recall"])
                    for r in rows
                ),
            ),
        )
