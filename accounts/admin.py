"""Back office: customers (Django's user admin, masked by role, with the data rights actions for
requests received by e-mail) and their addresses (read and correct on request)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts import services
from accounts.models import Address
from core.errors import ApplicationError
from privacy.admin_masking import PersonalDataAdminMixin
from privacy.services import export_job_create

User = get_user_model()
REQUESTED_BY_EMAIL = "Requested by the customer by e-mail"


@admin.register(Address)
class AddressAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "user", "city", "postal_code", "country", "is_default_shipping", "is_default_billing"]
    list_filter = ["country", "is_default_shipping", "is_default_billing"]
    search_fields = ["full_name", "user__email", "postal_code", "city"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]


admin.site.unregister(User)


@admin.register(User)
class CustomerAdmin(PersonalDataAdminMixin, UserAdmin):
    masked_related = {}
    actions = ["export_data", "erase_data"]

    @admin.action(description="Export the selected customers' data (on their request)", permissions=["export"])
    def export_data(self, request, queryset):
        for user in queryset:
            export_job_create(user=user, requested_by=request.user, reason=REQUESTED_BY_EMAIL)
        messages.success(request, f"{queryset.count()} export(s) queued: download them from Privacy, Export jobs.")

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("privacy.export_personal_data")

    @admin.action(
        description="Close the selected accounts and erase their data (on their request)", permissions=["erase"]
    )
    def erase_data(self, request, queryset):
        for user in queryset:
            try:
                services.user_delete(user=user, actor=request.user, reason=REQUESTED_BY_EMAIL)
            except ApplicationError as error:
                messages.error(request, f"Account {user.pk}: {error.message}")
            else:
                messages.success(request, f"Account {user.pk} closed and its personal data erased.")

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("privacy.erase_personal_data")
