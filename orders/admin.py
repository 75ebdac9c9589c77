"""Back office for orders."""

from django.contrib import admin

from orders.models import Order, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["sku", "product_name", "quantity", "unit_price", "line_total"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders are read-only here; status changes belong to the buying-flow services."""

    list_display = ["number", "email", "status", "total", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "email"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
