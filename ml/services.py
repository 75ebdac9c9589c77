"""Writes of the model registry: training runs, versions, the quality gate and releases.

A training run goes through four stages, each recorded on the run row as it happens (stage,
percent, timings, log lines), so the admin and the API can show live progress:

    extract   the kind reads its training data (ml.kinds.ModelKind.extract)
    fit       on the device chosen by ml.device.select_device
    evaluate  on the held-out split, with the kind's main metric
    publish   artifact written atomically (ml.artifacts) and recorded on the version (still
              `training`), the kind's `publish(version=...)` (what is served next to the model,
              e.g. recommendation lists), then ONE transaction: version `ready`, quality gate,
              and the champion alias switched if the candidate passed

Failure rules:
- Any exception of the kind or the platform marks the run and its version failed with the
  error (and discards its artifact); the champion is only ever switched in the publish
  transaction, so it stays untouched. That includes the kind's `publish`: a version whose
  publication failed is never `ready`, so it can be neither released nor promoted.
- Transient database errors (connection lost, server restarting) propagate without marking
  anything, so the Celery task can retry; the retry resumes the same run and reuses its version
  row (one version per run, enforced by a unique constraint), so retries never duplicate versions.
- A worker killed mid-training (OOM, SIGKILL, hard time limit) cannot mark anything; its run stops
  reporting progress and `training_runs_reap` (every few minutes, by beat) marks it failed.
"""

import logging
import math
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from time import monotonic
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.errors import ApplicationError
from core.task_queue import task_send
from ml import kinds
from ml.artifacts import Artifact, artifact_discard, artifact_write
from ml.device import select_device
from ml.models import ModelAlias, ModelAliasChange, ModelVersion, RegisteredModel, TrainingRun
from ml.selectors import champion_version
from ml.versioning import code_version

logger = logging.getLogger(__name__)

# Errors worth retrying: the database was briefly unreachable. Never a model's own error.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# Share of the run's progress bar that each stage covers (start, end) in percent.
STAGE_PERCENT = {
    TrainingRun.Stage.EXTRACT: (0, 10),
    TrainingRun.Stage.FIT: (10, 80),
    TrainingRun.Stage.EVALUATE: (80, 90),
    TrainingRun.Stage.PUBLISH: (90, 100),
}
PROGRESS_WRITE_SECONDS = 1.0  # at most one progress UPDATE per second; a fit may report far more often


# `on_progress(percent, stage)`: an extra observer of a run's progress (the `train --sync` bar).
ProgressObserver = Callable[[float, str], None]


# --- Registered models and schedules ------------------------------------------------------------


def registered_model_ensure(*, kind: kinds.ModelKind) -> RegisteredModel:
    registered, _ = RegisteredModel.objects.get_or_create(name=kind.name, defaults={"title": kind.title})
    return registered


def registered_models_ensure() -> None:
    """A RegisteredModel row per registered kind, so the admin lists every kind before its first run."""
    for kind in kinds.kinds_all():
        registered_model_ensure(kind=kind)


# --- Starting runs ------------------------------------------------------------------------------


def training_run_create(
    *,
    kind: str,
    trigger: str,
    requested_by=None,
    params: dict[str, Any] | None = None,
    task_id: str = "",
) -> TrainingRun:
    """A queued run of `kind`. `params` may override the kind's default parameters, nothing else."""
    model_kind = kinds.kind_get(kind)
    params = params or {}
    unknown = sorted(set(params) - set(model_kind.default_params))
    if unknown:
        raise ApplicationError(
            f"Unknown parameters for {kind}: {', '.join(unknown)}.",
            code="invalid",
            details={"params": [f"Allowed: {', '.join(sorted(model_kind.default_params)) or 'none'}."]},
        )
    return TrainingRun.objects.create(
        registered_model=registered_model_ensure(kind=model_kind),
        trigger=trigger,
        requested_by=requested_by,
        params=params,
        task_id=task_id,
    )


