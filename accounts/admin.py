"""Back office: customers' addresses (read and correct on request). Accounts are in Django's user admin."""

from django.contrib import admin

from accounts.models import Address


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "city", "postal_code", "country", "is_default_shipping", "is_default_billing"]
    list_filter = ["country", "is_default_shipping", "is_default_billing"]
    search_fields = ["full_name", "user__email", "postal_code", "city"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
