"""Back office: how each recommendation block performs online, per day and model version."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from recommendations import selectors
from recommendations.models import Publication, RecommendationEvent

PERFORMANCE_DAYS = 30


@admin.register(RecommendationEvent)
class RecommendationEventAdmin(admin.ModelAdmin):
    """The raw impressions and clicks, under a table of CTR and conversions per day, block and version."""

    change_list_template = "recommendations/admin/performance.html"
    list_display = ("created_at", "kind", "block", "position", "product_id", "model_version", "user")
    list_filter = ("kind", "block", ("model_version", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "created_at"
    list_select_related = ("user", "model_version__registered_model")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        since = timezone.now() - timedelta(days=PERFORMANCE_DAYS)
        extra = {"performance": selectors.block_performance(since=since), "performance_days": PERFORMANCE_DAYS}
        return super().changelist_view(request, extra_context={**(extra_context or {}), **extra})


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("version", "created_at", "trained_until", "row_counts", "seconds")
    list_select_related = ("version__registered_model",)
    readonly_fields = [field.name for field in Publication._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
