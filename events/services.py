"""Recording shopper behaviour cheaply, and keeping the daily per-variant demand aggregate.

Recording (`interaction_record`) never touches the database: it validates the event in memory and
appends it to a per-process, thread-safe buffer. `interactions_flush` writes the buffer with one
bulk INSERT into `Interaction` plus one upsert into `DailyVariantStats`, in one transaction.
`events.apps` flushes after each response has been sent once the buffer is big or old enough,
and again at process exit. Processes that serve no requests (Celery, management commands) call
`interactions_flush()` themselves when they are done.

Aggregate rules, shared by the incremental flush and the full rebuild (one SQL text, so they
cannot drift apart):
- Days are calendar days in the shop's `settings.TIME_ZONE`, not UTC.
- `views` counts view events, `add_to_carts` counts add-to-cart events, `units_sold` sums the
  quantity of purchase events and `revenue` sums quantity x price (the event's unit price, else
  the variant's current price). Other kinds are not aggregated.
- A view event without a variant is attributed to its product's first active variant (by
  position, then id), because the product page shows that variant first; if the product has no
  active variant the event stays out of the aggregate. Cart and purchase events name their
  variant; without one they stay out of the aggregate.
- `stock_at_day_start` is estimated as the variant's current stock plus the units sold from that
  day onward. Stock is taken off when an order is placed, so this is exact unless stock was
  restocked or returned since. The flush computes it when it first creates the day's row (from
  the units in that batch) and never changes it afterwards.
- `price` is the price in effect: the flush takes the latest event price of the batch, else the
  variant's current price, and each later flush of the same day overwrites it, so the row ends
  with the day's closing price. The rebuild uses the latest `PriceChange` made on or before that
  day, else the day's average event price, else the variant's current price.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from rest_framework.request import Request

from core.errors import ApplicationError
from events.models import DailyVariantStats, Interaction

logger = logging.getLogger(__name__)

# The aggregate of a set of interactions per (variant, local day). `{where}` picks the set.
_AGGREGATE_SQL = """
SELECT v.id AS variant_id,
       (i.created_at AT TIME ZONE %(tz)s)::date AS day,
       COUNT(*) FILTER (WHERE i.kind = 'view') AS views,
       COUNT(*) FILTER (WHERE i.kind = 'add_to_cart') AS add_to_carts,
       COALESCE(SUM(i.quantity) FILTER (WHERE i.kind = 'purchase'), 0) AS units_sold,
       COALESCE(SUM(i.quantity * COALESCE(i.price, v.price)) FILTER (WHERE i.kind = 'purchase'), 0) AS revenue,
       ROUND(AVG(i.price), 2) AS average_price,
       (ARRAY_AGG(i.price ORDER BY i.created_at DESC, i.id DESC) FILTER (WHERE i.price IS NOT NULL))[1]
           AS last_price,
       v.price AS current_price,
       v.stock_quantity
  FROM events_interaction i
  LEFT JOIN LATERAL (
       SELECT fv.id FROM shop_variant fv
        WHERE i.variant_id IS NULL AND i.kind = 'view' AND fv.product_id = i.product_id AND fv.is_active
        ORDER BY fv.position, fv.id
        LIMIT 1
  ) first_active ON true
  JOIN shop_variant v ON v.id = COALESCE(i.variant_id, first_active.id)
 WHERE i.kind IN ('view', 'add_to_cart', 'purchase') AND {where}
 GROUP BY v.id, day
"""

# Stock at day start: current stock plus the units sold from that day onward (module docstring).
_STOCK_AT_DAY_START_SQL = "a.stock_quantity + SUM(a.units_sold) OVER (PARTITION BY a.variant_id ORDER BY a.day DESC)"

# Django's bulk_create(update_conflicts=True) can only overwrite columns with the new values; the
# counters must be incremented (views = old + new), hence raw SQL. Rows are written in key order
# so that concurrent flushes lock them in the same order and cannot deadlock.
_UPSERT_SQL = f"""
INSERT INTO events_dailyvariantstats AS s
       (variant_id, date, views, add_to_carts, units_sold, revenue, price, stock_at_day_start)
SELECT a.variant_id, a.day, a.views, a.add_to_carts, a.units_sold, a.revenue,
       COALESCE(a.last_price, a.current_price), {_STOCK_AT_DAY_START_SQL}
  FROM ({_AGGREGATE_SQL.format(where="i.id = ANY(%(ids)s)")}) a
 ORDER BY a.variant_id, a.day
ON CONFLICT (variant_id, date) DO UPDATE SET
       views = s.views + EXCLUDED.views,
       add_to_carts = s.add_to_carts + EXCLUDED.add_to_carts,
       units_sold = s.units_sold + EXCLUDED.units_sold,
       revenue = s.revenue + EXCLUDED.revenue,
       price = EXCLUDED.price
