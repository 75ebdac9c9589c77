"""Read-only back-office views of the event log and the daily aggregate.

Both tables are written only by events.services (and the aggregate is derived data), so staff
may look but not edit. The event log grows large: no full COUNT(*) for the "show all" link, and
every shown relation is joined in the list query.
"""

from django.contrib import admin

from events.models import DailyVariantStats, Interaction


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "product", "variant", "user", "session_key", "quantity", "price", "source")
    list_filter = ("kind", "source")
    list_select_related = ("product", "variant__product", "user")
    date_hierarchy = "created_at"
    search_fields = ("query", "session_key", "variant__sku")
    ordering = ("-created_at",)


@admin.register(DailyVariantStats)
class DailyVariantStatsAdmin(ReadOnlyAdmin):
    list_display = ("date", "variant", "views", "add_to_carts", "units_sold", "revenue", "price", "stock_at_day_start")
    list_filter = ("date", "variant__product__category")
    list_select_related = ("variant__product",)
    date_hierarchy = "date"
    search_fields = ("variant__sku",)
    ordering = ("-date", "variant__sku")
