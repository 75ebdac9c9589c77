"""The back office of the model registry: retrain, watch progress, promote and roll back.

Everything here is read-only except through actions, and every action calls one ml.services
function, the same one the API and the `train` command use. Run progress bars update live:
static/ml/run_progress.js polls the staff API for runs still queued or running.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.errors import ApplicationError
from ml import kinds, selectors, services
from ml.models import ModelAliasChange, ModelVersion, RegisteredModel, TrainingRun


def _link(obj, label: str | None = None) -> str:
    if obj is None:
        return "—"
    url = reverse(f"admin:ml_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def _progress_bar(run: TrainingRun) -> str:
    """A <progress> element that static/ml/run_progress.js keeps up to date while the run is unfinished."""
    label = f"{run.percent}% · {run.get_status_display()}" + (
        f" · {run.stage}" if run.status == run.Status.RUNNING else ""
    )
    return format_html(
        '<progress class="ml-run-progress" max="100" value="{}" data-run-url="{}" data-status="{}"></progress>'
        ' <span class="ml-run-label">{}</span>',
        run.percent,
        reverse("ml-api:run-detail", args=[run.pk]),
        run.status,
        label,
    )


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AliasChangeInline(ReadOnlyMixin, admin.TabularInline):
    model = ModelAliasChange
    fk_name = "registered_model"
    fields = ("created_at", "alias", "from_version", "to_version", "cause", "changed_by", "reason")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "Champion history"


@admin.register(RegisteredModel)
class RegisteredModelAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "title", "champion", "latest_run")
    fields = ("name", "title", "champion", "latest_run", "created_at")
    readonly_fields = fields
    inlines = [AliasChangeInline]
    actions = ["retrain_now", "roll_back_champion"]

    class Media:
        js = ("ml/run_progress.js",)

    def get_queryset(self, request) -> QuerySet[RegisteredModel]:
        return selectors.registered_model_list()

    @admin.display(description="Champion")
    def champion(self, obj: RegisteredModel) -> str:
        if obj.champion_id is None:
            return "—"
        url = reverse("admin:ml_modelversion_change", args=[obj.champion_id])
        return format_html('<a href="{}">v{}</a>', url, obj.champion_number)

    @admin.display(description="Latest run")
    def latest_run(self, obj: RegisteredModel) -> str:
        run = obj.runs.first()
        return "—" if run is None else format_html("{} {}", _link(run, f"#{run.pk}"), _progress_bar(run))

    @admin.action(description="Retrain now")
    def retrain_now(self, request, queryset) -> None:
        selected = {registered.name: registered for registered in queryset}
        for name in kinds.quickest_first(selected):
            registered = selected[name]
            try:
                run = services.training_run_enqueue(
                    kind=registered.name, trigger=TrainingRun.Trigger.ADMIN, requested_by=request.user
                )
            except ApplicationError as exc:
                self.message_user(request, f"{registered}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, format_html("Queued {} of {}.", _link(run, f"run #{run.pk}"), registered))

    @admin.action(description="Roll back to the previous champion")
    def roll_back_champion(self, request, queryset) -> None:
        for registered in queryset:
            try:
                version = services.registered_model_rollback(registered_model=registered, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{version} is the champion of {registered} again.")


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "status", "progress", "produced_version", "trigger", "requested_by", "created_at")
    list_filter = ("registered_model", "status", "trigger")
    list_select_related = ("registered_model", "requested_by", "version")
    date_hierarchy = "created_at"
    fields = (
        "registered_model",
        "progress",
        "status",
        "stage",
        "produced_version",
        "error",
        "timings",
        "params",
        "trigger",
        "requested_by",
        "task_id",
        "attempts",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "log_text",
    )
    readonly_fields = fields

    class Media:
        js = ("ml/run_progress.js",)

    @admin.display(description="Progress")
    def progress(self, obj: TrainingRun) -> str:
        return _progress_bar(obj)

    @admin.display(description="Version")
    def produced_version(self, obj: TrainingRun) -> str:
        return _link(getattr(obj, "version", None))

    @admin.display(description="Seconds per stage")
    def timings(self, obj: TrainingRun) -> str:
        return ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in obj.stage_seconds.items()) or "—"

    @admin.display(description="Log")
    def log_text(self, obj: TrainingRun) -> str:
        return format_html('<pre class="ml-run-log" data-run-log="{}">{}</pre>', obj.pk, obj.log)


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "status", "is_champion", "main_metric_shown", "device", "created_at", "load_problem")
    list_filter = ("registered_model", "status", "device")
    list_select_related = ("registered_model",)
    fields = (
        "registered_model",
        "number",
        "status",
        "status_reason",
        "is_champion",
        "metrics_table",
        "params",
        "data_window_start",
        "data_window_end",
        "row_counts",
        "device",
        "stage_seconds",
        "code_version",
        "artifact_path",
        "artifact_sha256",
        "artifact_bytes",
        "load_error",
        "load_error_at",
        "training_run",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    actions = ["promote", "archive"]

    def get_queryset(self, request) -> QuerySet[ModelVersion]:
        return selectors.model_version_list()

    @admin.display(description="Champion", boolean=True)
    def is_champion(self, obj: ModelVersion) -> bool:
        return obj.is_champion

    @admin.display(description="Main metric")
    def main_metric_shown(self, obj: ModelVersion) -> str:
        value = obj.main_metric_value
        return "—" if value is None else f"{obj.main_metric} {value:.4f}"

    @admin.display(description="Metrics")
    def metrics_table(self, obj: ModelVersion) -> str:
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", sorted(obj.metrics.items()))
        return format_html("<table>{}</table>", rows) if obj.metrics else "—"

    @admin.display(description="Load problem")
    def load_problem(self, obj: ModelVersion) -> str:
        return (
            format_html('<span title="{}">⚠ {}</span>', obj.load_error, obj.load_error[:60]) if obj.load_error else ""
        )

    @admin.display(description="Training run")
    def training_run(self, obj: ModelVersion) -> str:
        return _link(obj.run, f"run #{obj.run_id}")

    @admin.action(description="Promote to champion")
    def promote(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to promote.", messages.ERROR)
            return
        try:
            version = services.model_version_promote(version=queryset.get(), user=request.user)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, f"{version} is now the champion.")

    @admin.action(description="Archive")
    def archive(self, request, queryset) -> None:
        for version in queryset:
            try:
                services.model_version_archive(version=version, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{version} archived.")
