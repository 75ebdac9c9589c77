"""Reads of the recommendations app: training data for its models and what they recommend."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import F
from django.db.models.functions import Coalesce, Extract

from events.models import Interaction
from ml import loader
from recommendations.ml import interactions, popularity


def popularity_events(*, start: datetime, end: datetime) -> popularity.Events:
    """The view, wishlist, cart and purchase events of [start, end) as arrays, oldest first.

    Cart and purchase events may name only the variant; their product is the variant's.
    """
    codes = {kind: code for code, kind in enumerate(popularity.EVENT_KINDS)}
    rows = (
        Interaction.objects.filter(kind__in=popularity.EVENT_KINDS, created_at__gte=start, created_at__lt=end)
        .annotate(item=Coalesce(F("product_id"), F("variant__product_id")), at=Extract("created_at", "epoch"))
        .filter(item__isnull=False)
        .order_by("created_at", "id")
        .values_list("item", "kind", "at")
    )
    product_ids, kinds, times = [], [], []
    for product_id, kind, at in rows.iterator(chunk_size=20_000):
        product_ids.append(product_id)
        kinds.append(codes[kind])
        times.append(float(at))
    return popularity.Events(
        product_ids=np.array(product_ids, dtype=np.int64),
        kinds=np.array(kinds, dtype=np.int8),
        times=np.array(times, dtype=np.float64),
        end=end.timestamp(),
    )


@dataclass(frozen=True)
class Recommendation:
    """Recommended product ids and the model version that chose them (None: the baseline)."""

    product_ids: list[int]
    model_version_id: int | None


def popular_product_ids(*, limit: int = 10, exclude: frozenset[int] = frozenset()) -> Recommendation:
    """The most popular products now, by the popularity champion; empty when none is trained yet."""
    served = loader.champion("popularity")
    return Recommendation(product_ids=served.model.top(limit, exclude=exclude), model_version_id=served.version_id)


def user_events(*, start: datetime, end: datetime) -> interactions.UserEvents:
    """The view, wishlist, cart and purchase events of signed-in users in [start, end), oldest first.

    Training data of the `als` kind. Like popularity_events, a cart or purchase event that names
    only the variant counts for the variant's product.
    """
    codes = {kind: code for code, kind in enumerate(popularity.EVENT_KINDS)}
    rows = (
        Interaction.objects.filter(
            kind__in=popularity.EVENT_KINDS, user__isnull=False, created_at__gte=start, created_at__lt=end
        )
        .annotate(item=Coalesce(F("product_id"), F("variant__product_id")), at=Extract("created_at", "epoch"))
        .filter(item__isnull=False)
        .order_by("created_at", "id")
        .values_list("user_id", "item", "kind", "at")
    )
    user_ids, product_ids, kinds, times = [], [], [], []
    for user_id, product_id, kind, at in rows.iterator(chunk_size=20_000):
        user_ids.append(user_id)
        product_ids.append(product_id)
        kinds.append(codes[kind])
        times.append(float(at))
    return interactions.UserEvents(
        user_ids=np.array(user_ids, dtype=np.int64),
        product_ids=np.array(product_ids, dtype=np.int64),
        kinds=np.array(kinds, dtype=np.int8),
        times=np.array(times, dtype=np.float64),
        end=end.timestamp(),
    )
