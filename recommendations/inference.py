"""The recommendations app's serving entry: what pages, the API, other apps and tasks call for recommendations.

It serves the champions of both kinds through ml.loader: `popular_product_ids` (the `popularity`
champion) and the blocks built from the `als` champion's published lists and its model (fold-in
of a shopper's events since training): `recommendations_for_user`, `similar_products`,
`bought_together` (also the cart and order blocks) and `trending_products`. Before any champion is
published, a block falls back to the cold-start chain (best sellers in stock). Database reads it
needs beyond the block's filters come from recommendations.selectors (published lists, re-buy days).
"""

import hashlib
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.core.cache import cache
from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast, Coalesce, Extract
from django.utils import timezone

from events.models import Interaction
from ml import loader
from recommendations.ml import als, interactions, lists, popularity
from recommendations.models import Publication, RecommendationList
from recommendations.selectors import consumable_category_ids, published_list
from shop import selectors as shop_selectors
from shop.models import Category, Product


@dataclass(frozen=True)
class Recommendation:
    """Recommended product ids and the model version that chose them (None: the baseline)."""

    product_ids: list[int]
    model_version_id: int | None


def popular_product_ids(*, limit: int = 10, exclude: frozenset[int] = frozenset()) -> Recommendation:
    """The most popular products now, by the popularity champion; empty when none is trained yet."""
    served = loader.champion("popularity")
    return Recommendation(product_ids=served.model.top(limit, exclude=exclude), model_version_id=served.version_id)


# --- Serving ------------------------------------------------------------------------------------
#
# Every block is a list of (product, reason) built from the champion's published lists
# (recommendations.models), then filtered for this shopper: inactive and out-of-stock products,
# products they bought (consumables come back after their re-buy days), an optional category,
# and at most RECOMMENDATIONS_MAX_PER_BRAND per brand. A block that runs short is topped up along
# the cold-start chain (the shopper's session -> popular in the categories they looked at ->
# trending in the store), so it is never empty while the store has products in stock.

BLOCK_TITLES = {
    "for_you": "Recommended for you",
    "trending": "Trending now",
    "similar": "Similar products",
    "bought_together": "Frequently bought together",
    "cart": "Complete your order",
    "order": "You may also like",
}
KIND_VERBS = {"purchase": "bought", "add_to_cart": "added", "wishlist_add": "saved", "view": "viewed"}
HISTORY_LIMIT = 300  # a shopper's most recent events read per request (fold-in, reasons, exclusions)


REASON_CODES = {"because": "interacted", "with": "bought_together", "similar": "similar", "popular_in": "popular"}


@dataclass(frozen=True)
class RecommendedProduct:
    product: Product  # annotated for product cards (shop.selectors.product_cards)
    reason: str
    reason_product_id: int | None = None
    reason_code: str = "popular"  # a value of REASON_CODES


@dataclass(frozen=True)
class RecommendationBlock:
    block: str
    title: str
    items: list[RecommendedProduct]
    model_version_id: int | None  # None: nothing from a trained version (the cold-start chain only)
    personalised: bool = False


@dataclass
class ShopperHistory:
    """What one shopper did lately: product -> strongest event kind, purchase times, events in order."""

    strongest: dict[int, str] = field(default_factory=dict)
    purchased_at: dict[int, float] = field(default_factory=dict)
    events: list[tuple[int, str, float]] = field(default_factory=list)  # (product id, kind, unix time)
    # A digest of where `events` came from (the log's rows read, the `viewed` ids): equal digests,
    # equal events. Viewed ids count without their time (now), so the digest holds between requests.
    digest: str = ""

    @property
    def product_ids(self) -> list[int]:
        seen: dict[int, None] = {}
        for product_id, _kind, _at in reversed(self.events):  # most recent first
            seen.setdefault(product_id, None)
        return list(seen)


@dataclass(frozen=True)
class Served:
    """The champion `als` version with published lists, what serving needs of it, and its loaded model."""

    version_id: int
    publication: Publication
    model: als.AlsModel | None


def served_version() -> Served | None:
    """The champion's publication (cached per version), or None before the first published champion."""
    champion = loader.champion("als")
    if champion.version_id is None:
        return None
    key = f"recs:publication:{champion.version_id}"
    publication = cache.get(key)
    if publication is None:
        publication = Publication.objects.filter(version_id=champion.version_id).first() or False
        cache.set(key, publication, settings.RECOMMENDATIONS_CACHE_SECONDS)
    if not publication:
        return None
    return Served(version_id=champion.version_id, publication=publication, model=champion.model)


