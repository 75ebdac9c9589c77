"""Writes of the recommendations app: publishing a trained version's lists, recording block feedback.

Publishing runs in the `als` kind's publish step (recommendations.kinds.AlsKind.publish, called by
the platform with the version row once its artifact is recorded), before the registry's release
transaction flips the champion: the new version's rows are all in place, in one transaction,
before any reader can be pointed at them. Readers read the champion's rows only
(recommendations.inference), so the swap is the registry's own atomic alias switch.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from threadpoolctl import threadpool_limits

from core.errors import ApplicationError
from ml.models import ModelAlias, ModelVersion
from recommendations.ml import als, interactions, lists
from recommendations.ml.popularity import SECONDS_PER_DAY
from recommendations.models import Publication, RecommendationEvent, RecommendationList
from recommendations.selectors import Catalog, catalog_arrays, popularity_events
from shop.models import Category

logger = logging.getLogger(__name__)

KEEP_PUBLICATIONS = 3  # the newest ones stay (a rollback finds its lists), plus the champion's


def publication_write(
    *,
    version_id: int,
    model: als.AlsModel,
    events: interactions.UserEvents,
    matrix: interactions.InteractionMatrix,
    kind_weights: dict[str, float],
    half_life_days: float,
    trained_until: datetime,
) -> Publication:
    """Compute and store every list of `version_id` (see recommendations.models), atomically.

    `events` are those the model was fitted on and `matrix` their weighted matrix (`kind_weights`,
    `half_life_days`) as the model was fitted on it: turned into confidences by the model's own
    transform, it is exactly what the model learned from. Re-publishing a version replaces its rows.
    """
    started = monotonic()
    catalog = catalog_arrays()
    params = model.params
    confidences = model.confidence.apply(matrix.matrix)
    confidences.data *= params.alpha
    k = settings.RECOMMENDATIONS_PUBLISHED_PER_LIST
    # Database reads first, in this thread (a worker thread would open a connection of its own).
    departments = department_codes(catalog)
    scores = trending_scores(catalog=catalog, until=trained_until, kind_weights=kind_weights)
    keys, groups = category_groups(catalog)

    # Then the lists, pure numpy: the products' lists in a second thread while this one ranks the
    # users' (both spend most of their time in BLAS, LAPACK and implicit's C++ without the GIL, and
    # each leaves parts on one core that the other fills). One BLAS thread each, set here once:
    # threadpoolctl's limits are process-wide, so nested ones in both threads then agree.
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=1) as pool:
        product_lists = pool.submit(
            lambda: [
                _similar_table(model, matrix, catalog, departments, k=k),
                _bought_together_table(events, catalog, k=k),
            ]
        )
        user_table = _user_table(model, confidences, catalog, events, k=k)
        tables = [user_table, *product_lists.result()]

    # Trending: the last days' events of everyone (anonymous shoppers too), per category subtree.
    best = np.full((len(keys), k), -1, dtype=np.int64)
    for position, rows in enumerate(lists.trending(scores, groups, k=k)):
        best[position, : len(rows)] = rows
    tables.append(
        ListTable(
            kind=RecommendationList.Kind.TRENDING,
            keys=np.array(keys, dtype=np.int64),
            product_ids=_ids_at(catalog.product_ids, best),
            reason_ids=np.where(best >= 0, 0, -1),
        )
    )

    with transaction.atomic():
        RecommendationList.objects.filter(version_id=version_id).delete()
        Publication.objects.filter(version_id=version_id).delete()
        counts = {RecommendationList.Kind(table.kind).label: lists_copy(version_id, table) for table in tables}
        publication = Publication.objects.create(
            version_id=version_id,
            row_counts=counts,
            seconds=round(monotonic() - started, 3),
            trained_until=trained_until,
            params={
                "kind_weights": kind_weights,
                "half_life_days": half_life_days,
                **params.as_dict(),
            },
        )
    logger.info("Published version %s: %s in %.1f s", version_id, counts, publication.seconds)
    return publication


def _user_table(
    model: als.AlsModel, confidences: sp.csr_matrix, catalog: Catalog, events: interactions.UserEvents, *, k: int
) -> "ListTable":
    """For each active user (an event in the last RECOMMENDATIONS_ACTIVE_DAYS): the top products with
    their reasons, the user's own products excluded except consumables (re-bought), and nothing that
    cannot be sold now. Others are folded in when they come back."""
    item_consumable = np.isin(model.item_ids, catalog.product_ids[catalog.consumable])
    exclude = confidences.copy()
    exclude.data = np.where(item_consumable[exclude.indices], 0.0, 1.0).astype(np.float32)
    exclude.eliminate_zeros()
    recent = events.times >= events.end - settings.RECOMMENDATIONS_ACTIVE_DAYS * SECONDS_PER_DAY
    active_rows, _known = interactions.codes(model.user_ids, np.unique(events.user_ids[recent]))
    unsellable = np.flatnonzero(~np.isin(model.item_ids, catalog.product_ids[catalog.sellable]))
    ranked = lists.user_top_n(model, confidences, k=k, users=active_rows, exclude=exclude, skip_items=unsellable)
    return ListTable(
        kind=RecommendationList.Kind.FOR_USER,
        keys=model.user_ids[active_rows],
        product_ids=_ids_at(model.item_ids, ranked.items),
        reason_ids=np.where(ranked.items >= 0, _ids_at(model.item_ids, ranked.reasons, missing=0), -1),
    )


def _similar_table(
    model: als.AlsModel,
    matrix: interactions.InteractionMatrix,
    catalog: Catalog,
    departments: np.ndarray,
    *,
    k: int,
) -> "ListTable":
    """Similar products over the whole catalog: factors for warm items, catalog neighbours for the rest."""
    columns, known = interactions.codes(model.item_ids, catalog.product_ids)
    factors = np.zeros((len(catalog.product_ids), model.item_factors.shape[1]), dtype=np.float32)
    factors[known] = model.item_factors[columns[known]]
    users_per_item = np.zeros(len(catalog.product_ids), dtype=np.int64)
    users_per_item[known] = np.diff(matrix.matrix.tocsc().indptr)[columns[known]]
    neighbours = lists.similar_items(
        factors,
        k=k,
        warm=users_per_item >= settings.RECOMMENDATIONS_WARM_MIN_USERS,
        categories=catalog.category_ids,
        brands=catalog.brand_ids,
        popularity=users_per_item + catalog.popularity,
        departments=departments,
    )
    return ListTable(
        kind=RecommendationList.Kind.SIMILAR,
        keys=catalog.product_ids,
        product_ids=_ids_at(catalog.product_ids, neighbours),
        reason_ids=np.where(neighbours >= 0, catalog.product_ids[:, None], -1),
    )


def _bought_together_table(events: interactions.UserEvents, catalog: Catalog, *, k: int) -> "ListTable":
    """Bought together: baskets are one customer's purchases of one day."""
    bought = events.of_kinds(("purchase",))
    columns, known = interactions.codes(catalog.product_ids, bought.product_ids)
    baskets = bought.user_ids[known] * 100_000 + (bought.times[known] // SECONDS_PER_DAY).astype(np.int64)
    together = lists.co_purchases(baskets, columns[known], item_count=len(catalog.product_ids), k=k)
    return ListTable(
        kind=RecommendationList.Kind.BOUGHT_TOGETHER,
        keys=catalog.product_ids,
        product_ids=_ids_at(catalog.product_ids, together.items),
        reason_ids=np.where(together.items >= 0, together.reasons, -1),
    )


@dataclass(frozen=True)
class ListTable:
    """Lists of one kind as arrays: a key per row, product ids and reason ids per row, -1 after the end."""

    kind: int
    keys: np.ndarray
    product_ids: np.ndarray  # rows x k, best first, -1 pads the end of a shorter list
    reason_ids: np.ndarray  # rows x k, -1 exactly where product_ids is -1


def _ids_at(ids: np.ndarray, positions: np.ndarray, *, missing: int = -1) -> np.ndarray:
    """ids[positions], with `missing` where a position is -1."""
    return np.where(positions >= 0, ids[np.maximum(positions, 0)], missing) if len(ids) else positions


# PostgreSQL's binary COPY: a header, rows of (field count, then per field its byte length and its
# big-endian value), a trailer. An int8[] value is (dimensions, has nulls, element type oid, length,
# lower bound), then (4-byte length, value) per element.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_INT8_OID = 20
LIST_COLUMNS = "version_id, kind, key, product_ids, reason_ids"


def _copy_row_type(length: int) -> np.dtype:
    """The binary COPY layout of a (version_id, kind, key, product_ids, reason_ids) row with lists of `length`."""
    array = [("size", ">i4"), ("dimensions", ">i4"), ("nulls", ">i4"), ("element", ">i4")]
    array += [("length", ">i4"), ("lower", ">i4"), ("values", [("size", ">i4"), ("value", ">i8")], (length,))]
    return np.dtype(
        [
            ("fields", ">i2"),
            ("version_size", ">i4"),
            ("version", ">i8"),
            ("kind_size", ">i4"),
            ("kind", ">i2"),
            ("key_size", ">i4"),
            ("key", ">i8"),
            ("products", array),
            ("reasons", array),
        ]
    )


def lists_copy(version_id: int, table: ListTable) -> int:
    """Bulk-write the non-empty lists of `table` with PostgreSQL's binary COPY; returns the rows written.

    Rows whose lists have one length share one byte layout, so numpy writes each such group as one
    structured array: no Python object per list or per id (psycopg's adaptation of arrays cost ten
    times more than the COPY itself, and the text format's formatting of the ids about as much).
    """
    valid = table.product_ids >= 0
    lengths = valid.sum(axis=1)
    if (valid != (np.arange(valid.shape[1]) < lengths[:, None])).any():
        raise ValueError("Every list must hold its products first and pad its end with -1.")
    statement = f"COPY {RecommendationList._meta.db_table} ({LIST_COLUMNS}) FROM STDIN (FORMAT BINARY)"
    # cursor.cursor: psycopg 3's own cursor under Django's wrapper
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(_COPY_HEADER)
        for length in np.unique(lengths[lengths > 0]).tolist():
            rows = np.flatnonzero(lengths == length)
            record = np.zeros(len(rows), dtype=_copy_row_type(length))
            record["fields"] = 5
            record["version_size"], record["version"] = 8, version_id
            record["kind_size"], record["kind"] = 2, table.kind
            record["key_size"], record["key"] = 8, table.keys[rows]
            for field, values in (("products", table.product_ids), ("reasons", table.reason_ids)):
                array = record[field]
                array["size"] = 20 + 12 * length
                array["dimensions"], array["nulls"], array["element"] = 1, 0, _INT8_OID
                array["length"], array["lower"] = length, 1
                array["values"]["size"] = 8
                array["values"]["value"] = values[rows, :length]
            copy.write(record.tobytes())
        copy.write(_COPY_TRAILER)
    return int((lengths > 0).sum())


def department_codes(catalog: Catalog) -> np.ndarray:
    """Per catalog product: the id of its top-level category."""
    paths = dict(Category.objects.values_list("pk", "path"))
    by_slug = {path: pk for pk, path in paths.items()}
    root = {pk: by_slug.get(path.split("/")[0], pk) for pk, path in paths.items()}
    return np.array([root.get(pk, pk) for pk in catalog.category_ids.tolist()], dtype=np.int64)


def trending_scores(*, catalog: Catalog, until: datetime, kind_weights: dict[str, float]) -> np.ndarray:
    """Per catalog product: its events of the last TRENDING_DAYS, each weighted by kind and halved every day."""
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


def publication_lists_delete(*, version_id: int) -> int:
    """Delete the lists of a version whose publication is gone (the version was deleted).

    RecommendationList.version_id is no foreign key (the lists are bulk-written by a binary COPY,
    where a constraint would add a lookup per row), so the database cannot cascade to them.
    """
    deleted, _by_model = RecommendationList.objects.filter(version_id=version_id).delete()
    return deleted


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
    """Write one beacon's impressions or click (one row per product) in one INSERT. Returns rows written.

    `model_version_id` comes from the page; an id that names no model version is an ApplicationError
    (`invalid`, on `model_version`) and nothing is written.
    """
    if model_version_id is not None and not ModelVersion.objects.filter(pk=model_version_id).exists():
        raise ApplicationError(
            "No model version has this id.",
            code="invalid",
            details={"model_version": [f"Model version {model_version_id} does not exist."]},
        )
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
