"""Time-decayed, kind-weighted product popularity: pure numpy, no Django.

Each event adds `weight[kind] * 0.5 ** (age_days / half_life_days)` to its product's score, so a
purchase counts more than a view and last week counts more than last quarter. The result ranks
products for "popular now" lists and is the fallback of every personalised recommender.

Evaluation: fit on the events before a cut, then measure which share of the purchases after the
cut fall on the model's top k products (recall@k), next to the same measure for plain purchase
counts (the ranking a shop would use without a model).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EVENT_KINDS = ("view", "wishlist_add", "add_to_cart", "purchase")  # kind codes are indexes into this
PURCHASE = EVENT_KINDS.index("purchase")
SECONDS_PER_DAY = 86_400.0
ARTIFACT_FILE = "popularity.npz"


@dataclass(frozen=True)
class Events:
    """Columnar events: product ids (int64), kind codes (int8) and Unix times (float64) up to `end`."""

    product_ids: np.ndarray
    kinds: np.ndarray
    times: np.ndarray
    end: float  # Unix time the events run up to; ages are measured from here

    def __post_init__(self) -> None:
        if not len(self.product_ids) == len(self.kinds) == len(self.times):
            raise ValueError("product_ids, kinds and times must have the same length.")

    def __len__(self) -> int:
        return len(self.product_ids)

    def before(self, cut: float) -> "Events":
        mask = self.times < cut
        return Events(self.product_ids[mask], self.kinds[mask], self.times[mask], end=cut)

    def since(self, cut: float) -> "Events":
        mask = self.times >= cut
        return Events(self.product_ids[mask], self.kinds[mask], self.times[mask], end=self.end)

    def purchases(self) -> np.ndarray:
        return self.product_ids[self.kinds == PURCHASE]


@dataclass(frozen=True)
class PopularityModel:
    """Products with a positive score, best first (ties: lower id first)."""

    product_ids: np.ndarray  # int64
    scores: np.ndarray  # float64, descending

    def top(self, k: int, *, exclude: frozenset[int] | set[int] = frozenset()) -> list[int]:
        """The k most popular product ids, skipping `exclude` (e.g. what the shopper already has)."""
        if not exclude:
            return self.product_ids[:k].tolist()
        return [int(pid) for pid in self.product_ids if int(pid) not in exclude][:k]

    def score(self, product_ids: np.ndarray | list[int]) -> np.ndarray:
        """Scores of the given products; 0 for products the model has not seen."""
        lookup = dict(zip(self.product_ids.tolist(), self.scores.tolist(), strict=True))
        return np.array([lookup.get(int(pid), 0.0) for pid in product_ids], dtype=np.float64)


def fit(
    events: Events,
    *,
    kind_weights: Mapping[str, float],
    half_life_days: float,
    progress: Callable[[float], None] | None = None,
) -> PopularityModel:
    """Score every product by its decayed, weighted events (see the module docstring)."""
    unknown = set(kind_weights) - set(EVENT_KINDS)
    if unknown or half_life_days <= 0 or any(weight < 0 for weight in kind_weights.values()):
        raise ValueError(
            f"kind_weights must map {', '.join(EVENT_KINDS)} to weights >= 0 and half_life_days must be > 0 "
            f"(got {dict(kind_weights)}, {half_life_days})."
        )
    weights = np.array([float(kind_weights.get(kind, 0.0)) for kind in EVENT_KINDS])
    age_days = np.maximum(events.end - events.times, 0.0) / SECONDS_PER_DAY
    contributions = weights[events.kinds] * np.power(0.5, age_days / half_life_days)
    model = _ranked(events.product_ids, contributions)
    if progress is not None:
        progress(1.0)
    return model


def purchase_counts(events: Events) -> PopularityModel:
    """The model-free ranking: how often each product was bought, whenever."""
    purchases = events.purchases()
    return _ranked(purchases, np.ones(len(purchases)))


def recall_at_k(model: PopularityModel, purchased_product_ids: np.ndarray, k: int) -> float:
    """Share of the purchases whose product is among the model's top k (0.0 when there are none)."""
    if len(purchased_product_ids) == 0:
        return 0.0
    return float(np.isin(purchased_product_ids, model.product_ids[:k]).mean())


def save(model: PopularityModel, folder: Path) -> None:
    np.savez(folder / ARTIFACT_FILE, product_ids=model.product_ids, scores=model.scores)


def load(folder: Path) -> PopularityModel:
    with np.load(folder / ARTIFACT_FILE, allow_pickle=False) as arrays:
        product_ids, scores = arrays["product_ids"], arrays["scores"]
    if product_ids.dtype != np.int64 or scores.dtype != np.float64 or product_ids.shape != scores.shape:
        raise ValueError(f"{ARTIFACT_FILE} does not hold int64 product_ids and float64 scores of one length.")
    return PopularityModel(product_ids=product_ids, scores=scores)


def empty() -> PopularityModel:
    """A model that knows no product: callers keep their own order (the serving baseline)."""
    return PopularityModel(product_ids=np.empty(0, dtype=np.int64), scores=np.empty(0, dtype=np.float64))


def _ranked(product_ids: np.ndarray, contributions: np.ndarray) -> PopularityModel:
    unique, inverse = np.unique(product_ids, return_inverse=True)
    scores = np.bincount(inverse, weights=contributions, minlength=len(unique)).astype(np.float64)
    order = np.lexsort((unique, -scores))
    keep = order[scores[order] > 0]
    return PopularityModel(product_ids=unique[keep].astype(np.int64), scores=scores[keep])