def shopper_history(*, user=None, session_key: str = "", viewed: tuple[int, ...] = ()) -> ShopperHistory:
    """The signed-in user's (else this session's) recent events, plus products the browser says it viewed."""
    history = ShopperHistory()
    owner = (
        {"user": user}
        if user is not None and user.is_authenticated
        else ({"session_key": session_key} if session_key else None)
    )
    if owner is not None:
        rows = (
            Interaction.objects.filter(**owner, kind__in=popularity.EVENT_KINDS)
            .annotate(
                item=Coalesce(F("product_id"), F("variant__product_id")),
                at=Cast(Extract("created_at", "epoch"), FloatField()),  # to the microsecond, as training reads it
            )
            .filter(item__isnull=False)
            .order_by("-created_at")
            .values_list("item", "kind", "at")[:HISTORY_LIMIT]
        )
        history.events = [(item, kind, float(at)) for item, kind, at in reversed(rows)]
    history.digest = hashlib.blake2b(repr((history.events, tuple(viewed))).encode(), digest_size=16).hexdigest()
    now = timezone.now().timestamp()
    history.events += [(product_id, "view", now) for product_id in viewed]
    rank = {kind: position for position, kind in enumerate(KIND_VERBS)}  # purchase strongest
    for product_id, kind, at in history.events:
        current = history.strongest.get(product_id)
        if current is None or rank[kind] < rank[current]:
            history.strongest[product_id] = kind
        if kind == "purchase":
            history.purchased_at[product_id] = max(at, history.purchased_at.get(product_id, 0.0))
    return history


def recommendations_for_user(
    *, user=None, session_key: str = "", viewed: tuple[int, ...] = (), limit: int = 10, category: Category | None = None
) -> RecommendationBlock:
    """ "Recommended for you": the user's published list, or a fold-in when they did something since training.

    Anyone else (anonymous, or a user the version never saw) gets the session chain: products
    similar to what they viewed, then popular in those categories, then trending.
    """
    history = shopper_history(user=user, session_key=session_key, viewed=viewed)
    served = served_version()
    candidates: list[tuple[int, int | None, str]] = []
    personalised = False
    if served is not None and user is not None and user.is_authenticated:
        items, reasons = _personal_list(served=served, user=user, history=history)
        candidates = [(item, reason or None, "because") for item, reason in zip(items, reasons, strict=True)]
        personalised = bool(candidates)
    if not candidates and served is not None:
        candidates = _session_candidates(served=served, history=history)
    return _block(
        "for_you",
        candidates,
        history=history,
        served=served,
        limit=limit,
        category=category,
        personalised=personalised,
    )


def similar_products(
    *, product: Product, user=None, session_key: str = "", limit: int = 10, category: Category | None = None
) -> RecommendationBlock:
    """ "Similar products": the product's neighbours (ALS factors, or catalog attributes when it is new)."""
    served = served_version()
    history = shopper_history(user=user, session_key=session_key)
    candidates = []
    if served is not None:
        items, _ = published_list(version_id=served.version_id, kind=RecommendationList.Kind.SIMILAR, key=product.pk)
        candidates = [(item, product.pk, "similar") for item in items]
    if not candidates:
        candidates = _category_candidates(served, [product.category_id])
    return _block(
        "similar", candidates, history=history, served=served, limit=limit, category=category, exclude={product.pk}
    )


def bought_together(
    *,
    product_ids: list[int],
    user=None,
    session_key: str = "",
    limit: int = 10,
    category: Category | None = None,
    block: str = "bought_together",
) -> RecommendationBlock:
    """Products most often bought with any of `product_ids` (the product page's, the cart's, the order's)."""
    served = served_version()
    history = shopper_history(user=user, session_key=session_key)
    candidates = []
    if served is not None:
        lists_ = [
            published_list(version_id=served.version_id, kind=RecommendationList.Kind.BOUGHT_TOGETHER, key=pk)[0]
            for pk in product_ids
        ]
        candidates = _interleave(
            [[(item, pk, "with") for item in items] for pk, items in zip(product_ids, lists_, strict=True)]
        )
        if block != "bought_together":  # cart and order blocks go on with similar products before the chain
            similar = [
                published_list(version_id=served.version_id, kind=RecommendationList.Kind.SIMILAR, key=pk)[0]
                for pk in product_ids
            ]
            candidates += _interleave(
                [[(item, pk, "similar") for item in items] for pk, items in zip(product_ids, similar, strict=True)]
            )
    categories = list(Product.objects.filter(pk__in=product_ids).values_list("category_id", flat=True))
    candidates += _category_candidates(served, categories)
    return _block(
        block,
        candidates,
        history=history,
        served=served,
        limit=limit,
        category=category,
        exclude=set(product_ids),
        chain=block != "bought_together",
    )


