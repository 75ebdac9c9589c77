"""The pricing app's serving entry: price suggestions from the served `demand` model.

What the pricing run (pricing.services.pricing_run_execute: the nightly task, the admin, the API)
calls for predictions. `demand_model_served` is the `demand` champion's trees through ml.loader,
or the baseline without trees before any version exists; `price_suggestions_compute` forecasts
demand for each variant and suggests its price inside the guardrails (with the reason, the
feature contributions and the demand curve), from the store's data read by pricing.selectors.
Nothing here writes: the services store the suggestions and apply them.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.utils import timezone

from ml.loader import champion
from pricing import selectors
from pricing.ml import demand, engine, optimiser
from pricing.models import Objective
from shop.models import Variant

KIND = "demand"


@dataclass(frozen=True)
class DemandModel:
    """The demand model serving now: its trees (without a booster: the baseline), label and version."""

    trees: demand.Booster
    label: str
    version_id: int | None


def demand_model_served() -> DemandModel:
    served = champion(KIND)
    trees = served.model if isinstance(served.model, demand.Booster) else demand.Booster(booster=None)
    return DemandModel(trees=trees, label=served.label, version_id=served.version_id)


@dataclass(frozen=True)
class VariantSuggestion:
    """The engine's suggestion for one variant: row `index` of `result` and of `curves`."""

    variant: Variant
    policy: selectors.Policy
    result: engine.Suggestions
    curves: dict[str, np.ndarray]
    index: int


def price_suggestions_compute(
    *, variants: list[Variant], now: datetime, trees: demand.Booster
) -> list[VariantSuggestion]:
    """A suggestion per variant by the engine with `trees`, one engine call per (objective, clearance days)."""
    today = timezone.localtime(now).date()
    start = today - timedelta(days=settings.PRICING_WINDOW_DAYS)
    history = selectors.demand_history(variants=variants, start=start, end=today)
    policies = selectors.variant_policies(variants=variants)
    catalog = selectors.pricing_catalog(variants=variants, history=history, policies=policies, now=now)
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for i, variant in enumerate(variants):
        policy = policies[variant.pk]
        clear_days = max((policy.clear_by - today).days, 1) if policy.clear_by else 30
        objective = policy.objective if policy.objective != Objective.SELL_THROUGH or policy.clear_by else "profit"
        groups[(objective, clear_days)].append(i)
    suggestions = []
    for (objective, clear_days), members in groups.items():
        index = np.array(members)
        part = catalog.take(index)
        result = engine.suggest(
            history=history,
            catalog=part,
            objective=objective,
            today=today.toordinal(),
            trees=trees,
            settings=optimiser.Settings(clear_days=clear_days),
            explore=settings.PRICING_EXPLORATION,
        )
        curves = engine.curves(result, part)
        for j, i in enumerate(members):
            suggestions.append(VariantSuggestion(variants[i], policies[variants[i].pk], result, curves, j))
    return suggestions
