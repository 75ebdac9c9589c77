"""Back office of privacy: the access audit (read-only; administrators), data exports, consents and
the retention policy. The staff actions that export or erase a customer's data are on the customers
(accounts.admin); the masking mixin is privacy.admin_masking."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from privacy.models import AccessLog, ConsentEvent, ExportJob, RetentionPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "subject_id", "target", "reason"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "target", "reason", "=subject_id"]
    date_hierarchy = "at"


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "user_id", "requested_by", "status", "created_at", "expires_at", "download"]
    list_filter = ["status"]

    @admin.display(description="File")
    def download(self, job: ExportJob) -> str:
        if job.status != ExportJob.Status.READY:
            return "-"
        return format_html(
            '<a href="{}">Download</a> (recorded)', reverse("privacy:export_download", args=[job.public_id])
        )


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["user_id", "purpose", "given", "source", "at"]
    list_filter = ["purpose", "given", "source"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """One row (id 1: adding again edits it); an empty period uses the PRIVACY_RETENTION_DAYS setting."""

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if RetentionPolicy.objects.exists():
            return redirect("admin:privacy_retentionpolicy_change", 1)
        return redirect("admin:privacy_retentionpolicy_add")

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)
