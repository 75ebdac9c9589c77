"""Read-only back office view of payments and their refunds.

Money only moves through payments.services (called by checkout and the order admin's actions), so
staff can look here but not edit: a hand-edited amount would no longer match the gateway's records.
"""

from django.contrib import admin

from payments.models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    fields = ("created_at", "amount", "reference", "reason", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "order", "gateway", "status", "amount", "refunded_amount", "card_brand", "card_last4")
    list_filter = ("status", "gateway", "card_brand")
    list_select_related = ("order",)
    search_fields = ("reference", "order__number", "order__email", "card_last4")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [RefundInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
