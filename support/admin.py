"""Back office of the support bot: what it knows (intents, FAQ), conversations, tickets, the label
queue and the analytics page. Changes to intents, examples and FAQ schedule a retraining."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.timezone import localtime

from core.errors import ApplicationError
from privacy.admin_masking import PersonalDataAdminMixin, revealed
from privacy.masking import mask_email
from privacy.selectors import personal_data_visible
from support import returns, selectors, services
from support.models import (
    Conversation,
    FaqEntry,
    Intent,
    IntentExample,
    Message,
    ReturnRequest,
    Ticket,
    TicketReply,
)


class RetrainOnChange:
    """Schedule the (debounced) retraining whenever staff save or delete what the bot learns from."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.support_training_schedule()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.support_training_schedule()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        services.support_training_schedule()


class IntentExampleInline(admin.TabularInline):
    model = IntentExample
    extra = 3
    fields = ["text", "source"]
    readonly_fields = ["source"]


@admin.register(Intent)
class IntentAdmin(RetrainOnChange, admin.ModelAdmin):
    list_display = ["name", "title", "is_active", "example_count", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "title", "examples__text"]
    inlines = [IntentExampleInline]

    @admin.display(description="examples")
    def example_count(self, obj):
        return obj.examples.count()


@admin.register(FaqEntry)
class FaqEntryAdmin(RetrainOnChange, admin.ModelAdmin):
    list_display = ["question", "category", "is_active", "updated_at"]
    list_filter = ["category", "is_active"]
    search_fields = ["question", "variants", "answer"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["created_at", "role", "text", "intent", "confidence", "model_label", "feedback"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["public_id", "user", "status", "created_at", "updated_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["public_id", "user__username", "user__email"]
    readonly_fields = ["public_id", "user", "state", "created_at", "updated_at"]
    inlines = [MessageInline]

    def get_urls(self):
        own = [path("analytics/", self.admin_site.admin_view(self.analytics_view), name="support_analytics")]
        return own + super().get_urls()

    def analytics_view(self, request):
        requested = request.GET.get("days", "30")
        days = max(1, min(365, int(requested))) if requested.isdigit() else 30
        context = {
            **self.admin_site.each_context(request),
            "title": "Support bot analytics",
            "analytics": selectors.support_analytics(days=days),
            "days": days,
        }
        return TemplateResponse(request, "support/admin_analytics.html", context)


class TicketReplyForm(forms.ModelForm):
    class Meta:
        model = TicketReply
        fields = ["text"]


class TicketReplyInline(admin.StackedInline):
    model = TicketReply
    form = TicketReplyForm
    extra = 1
    fields = ["text", "author", "created_at", "email_state"]
    readonly_fields = ["author", "created_at", "email_state"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "email")

    def has_change_permission(self, request, obj=None):
        return False  # replies are sent: they are not edited afterwards

    def _email_state_field(self, request, obj) -> str:
        """The recipient is masked like the ticket's e-mail (privacy.admin_masking) until revealed."""
        visible = personal_data_visible(user=request.user, category="contact")
        return "email_state" if visible or (obj is not None and revealed(request, obj)) else "email_state_masked"

    def get_fields(self, request, obj=None):
        return [self._email_state_field(request, obj) if name == "email_state" else name for name in self.fields]

    def get_readonly_fields(self, request, obj=None):
        return ["author", "created_at", self._email_state_field(request, obj)]

    @admin.display(description="Email to the customer")
    def email_state(self, reply: TicketReply, *, mask=str) -> str:
        """Where the reply's email stands (support.TicketReplyEmail): sent, waiting for a retry, or given up."""
        email = getattr(reply, "email", None)
        if email is None:
            return "Not emailed (the ticket has no email address)." if reply.pk else "-"
        to = mask(email.to)
        tries = f"{email.attempts} attempt{'' if email.attempts == 1 else 's'}"
        if email.status == email.Status.SENT:
            return f"Sent to {to} at {localtime(email.sent_at):%Y-%m-%d %H:%M} ({tries})."
        error = f", last error: {email.last_error}" if email.last_error else ""
        if email.status == email.Status.FAILED:
            return f"Not sent to {to}: gave up after {tries}{error}."
        return f"Waiting to be sent to {to} ({tries}{error}); retried every minute."

    @admin.display(description="Email to the customer")
    def email_state_masked(self, reply: TicketReply) -> str:
        return self.email_state(reply, mask=mask_email)


@admin.register(Ticket)
class TicketAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    reveal_fields = ("email", "user")  # a support agent reveals their ticket's customer (audited)
    list_display = ["id", "reason", "user", "email", "status", "assignee", "created_at"]
    list_filter = ["status", "assignee"]
    list_editable = ["status", "assignee"]
    search_fields = ["email", "user__username", "transcript"]
    readonly_fields = ["conversation", "user", "email", "reason", "transcript", "created_at", "updated_at"]
    inlines = [TicketReplyInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not TicketReply:
            return super().save_formset(request, form, formset, change)
        for reply_form in formset.forms:
            text = reply_form.cleaned_data.get("text") if reply_form.has_changed() else None
            if text and reply_form.instance.pk is None:
                try:
                    services.ticket_reply_add(ticket=form.instance, author=request.user, text=text)
                except ApplicationError as exc:
                    messages.error(request, exc.message)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change message
        return None


class LabelQueueForm(forms.ModelForm):
    class Meta:
        model = Message
        fields = ["labelled_intent", "labelled_faq"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The label queue: customer messages the bot did not understand. Pick an intent or an FAQ entry and save."""

    list_display = ["text", "created_at", "review_status", "labelled_intent", "labelled_faq"]
    list_editable = ["labelled_intent", "labelled_faq"]
    list_filter = ["review_status", "role", "intent", "feedback", "is_fallback"]
    search_fields = ["text"]
    readonly_fields = [
        "conversation",
        "role",
        "text",
        "intent",
        "confidence",
        "model_label",
        "model_version",
        "payload",
        "feedback",
        "is_fallback",
        "review_status",
        "created_at",
    ]
    actions = ["dismiss"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("labelled_intent", "labelled_faq")

    def get_changelist_form(self, request, **kwargs):
        return LabelQueueForm

    def save_model(self, request, obj, form, change):
        intent, faq = form.cleaned_data.get("labelled_intent"), form.cleaned_data.get("labelled_faq")
        if obj.review_status == Message.Review.LABELLED or (intent is None and faq is None):
            return super().save_model(request, obj, form, change)
        try:
            services.message_label(message=obj, intent=intent if faq is None else None, faq=faq)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return None

    @admin.action(description="Dismiss (nothing to learn)")
    def dismiss(self, request, queryset):
        updated = services.messages_dismiss(message_ids=queryset.values_list("pk", flat=True))
        messages.success(request, f"{updated} message(s) dismissed.")


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "order", "status", "created_at"]
    list_filter = ["status"]
    list_editable = ["status"]
    search_fields = ["order__number"]
    readonly_fields = ["order", "conversation", "reason", "created_at"]

    def save_model(self, request, obj, form, change):
        returns.return_request_status_set(return_request_id=obj.pk, status=obj.status)
