"""The support app's serving entry: understanding one customer message.

What the bot (support.dialogue), the warm-up and the tests call for predictions:
`understand(text)` gives the intent by the served `support_intents` model (the champion through
ml.loader, or the kind's baseline) and the closest FAQ entry; `faq_best_in(text, faq_ids=...)` the
closest among some FAQ entries. The FAQ index (`faq_index`) is built from the database with the
shared encoder and cached per process, rebuilt when the intents/FAQ data stamp changes (checked at
most every SUPPORT_DATA_CHECK_SECONDS).
"""

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from ml import embeddings
from ml.loader import champion
from support import selectors
from support.ml.engine import Prediction
from support.ml.faq import FaqIndex, FaqMatch, faq_index_build

KIND = "support_intents"

_lock = threading.Lock()
_faq: dict[str, object] = {"index": None, "stamp": None, "checked": 0.0}


@dataclass(frozen=True)
class Understanding:
    prediction: Prediction
    model_label: str  # e.g. "support_intents v3", "support_intents baseline"
    model_version_id: int | None  # the ml.ModelVersion served; None: the baseline
    faq: FaqMatch | None


def _encode(texts: list[str]):
    """Sentence vectors from the shared encoder (ml.embeddings), which loads on first use."""
    return embeddings.encode(texts)


def faq_index() -> FaqIndex:
    now = time.monotonic()
    if _faq["index"] is not None and now - _faq["checked"] < settings.SUPPORT_DATA_CHECK_SECONDS:
        return _faq["index"]
    with _lock:
        stamp = selectors.intent_data_stamp()
        if _faq["index"] is None or stamp != _faq["stamp"]:
            _faq["index"] = faq_index_build(selectors.faq_questions(), encode=_encode)
            _faq["stamp"] = stamp
        _faq["checked"] = now
        return _faq["index"]


def faq_cache_clear() -> None:
    with _lock:
        _faq.update(index=None, stamp=None, checked=0.0)


@contextmanager
def _one_thread():
    """One message is one short sentence: a single thread answers it faster than several threads fighting
    over shared cores (measured here under load: 57 ms with one thread, 421 ms with two)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def understand(text: str) -> Understanding:
    served = champion(KIND)
    index = faq_index()
    with _one_thread():
        vector = _encode([text])[0]
        model = served.model
        if getattr(model, "uses_shared_encoder", False):
            prediction = model.classify_vector(vector, text)
        else:
            prediction = model.classify(text)
    return Understanding(
        prediction=prediction, model_label=served.label, model_version_id=served.version_id, faq=index.best(vector)
    )


def faq_best_in(text: str, *, faq_ids: set[int]) -> FaqMatch | None:
    index = faq_index()
    with _one_thread():
        return index.best(_encode([text])[0], among=faq_ids)