def training_run_enqueue(
    *, kind: str, trigger: str, requested_by=None, params: dict[str, Any] | None = None
) -> TrainingRun:
    """Create a queued run and send its training task once the row is committed.

    The task id is chosen here and stored on the run, so the run and the Celery result can be
    matched from the first moment. If the broker cannot be reached the run is marked failed.
    """
    with transaction.atomic():
        run = training_run_create(
            kind=kind, trigger=trigger, requested_by=requested_by, params=params, task_id=str(uuid.uuid4())
        )
        transaction.on_commit(lambda: _training_run_send(run))
    return run


def _training_run_send(run: TrainingRun) -> None:
    try:
        task_send("ml.tasks.training_run_execute", args=[run.pk], task_id=run.task_id)
    except BrokerError as exc:
        logger.exception("Could not enqueue training run %s", run.pk)
        training_run_fail(run_id=run.pk, error=f"Could not reach the task broker: {exc}")


# --- Executing runs -----------------------------------------------------------------------------


def training_run_execute(
    *, run_id: int, task_id: str = "", retries: int = 0, on_progress: ProgressObserver | None = None
) -> TrainingRun:
    """Train, evaluate and publish one run (see the module docstring). Idempotent.

    Returns the run. A finished run is returned as it is; so is a running one unless this call
    is a Celery retry of it (`retries` above its earlier attempts), which resumes it.
    """
    run, claimed = _training_run_claim(run_id=run_id, task_id=task_id, retries=retries)
    if not claimed:
        return run
    recorder = _RunRecorder(run, on_progress)
    try:
        kind = kinds.kind_get(run.registered_model.name)
        params = {**kind.default_params, **run.params}
        with recorder.stage(TrainingRun.Stage.EXTRACT):
            data = kind.extract(params=params, as_of=run.started_at)
            rows = ", ".join(f"{name} {count}" for name, count in data.row_counts.items())
            recorder.log(
                f"Data window {data.window_start:%Y-%m-%d %H:%M} to {data.window_end:%Y-%m-%d %H:%M}; rows: {rows}"
            )
        device = select_device(framework=kind.framework)
        recorder.log(f"Device: {device}")
        version = _model_version_open(run=run, kind=kind, params=params, data=data, device=device)
        recorder.log(f"Training version {version.number}")
        with recorder.stage(TrainingRun.Stage.FIT):
            if data.full is None:
                model = final = kind.fit(data=data.train, params=params, device=device, progress=recorder.progress)
            else:
                model = kind.fit(data=data.train, params=params, device=device, progress=recorder.part(0.0, 0.5))
                recorder.log("Fitted on the training split; fitting the published model on the whole window")
                final = kind.fit(data=data.full, params=params, device=device, progress=recorder.part(0.5, 1.0))
        with recorder.stage(TrainingRun.Stage.EVALUATE):
            metrics = _metrics_checked(kind=kind, metrics=kind.evaluate(model=model, data=data))
            recorder.log("Metrics: " + ", ".join(f"{name} {value:.4f}" for name, value in metrics.items()))
        with recorder.stage(TrainingRun.Stage.PUBLISH):
            artifact = artifact_write(
                kind=kind.name,
                version_number=version.number,
                save=lambda folder: kind.save(model=final, directory=folder),
            )
            version = _model_version_artifact_record(run=run, version=version, metrics=metrics, artifact=artifact)
            kind.publish(version=version, model=final, data=data)
        _model_version_release(
            run=run,
            version=version,
            kind=kind,
            metrics=metrics,
            artifact=artifact,
            stage_seconds=recorder.stage_seconds,
        )
    except TRANSIENT_ERRORS:
        logger.warning("Training run %s hit a transient database error; left for a retry", run_id, exc_info=True)
        raise
    except BaseException as exc:
        training_run_fail(
            run_id=run_id, error=f"{type(exc).__name__}: {exc}", details="".join(traceback.format_exception(exc))
        )
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: the caller must still stop
            raise
    run.refresh_from_db()
    return run


