"""Read-side queries of the catalog, shared by pages, API and admin.

Every selector runs a fixed number of SQL queries whatever the catalog or page size: list pages
read denormalised product columns and the first thumbnail through a subquery, and detail pages
prefetch their related rows.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from core.errors import ApplicationError, NotFoundError
from shop import extensions
from shop.filters import PRICE_BAND_BY_KEY, PRICE_BANDS, ProductFilters
from shop.models import (
    Brand,
    Category,
    Product,
    ProductAttributeValue,
    ProductImage,
    Review,
    ReviewVote,
    Variant,
    WishlistItem,
)

SEARCH_CONFIG = "english"
MAX_PAGE_SIZE = 100
# Minimum pg_trgm similarity for a vocabulary word to count as the intended spelling of a typo.
TYPO_SIMILARITY = 0.35

_ORDERINGS = {
    "price": ("min_price", "id"),
    "-price": ("-min_price", "id"),
    "newest": ("-created_at", "-id"),
    "rating": ("-rating_avg", "-rating_count", "id"),
    "popularity": ("-popularity", "id"),
}


def category_navigation() -> list[Category]:
    """Top-level categories for the site header, cached because every page shows them."""
    categories = cache.get("shop:nav-categories")
    if categories is None:
        categories = list(Category.objects.filter(parent__isnull=True).only("name", "slug", "path"))
        cache.set("shop:nav-categories", categories, 300)
    return categories


def category_get(*, slug: str) -> Category:
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise NotFoundError("No such category.", code="category_not_found")
    return category


def category_breadcrumbs(*, category: Category) -> list[Category]:
    """The category and its ancestors, root first, in one query (from the materialised path)."""
    slugs = category.path.split("/")
    by_slug = {c.slug: c for c in Category.objects.filter(slug__in=slugs).only("name", "slug", "path")}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def product_cards(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card needs: brand, category, the first thumbnail and the cheapest variant
    (its was-price, and its id so an API client can add the card to a cart), without extra queries."""
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id")
    cheapest_variant = Variant.objects.filter(
        product=OuterRef("pk"), is_active=True, price=OuterRef("min_price")
    ).order_by("position", "id")
    return queryset.select_related("brand", "category").annotate(
        card_image=Subquery(first_image.values("thumbnail_small")[:1]),
        card_image_medium=Subquery(first_image.values("thumbnail_medium")[:1]),
        card_compare_at=Subquery(cheapest_variant.values("compare_at_price")[:1]),
        card_variant_id=Subquery(cheapest_variant.values("id")[:1]),
    )


@dataclass
class FacetValue:
    key: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResult:
    page: Page
    total: int
    filters: ProductFilters
    query_used: str = ""
    corrected_from: str = ""
    category: Category | None = None
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestions: list[Product] = field(default_factory=list)

    @property
    def products(self) -> list[Product]:
        return list(self.page.object_list)