"""

# Sales after date_to still count towards the stock estimate, so the aggregate is only bounded
# below and the upper bound is applied after the window sum.
_REBUILD_SQL = f"""
INSERT INTO events_dailyvariantstats
       (variant_id, date, views, add_to_carts, units_sold, revenue, price, stock_at_day_start)
SELECT * FROM (
    SELECT a.variant_id, a.day, a.views, a.add_to_carts, a.units_sold, a.revenue,
           COALESCE(pc.new_price, a.average_price, a.current_price), {_STOCK_AT_DAY_START_SQL}
      FROM ({_AGGREGATE_SQL.format(where="i.created_at >= (%(date_from)s::timestamp AT TIME ZONE %(tz)s)")}) a
      LEFT JOIN LATERAL (
           SELECT new_price FROM shop_pricechange
            WHERE variant_id = a.variant_id AND changed_at < ((a.day + 1)::timestamp AT TIME ZONE %(tz)s)
            ORDER BY changed_at DESC, id DESC
            LIMIT 1
      ) pc ON true
) r
WHERE r.day <= %(date_to)s
"""


@transaction.atomic
def daily_variant_stats_rebuild(*, date_from: date | None = None, date_to: date | None = None) -> int:
    """Recompute DailyVariantStats from the Interaction table for local days in [date_from, date_to].

    Either bound may be None (unbounded). Used by the demo loader and to repair the aggregate.
    Returns the number of rows written.
    """
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ApplicationError(
            "The start date must be on or before the end date.",
            code="invalid_date_range",
            details={"date_from": str(date_from), "date_to": str(date_to)},
        )
    with connection.cursor() as cursor:
        # Flushes wait until the rebuild commits: rows they add meanwhile would break its INSERT, and
        # events they have not committed yet are added by their own upsert afterwards.
        cursor.execute("LOCK TABLE events_dailyvariantstats IN SHARE ROW EXCLUSIVE MODE")
    stale = DailyVariantStats.objects.all()
    if date_from is not None:
        stale = stale.filter(date__gte=date_from)
    if date_to is not None:
        stale = stale.filter(date__lte=date_to)
    stale.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            _REBUILD_SQL,
            {"tz": settings.TIME_ZONE, "date_from": date_from or date.min, "date_to": date_to or date.max},
        )
        return cursor.rowcount


class _Buffer:
    """Events recorded in this process and not yet written, shared by all its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Interaction] = []
        self._oldest_at = 0.0

    def append(self, event: Interaction) -> None:
        with self._lock:
            if not self._events:
                self._oldest_at = time.monotonic()
            self._events.append(event)

    def is_due(self, *, size: int, seconds: float) -> bool:
        with self._lock:
            return bool(self._events) and (len(self._events) >= size or time.monotonic() - self._oldest_at >= seconds)

    def drain(self) -> list[Interaction]:
        with self._lock:
            events, self._events = self._events, []
            return events


_buffer = _Buffer()

_PRODUCT_KINDS = frozenset(Interaction.Kind.values) - {Interaction.Kind.SEARCH}
_MAX_INTEGER = 2_147_483_647  # PostgreSQL integer, the column type of PositiveIntegerField
_MAX_PRICE = Decimal("9999999999.99")  # max_digits=12, decimal_places=2
_CENT = Decimal("0.01")


def interaction_record(
    *,
    kind: str,
    user=None,
    session_key: str | None = "",
    product: models.Model | int | None = None,
    variant: models.Model | int | None = None,
    quantity: int = 1,
    price: Decimal | str | int | float | None = None,
    query: str | None = "",
    result_count: int | None = None,
    source: str = Interaction.Source.WEB,
    at: datetime | None = None,
) -> None:
    """Buffer one shopper event; it is written by the next `interactions_flush`.

    Costs no query. `user`, `product` and `variant` may be objects or ids; the product is taken
    from a variant object when not given. A search needs a query, every other kind a product.
    Telemetry must never break a page, so an invalid event is logged and dropped, never raised.
    """
    try:
        event = _interaction_build(
            kind=kind,
            user=user,
            session_key=session_key,
            product=product,
            variant=variant,
            quantity=quantity,
            price=price,
            query=query,
            result_count=result_count,
            source=source,
            at=at,
        )
    except (TypeError, ValueError) as exc:
        logger.warning("Dropped a %r interaction event: %s", kind, exc)
        return
    _buffer.append(event)


@dataclass(frozen=True)
class EventOrigin:
    """Who did something and through which channel: what every event of one request shares.

    Services that record events on a shopper's behalf (the cart's) take one, so that the page or
    API view passes its request's origin and the service records the event itself.
    """

    user: object = None
    session_key: str = ""
    source: str = Interaction.Source.WEB

    @classmethod
    def from_request(cls, request) -> "EventOrigin":
        """The signed-in user, the session's key and API for DRF requests (else web).

        Reads `request.user` and the session's key, which the page or API view has loaded already;
        an anonymous visitor whose session has not been saved yet is recorded without a session key.
        """
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        return cls(
            user=user if user is not None and user.is_authenticated else None,
            session_key=(session.session_key if session is not None else None) or "",
            source=Interaction.Source.API if isinstance(request, Request) else Interaction.Source.WEB,
        )


