"""Back office for review sentiment: every scored review with filters, the moderation queue (the
changelist filtered to "Needs a look", with actions), product summaries, and sentiment over time
(monthly aggregates per product, per category or for the store: the "Sentiment over time" page)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.errors import ApplicationError
from sentiment import selectors, services
from sentiment.models import ProductSentiment, ReviewSentiment
from shop.models import Category, Product


class FlagFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [
            ("stars_contradiction", "Text contradicts stars"),
            ("link", "Link"),
            ("repeated_characters", "Repeated characters"),
            ("shouting", "Shouting"),
            ("abusive", "Abusive words"),
            ("unhappy_recent_buyer", "Unhappy recent buyer"),
        ]

    def queryset(self, request, queryset):
        return queryset.filter(flags__contains=[self.value()]) if self.value() else queryset


@admin.register(ReviewSentiment)
class ReviewSentimentAdmin(admin.ModelAdmin):
    list_display = [
        "review_link",
        "rating",
        "label",
        "confidence_display",
        "flags_display",
        "moderation",
        "model_label",
        "scored_at",
    ]
    list_filter = ["moderation", FlagFilter, "label", "source", "review__rating"]
    list_select_related = ["review", "review__product"]
    search_fields = ["review__title", "review__body", "review__product__name"]
    readonly_fields = [f.name for f in ReviewSentiment._meta.fields]
    date_hierarchy = "scored_at"
    actions = ["clear", "hide_reviews", "publish_reviews"]
    change_list_template = "admin/sentiment/reviewsentiment/change_list.html"

    def has_add_permission(self, request):
        return False

    @admin.display(description="review", ordering="review__created_at")
    def review_link(self, obj):
        url = reverse("admin:shop_review_change", args=[obj.review_id])
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">({})</span>', url, obj.review.title, obj.review.product
        )

    @admin.display(description="stars", ordering="review__rating")
    def rating(self, obj):
        return obj.review.rating

    @admin.display(description="confidence", ordering="confidence")
    def confidence_display(self, obj):
        return "—" if obj.confidence is None else f"{obj.confidence:.0%}"

    @admin.display(description="flags")
    def flags_display(self, obj):
        return ", ".join(obj.flags) or "—"

    def _moderate(self, request, queryset, action: str, done: str):
        try:
            changed = services.review_sentiment_moderate(
                sentiment_ids=queryset.values_list("pk", flat=True), action=action
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{done} {changed} review(s).", messages.SUCCESS)

    @admin.action(description="Checked: keep as they are (leave the queue)", permissions=["change"])
    def clear(self, request, queryset):
        self._moderate(request, queryset, "clear", "Cleared")

    @admin.action(description="Hide the selected reviews (and leave the queue)", permissions=["change"])
    def hide_reviews(self, request, queryset):
        self._moderate(request, queryset, "hide", "Hid")

    @admin.action(description="Publish the selected reviews (and leave the queue)", permissions=["change"])
    def publish_reviews(self, request, queryset):
        self._moderate(request, queryset, "publish", "Published")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("shop.change_review")

    def get_urls(self):
        view = self.admin_site.admin_view(self.over_time_view)
        return [path("over-time/", view, name="sentiment_reviewsentiment_over_time"), *super().get_urls()]

    def over_time_view(self, request):
        """Monthly sentiment for one product, one category (with subcategories) or the whole store."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = OverTimeForm(request.GET or None)
        product = category = None
        if form.is_valid():
            product, category = form.cleaned_data.get("product"), form.cleaned_data.get("category")
        months = selectors.sentiment_by_month(
            product_id=product.pk if product else None, category_id=category.pk if category else None
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Sentiment over time",
            "opts": self.model._meta,
            "form": form,
            "subject": product or category or "the whole store",
            "months": months,
            "categories": selectors.sentiment_by_category_month(),
        }
        return TemplateResponse(request, "admin/sentiment/reviewsentiment/over_time.html", context)


class OverTimeForm(forms.Form):
    product = forms.ModelChoiceField(
        queryset=Product.objects.filter(sentiment_summary__isnull=False).order_by("name"), required=False
    )
    category = forms.ModelChoiceField(queryset=Category.objects.order_by("path"), required=False)


@admin.register(ProductSentiment)
class ProductSentimentAdmin(admin.ModelAdmin):
    list_display = [
        "product",
        "positive_share",
        "neutral_share",
        "negative_share",
        "total",
        "aspects_summary",
        "aspects_at",
    ]
    list_filter = ["aspects_stale"]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    readonly_fields = [f.name for f in ProductSentiment._meta.fields]
    actions = ["refresh"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="liked / disliked")
    def aspects_summary(self, obj):
        liked = ", ".join(entry["phrase"] for entry in obj.liked) or "—"
        disliked = ", ".join(entry["phrase"] for entry in obj.disliked) or "—"
        return f"+ {liked} / - {disliked}"

    @admin.action(description="Recompute counts and aspects now", permissions=["view"])
    def refresh(self, request, queryset):
        for product_id in queryset.values_list("product_id", flat=True):
            services.product_sentiment_refresh(product_id=product_id)
        self.message_user(request, f"Recomputed {queryset.count()} product summaries.", messages.SUCCESS)
