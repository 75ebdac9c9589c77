"""A small test-only model kind for the tests of the ML platform, and a helper that trains it."""

import time
from datetime import timedelta

import numpy as np
from django.db import OperationalError

from ml.kinds import ModelKind, TrainingData
from ml.models import ModelVersion, TrainingRun
from ml.selectors import champion_version
from ml.services import training_run_create, training_run_execute


class ToyKind(ModelKind):
    """A "model" that is just its `accuracy` parameter, stored as a .npy file.

    `fail=True` makes fit hit a real numpy floating-point error; `transient_failures=n` makes the
    first n fits raise the database's OperationalError, as a dropped connection would;
    `sleep_seconds` makes fit last that long, reporting progress, as a long training does.
    `published` records what each `publish` call saw; `publish_errors` are raised by the next calls.
    """

    name = "toy"
    title = "Toy model"
    main_metric = "accuracy"
    default_params = {"accuracy": 0.5, "fail": False, "transient_failures": 0, "sleep_seconds": 0}

    def __init__(self):
        self.fits = 0
        self.published: list[dict] = []
        self.publish_errors: list[BaseException] = []

    def extract(self, *, params, as_of):
        return TrainingData(
            train=np.arange(3),
            holdout=np.arange(2),
            window_start=as_of - timedelta(days=1),
            window_end=as_of,
            row_counts={"train": 3, "holdout": 2},
        )

    def fit(self, *, data, params, device, progress):
        self.fits += 1
        if self.fits <= params["transient_failures"]:
            raise OperationalError("server closed the connection unexpectedly")
        if params["fail"]:
            with np.errstate(invalid="raise"):
                np.sqrt(np.array([-1.0]))
        progress(0.5, "halfway")
        started = time.monotonic()
        while time.monotonic() - started < params["sleep_seconds"]:
            time.sleep(0.1)
            progress(0.5, "still fitting")
        return np.array([params["accuracy"]])

    def evaluate(self, *, model, data):
        return {"accuracy": float(model[0]), "holdout_rows": float(len(data.holdout))}

    def save(self, *, model, directory):
        np.save(directory / "weights.npy", model)

    def publish(self, *, version, model, data):
        champion = champion_version(registered_model=version.registered_model)
        self.published.append(
            {
                "version": version,
                "stored_status": ModelVersion.objects.get(pk=version.pk).status,
                "artifact_path": version.artifact_path,
                "metrics": version.metrics,
                "model": model.tolist(),
                "data_window": (data.window_start, data.window_end),
                "champion": champion.number if champion else None,
            }
        )
        if self.publish_errors:
            raise self.publish_errors.pop(0)

    def load(self, *, directory):
        return np.load(directory / "weights.npy", allow_pickle=False)

    def baseline(self):
        return np.array([0.0])


def train(user=None, **params) -> TrainingRun:
    """Create a toy run and execute it in process, as `train toy --sync` does."""
    run = training_run_create(kind="toy", trigger=TrainingRun.Trigger.COMMAND, requested_by=user, params=params)
    return training_run_execute(run_id=run.pk)
