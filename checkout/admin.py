"""Back office for checkout settings (shipping methods, the tax setting) and read-only carts for support."""

from django.contrib import admin

from checkout.models import Cart, CartLine, ShippingMethod, TaxConfiguration
from privacy.admin_masking import PersonalDataAdminMixin


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "price", "free_over", "delivery_estimate", "is_active", "position")
    list_editable = ("price", "free_over", "is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(TaxConfiguration)
class TaxConfigurationAdmin(admin.ModelAdmin):
    """The store's one tax setting: it can be changed, but not added twice or deleted."""

    list_display = ("__str__", "rate", "prices_include_tax")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not TaxConfiguration.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CartLineInline(admin.TabularInline):
    model = CartLine
    fields = ("variant", "quantity", "saved_for_later", "price_when_added", "current_price", "added_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("variant__product")

    @admin.display(description="current price")
    def current_price(self, line: CartLine):
        return line.variant.price

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cart)
class CartAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Carts as shoppers left them, for support questions. Read-only: carts belong to their shoppers."""

    list_display = ("id", "user", "session_key", "updated_at", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__username", "session_key")
    date_hierarchy = "updated_at"
    ordering = ("-updated_at",)
    fields = ("user", "session_key", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [CartLineInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