def _training_run_claim(*, run_id: int, task_id: str, retries: int) -> tuple[TrainingRun, bool]:
    """(run, claimed): mark the run running for this attempt, unless it is finished or someone else runs it."""
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update().select_related("registered_model").get(pk=run_id)
        if run.is_finished:
            logger.info("Training run %s already %s; nothing to do", run.pk, run.status)
            return run, False
        if run.status == TrainingRun.Status.RUNNING and retries + 1 <= run.attempts:
            logger.warning(
                "Training run %s is already running (attempt %s); not starting it twice", run.pk, run.attempts
            )
            return run, False
        now = timezone.now()
        run.status = TrainingRun.Status.RUNNING
        run.attempts = retries + 1
        run.task_id = task_id or run.task_id
        run.stage, run.percent, run.stage_seconds, run.error = "", 0, {}, ""
        run.started_at = run.heartbeat_at = now
        run.log += _log_line(f"Attempt {run.attempts} started" + (f" (task {task_id})" if task_id else " (in process)"))
        run.save()
    return run, True


def training_run_fail(*, run_id: int, error: str, details: str = "") -> None:
    """Mark an unfinished run failed, with its version and any artifact files it left. The champion is untouched.

    `details` (e.g. a traceback, ending with a newline) goes into the run's log under the error.
    """
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update().select_related("registered_model").get(pk=run_id)
        version = ModelVersion.objects.select_for_update().filter(run=run).first()
        if not run.is_finished:
            run.status = TrainingRun.Status.FAILED
            run.error = error
            run.finished_at = timezone.now()
            run.log += _log_line(f"Failed: {error}") + details
            run.save()
            logger.error("Training run %s failed: %s", run_id, error)
        if version is not None and version.status == ModelVersion.Status.TRAINING:
            version.status = ModelVersion.Status.FAILED
            version.status_reason = error
            # The artifact is discarded below: a failed version records none.
            version.artifact_path, version.artifact_sha256, version.artifact_bytes = "", "", None
            version.save(
                update_fields=[
                    "status",
                    "status_reason",
                    "artifact_path",
                    "artifact_sha256",
                    "artifact_bytes",
                    "updated_at",
                ]
            )
    if version is not None and version.status == ModelVersion.Status.FAILED:
        artifact_discard(kind=run.registered_model.name, version_number=version.number)


def training_runs_reap(*, now: datetime | None = None) -> int:
    """Fail running runs whose worker stopped reporting progress (killed, out of memory). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.ML_TRAINING_STALE_SECONDS)
    stale = TrainingRun.objects.filter(status=TrainingRun.Status.RUNNING, heartbeat_at__lt=cutoff)
    reaped = 0
    for run_id, stage, heartbeat_at in stale.values_list("pk", "stage", "heartbeat_at"):
        training_run_fail(
            run_id=run_id,
            error=f"Worker lost: no progress report since {timezone.localtime(heartbeat_at):%Y-%m-%d %H:%M:%S}"
            f" (stage {stage or 'start'}); the worker was probably killed or ran out of memory.",
        )
        reaped += 1
    return reaped


class _RunRecorder:
    """Writes a run's stage, percent, timings, heartbeat and log lines as training goes."""

    def __init__(self, run: TrainingRun, on_progress: ProgressObserver | None):
        self.run_id = run.pk
        self.on_progress = on_progress
        self.stage_seconds: dict[str, float] = {}
        self.current = TrainingRun.Stage.EXTRACT
        self.last_write = 0.0

    @contextmanager
    def stage(self, stage: str) -> Iterator[None]:
        self.current = stage
        started = monotonic()
        self._write(f"Stage {stage} started", stage=stage, percent=STAGE_PERCENT[stage][0])
        self._notify(STAGE_PERCENT[stage][0])
        yield
        self.stage_seconds[stage] = round(monotonic() - started, 3)
        end = STAGE_PERCENT[stage][1]
        self._write(
            f"Stage {stage} done in {self.stage_seconds[stage]:.2f} s", percent=end, stage_seconds=self.stage_seconds
        )
        self._notify(end)

    def progress(self, fraction: float, message: str | None = None) -> None:
        """The callback kinds get: `fraction` (0 to 1) of the current stage is done."""
        start, end = STAGE_PERCENT[self.current]
        percent = start + (end - start) * min(max(float(fraction), 0.0), 1.0)
        if message is not None or monotonic() - self.last_write >= PROGRESS_WRITE_SECONDS:
            self._write(message, percent=round(percent))
        self._notify(percent)

    def part(self, low: float, high: float) -> Callable[..., None]:
        """A progress callback covering [low, high] of the current stage (for a stage with two fits)."""
        return lambda fraction, message=None: self.progress(low + (high - low) * fraction, message)

    def log(self, message: str) -> None:
        self._write(message)

    def _write(self, message: str | None, **fields: Any) -> None:
        if message is not None:
            logger.info("Training run %s: %s", self.run_id, message)
            fields["log"] = Concat(F("log"), Value(_log_line(message)))
        TrainingRun.objects.filter(pk=self.run_id).update(heartbeat_at=timezone.now(), **fields)
        self.last_write = monotonic()

    def _notify(self, percent: float) -> None:
        if self.on_progress is not None:
            self.on_progress(percent, self.current)


