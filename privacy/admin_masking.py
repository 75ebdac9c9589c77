"""Masking of personal data in the back office, by role: a mixin for the ModelAdmins that show people.

The fields masked are the model's registered contact, address and network fields (privacy.registry)
plus the link to the customer (`user`, shown by their e-mail), for staff without the permission to
see that category (privacy.selectors.personal_data_visible). In lists, search and change pages they
show as "j•••@e•••.org"; search skips them (a masked role cannot find a customer by e-mail); the raw
value never reaches the page. An admin may name fields that a "reveal" unmasks for one object (the
support agent and their ticket's customer): the reveal asks why, is written to the access audit,
and lasts PRIVACY_REVEAL_MINUTES in the staff member's session.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.errors import ApplicationError
from privacy import registry, selectors, services
from privacy.masking import MASK, mask
from privacy.models import AccessLog

SESSION_KEY = "privacy_reveals"
MASKED = "masked_"


def _masked_address(value) -> str:
    """A frozen address (dict) shows only its country."""
    return f"{value.get('country', '')} {MASK}".strip() if value else ""


class PersonalDataAdminMixin:
    masked_related: dict[str, str] = {"user": registry.Category.CONTACT}  # FK shown by a person's e-mail
    unmasked_with: dict[str, str] = {}  # field -> a permission that shows it anyway
    reveal_fields: tuple[str, ...] = ()  # what a reveal (privacy.reveal_contact) unmasks for one object

    # --- which fields ---

    def _categories(self) -> dict[str, str]:
        label = self.model._meta.label
        declared = {
            item.field: item.category
            for item in registry.fields_all()
            if item.model == label and item.category in registry.Category.IDENTIFYING
        }
        related = {name: category for name, category in self.masked_related.items() if _has_field(self.model, name)}
        return {**declared, **related}

    def masked_fields(self, request, obj=None) -> set[str]:
        hidden = set()
        for name, category in self._categories().items():
            if selectors.personal_data_visible(user=request.user, category=category):
                continue
            permission = self.unmasked_with.get(name)
            if permission and request.user.has_perm(permission):
                continue
            if obj is not None and name in self.reveal_fields and revealed(request, obj):
                continue
            hidden.add(name)
        return hidden

    def _swap(self, names, hidden):
        return [f"{MASKED}{name}" if name in hidden else name for name in names]

    def __getattr__(self, name: str):
        if not name.startswith(MASKED):
            raise AttributeError(name)
        field_name = name.removeprefix(MASKED)
        field = self.model._meta.get_field(field_name)

        def display(obj) -> str:
            value = getattr(obj, field_name)
            if field_name in self.masked_related:
                return f"Customer #{value.pk}" if value is not None else "-"
            return _masked_address(value) if isinstance(value, dict) else mask(value, field_name=field_name)

        display.short_description = field.verbose_name
        return display

    # --- the ModelAdmin hooks ---

    def get_list_display(self, request):
        return self._swap(super().get_list_display(request), self.masked_fields(request))

    def get_search_fields(self, request):
        hidden = self.masked_fields(request)
        return [name for name in super().get_search_fields(request) if name.lstrip("^=@").split("__")[0] not in hidden]

    def get_readonly_fields(self, request, obj=None):
        hidden = self.masked_fields(request, obj)
        fields = self._swap(super().get_readonly_fields(request, obj), hidden)
        if obj is not None and self._can_reveal(request, obj):
            fields.append("reveal_link")
        return fields

    def get_fieldsets(self, request, obj=None):
        hidden = self.masked_fields(request, obj)
        fieldsets = super().get_fieldsets(request, obj)
        if not hidden:
            return fieldsets
        return [(title, {**options, "fields": self._swap(options["fields"], hidden)}) for title, options in fieldsets]

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self.masked_fields(request, obj)]

    # --- reveal ---

    def _can_reveal(self, request, obj) -> bool:
        return bool(
            self.reveal_fields
            and request.user.has_perm("privacy.reveal_contact")
            and set(self.reveal_fields) & self.masked_fields(request, obj)
        )

    @admin.display(description="Contact")
    def reveal_link(self, obj) -> str:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_reveal", args=[obj.pk])
        return format_html('<a class="button" href="{}">Reveal the customer\'s contact</a> (recorded)', url)

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.reveal_view)
        return [
            path("<path:object_id>/reveal/", view, name=f"{opts.app_label}_{opts.model_name}_reveal"),
            *super().get_urls(),
        ]

    def reveal_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such object.")
        if not (self.has_view_permission(request, obj) and request.user.has_perm("privacy.reveal_contact")):
            raise PermissionDenied
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            try:
                services.access_log_record(
                    actor=request.user,
                    action=AccessLog.Action.REVEAL,
                    subject_id=getattr(obj, "user_id", None),
                    target=f"{obj._meta.label} {obj.pk}",
                    reason=request.POST.get("reason", ""),
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                until = timezone.now() + timedelta(minutes=settings.PRIVACY_REVEAL_MINUTES)
                reveals = {**request.session.get(SESSION_KEY, {}), _key(obj): until.isoformat()}
                request.session[SESSION_KEY] = reveals
                return redirect(change_url)
        context = {**self.admin_site.each_context(request), "object": obj, "change_url": change_url, "opts": obj._meta}
        return TemplateResponse(request, "admin/privacy/reveal.html", context)


def _key(obj) -> str:
    return f"{obj._meta.label}:{obj.pk}"


def revealed(request, obj) -> bool:
    """Whether this staff member revealed `obj` (privacy.reveal_contact) in the last PRIVACY_REVEAL_MINUTES."""
    until = request.session.get(SESSION_KEY, {}).get(_key(obj))
    return bool(until) and datetime.fromisoformat(until) > timezone.now()


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())
