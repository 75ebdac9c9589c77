"""The model registry, shaped like MLflow's: registered models, numbered versions, aliases, runs.

- `RegisteredModel`: one per model kind (ml.kinds), e.g. "popularity".
- `TrainingRun`: one training, with its stage, progress, timings, log and outcome.
- `ModelVersion`: what a run produced: numbered per registered model, with params, metrics,
  data window, device, code version and the artifact's path and SHA-256. One per run at most
  (a retried run reuses its version, so retries cannot create duplicates).
- `ModelAlias`: a named pointer to a version; `champion` is the version web processes serve.
  `ModelAliasChange` keeps every switch, which is what a rollback reads.

Rows are written only by ml.services; the admin and the API read them and call the services.
"""

from django.conf import settings
from django.db import models


class RegisteredModel(models.Model):
    name = models.SlugField(max_length=60, unique=True, help_text="The model kind, e.g. popularity.")
    title = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Stage(models.TextChoices):
        EXTRACT = "extract", "Extract data"
        FIT = "fit", "Fit"
        EVALUATE = "evaluate", "Evaluate"
        PUBLISH = "publish", "Publish"

    class Trigger(models.TextChoices):
        ADMIN = "admin", "Admin"
        API = "api", "API"
        COMMAND = "command", "Command"
        SCHEDULE = "schedule", "Schedule"

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True, help_text="Overrides of the kind's default parameters.")
    stage_seconds = models.JSONField(default=dict, blank=True, help_text="Seconds spent in each finished stage.")
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    task_id = models.CharField(max_length=64, blank=True, help_text="Celery task id; empty for in-process runs.")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last progress report.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["registered_model", "-created_at"], name="trainingrun_model_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="trainingrun_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registered_model.name} run {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        TRAINING = "training", "Training"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        ARCHIVED = "archived", "Archived"

    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    run = models.OneToOneField(TrainingRun, on_delete=models.PROTECT, related_name="version")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TRAINING)
    status_reason = models.TextField(blank=True, help_text="Why the version has its status (e.g. the quality gate).")
    params = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict, blank=True)
    main_metric = models.CharField(max_length=60)
    data_window_start = models.DateTimeField()
    data_window_end = models.DateTimeField()
    row_counts = models.JSONField(default=dict)
    device = models.CharField(max_length=10)
    stage_seconds = models.JSONField(default=dict, blank=True)
    code_version = models.CharField(max_length=80)
    artifact_path = models.CharField(max_length=300, blank=True, help_text="Folder relative to MODEL_ROOT.")
    artifact_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the folder's SHA256SUMS.")
    artifact_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    load_error = models.TextField(blank=True, help_text="Why a web process could not load this version.")
    load_error_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registered_model", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["registered_model", "number"], name="unique_model_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.registered_model.name} v{self.number}"

    @property
    def main_metric_value(self) -> float | None:
        return self.metrics.get(self.main_metric)


class ModelAlias(models.Model):
    class Name(models.TextChoices):
        CHAMPION = "champion", "Champion"

    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=20, choices=Name.choices)
    version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="aliases")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "model aliases"
        constraints = [models.UniqueConstraint(fields=["registered_model", "name"], name="unique_model_alias")]

    def __str__(self) -> str:
        return f"{self.registered_model.name}@{self.name} -> v{self.version.number}"


class ModelAliasChange(models.Model):
    """One switch of an alias: the audit trail, and what `registered_model_rollback` reads."""

    class Cause(models.TextChoices):
        RELEASE = "release", "Passed the quality gate"
        PROMOTE = "promote", "Promoted by staff"
        ROLLBACK = "rollback", "Rolled back by staff"

    registered_model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="alias_changes")
    alias = models.CharField(max_length=20, choices=ModelAlias.Name.choices)
    from_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="None: first time."
    )
    to_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=10, choices=Cause.choices)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["registered_model", "alias", "-created_at"], name="aliaschange_model_idx")]

    def __str__(self) -> str:
        source = f"v{self.from_version.number}" if self.from_version else "none"
        return f"{self.registered_model.name}@{self.alias}: {source} -> v{self.to_version.number}"