def interaction_record_from_request(*, request, kind: str, **fields) -> None:
    """`interaction_record` with user, session key and source taken from `request` (EventOrigin.from_request)."""
    origin = EventOrigin.from_request(request)
    defaults = {"user": origin.user, "session_key": origin.session_key, "source": origin.source}
    interaction_record(kind=kind, **{**defaults, **fields})


def interactions_flush() -> int:
    """Write all buffered events: one bulk INSERT plus one DailyVariantStats upsert, atomically.

    Returns the number of events written. Any error is logged with the number of events dropped
    and swallowed: this runs after responses and at exit, where raising would only lose the
    remaining work and fill the error log, never save the events. Call it outside any transaction:
    foreign keys are checked at commit, so inside an outer one a deleted product would fail that.
    """
    events = _buffer.drain()
    if not events:
        return 0
    try:
        with transaction.atomic():
            # 1000 rows x 12 columns stays far below PostgreSQL's limit of 65535 parameters.
            written = Interaction.objects.bulk_create(events, batch_size=1000)
            with connection.cursor() as cursor:
                cursor.execute(_UPSERT_SQL, {"tz": settings.TIME_ZONE, "ids": [event.pk for event in written]})
    except Exception:  # not only DatabaseError: e.g. TransactionManagementError in a broken outer block
        logger.exception("Interaction flush failed; dropped %d events", len(events))
        return 0
    return len(events)


def interactions_flush_if_due() -> int:
    """Flush when the buffer holds INTERACTION_BUFFER_SIZE events or its oldest is INTERACTION_FLUSH_SECONDS old."""
    if not _buffer.is_due(size=settings.INTERACTION_BUFFER_SIZE, seconds=settings.INTERACTION_FLUSH_SECONDS):
        return 0
    return interactions_flush()


def interactions_discard() -> int:
    """Drop buffered events without writing them (test isolation). Returns how many were dropped."""
    return len(_buffer.drain())


def _interaction_build(
    *, kind, user, session_key, product, variant, quantity, price, query, result_count, source, at
) -> Interaction:
    """A validated, unsaved Interaction; raises ValueError or TypeError describing the first bad field."""
    if kind not in Interaction.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    if source not in Interaction.Source.values:
        raise ValueError(f"unknown source {source!r}")
    user_id = None if user is None or getattr(user, "is_anonymous", False) else _id_of(user, "user")
    variant_id = _id_of(variant, "variant")
    product_id = _id_of(product, "product")
    if isinstance(variant, Interaction.variant.field.related_model):
        if product_id is None:
            product_id = variant.product_id
        elif product_id != variant.product_id:
            raise ValueError(f"variant {variant_id} does not belong to product {product_id}")
    if kind in _PRODUCT_KINDS and product_id is None:
        raise ValueError("a product is required")
    query = _text(query, "query")[: Interaction._meta.get_field("query").max_length]
    if kind == Interaction.Kind.SEARCH and not query:
        raise ValueError("a search needs a query")
    session_key = _text(session_key, "session_key")
    if len(session_key) > Interaction._meta.get_field("session_key").max_length:
        raise ValueError("session_key is too long")
    if at is None:
        at = timezone.now()
    elif not isinstance(at, datetime) or timezone.is_naive(at):
        raise ValueError(f"at must be an aware datetime, not {at!r}")
    return Interaction(
        kind=kind,
        user_id=user_id,
        session_key=session_key,
        product_id=product_id,
        variant_id=variant_id,
        quantity=_integer(quantity, "quantity", minimum=1),
        price=_price(price),
        query=query,
        result_count=None if result_count is None else _integer(result_count, "result_count", minimum=0),
        source=source,
        created_at=at,
    )


def _id_of(value, name: str) -> int | None:
    if value is None:
        return None
    pk = value.pk if isinstance(value, models.Model) else value
    return _integer(pk, f"{name} id", minimum=1)


def _integer(value, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _MAX_INTEGER:
        raise ValueError(f"{name} must be a whole number from {minimum} to {_MAX_INTEGER}, not {value!r}")
    return value


def _price(value) -> Decimal | None:
    if value is None:
        return None
    try:
        price = Decimal(str(value))  # str() so that a float 19.99 means 19.99, not its binary expansion
    except ArithmeticError:
        price = None
    if price is None or not price.is_finite() or not Decimal(0) <= price <= _MAX_PRICE:
        raise ValueError(f"price must be a number from 0 to {_MAX_PRICE}, not {value!r}")
    return price.quantize(_CENT)


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, not {type(value).__name__}")
    return value.strip()