def _filtered(filters: ProductFilters, category: Category | None, query: SearchQuery | None) -> QuerySet[Product]:
    products = Product.objects.filter(is_active=True)
    if category is not None:
        products = products.filter(Q(category__path=category.path) | Q(category__path__startswith=f"{category.path}/"))
    if query is not None:
        products = products.filter(search_vector=query)
    if filters.brands:
        products = products.filter(brand__slug__in=filters.brands)
    if filters.price_band:
        low, high = PRICE_BAND_BY_KEY[filters.price_band]
        products = products.filter(min_price__gte=low)
        if high is not None:
            products = products.filter(min_price__lt=high)
    if filters.price_min is not None:
        products = products.filter(min_price__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(min_price__lte=filters.price_max)
    if filters.rating_min:
        products = products.filter(rating_avg__gte=filters.rating_min)
    if filters.in_stock:
        products = products.filter(in_stock=True)
    return products


def search_correction(*, text: str) -> str:
    """The query with each unknown word replaced by the closest word of the store's vocabulary.

    One query: every word is matched against `SearchTerm` with pg_trgm's `%` operator (GIN index)
    and the most similar, then most frequent, term wins. Words with no close term are kept.
    """
    words = text.lower().split()
    lookups = [w for w in words if w.isalnum()][:10]
    if not lookups:
        return " ".join(words)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_limit(%s::real)", [TYPO_SIMILARITY])
        cursor.execute(
            """
            SELECT DISTINCT ON (w.word) w.word, t.term
              FROM unnest(%s::text[]) AS w(word)
              JOIN shop_searchterm t ON t.term %% w.word
             ORDER BY w.word, similarity(t.term, w.word) DESC, t.frequency DESC
            """,
            [lookups],
        )
        best = dict(cursor.fetchall())
    return " ".join(best.get(word, word) for word in words)


def _facets(filters: ProductFilters, category: Category | None, query: SearchQuery | None) -> dict:
    # Each facet is counted against every filter except its own, so picking one brand still shows
    # the counts of the other brands (disjunctive faceting, as shoppers expect).
    def scoped(*own: str) -> QuerySet[Product]:
        return _filtered(filters.without(*own), category, query)

    if category is not None:
        children = list(category.children.all())
        category_rows = (
            scoped()
            .filter(category__in=children)
            .values("category__slug", "category__name")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
    else:
        category_rows = (
            scoped("category").values("category__slug", "category__name").annotate(n=Count("id")).order_by("-n")[:20]
        )
    brand_rows = list(scoped("brands").values("brand__slug", "brand__name").annotate(n=Count("id")).order_by("-n")[:20])
    # A picked brand stays listed (count 0) when other filters leave it nothing, so it can be unticked.
    listed = {row["brand__slug"] for row in brand_rows}
    if missing := [slug for slug in filters.brands if slug not in listed]:
        brand_rows += [
            {"brand__slug": slug, "brand__name": name, "n": 0}
            for slug, name in Brand.objects.filter(slug__in=missing).values_list("slug", "name")
        ]
    price_counts = scoped("price_band", "price_min", "price_max").aggregate(
        **{
            key: Count("id", filter=Q(min_price__gte=low, **({"min_price__lt": high} if high is not None else {})))
            for key, _label, low, high in PRICE_BANDS
        }
    )
    rating_counts = scoped("rating_min").aggregate(
        **{f"r{n}": Count("id", filter=Q(rating_avg__gte=n)) for n in (4, 3, 2, 1)}
    )
    stock_count = scoped("in_stock").filter(in_stock=True).count()

    return {
        "category": [
            FacetValue(r["category__slug"], r["category__name"], r["n"], r["category__slug"] == filters.category)
            for r in category_rows
        ],
        "brand": [
            FacetValue(r["brand__slug"], r["brand__name"], r["n"], r["brand__slug"] in filters.brands)
            for r in brand_rows
        ],
        "price": [
            FacetValue(key, label, price_counts[key], key == filters.price_band)
            for key, label, _low, _high in PRICE_BANDS
        ],
        "rating": [
            FacetValue(str(n), f"{n} stars & up", rating_counts[f"r{n}"], filters.rating_min == n) for n in (4, 3, 2, 1)
        ],
        "in_stock": [FacetValue("1", "In stock", stock_count, filters.in_stock)],
    }


def product_search(*, filters: ProductFilters, page: int = 1, page_size: int = 24) -> SearchResult:
    """Search and browse the active catalog: ranked full-text search with typo correction,
    filters, disjunctive facets with counts, sorting and pagination.

    Raises NotFoundError for an unknown category and for a page past the end.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    category = None
    if filters.category:
        category = Category.objects.filter(slug=filters.category).prefetch_related("children").first()
        if category is None:
            raise NotFoundError("No such category.", code="category_not_found")

    query_text, corrected_from, query = filters.query, "", None
    if query_text:
        query = SearchQuery(query_text, search_type="websearch", config=SEARCH_CONFIG)
        if not _filtered(filters, category, query).exists():
            corrected = search_correction(text=query_text)
            if corrected != " ".join(query_text.lower().split()):
                query_text, corrected_from = corrected, filters.query
                query = SearchQuery(query_text, search_type="websearch", config=SEARCH_CONFIG)

    products = product_cards(_filtered(filters, category, query))
    sort = filters.sort or ("relevance" if query is not None else "popularity")
    if sort == "relevance" and query is not None:
        products = products.annotate(
            rank=SearchRank(F("search_vector"), query, cover_density=True)
            + Greatest(TrigramWordSimilarity(Value(query_text), "name"), Value(0.0)) * Value(0.5)
        ).order_by("-rank", "-popularity", "id")
    else:
        products = products.order_by(*_ORDERINGS.get(sort, _ORDERINGS["popularity"]))

    paginator = Paginator(products, page_size)
    total = paginator.count
    if page < 1 or (page > paginator.num_pages and total):
        raise NotFoundError("That page does not exist.", code="page_not_found", details={"page": page})
    result = SearchResult(
        page=paginator.page(min(page, paginator.num_pages)),
        total=total,
        filters=filters,
        query_used=query_text,
        corrected_from=corrected_from,
        category=category,
        facets=_facets(filters, category, query),
    )
    if total == 0:
        result.suggestions = product_best_sellers(category=category, limit=8)
    return result


def product_best_sellers(*, category: Category | None = None, limit: int = 8) -> list[Product]:
    products = Product.objects.filter(is_active=True, in_stock=True)
    if category is not None:
        products = products.filter(Q(category__path=category.path) | Q(category__path__startswith=f"{category.path}/"))
    return list(product_cards(products).order_by("-popularity", "id")[:limit])


def product_new_arrivals(*, limit: int = 8) -> list[Product]:
    return list(product_cards(Product.objects.filter(is_active=True)).order_by("-created_at", "-id")[:limit])


def category_featured(*, limit: int = 6) -> list[Category]:
    return list(Category.objects.filter(is_featured=True).order_by("position", "name")[:limit])


def product_detail(*, slug: str) -> Product:
    """An active product with everything its page and API detail show (5 queries)."""
    product = (
        Product.objects.filter(slug=slug, is_active=True)
        .select_related("brand", "category")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True).order_by("position", "id")),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id")),
            Prefetch(
                "attribute_values",
                queryset=ProductAttributeValue.objects.select_related("attribute").order_by("attribute__name"),
            ),
        )
        .first()
    )
    if product is None:
        raise NotFoundError("No such product.", code="product_not_found")
    return product


def product_rating_distribution(*, product: Product) -> list[tuple[int, int]]:
    """(stars, count) from 5 down to 1 for published reviews."""
    counts = dict(
        Review.objects.filter(product=product, status=Review.Status.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("id"))
    )
    return [(stars, counts.get(stars, 0)) for stars in range(5, 0, -1)]


def search_autocomplete(*, prefix: str, limit: int = 8) -> list[dict]:
    """Suggestions for the search box: matching categories and brands, then products (3 queries)."""
    prefix = " ".join(prefix.split())[:100]
    if len(prefix) < 2:
        return []
    words = [w for w in "".join(c if c.isalnum() else " " for c in prefix).split() if w]
    if not words:
        return []
    tsquery = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=SEARCH_CONFIG)
    suggestions = [
        {"type": "category", "label": c.name, "url": c.get_absolute_url()}
        for c in Category.objects.filter(name__icontains=prefix).order_by("name")[:3]
    ]
    suggestions += [
        {"type": "brand", "label": b.name, "url": f"/search/?brand={b.slug}"}
        for b in Brand.objects.filter(name__istartswith=prefix).order_by("name")[:2]
    ]
    products = (
        Product.objects.filter(is_active=True)
        .filter(Q(search_vector=tsquery) | Q(name__trigram_word_similar=prefix))
        .annotate(similarity=TrigramWordSimilarity(Value(prefix), "name"))
        .order_by("-similarity", "-popularity", "id")
        .only("name", "slug")[: max(1, limit - len(suggestions))]
    )
    suggestions += [{"type": "product", "label": p.name, "url": p.get_absolute_url()} for p in products]
    return suggestions[:limit]


def category_tree(*, root: Category | None = None) -> list[Category]:
    """The whole category tree, or `root` and its descendants, depth first (siblings by position,
    then name). Each category carries `parent_slug` and `product_count`: the active products in it
    and in its descendants, as its page lists them (2 queries).
    """
    categories = Category.objects.annotate(parent_slug=F("parent__slug"))
    products = Product.objects.filter(is_active=True)
    if root is not None:
        categories = categories.filter(Q(path=root.path) | Q(path__startswith=f"{root.path}/"))
        products = products.filter(Q(category__path=root.path) | Q(category__path__startswith=f"{root.path}/"))
    categories = list(categories)
    direct_counts = dict(products.values_list("category").annotate(n=Count("id")).order_by())
    by_id = {c.id: c for c in categories}

    def ancestry(category: Category | None) -> list[Category]:
        chain = []
        while category is not None:
            chain.append(category)
            category = by_id.get(category.parent_id)
        return chain[::-1]

    for category in categories:
        category.product_count = 0
    for category in categories:
        for ancestor in ancestry(category):
            ancestor.product_count += direct_counts.get(category.id, 0)
    return sorted(categories, key=lambda c: [(a.position, a.name, a.id) for a in ancestry(c)])


def category_detail(*, slug: str) -> Category:
    """A category as in `category_tree`, plus `subcategories`: its children, counted the same way (3 queries)."""
    tree = category_tree(root=category_get(slug=slug))
    category = tree[0]
    category.subcategories = [c for c in tree if c.parent_id == category.id]
    return category


def product_get(*, slug: str) -> Product:
    """An active product without its related rows (1 query), for views that need only its identity."""
    product = Product.objects.filter(slug=slug, is_active=True).first()
    if product is None:
        raise NotFoundError("No such product.", code="product_not_found")
    return product


def variant_id_for_sku(*, sku: str) -> int:
    """The id of the variant on sale under `sku`, for API clients that know products by SKU."""
    variant_id = (
        Variant.objects.filter(sku=sku, is_active=True, product__is_active=True).values_list("id", flat=True).first()
    )
    if variant_id is None:
        message = "No variant with that SKU is on sale."
        raise NotFoundError(message, code="variant_not_found", details={"sku": [message]})
    return variant_id


def variant_stock_status(*, variant: Variant) -> str:
    """The variant's stock as shoppers see it: out_of_stock, low_stock (at most SHOP_LOW_STOCK_THRESHOLD
    left) or in_stock."""
    if variant.stock_quantity <= 0:
        return "out_of_stock"
    if variant.stock_quantity <= settings.SHOP_LOW_STOCK_THRESHOLD:
        return "low_stock"
    return "in_stock"


def variant_stock_counts() -> dict:
    """Active variants running low (`low`: 1 to SHOP_LOW_STOCK_THRESHOLD left) and sold out (`out`)."""
    return Variant.objects.filter(is_active=True, stock_quantity__lte=settings.SHOP_LOW_STOCK_THRESHOLD).aggregate(
        low=Count("id", filter=Q(stock_quantity__gt=0)), out=Count("id", filter=Q(stock_quantity__lte=0))
    )


# --- Reviews and wishlist -------------------------------------------------------------------------

REVIEW_SORTS = {
    "newest": ("-created_at", "-id"),
    "helpful": ("-helpful_count", "-created_at", "-id"),
    "highest": ("-rating", "-created_at", "-id"),
    "lowest": ("rating", "-created_at", "-id"),
}
REVIEW_SORT_CHOICES = [
    ("newest", "Newest"),
    ("helpful", "Most helpful"),
    ("highest", "Highest rating"),
    ("lowest", "Lowest rating"),
]


def review_verified_buyer(*, user, product: Product) -> bool:
    """Whether the user bought the product, which lets them review it (the query is the orders app's:
    shop.extensions.verified_purchases)."""
    if not user.is_authenticated:
        return False
    purchases = extensions.verified_purchases(user=user, product=product)
    return purchases is not None and purchases.exists()


def review_list(*, product: Product, sort: str = "newest", rating: int | None = None) -> QuerySet[Review]:
    """Published reviews of a product in one of REVIEW_SORTS' orders, optionally only those with one
    star `rating`. The same for every visitor: what one visitor voted is `product_viewer_state`'s."""
    if sort not in REVIEW_SORTS:
        raise ApplicationError("Unknown review order.", code="invalid", details={"sort": [f"Unknown order {sort!r}."]})
    reviews = Review.objects.filter(product=product, status=Review.Status.PUBLISHED)
    if rating:
        reviews = reviews.filter(rating=rating)
    return reviews.order_by(*REVIEW_SORTS[sort])


@dataclass
class ReviewPage:
    """One page of a product's reviews, shaped like Django's Page for the templates."""

    reviews: list[Review]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def review_page(
    *,
    product: Product,
    distribution: list[tuple[int, int]],
    sort: str = "newest",
    rating: int | None = None,
    page: int = 1,
    page_size: int = 10,
) -> ReviewPage:
    """A page of `review_list` in one query; a page number out of range shows the nearest page.

    The number of matching reviews comes from the product's `distribution`
    (`product_rating_distribution`, which the product page loads anyway); that is why this does not
    use Django's Paginator, which would run a COUNT query of its own.
    """
    counts = dict(distribution)
    count = counts.get(rating, 0) if rating else sum(counts.values())
    num_pages = max(1, math.ceil(count / page_size))
    number = min(max(page, 1), num_pages)
    start = (number - 1) * page_size
    reviews = review_list(product=product, sort=sort, rating=rating)
    return ReviewPage(
        reviews=list(reviews[start : start + page_size]) if count else [],
        number=number,
        num_pages=num_pages,
        count=count,
    )


def review_for_author(*, product: Product, user) -> Review | None:
    """The user's own review of the product, whatever its moderation status, if any."""
    if not user.is_authenticated:
        return None
    return Review.objects.filter(product=product, user=user).first()


def review_get_own(*, review_id: int, user) -> Review:
    """A review written by `user`; anyone else's is NotFoundError, as if it did not exist."""
    review = Review.objects.select_related("product").filter(pk=review_id, user=user).first()
    if review is None:
        raise NotFoundError("No such review.", code="review_not_found")
    return review


def review_get_published(*, review_id: int) -> Review:
    review = Review.objects.select_related("product").filter(pk=review_id, status=Review.Status.PUBLISHED).first()
    if review is None:
        raise NotFoundError("No such review.", code="review_not_found")
    return review


@dataclass(frozen=True)
class ProductViewerState:
    """What the product page offers the visitor: reviewing (if a verified buyer), editing their own
    review, the wishlist button's state and which of the shown reviews they found helpful. All
    false or empty for anonymous visitors."""

    is_verified_buyer: bool = False
    own_review_id: int | None = None
    own_review_status: str = ""
    in_wishlist: bool = False
    voted_review_ids: frozenset[int] = frozenset()


def product_viewer_state(*, product_id: int, user, review_ids: Sequence[int] = ()) -> ProductViewerState:
    """The visitor's state on a product page, `review_ids` being the reviews it shows: one query for
    a signed-in user, none otherwise. Kept apart from the page, which is the same for everyone and
    cached (core.page_cache), so that it is the only per-visitor read of the product page."""
    if not user.is_authenticated:
        return ProductViewerState()
    own_review = Review.objects.filter(product=product_id, user=user)
    purchases = extensions.verified_purchases(user=user, product=product_id)
    votes = ReviewVote.objects.filter(user=user, review__in=list(review_ids)).values("review_id")
    row = (
        Product.objects.filter(pk=product_id)
        .values(
            is_verified_buyer=Exists(purchases) if purchases is not None else Value(False),
            own_review_id=Subquery(own_review.values("pk")[:1]),
            own_review_status=Subquery(own_review.values("status")[:1]),
            in_wishlist=Exists(WishlistItem.objects.filter(user=user, product=product_id)),
            voted_review_ids=ArraySubquery(votes),
        )
        .first()
    )
    if row is None:  # the product was deleted since its page was cached
        return ProductViewerState()
    row["own_review_status"] = row["own_review_status"] or ""
    row["voted_review_ids"] = frozenset(row["voted_review_ids"] or ())  # NULL when no review is shown
    return ProductViewerState(**row)


def wishlist_for_user(*, user) -> QuerySet[Product]:
    """The user's wishlisted active products, most recently added first, as product cards with:
    `wishlisted_at`; `back_in_stock` (out of stock when added, in stock now: see WishlistItem);
    `variant_count` (active variants) and `cart_variant_id` (the first active variant in stock, or
    None), so that a one-variant product can go to the cart straight from the wishlist.
    """
    active_variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    # The annotations reuse the join of the filter, so they read this user's wishlist row.
    products = Product.objects.filter(is_active=True, wishlist_items__user=user)
    return (
        product_cards(products)
        .annotate(
            wishlisted_at=F("wishlist_items__created_at"),
            back_in_stock=ExpressionWrapper(
                Q(in_stock=True, wishlist_items__was_in_stock=False), output_field=BooleanField()
            ),
            variant_count=Coalesce(
                Subquery(active_variants.order_by().values("product").annotate(n=Count("pk")).values("n")), 0
            ),
            cart_variant_id=Subquery(
                active_variants.filter(stock_quantity__gt=0).order_by("position", "id").values("pk")[:1]
            ),
        )
        .order_by("-wishlisted_at", "-id")
    )
