"""Reads of the recommendations app: training data for its models, the published lists and shopper
state that recommendations.inference serves from, and the online evaluation of the blocks."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    SmallIntegerField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Extract, TruncDate

from events.models import Interaction
from recommendations.ml import interactions, popularity
from recommendations.models import RecommendationEvent, RecommendationList
from shop.models import Category, Product


def popularity_events(*, start: datetime, end: datetime) -> popularity.Events:
    """The view, wishlist, cart and purchase events of [start, end) as arrays, oldest first.

    Cart and purchase events may name only the variant; their product is the variant's.
    """
    rows = _event_rows(start=start, end=end, signed_in_only=False)
    return popularity.Events(
        product_ids=rows["item"].astype(np.int64),
        kinds=rows["kind"].astype(np.int8),
        times=rows["at"].astype(np.float64),
        end=end.timestamp(),
    )


def user_events(*, start: datetime, end: datetime) -> interactions.UserEvents:
    """The view, wishlist, cart and purchase events of signed-in users in [start, end), oldest first.

    Training data of the `als` kind. Like popularity_events, a cart or purchase event that names
    only the variant counts for the variant's product.
    """
    rows = _event_rows(start=start, end=end, signed_in_only=True)
    return interactions.UserEvents(
        user_ids=rows["user"].astype(np.int64),
        product_ids=rows["item"].astype(np.int64),
        kinds=rows["kind"].astype(np.int8),
        times=rows["at"].astype(np.float64),
        end=end.timestamp(),
    )


# What _event_rows reads: per event its user (0: anonymous), product, kind code and Unix time.
_EVENT_COLUMNS = {"user": ">i8", "item": ">i8", "kind": ">i2", "at": ">f8"}
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def _event_rows(*, start: datetime, end: datetime, signed_in_only: bool) -> dict[str, np.ndarray]:
    """_EVENT_COLUMNS of every event of [start, end), oldest first, as numpy arrays (array_columns)."""
    when = [When(kind=kind, then=Value(code)) for code, kind in enumerate(popularity.EVENT_KINDS)]
    events = Interaction.objects.filter(kind__in=popularity.EVENT_KINDS, created_at__gte=start, created_at__lt=end)
    if signed_in_only:
        events = events.filter(user__isnull=False)
    query = (
        events.annotate(item_id=Coalesce(F("product_id"), F("variant__product_id")))
        .filter(item_id__isnull=False)
        .annotate(
            user_key=Cast(Coalesce(F("user_id"), Value(0)), BigIntegerField()),
            item_key=Cast(F("item_id"), BigIntegerField()),
            kind_code=Cast(Case(*when), SmallIntegerField()),
            at=Cast(Extract("created_at", "epoch"), FloatField()),
        )
        .order_by()
        .values_list("user_key", "item_key", "kind_code", "at")
    )
    columns = array_columns(query, types=_EVENT_COLUMNS)
    # The database need not sort: the log is written in time order, so a stable sort in numpy of
    # what is nearly sorted already is cheaper.
    if (np.diff(columns["at"]) < 0).any():
        order = np.argsort(columns["at"], kind="stable")
        columns = {name: values[order] for name, values in columns.items()}
    return columns


def array_columns(query, *, types: dict[str, str]) -> dict[str, np.ndarray]:
    """The columns of a `values_list` queryset as numpy arrays, one per name in `types` (numpy dtypes,
    big-endian as PostgreSQL sends them: ">i8" for bigint, ">f8" for double precision, "?" for boolean).

    Every column must be NOT NULL and of that fixed width. The database aggregates each column into
    one array (all in one pass, so they stay aligned) and sends them as the single row of a binary
    COPY, which numpy reads in place: no Python object per row, and one protocol message instead
    of one per row (2 M events stream in about a second).
    """
    sql, params = query.query.sql_with_params()
    names = [f"column_{position}" for position in range(len(types))]
    aggregates = ", ".join(f"array_agg({name})" for name in names)
    statement = f"COPY (SELECT {aggregates} FROM ({sql}) AS rows ({', '.join(names)})) TO STDOUT (FORMAT BINARY)"
    buffer = bytearray()
    # cursor.cursor: psycopg 3's own cursor under Django's wrapper
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for block in copy:
            buffer += block
    return dict(zip(types, _copy_arrays(bytes(buffer), list(types.values())), strict=True))


def _copy_arrays(data: bytes, types: list[str]) -> list[np.ndarray]:
    """The one-dimensional arrays of the single row of a binary COPY, one per field of `types` (NULL: empty)."""
    if not data.startswith(_COPY_SIGNATURE) or data[-2:] != b"\xff\xff":
        raise ValueError("Not a PostgreSQL binary COPY stream.")
    position = 19 + int.from_bytes(data[15:19], "big")
    if int.from_bytes(data[position : position + 2], "big", signed=True) != len(types):
        raise ValueError(f"The binary COPY row does not have {len(types)} fields.")
    position += 2
    result = []
    for kind in types:
        size = int.from_bytes(data[position : position + 4], "big", signed=True)
        position += 4
        if size < 0 or int.from_bytes(data[position : position + 4], "big") == 0:  # NULL, or no dimension
            result.append(np.empty(0, dtype=np.dtype(kind).newbyteorder("=")))
            position += max(size, 0)
            continue
        dimensions, nulls, _element, length = np.frombuffer(data, dtype=">i4", count=4, offset=position)
        element = np.dtype([("size", ">i4"), ("value", kind)])
        values = np.frombuffer(data, dtype=element, count=int(length), offset=position + 20)
        if dimensions != 1 or nulls or (values["size"] != np.dtype(kind).itemsize).any():
            raise ValueError("The binary COPY row holds an array that is not one-dimensional and free of NULLs.")
        result.append(values["value"].astype(np.dtype(kind).newbyteorder("=")))
        position += size
    return result


@dataclass(frozen=True)
class Catalog:
    """Every product as columns: ids ascending, category and brand ids, units sold lately, consumable,
    and whether it can be sold now (active and in stock)."""

    product_ids: np.ndarray
    category_ids: np.ndarray
    brand_ids: np.ndarray
    popularity: np.ndarray
    consumable: np.ndarray
    sellable: np.ndarray


def catalog_arrays() -> Catalog:
    """The whole catalog as columns (array_columns: one binary COPY row), for publishing lists."""
    types = {"product_key": ">i8", "category_key": ">i8", "brand_key": ">i8", "sold_key": ">i8", "sellable_key": "?"}
    query = (
        Product.objects.order_by("pk")
        .annotate(
            product_key=Cast("pk", BigIntegerField()),
            category_key=Cast("category_id", BigIntegerField()),
            brand_key=Cast(Coalesce("brand_id", Value(0)), BigIntegerField()),
            sold_key=Cast("popularity", BigIntegerField()),
            sellable_key=ExpressionWrapper(Q(is_active=True, in_stock=True), output_field=BooleanField()),
        )
        .values_list(*types)
    )
    columns = array_columns(query, types=types)
    order = np.argsort(columns["product_key"], kind="stable")  # array_agg keeps the rows' order; made sure of here
    ids, categories, brands, sold, sellable = (columns[name][order] for name in columns)
    consumable = np.isin(categories, list(consumable_category_ids()))
    return Catalog(ids, categories, brands, sold, consumable, sellable=sellable)


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


# --- What inference reads ------------------------------------------------------------------------


def published_list(*, version_id: int, kind: int, key: int) -> tuple[list[int], list[int]]:
    """(product ids, reason ids) of one published list; empty lists when there is none. Cached by version."""
    cache_key = f"recs:list:{version_id}:{kind}:{key}"
    found = cache.get(cache_key)
    if found is None:
        row = (
            RecommendationList.objects.filter(version_id=version_id, kind=kind, key=key)
            .values_list("product_ids", "reason_ids")
            .first()
        )
        found = row or ([], [])
        cache.set(cache_key, found, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return found


def shopper_fingerprint(*, user) -> str:
    """Changes whenever the user records an event that recommendations read: their count and the latest time."""
    found = Interaction.objects.filter(user=user, kind__in=popularity.EVENT_KINDS).aggregate(
        count=Count("pk"), latest=Max("created_at")
    )
    return f"{found['count']}:{found['latest'].timestamp() if found['latest'] else 0}"


# --- Online evaluation --------------------------------------------------------------------------

CONVERSION_DAYS = 7


def block_performance(*, since: datetime, until: datetime | None = None) -> list[dict]:
    """Per day, block and model version from `since` (until `until`, if given): impressions, clicks, CTR
    and conversions.

    A conversion is a click followed, within CONVERSION_DAYS, by a purchase of the clicked product
    by the same signed-in user or the same browser session.
    """
    bought = Interaction.objects.filter(
        Q(product_id=OuterRef("product_id")) | Q(variant__product_id=OuterRef("product_id")),
        Q(user_id=OuterRef("user_id")) | (Q(session_key=OuterRef("session_key")) & ~Q(session_key="")),
        kind=Interaction.Kind.PURCHASE,
        created_at__gte=OuterRef("created_at"),
        created_at__lt=OuterRef("created_at") + timedelta(days=CONVERSION_DAYS),
    )
    events = RecommendationEvent.objects.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    rows = (
        events.annotate(day=TruncDate("created_at"), converted=Exists(bought))
        .values("day", "block", "model_version_id")
        .annotate(
            impressions=Count("pk", filter=Q(kind=RecommendationEvent.Kind.IMPRESSION)),
            clicks=Count("pk", filter=Q(kind=RecommendationEvent.Kind.CLICK)),
            conversions=Count("pk", filter=Q(kind=RecommendationEvent.Kind.CLICK, converted=True)),
        )
        .order_by("-day", "block", "model_version_id")
    )
    return [
        {
            **row,
            "ctr": row["clicks"] / row["impressions"] if row["impressions"] else None,
            "conversion_rate": row["conversions"] / row["clicks"] if row["clicks"] else None,
        }
        for row in rows
    ]
