"""Reads of the model registry, for the admin, the API and the loader."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from ml import kinds
from ml.models import ModelAlias, ModelVersion, RegisteredModel, TrainingRun


def training_run_list(*, kind: str | None = None, status: str | None = None) -> QuerySet[TrainingRun]:
    runs = TrainingRun.objects.select_related("registered_model", "requested_by", "version")
    if kind:
        runs = runs.filter(registered_model__name=kind)
    if status:
        runs = runs.filter(status=status)
    return runs


def model_version_list(*, kind: str | None = None, status: str | None = None) -> QuerySet[ModelVersion]:
    """Versions, newest first, each annotated with `is_champion`."""
    champion = ModelAlias.objects.filter(version=OuterRef("pk"), name=ModelAlias.Name.CHAMPION)
    versions = (
        ModelVersion.objects.select_related("registered_model", "created_by")
        .annotate(is_champion=Exists(champion))
        .order_by("-created_at", "-id")
    )
    if kind:
        versions = versions.filter(registered_model__name=kind)
    if status:
        versions = versions.filter(status=status)
    return versions


def registered_model_list() -> QuerySet[RegisteredModel]:
    """Registered models with `champion_id` and `champion_number` (None before the first release)."""
    champion = ModelAlias.objects.filter(registered_model=OuterRef("pk"), name=ModelAlias.Name.CHAMPION)
    return RegisteredModel.objects.annotate(
        champion_id=Subquery(champion.values("version_id")[:1]),
        champion_number=Subquery(champion.values("version__number")[:1]),
    )


def champion_version(*, registered_model: RegisteredModel) -> ModelVersion | None:
    alias = (
        ModelAlias.objects.select_related("version")
        .filter(registered_model=registered_model, name=ModelAlias.Name.CHAMPION)
        .first()
    )
    return alias.version if alias else None


def champion_artifact(*, kind: str) -> dict | None:
    """What the loader needs about a kind's champion, in one indexed query; None without a champion."""
    return (
        ModelAlias.objects.filter(registered_model__name=kind, name=ModelAlias.Name.CHAMPION)
        .values(
            "version_id",
            number=F("version__number"),
            path=F("version__artifact_path"),
            sha256=F("version__artifact_sha256"),
            load_error=F("version__load_error"),
        )
        .first()
    )


def kinds_needing_training(*, names: list[str]) -> list[str]:
    """Of `names`, the kinds with no champion and no run queued or running (first start of a store)."""
    served = set(
        ModelAlias.objects.filter(name=ModelAlias.Name.CHAMPION, registered_model__name__in=names).values_list(
            "registered_model__name", flat=True
        )
    )
    pending = set(
        TrainingRun.objects.filter(
            registered_model__name__in=names, status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
        ).values_list("registered_model__name", flat=True)
    )
    return [name for name in names if name not in served | pending]


def model_health() -> list[dict]:
    """Per registered model: its champion (`champion`: the version or None) and `champion_age` (time since it
    was trained), `metric` (the champion's main metric), `value`, `baseline` (the baseline's value of that metric
    measured in the same run, None when the kind records none) and `higher_is_better`, and its `last_run`."""
    now = timezone.now()
    champions = {
        alias.registered_model_id: alias.version
        for alias in ModelAlias.objects.select_related("version").filter(name=ModelAlias.Name.CHAMPION)
    }
    last_runs = {
        run.registered_model_id: run
        for run in TrainingRun.objects.order_by("registered_model_id", "-created_at", "-id").distinct(
            "registered_model_id"
        )
    }
    rows = []
    for model in RegisteredModel.objects.all():
        champion = champions.get(model.pk)
        rows.append(
            {
                "model": model,
                "champion": champion,
                "champion_age": now - champion.created_at if champion else None,
                "metric": champion.main_metric if champion else None,
                "value": champion.main_metric_value if champion else None,
                "baseline": _baseline_value(champion) if champion else None,
                "higher_is_better": _higher_is_better(model.name),
                "last_run": last_runs.get(model.pk),
            }
        )
    return rows


def _baseline_value(version: ModelVersion) -> float | None:
    """The baseline's value of the version's main metric: `baseline_<metric>`, else the first
    `baseline_<name>_<metric>` (e.g. sentiment's `baseline_tfidf_macro_f1`)."""
    metrics, main = version.metrics, version.main_metric
    if f"baseline_{main}" in metrics:
        return metrics[f"baseline_{main}"]
    named = (v for key, v in sorted(metrics.items()) if key.startswith("baseline_") and key.endswith(f"_{main}"))
    return next(named, None)


def _higher_is_better(name: str) -> bool:
    return kinds.kind_get(name).higher_is_better if name in kinds.kind_names() else True


def training_run_failures(*, since: datetime) -> int:
    return TrainingRun.objects.filter(status=TrainingRun.Status.FAILED, created_at__gte=since).count()


def training_run_durations(*, start: datetime, end: datetime) -> list[dict]:
    """Finished runs started in [start, end), oldest first: `id`, `kind`, `status`, `started_at`, `seconds`."""
    runs = (
        TrainingRun.objects.filter(
            started_at__gte=start, started_at__lt=end, finished_at__isnull=False, status__in=TrainingRun.FINISHED
        )
        .annotate(kind=F("registered_model__name"), duration=F("finished_at") - F("started_at"))
        .values_list("id", "kind", "status", "started_at", "duration")
        .order_by("started_at", "id")
    )
    return [
        {"id": pk, "kind": kind, "status": status, "started_at": started_at, "seconds": duration.total_seconds()}
        for pk, kind, status, started_at, duration in runs
    ]
