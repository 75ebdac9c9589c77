"""Writes of the recommendations app: publishing a trained version's lists, recording block feedback.

Publishing runs in the `als` kind's publish stage (recommendations.kinds.AlsKind.save), before the
registry's release transaction flips the champion: the new version's rows are all in place, in
one transaction, before any reader can be pointed at them. Readers read the champion's rows only
(recommendations.selectors), so the swap is the registry's own atomic alias switch.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ml.models import ModelAlias
from recommendations.ml import als, interactions, lists
from recommendations.ml.popularity import SECONDS_PER_DAY
from recommendations.models import Publication, RecommendationEvent, RecommendationList
from shop.models import Category, Product

logger = logging.getLogger(__name__)

KEEP_PUBLICATIONS = 3  # the newest ones stay (a rollback finds its lists), plus the champion's


@dataclass(frozen=True)
class Catalog:
    """Every product as columns: ids ascending, category and brand ids, units sold lately, consumable."""

    product_ids: np.ndarray
    category_ids: np.ndarray
    brand_ids: np.ndarray
    popularity: np.ndarray
    consumable: np.ndarray


def catalog_arrays() -> Catalog:
    consumable_categories = consumable_category_ids()
    rows = np.array(
        list(Product.objects.order_by("pk").values_list("pk", "category_id", "brand_id", "popularity")), dtype=np.int64
    ).reshape(-1, 4)
    ids, categories, brands, popularity = (np.ascontiguousarray(rows[:, column]) for column in range(4))
    return Catalog(ids, categories, brands, popularity, np.isin(categories, list(consumable_categories)))


def consumable_category_ids() -> dict[int, float]:
    """{category id: re-buy days} of the categories RECOMMENDATIONS_CONSUMABLES names, subcategories included."""
    named = settings.RECOMMENDATIONS_CONSUMABLES
    result: dict[int, float] = {}
    for pk, path in Category.objects.values_list("pk", "path"):
        for slug in reversed(path.split("/")):  # the nearest named ancestor decides
            if slug in named:
                result[pk] = float(named[slug])
                break
    return result


def publication_write(*, version_id: int, model: als.AlsModel, training, trained_until: datetime) -> Publication:
    """Compute and store every list of `version_id` (see recommendations.models), atomically.

    `training` is the kind's AlsTrainingSet the model was fitted on (its events and matrix).
    Re-publishing a version replaces its rows.
    """
    started = monotonic()
    catalog = catalog_arrays()
    matrix: interactions.InteractionMatrix = training.matrix
    params = model.params
    confidences = interactions.confidence(matrix.matrix, scheme=params.confidence)
    confidences.data *= params.alpha
    raw_mean = float(matrix.matrix.data.mean()) if matrix.nnz else 1.0
    transformed = (
        matrix.matrix.data / raw_mean if params.confidence == "none" else np.log1p(matrix.matrix.data / raw_mean)
    )
    confidence_mean = float(transformed.mean()) if matrix.nnz else 1.0
    k = settings.RECOMMENDATIONS_PUBLISHED_PER_LIST
    rows: list[tuple] = []

    # For each active user (an event in the last RECOMMENDATIONS_ACTIVE_DAYS): the top products, their
    # own items excluded except consumables (re-bought). Others are folded in when they come back.
    item_consumable = np.isin(model.item_ids, catalog.product_ids[catalog.consumable])
    exclude = confidences.copy()
    exclude.data = np.where(item_consumable[exclude.indices], 0.0, 1.0).astype(np.float32)
    exclude.eliminate_zeros()
    events = training.events
    recent = events.times >= events.end - settings.RECOMMENDATIONS_ACTIVE_DAYS * SECONDS_PER_DAY
    active_rows, _known = interactions.codes(model.user_ids, np.unique(events.user_ids[recent]))
    ranked = lists.user_top_n(model, confidences, k=k, users=active_rows, exclude=exclude)
    for user_id, items, reasons in zip(model.user_ids[active_rows].tolist(), ranked.items, ranked.reasons, strict=True):
        keep = items >= 0
        if keep.any():
            rows.append(
                _row(
                    version_id,
                    RecommendationList.Kind.FOR_USER,
                    user_id,
                    model.item_ids[items[keep]],
                    np.where(reasons[keep] >= 0, model.item_ids[np.maximum(reasons[keep], 0)], 0),
                )
            )

    # Similar products over the whole catalog: factors for warm items, catalog neighbours for the rest.
    columns, known = interactions.codes(model.item_ids, catalog.product_ids)
    factors = np.zeros((len(catalog.product_ids), model.item_factors.shape[1]), dtype=np.float32)
    factors[known] = model.item_factors[columns[known]]
    users_per_item = np.zeros(len(catalog.product_ids), dtype=np.int64)
    users_per_item[known] = np.diff(matrix.matrix.tocsc().indptr)[columns[known]]
    warm = users_per_item >= settings.RECOMMENDATIONS_WARM_MIN_USERS
    neighbours = lists.similar_items(
        factors,
        k=k,
        warm=warm,
        categories=catalog.category_ids,
        brands=catalog.brand_ids,
        popularity=users_per_item + catalog.popularity,
        departments=department_codes(catalog),
    )
    for product_id, items in zip(catalog.product_ids.tolist(), neighbours, strict=True):
        keep = items[items >= 0]
        if len(keep):
            rows.append(
                _row(
                    version_id,
                    RecommendationList.Kind.SIMILAR,
                    product_id,
                    catalog.product_ids[keep],
                    np.full(len(keep), product_id),
                )
            )

    # Bought together: baskets are one customer's purchases of one day.
    bought = events.of_kinds(("purchase",))
    columns, known = interactions.codes(catalog.product_ids, bought.product_ids)
    baskets = bought.user_ids[known] * 100_000 + (bought.times[known] // SECONDS_PER_DAY).astype(np.int64)
    together = lists.co_purchases(baskets, columns[known], item_count=len(catalog.product_ids), k=k)
    for product_id, items, counts in zip(catalog.product_ids.tolist(), together.items, together.reasons, strict=True):
        keep = items >= 0
        if keep.any():
            rows.append(
                _row(
                    version_id,
                    RecommendationList.Kind.BOUGHT_TOGETHER,
                    product_id,
                    catalog.product_ids[items[keep]],
                    counts[keep],
                )
            )

    # Trending: the last days' events of everyone (anonymous shoppers too), per category subtree.
    scores = trending_scores(catalog=catalog, until=trained_until, kind_weights=training.kind_weights)
    keys, groups = category_groups(catalog)
    for key, best in zip(keys, lists.trending(scores, groups, k=k), strict=True):
        if len(best):
            rows.append(
                _row(
                    version_id,
                    RecommendationList.Kind.TRENDING,
                    key,
                    catalog.product_ids[best],
                    np.zeros(len(best), dtype=np.int64),
                )
            )

    counts = {kind.label: 0 for kind in RecommendationList.Kind}
    for row in rows:
        counts[RecommendationList.Kind(row[1]).label] += 1
    with transaction.atomic():
        RecommendationList.objects.filter(version_id=version_id).delete()
        Publication.objects.filter(version_id=version_id).delete()
        lists_copy(rows)
        publication = Publication.objects.create(
            version_id=version_id,
            row_counts=counts,
            seconds=round(monotonic() - started, 3),
            raw_mean=raw_mean,
            confidence_mean=confidence_mean,
            trained_until=trained_until,
            params={
                "kind_weights": training.kind_weights,
                "half_life_days": training.half_life_days,
                **params.as_dict(),
            },
        )
    logger.info("Published version %s: %s in %.1f s", version_id, counts, publication.seconds)
    return publication


def _row(version_id: int, kind: int, key: int, product_ids: np.ndarray, reason_ids: np.ndarray) -> tuple:
    return (version_id, int(kind), int(key), product_ids.tolist(), np.asarray(reason_ids).tolist())


def lists_copy(rows: list[tuple], *, chunk: int = 5000) -> None:
    """Bulk-write list rows (version_id, kind, key, product_ids, reason_ids) with PostgreSQL COPY.

    The text format is written directly (integers and `{1,2,3}` arrays need no escaping):
    psycopg's per-value adaptation of arrays costs ten times more than the COPY itself.
    """
    table = RecommendationList._meta.db_table
    columns = "version_id, kind, key, product_ids, reason_ids"
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for start in range(0, len(rows), chunk):  # cursor.cursor: psycopg 3's own cursor under Django's wrapper
            copy.write(
                "".join(
                    f"{version}\t{kind}\t{key}\t{{{','.join(map(str, products))}}}\t{{{','.join(map(str, reasons))}}}\n"
                    for version, kind, key, products, reasons in rows[start : start + chunk]
                )
            )


def department_codes(catalog: Catalog) -> np.ndarray:
    """Per catalog product: the id of its top-level category."""
    paths = dict(Category.objects.values_list("pk", "path"))
    by_slug = {path: pk for pk, path in paths.items()}
    root = {pk: by_slug.get(path.split("/")[0], pk) for pk, path in paths.items()}
    return np.array([root.get(pk, pk) for pk in catalog.category_ids.tolist()], dtype=np.int64)


def trending_scores(*, catalog: Catalog, until: datetime, kind_weights: dict[str, float]) -> np.ndarray:
    """Per catalog product: its events of the last TRENDING_DAYS, each weighted by kind and halved every day."""
    from recommendations.selectors import popularity_events  # selectors import this module's Catalog

    days = settings.RECOMMENDATIONS_TRENDING_DAYS
    events = popularity_events(start=until - timedelta(days=days), end=until)
    weights = interactions.event_weights(
        events.kinds, events.times, kind_weights=kind_weights, half_life_days=1.0, end=events.end
    )
    columns, known = interactions.codes(catalog.product_ids, events.product_ids)
    return np.bincount(columns[known], weights=weights[known], minlength=len(catalog.product_ids))


def category_groups(catalog: Catalog) -> tuple[list[int], list[np.ndarray]]:
    """([0, category ids...], [all product rows, each category's product rows including its subcategories])."""
    paths = dict(Category.objects.values_list("pk", "path"))
    keys, groups = [0], [np.arange(len(catalog.product_ids))]
    by_category = {pk: np.flatnonzero(catalog.category_ids == pk) for pk in paths}
    for pk, path in paths.items():
        members = [
            by_category[other]
            for other, other_path in paths.items()
            if other_path == path or other_path.startswith(path + "/")
        ]
        keys.append(pk)
        groups.append(np.concatenate(members) if members else np.empty(0, dtype=np.int64))
    return keys, groups


def publications_prune() -> int:
    """Delete the lists of versions that are neither among the newest KEEP_PUBLICATIONS nor the champion."""
    champion = ModelAlias.objects.filter(registered_model__name="als", name=ModelAlias.Name.CHAMPION)
    keep = set(champion.values_list("version_id", flat=True))
    keep |= set(
        Publication.objects.order_by("-created_at", "-pk").values_list("version_id", flat=True)[:KEEP_PUBLICATIONS]
    )
    stale = list(Publication.objects.exclude(version_id__in=keep).values_list("version_id", flat=True))
    if stale:
        with transaction.atomic():
            RecommendationList.objects.filter(version_id__in=stale).delete()
            Publication.objects.filter(version_id__in=stale).delete()
    return len(stale)


def recommendation_events_record(
    *,
    kind: str,
    block: str,
    product_ids: list[int],
    positions: list[int],
    model_version_id: int | None,
    user=None,
    session_key: str = "",
) -> int:
    """Write one beacon's impressions or click (one row per product) in one INSERT. Returns rows written."""
    now = timezone.now()
    user_id = user.pk if user is not None and user.is_authenticated else None
    events = [
        RecommendationEvent(
            kind=kind,
            block=block,
            position=position,
            product_id=product_id,
            model_version_id=model_version_id,
            user_id=user_id,
            session_key=session_key or "",
            created_at=now,
        )
        for product_id, position in zip(product_ids, positions, strict=True)
    ]
    RecommendationEvent.objects.bulk_create(events)
    return len(events)