def trending_products(
    *, user=None, session_key: str = "", limit: int = 10, category: Category | None = None
) -> RecommendationBlock:
    """ "Trending now": the store's (or the category's) products with the most recent activity."""
    served = served_version()
    history = shopper_history(user=user, session_key=session_key)
    return _block("trending", [], history=history, served=served, limit=limit, category=category)


def _personal_list(*, served: Served, user, history: ShopperHistory) -> tuple[list[int], list[int]]:
    """The published list, unless the user has events since training or none was published for them
    (not active lately): then a fold-in of their recent events on the served model."""
    trained_until = served.publication.trained_until.timestamp()
    fresh = any(at > trained_until for _item, _kind, at in history.events)
    can_fold_in = served.model is not None and len(served.model.item_ids) > 0 and bool(history.events)
    if not fresh:
        published = published_list(version_id=served.version_id, kind=RecommendationList.Kind.FOR_USER, key=user.pk)
        if published[0] or not can_fold_in:
            return published
    if not can_fold_in:
        return [], []
    return folded_in_list(served=served, user=user, history=history)


def folded_in_list(*, served: Served, user, history: ShopperHistory) -> tuple[list[int], list[int]]:
    """(product ids, reason ids) of the fold-in of the user's events, from the cache while its inputs hold.

    A fold-in costs milliseconds of CPU (growing with the catalogue), and a shopper's requests
    between two of their events (another `limit` or `category`, or the same URL after the API's
    response cache expired) would each recompute the same list. Its result depends only on the
    served version and publication (factors, weighting, scales), the list length and the shopper's
    events (`history.digest`: the log's rows read and the `viewed` ids), and the key names all of
    them plus the user: a new event, other `viewed` ids, a new champion or a re-published version
    misses, and no entry is ever another shopper's. The filters of the block (bought, unsellable,
    category, limit, brands) run per request after this. The entries expire after
    RECOMMENDATIONS_CACHE_SECONDS, which bounds the drift of the time decay.
    """
    key = (
        f"recs:foldin:{served.version_id}:{served.publication.pk}:{settings.RECOMMENDATIONS_PUBLISHED_PER_LIST}:"
        f"{user.pk}:{history.digest}"
    )
    found = cache.get(key)
    if found is None:
        found = _folded_in(served=served, history=history)
        cache.set(key, found, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return found


def _folded_in(*, served: Served, history: ShopperHistory) -> tuple[list[int], list[int]]:
    model, params = served.model, served.publication.params
    products = np.array([item for item, _kind, _at in history.events], dtype=np.int64)
    kinds = np.array([popularity.EVENT_KINDS.index(kind) for _item, kind, _at in history.events], dtype=np.int8)
    times = np.array([at for _item, _kind, at in history.events], dtype=np.float64)
    weights = interactions.event_weights(
        kinds,
        times,
        kind_weights=params["kind_weights"],
        half_life_days=params["half_life_days"],
        end=timezone.now().timestamp(),
    )
    columns, known = interactions.codes(model.item_ids, products)
    if not known.any():
        return [], []
    summed = np.bincount(columns[known], weights=weights[known], minlength=len(model.item_ids))
    # The row the user would have in the training matrix, on its scale: the model's fitted transform.
    row = model.confidence.apply(sp.csr_matrix(summed[None, :]))
    rows, confidences = row.indices, row.data * params["alpha"]
    ranked = lists.fold_in(model, rows, confidences, k=settings.RECOMMENDATIONS_PUBLISHED_PER_LIST, exclude=rows)
    keep = ranked.items >= 0
    reasons = np.where(ranked.reasons[keep] >= 0, model.item_ids[np.maximum(ranked.reasons[keep], 0)], 0)
    return model.item_ids[ranked.items[keep]].tolist(), reasons.tolist()


def _session_candidates(*, served: Served, history: ShopperHistory) -> list[tuple[int, int | None, str]]:
    """Neighbours of the products the shopper looked at most recently, then popular in their categories."""
    recent = history.product_ids[:5]
    similar = [
        published_list(version_id=served.version_id, kind=RecommendationList.Kind.SIMILAR, key=pk)[0] for pk in recent
    ]
    candidates = _interleave(
        [[(item, pk, "because") for item in items] for pk, items in zip(recent, similar, strict=True)]
    )
    categories = list(Product.objects.filter(pk__in=recent).values_list("category_id", flat=True))
    return candidates + _category_candidates(served, categories)


def _category_candidates(served: Served | None, category_ids: list[int]) -> list[tuple[int, int | None, str]]:
    if served is None:
        return []
    lists_ = [
        published_list(version_id=served.version_id, kind=RecommendationList.Kind.TRENDING, key=pk)[0]
        for pk in dict.fromkeys(category_ids)
    ]
    return _interleave([[(item, None, "popular_in") for item in items] for items in lists_])


def _interleave(lists_: list[list]) -> list:
    """Round-robin over several ranked lists, so each source gets its best items in first."""
    result = []
    for position in range(max((len(items) for items in lists_), default=0)):
        result += [items[position] for items in lists_ if position < len(items)]
    return result


def _block(
    block: str,
    candidates: list[tuple[int, int | None, str]],
    *,
    history: ShopperHistory,
    served: Served | None,
    limit: int,
    category: Category | None,
    exclude: set[int] = frozenset(),
    personalised: bool = False,
    chain: bool = True,
) -> RecommendationBlock:
    """Filter the candidates for this shopper and top the block up from trending (see the section note)."""
    if chain:
        candidates = candidates + _trending_candidates(served, category)
    blocked = set(exclude) | _bought_recently(history)
    ordered: dict[int, tuple[int | None, str]] = {}
    for item, reason, how in candidates:
        if item not in blocked and item not in ordered:
            ordered[item] = (reason, how)
    products = _sellable(list(ordered)[: limit * 8], category=category)
    if len(products) < limit and chain:
        more = _fallback_products(category=category, exclude=blocked | set(products), limit=limit * 2)
        for product in more:
            ordered.setdefault(product.pk, (None, "popular_in"))
            products.setdefault(product.pk, product)
    names = dict(Product.objects.filter(pk__in={r for r, _h in ordered.values() if r}).values_list("pk", "name"))
    per_brand: dict[int, int] = {}
    items = []
    for pk in ordered:
        product = products.get(pk)
        if product is None or per_brand.get(product.brand_id, 0) >= settings.RECOMMENDATIONS_MAX_PER_BRAND:
            continue
        per_brand[product.brand_id] = per_brand.get(product.brand_id, 0) + 1
        reason_id, how = ordered[pk]
        items.append(_explained(product, reason_id, how, names=names, history=history))
        if len(items) == limit:
            break
    return RecommendationBlock(
        block=block,
        title=BLOCK_TITLES[block],
        items=items,
        model_version_id=served.version_id if served is not None and candidates else None,
        personalised=personalised,
    )


def _explained(product, reason_id, how, *, names, history) -> RecommendedProduct:
    name = names.get(reason_id)
    if how == "because" and name:
        verb = KIND_VERBS.get(history.strongest.get(reason_id, "view"), "viewed")
        return RecommendedProduct(product, f"Because you {verb} {name}", reason_id, REASON_CODES[how])
    if how == "with" and name:
        return RecommendedProduct(product, f"Often bought with {name}", reason_id, REASON_CODES[how])
    if how == "similar" and name:
        return RecommendedProduct(product, f"Similar to {name}", reason_id, REASON_CODES[how])
    return RecommendedProduct(product, f"Popular in {product.category.name}")


def _trending_candidates(served: Served | None, category: Category | None) -> list[tuple[int, int | None, str]]:
    return _category_candidates(served, [category.pk]) if category is not None else (_category_candidates(served, [0]))


def _bought_recently(history: ShopperHistory) -> set[int]:
    """Bought products to leave out: all but consumables whose re-buy days have passed since the purchase."""
    if not history.purchased_at:
        return set()
    rebuy_days = cache.get("recs:consumables")
    if rebuy_days is None:
        rebuy_days = consumable_category_ids()
        cache.set("recs:consumables", rebuy_days, settings.RECOMMENDATIONS_CACHE_SECONDS)
    categories = dict(Product.objects.filter(pk__in=list(history.purchased_at)).values_list("pk", "category_id"))
    now = timezone.now().timestamp()
    return {
        pk
        for pk, at in history.purchased_at.items()
        if now - at < rebuy_days.get(categories.get(pk), float("inf")) * popularity.SECONDS_PER_DAY
    }


def _in_category(products, category: Category | None):
    if category is None:
        return products
    return products.filter(Q(category__path=category.path) | Q(category__path__startswith=category.path + "/"))


def _sellable(product_ids: list[int], *, category: Category | None) -> dict[int, Product]:
    """The active, in-stock products among `product_ids` (in the category, if given), ready for cards."""
    if not product_ids:
        return {}
    products = _in_category(Product.objects.filter(pk__in=product_ids, is_active=True, in_stock=True), category)
    return {product.pk: product for product in shop_selectors.product_cards(products)}


def _fallback_products(*, category: Category | None, exclude: set[int], limit: int) -> list[Product]:
    """The end of the chain when nothing is published: best sellers (by units sold) in stock."""
    products = _in_category(Product.objects.filter(is_active=True, in_stock=True), category)
    products = products.exclude(pk__in=exclude).order_by("-popularity", "pk")[:limit]
    return list(shop_selectors.product_cards(products))
