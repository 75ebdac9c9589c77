"""MiniLM helpers shared by the text models (ml.text.minilm): pooling exactly, loading once (slow)."""

import numpy as np
import pytest
import torch

from ml.embeddings import encode
from ml.text.minilm import HIDDEN, mean_pool, pretrained_load, sentence_vectors


def test_mean_pooling_averages_only_the_kept_tokens():
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]], [[5.0, 6.0], [0.0, 0.0], [0.0, 0.0]]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    assert mean_pool(hidden, mask).tolist() == [[2.0, 3.0], [5.0, 6.0]]


@pytest.mark.slow
def test_the_packaged_model_pools_like_the_shared_sentence_encoder():
    tokenizer, transformer = pretrained_load()
    transformer.eval()
    texts = ["where is my order?", "this kettle is lovely"]
    with torch.inference_mode():
        vectors = torch.nn.functional.normalize(
            sentence_vectors(transformer, tokenizer, texts, device="cpu", max_length=128), dim=1
        ).numpy()
    assert vectors.shape == (2, HIDDEN)
    np.testing.assert_allclose(vectors, encode(texts), atol=1e-4)
