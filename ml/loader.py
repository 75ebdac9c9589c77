"""Serving: the champion model of a kind, loaded once per process and swapped without a restart.

    served = champion("popularity")
    served.model.top(10), served.version_id   # store version_id with what you show the user

One process-wide cache holds the loaded champion per kind, keyed by its version id. At most
every ML_CHAMPION_CHECK_SECONDS a call asks the database which version is champion (one
indexed query); when that changed, the new version is loaded (its artifact checksum verified)
and swapped in. When there is no champion, or its artifact is missing, corrupted or fails to
load, the kind's baseline is served instead: the failure is logged and recorded on the version
(`load_error`, shown in the admin), and never raised to the caller, so a page never fails
because of a model.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ml import kinds
from ml.artifacts import artifact_verify
from ml.selectors import champion_artifact
from ml.services import model_version_load_error_set

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServedModel:
    """A loaded model and the version that made it; `version_id` None means the kind's baseline."""

    kind: str
    model: Any
    version_id: int | None = None
    version_number: int | None = None

    @property
    def is_baseline(self) -> bool:
        return self.version_id is None

    @property
    def label(self) -> str:
        return f"{self.kind} baseline" if self.is_baseline else f"{self.kind} v{self.version_number}"


@dataclass
class _Entry:
    served: ServedModel
    checked_at: float


class ChampionCache:
    """The loaded champion per kind. Thread-safe; `clock` is injectable for tests of the check interval."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, kind: str) -> ServedModel:
        model_kind = kinds.kind_get(kind)  # an unknown kind is a programming error: raise
        entry = self._entries.get(kind)
        if entry is not None and self.clock() - entry.checked_at < settings.ML_CHAMPION_CHECK_SECONDS:
            return entry.served
        with self._lock:
            entry = self._entries.get(kind)
            now = self.clock()
            if entry is not None and now - entry.checked_at < settings.ML_CHAMPION_CHECK_SECONDS:
                return entry.served  # another thread refreshed it while this one waited
            served = self._refresh(model_kind, entry.served if entry else None)
            self._entries[kind] = _Entry(served=served, checked_at=now)
            return served

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _refresh(self, kind: kinds.ModelKind, current: ServedModel | None) -> ServedModel:
        try:
            champion = champion_artifact(kind=kind.name)
        except Exception:
            logger.exception("Could not look up the %s champion; serving what is loaded", kind.name)
            return current or _baseline(kind)
        if champion is None:
            return _baseline(kind)
        if current is not None and current.version_id == champion["version_id"]:
            return current
        try:
            folder = artifact_verify(path=champion["path"], sha256=champion["sha256"])
            model = kind.load(directory=folder)
        except Exception as exc:
            logger.exception("Could not load %s v%s; serving the baseline", kind.name, champion["number"])
            _load_error_record(champion["version_id"], f"{type(exc).__name__}: {exc}")
            return _baseline(kind)
        if champion["load_error"]:
            _load_error_record(champion["version_id"], "")
        logger.info("Serving %s v%s", kind.name, champion["number"])
        return ServedModel(
            kind=kind.name, model=model, version_id=champion["version_id"], version_number=champion["number"]
        )


def _baseline(kind: kinds.ModelKind) -> ServedModel:
    return ServedModel(kind=kind.name, model=kind.baseline())


def _load_error_record(version_id: int, error: str) -> None:
    try:
        model_version_load_error_set(version_id=version_id, error=error)
    except Exception:
        logger.exception("Could not record the load error of model version %s", version_id)


cache = ChampionCache()


def champion(kind: str) -> ServedModel:
    """The model to serve for `kind` right now: its champion, or its baseline. Never raises for a model problem."""
    return cache.get(kind)


def champions_warm() -> list[ServedModel]:
    """Load every kind's champion now, so the first request a process serves does not pay for it."""
    return [cache.get(kind) for kind in kinds.kind_names()]