def _log_line(message: str) -> str:
    return f"{timezone.localtime():%H:%M:%S} {message}\n"


def _metrics_checked(*, kind: kinds.ModelKind, metrics: dict[str, float]) -> dict[str, float]:
    """Plain finite floats, the main metric among them: JSON-safe and comparable by the gate."""
    if kind.main_metric not in metrics:
        raise ValueError(f"{kind.name}.evaluate() returned no {kind.main_metric!r} (got {', '.join(metrics)}).")
    checked = {name: float(value) for name, value in metrics.items()}
    bad = [name for name, value in checked.items() if not math.isfinite(value)]
    if bad:
        raise ValueError(f"{kind.name}.evaluate() returned non-finite metrics: {', '.join(bad)}.")
    return checked


def _model_version_open(
    *, run: TrainingRun, kind: kinds.ModelKind, params: dict[str, Any], data: kinds.TrainingData, device: str
) -> ModelVersion:
    """The run's version in status `training`: created with the next number, or reset on a retry."""
    fields = {
        "status": ModelVersion.Status.TRAINING,
        "status_reason": "",
        "params": params,
        "metrics": {},
        "main_metric": kind.main_metric,
        "data_window_start": data.window_start,
        "data_window_end": data.window_end,
        "row_counts": data.row_counts,
        "device": device,
        "stage_seconds": {},
        "code_version": code_version(),
        "artifact_path": "",
        "artifact_sha256": "",
        "artifact_bytes": None,
        "created_by": run.requested_by,
    }
    with transaction.atomic():
        # The lock serialises version numbering between concurrent runs of the same kind.
        registered = RegisteredModel.objects.select_for_update().get(pk=run.registered_model_id)
        version = ModelVersion.objects.filter(run=run).first()
        if version is not None:
            ModelVersion.objects.filter(pk=version.pk).update(**fields, updated_at=timezone.now())
            version.refresh_from_db()
            return version
        number = (registered.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        return ModelVersion.objects.create(registered_model=registered, number=number, run=run, **fields)


def _model_version_artifact_record(
    *, run: TrainingRun, version: ModelVersion, metrics: dict[str, float], artifact: Artifact
) -> ModelVersion:
    """Record the written artifact and the metrics on the version, still `training`: what the kind's
    `publish` reads. Refused (run_abandoned) when the run is no longer running, so a run reaped as
    lost publishes nothing."""
    with transaction.atomic():
        _run_still_running(run)
        ModelVersion.objects.filter(pk=version.pk, status=ModelVersion.Status.TRAINING).update(
            metrics=metrics,
            artifact_path=artifact.path,
            artifact_sha256=artifact.sha256,
            artifact_bytes=artifact.size,
            updated_at=timezone.now(),
        )
    return ModelVersion.objects.select_related("registered_model").get(pk=version.pk)


def _run_still_running(run: TrainingRun) -> None:
    """Lock the run's row; run_abandoned when it is no longer running (e.g. reaped as lost during a long silent fit)."""
    current = TrainingRun.objects.select_for_update().get(pk=run.pk)
    if current.status != TrainingRun.Status.RUNNING:
        raise ApplicationError(
            f"Run {run.pk} was marked {current.status} while it trained; its result is discarded.",
            code="run_abandoned",
        )


def _model_version_release(
    *,
    run: TrainingRun,
    version: ModelVersion,
    kind: kinds.ModelKind,
    metrics: dict[str, float],
    artifact: Artifact,
    stage_seconds: dict[str, float],
) -> None:
    """One transaction: version ready, quality gate, champion switched if it passed, run succeeded."""
    with transaction.atomic():
        registered = RegisteredModel.objects.select_for_update().get(pk=run.registered_model_id)
        _run_still_running(run)
        champion = champion_version(registered_model=registered)
        accepted, reason = quality_gate(
            main_metric=kind.main_metric,
            candidate=metrics[kind.main_metric],
            champion=champion,
            higher_is_better=kind.higher_is_better,
            tolerance=settings.ML_QUALITY_TOLERANCE,
        )
        if accepted:
            accepted, reason = _baseline_check(kind=kind, metrics=metrics, reason=reason)
        version.status = ModelVersion.Status.READY
        version.status_reason = reason
        version.metrics = metrics
        version.stage_seconds = stage_seconds
        version.artifact_path, version.artifact_sha256, version.artifact_bytes = (
            artifact.path,
            artifact.sha256,
            artifact.size,
        )
        version.save()
        if accepted:
            _alias_switch(
                registered=registered,
                version=version,
                user=run.requested_by,
                cause=ModelAliasChange.Cause.RELEASE,
                reason=f"Run {run.pk}: {reason}",
            )
        TrainingRun.objects.filter(pk=run.pk).update(
            status=TrainingRun.Status.SUCCEEDED,
            percent=100,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            log=Concat(F("log"), Value(_log_line(f"Version {version.number} ready. {reason}"))),
        )


def _baseline_check(*, kind: kinds.ModelKind, metrics: dict[str, float], reason: str) -> tuple[bool, str]:
    """(accepted, reason) after the gate: a version that does not beat its kind's untrained baseline
    (`kind.baseline_metric`, measured on the same rows) is kept `ready` but not released."""
    baseline = metrics.get(kind.baseline_metric) if kind.baseline_metric else None
    if baseline is None:
        return True, reason
    candidate = metrics[kind.main_metric]
    if candidate > baseline if kind.higher_is_better else candidate < baseline:
        return True, reason
    return False, (
        f"Rejected: {kind.main_metric} {candidate:.4f} does not beat the baseline's {baseline:.4f} "
        f"({kind.baseline_metric}) on the same rows."
    )


def quality_gate(
    *, main_metric: str, candidate: float, champion: ModelVersion | None, higher_is_better: bool, tolerance: float
) -> tuple[bool, str]:
    """(accepted, reason): a candidate passes unless it is worse than the champion by more than `tolerance`.

    `tolerance` is relative to the champion's value (0.02: up to 2 % worse still passes), so
    that retraining on fresh data with the same quality keeps the champion fresh.
    """
    reference = None if champion is None else champion.metrics.get(main_metric)
    if reference is None:
        suffix = "there is no champion yet" if champion is None else f"champion v{champion.number} has no {main_metric}"
        return True, f"Accepted: {main_metric} {candidate:.4f}; {suffix}."
    allowed = abs(reference) * tolerance
    worse_by = reference - candidate if higher_is_better else candidate - reference
    comparison = f"{main_metric} {candidate:.4f} vs champion v{champion.number} {reference:.4f}"
    if worse_by > allowed:
        return False, f"Rejected by the quality gate: {comparison} is worse by more than {tolerance:.0%}."
    return True, f"Accepted: {comparison} (tolerance {tolerance:.0%})."


# --- Releases -----------------------------------------------------------------------------------


def model_version_promote(*, version: ModelVersion, user, reason: str = "") -> ModelVersion:
    """Make a `ready` version the champion (staff override of the quality gate)."""
    with transaction.atomic():
        registered = RegisteredModel.objects.select_for_update().get(pk=version.registered_model_id)
        version = ModelVersion.objects.get(pk=version.pk)
        if version.status != ModelVersion.Status.READY:
            raise ApplicationError(
                f"Only ready versions can be promoted; {version} is {version.get_status_display().lower()}.",
                code="version_not_ready",
            )
        if champion_version(registered_model=registered) == version:
            raise ApplicationError(f"{version} is already the champion.", code="already_champion")
        _alias_switch(
            registered=registered,
            version=version,
            user=user,
            cause=ModelAliasChange.Cause.PROMOTE,
            reason=reason or f"Promoted by {user}.",
        )
    return version


def registered_model_rollback(*, registered_model: RegisteredModel, user) -> ModelVersion:
    """Make the version that was champion before the current one the champion again; returns it."""
    with transaction.atomic():
        registered = RegisteredModel.objects.select_for_update().get(pk=registered_model.pk)
        current = champion_version(registered_model=registered)
        if current is None:
            raise ApplicationError(f"{registered} has no champion to roll back.", code="no_champion")
        # The switch that made the current champion, not a rollback to it: repeated rollbacks walk
        # back through the releases (v3 -> v2 -> v1) instead of toggling between two versions.
        last_switch = (
            ModelAliasChange.objects.filter(
                registered_model=registered, alias=ModelAlias.Name.CHAMPION, to_version=current
            )
            .exclude(cause=ModelAliasChange.Cause.ROLLBACK)
            .first()
        )
        previous = last_switch.from_version if last_switch else None
        if previous is None:
            raise ApplicationError(
                f"{current} was the first champion of {registered}; there is nothing to roll back to.",
                code="no_previous_champion",
            )
        if previous.status != ModelVersion.Status.READY:
            raise ApplicationError(
                f"The previous champion {previous} is {previous.get_status_display().lower()} and cannot be served.",
                code="version_not_ready",
            )
        _alias_switch(
            registered=registered,
            version=previous,
            user=user,
            cause=ModelAliasChange.Cause.ROLLBACK,
            reason=f"Rolled back from v{current.number} by {user}.",
        )
    return previous


def model_version_archive(*, version: ModelVersion, user) -> ModelVersion:
    """Retire a ready version that is not the champion: it can no longer be promoted."""
    with transaction.atomic():
        registered = RegisteredModel.objects.select_for_update().get(pk=version.registered_model_id)
        version = ModelVersion.objects.get(pk=version.pk)
        if champion_version(registered_model=registered) == version:
            raise ApplicationError(
                f"{version} is the champion; promote another version first.", code="version_is_champion"
            )
        if version.status != ModelVersion.Status.READY:
            raise ApplicationError(
                f"Only ready versions can be archived; {version} is {version.status}.", code="version_not_ready"
            )
        version.status = ModelVersion.Status.ARCHIVED
        version.status_reason = f"Archived by {user} on {timezone.localdate():%Y-%m-%d}."
        version.save(update_fields=["status", "status_reason", "updated_at"])
    return version


def model_version_load_error_set(*, version_id: int, error: str) -> None:
    """Record (or, with "", clear) why a web process could not load a version, for the admin."""
    ModelVersion.objects.filter(pk=version_id).update(load_error=error, load_error_at=timezone.now() if error else None)


def _alias_switch(*, registered: RegisteredModel, version: ModelVersion, user, cause: str, reason: str) -> None:
    """Point `champion` at `version` and record the switch. Call inside the transaction that locked `registered`."""
    alias = ModelAlias.objects.filter(registered_model=registered, name=ModelAlias.Name.CHAMPION).first()
    previous = alias.version if alias else None
    if alias is None:
        ModelAlias.objects.create(registered_model=registered, name=ModelAlias.Name.CHAMPION, version=version)
    else:
        alias.version = version
        alias.save(update_fields=["version", "updated_at"])
    ModelAliasChange.objects.create(
        registered_model=registered,
        alias=ModelAlias.Name.CHAMPION,
        from_version=previous,
        to_version=version,
        cause=cause,
        reason=reason,
        changed_by=user,
    )
    logger.info(
        "%s champion: %s -> v%s (%s)", registered, f"v{previous.number}" if previous else "none", version.number, reason
    )
