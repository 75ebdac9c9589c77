"""OpenAPI documentation of the shop API: summaries, descriptions, parameters, responses and
examples, as decorators that `shop.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from core.api import INVALID_PAGE_EXAMPLE, THROTTLED_RESPONSE, error_example, error_response
from shop.filters import PRICE_BANDS, SORT_CHOICES
from shop.serializers import (
    AutocompleteQuerySerializer,
    AutocompleteResponseSerializer,
    CategoryDetailSerializer,
    CategorySerializer,
    OwnReviewSerializer,
    ProductDetailSerializer,
    ProductSearchResponseSerializer,
    ReviewHelpfulSerializer,
    ReviewListQuerySerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
    WishlistAddSerializer,
    WishlistItemSerializer,
)

# Slugs as Django's SlugField accepts them; any other path segment falls through to the API's JSON 404.
# The routes in `shop.api` match this pattern and the path parameters below document it.
SLUG_REGEX = r"[-a-zA-Z0-9_]+"


PRODUCT_SLUG = OpenApiParameter(
    "slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_REGEX}$",
    description=(
        "The product's slug, as in its web page `/p/<slug>/`. Products are looked up by slug only: a slug may "
        "itself be all digits, so also accepting the numeric `id` here would be ambiguous."
    ),
)
CATEGORY_SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=f"^{SLUG_REGEX}$", description="The category's slug."
)

PRODUCT_SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Search text, at most 200 characters; supports quotes, `or` and `-word`."
    ),
    OpenApiParameter("search", OpenApiTypes.STR, description="Alias of `q`."),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category slug; includes its subcategories."),
    OpenApiParameter(
        "brand",
        OpenApiTypes.STR,
        many=True,
        explode=True,
        description="Brand slug; repeat the parameter or separate slugs with commas for any of several (at most 20).",
    ),
    OpenApiParameter(
        "price",
        OpenApiTypes.STR,
        enum=[key for key, _label, _low, _high in PRICE_BANDS],
        description="Price band: " + ", ".join(f"`{key}` {label}" for key, label, _low, _high in PRICE_BANDS) + ".",
    ),
    OpenApiParameter("price_min", OpenApiTypes.DECIMAL, description="Lowest price, inclusive."),
    OpenApiParameter("price_max", OpenApiTypes.DECIMAL, description="Highest price, inclusive; not below `price_min`."),
    OpenApiParameter("rating", OpenApiTypes.INT, enum=[4, 3, 2, 1], description="Minimum average rating."),
    OpenApiParameter(
        "in_stock", OpenApiTypes.BOOL, description="`true` or `1`: only products in stock; `false`, `0` or absent: all."
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[key for key, _label in SORT_CHOICES],
        description="Ordering: "
        + ", ".join(f"`{key}` {label.lower()}" for key, label in SORT_CHOICES)
        + ". Default: `relevance` when searching, else `popularity`.",
    ),
]

_EXAMPLE_CARD = {
    "id": 42,
    "slug": "trail-runner-2",
    "name": "Trail Runner 2",
    "brand": {"slug": "fleetfoot", "name": "Fleetfoot"},
    "category": {"slug": "running-shoes", "name": "Running shoes", "path": "sport/running-shoes"},
    "min_price": "89.90",
    "currency": "EUR",
    "in_stock": True,
    "rating_avg": "4.50",
    "rating_count": 12,
    "url": "https://shop.example/p/trail-runner-2/",
    "compare_at_price": "109.00",
    "thumbnail": "https://shop.example/media/products/thumbs/42-0-320.jpg",
}
_NOT_FOUND_PRODUCT = error_example("Unknown product", code="product_not_found", message="No such product.")
_NOT_FOUND_REVIEW = error_example("Unknown review", code="review_not_found", message="No such review.")
_NOT_AUTHENTICATED = error_example(
    "Not signed in", code="not_authenticated", message="Authentication credentials were not provided."
)
_INVALID_REVIEW = error_example(
    "Bad fields",
    code="invalid",
    message="The request has invalid fields.",
    details={"rating": ["Ensure this value is less than or equal to 5."], "title": ["This field may not be blank."]},
)
_EXAMPLE_OWN_REVIEW = {
    "id": 3,
    "author_name": "Ana P.",
    "rating": 5,
    "title": "Great grip",
    "body": "Held on wet rocks.",
    "created_at": "2026-05-01T09:30:00+01:00",
    "helpful_count": 0,
    "product": "trail-runner-2",
    "status": "published",
    "updated_at": None,
}

# --- CategoryViewSet --------------------------------------------------------------------------------

category_list = extend_schema(
    summary="List the category tree",
    description="Every category, depth first (a parent right before its subcategories), with product counts.",
    responses={200: CategorySerializer(many=True), 429: THROTTLED_RESPONSE},
    examples=[
        OpenApiExample(
            "Tree",
            description="One category of the list.",
            response_only=True,
            value={
                "id": 7,
                "slug": "running-shoes",
                "name": "Running shoes",
                "path": "sport/running-shoes",
                "parent": "sport",
                "product_count": 12,
                "url": "https://shop.example/c/running-shoes/",
            },
        )
    ],
)

category_retrieve = extend_schema(
    summary="Get a category",
    description="A category with its direct subcategories, each with product counts.",
    parameters=[CATEGORY_SLUG],
    responses={
        200: CategoryDetailSerializer,
        404: error_response(
            "No category has that slug.",
            error_example("Unknown category", code="category_not_found", message="No such category."),
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "Category",
            response_only=True,
            value={
                "id": 1,
                "slug": "sport",
                "name": "Sport",
                "path": "sport",
                "parent": None,
                "product_count": 31,
                "url": "https://shop.example/c/sport/",
                "description": "Gear for every season.",
                "children": [
                    {
                        "id": 7,
                        "slug": "running-shoes",
                        "name": "Running shoes",
                        "path": "sport/running-shoes",
                        "parent": "sport",
                        "product_count": 12,
                        "url": "https://shop.example/c/running-shoes/",
                    }
                ],
            },
        )
    ],
)

# --- ProductViewSet ---------------------------------------------------------------------------------

product_list = extend_schema(
    summary="Search and browse products",
    description=(
        "The same search as the website: ranked full-text search with typo correction (`query_used`, "
        "`corrected_from`), filters, facets counted against every other filter, sorting and pagination. "
        "Any invalid parameter is a 400 naming it; an unknown category or a page past the end is a 404."
    ),
    parameters=PRODUCT_SEARCH_PARAMETERS,
    responses={
        200: ProductSearchResponseSerializer,
        400: error_response(
            "Invalid query parameters.",
            error_example(
                "Bad filters",
                code="invalid",
                message="The request has invalid fields.",
                details={
                    "price_min": ["Enter a number."],
                    "sort": ["Select a valid choice. bogus is not one of the available choices."],
                },
            ),
            INVALID_PAGE_EXAMPLE,
        ),
        404: error_response(
            "Unknown category, or a page past the end.",
            error_example("Unknown category", code="category_not_found", message="No such category."),
            error_example(
                "Page past the end", code="page_not_found", message="That page does not exist.", details={"page": 9}
            ),
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "Search with a typo",
            response_only=True,
            value={
                "count": 1,
                "next": None,
                "previous": None,
                "results": [_EXAMPLE_CARD],
                "facets": {
                    "category": [{"key": "running-shoes", "label": "Running shoes", "count": 1, "selected": False}],
                    "brand": [{"key": "fleetfoot", "label": "Fleetfoot", "count": 1, "selected": False}],
                    "price": [
                        {"key": "0-25", "label": "Under 25", "count": 0, "selected": False},
                        {"key": "25-50", "label": "25 to 50", "count": 0, "selected": False},
                        {"key": "50-100", "label": "50 to 100", "count": 1, "selected": False},
                        {"key": "100-250", "label": "100 to 250", "count": 0, "selected": False},
                        {"key": "250-", "label": "250 and over", "count": 0, "selected": False},
                    ],
                    "rating": [
                        {"key": str(n), "label": f"{n} stars & up", "count": 1, "selected": False} for n in (4, 3, 2, 1)
                    ],
                    "in_stock": [{"key": "1", "label": "In stock", "count": 1, "selected": False}],
                },
                "query_used": "trail runner",
                "corrected_from": "trial runer",
                "suggestions": [],
            },
        )
    ],
)

product_retrieve = extend_schema(
    summary="Get a product",
    description="An active product with its active variants, images, attributes and rating distribution.",
    parameters=[PRODUCT_SLUG],
    responses={
        200: ProductDetailSerializer,
        404: error_response("No active product has that slug.", _NOT_FOUND_PRODUCT),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "Product",
            response_only=True,
            value={
                **{k: v for k, v in _EXAMPLE_CARD.items() if k not in ("compare_at_price", "thumbnail")},
                "description": "A light trail shoe with a grippy sole.",
                "variants": [
                    {
                        "sku": "TR2-42",
                        "name": "EU 42",
                        "option_values": {"size": "42"},
                        "price": "89.90",
                        "compare_at_price": "109.00",
                        "stock_status": "low_stock",
                        "stock_quantity": 3,
                        "is_active": True,
                    }
                ],
                "images": [
                    {
                        "url": "https://shop.example/media/products/42/42-0.jpg",
                        "thumbnail_small": "https://shop.example/media/products/thumbs/42-0-320.jpg",
                        "thumbnail_medium": "https://shop.example/media/products/thumbs/42-0-640.jpg",
                        "width": 1200,
                        "height": 900,
                        "alt": "Trail Runner 2, side view",
                    }
                ],
                "attributes": [
                    {
                        "name": "Weight",
                        "code": "weight",
                        "type": "number",
                        "value": 250.0,
                        "unit": "g",
                        "display": "250 g",
                    }
                ],
                "rating_distribution": [
                    {"stars": 5, "count": 8},
                    {"stars": 4, "count": 2},
                    {"stars": 3, "count": 1},
                    {"stars": 2, "count": 1},
                    {"stars": 1, "count": 0},
                ],
            },
        )
    ],
)

product_reviews = extend_schema(
    summary="List a product's reviews",
    description="Published reviews, newest first unless `sort` says otherwise, optionally of one star rating.",
    parameters=[PRODUCT_SLUG, ReviewListQuerySerializer],
    responses={
        200: ReviewSerializer(many=True),
        400: error_response(
            "Invalid `page`, `page_size`, `sort` or `rating`.",
            INVALID_PAGE_EXAMPLE,
            error_example(
                "Bad rating",
                code="invalid",
                message="The request has invalid fields.",
                details={"rating": ["Ensure this value is less than or equal to 5."]},
            ),
        ),
        404: error_response(
            "No active product has that slug, or the page is past the end.",
            _NOT_FOUND_PRODUCT,
            error_example("Page past the end", code="not_found", message="Invalid page."),
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "Review",
            description="One review of the page.",
            response_only=True,
            value={
                "id": 3,
                "author_name": "Ana",
                "rating": 5,
                "title": "Great grip",
                "body": "Held on wet rocks.",
                "created_at": "2026-05-01T09:30:00+01:00",
                "helpful_count": 4,
            },
        )
    ],
)

product_review_create = extend_schema(
    summary="Review a product you bought",
    description=(
        "Verified buyers only: the customer must have bought one of the product's variants in an order that is "
        "paid, shipped, delivered or partially refunded. One review per customer and product (edit it with "
        "`PATCH /api/v1/reviews/{id}/`). Published at once; the product's `rating_avg` and `rating_count` "
        "follow. Text is stored and returned as typed: it is plain text, so clients must escape it for HTML."
    ),
    parameters=[PRODUCT_SLUG],
    request=ReviewWriteSerializer,
    responses={
        201: OwnReviewSerializer,
        400: error_response(
            "Invalid fields, or the customer already reviewed this product.",
            _INVALID_REVIEW,
            error_example(
                "Already reviewed",
                code="already_reviewed",
                message="You have already reviewed this product; edit your review instead.",
            ),
        ),
        403: error_response(
            "Not a verified buyer of the product.",
            error_example(
                "Not a verified buyer",
                code="not_verified_buyer",
                message="Only customers who bought this product can review it.",
            ),
        ),
        404: error_response("No active product has that slug.", _NOT_FOUND_PRODUCT),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "New review",
            request_only=True,
            value={"rating": 5, "title": "Great grip", "body": "Held on wet rocks."},
        ),
        OpenApiExample("Published review", response_only=True, status_codes=["201"], value=_EXAMPLE_OWN_REVIEW),
    ],
)

REVIEW_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The review's id, as in its `id` field."
)

# --- ReviewViewSet ----------------------------------------------------------------------------------

review_partial_update = extend_schema(
    summary="Edit your review",
    description=(
        "Only its author can edit a review; anyone else's review answers 404 as if it did not exist. Give any "
        "of `rating`, `title` and `body`. The moderation status stays as it is."
    ),
    parameters=[REVIEW_ID],
    request=ReviewWriteSerializer(partial=True),
    responses={
        200: OwnReviewSerializer,
        400: error_response("Invalid or unknown fields.", _INVALID_REVIEW),
        401: error_response("Not signed in.", _NOT_AUTHENTICATED),
        404: error_response("No review of yours has that id.", _NOT_FOUND_REVIEW),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample("Change the rating", request_only=True, value={"rating": 4}),
        OpenApiExample(
            "Edited review",
            response_only=True,
            value={**_EXAMPLE_OWN_REVIEW, "rating": 4, "updated_at": "2026-05-03T18:00:00+01:00"},
        ),
    ],
)

review_helpful = extend_schema(
    summary="Vote a review helpful",
    description=(
        "Counts the signed-in customer's vote once: voting again changes nothing and answers the same. Not on "
        "one's own review. Hidden or pending reviews answer 404."
    ),
    parameters=[REVIEW_ID],
    request=None,
    responses={
        200: ReviewHelpfulSerializer,
        400: error_response(
            "The review is the customer's own.",
            error_example("Own review", code="own_review", message="You cannot vote on your own review."),
        ),
        401: error_response("Not signed in.", _NOT_AUTHENTICATED),
        404: error_response("No published review has that id.", _NOT_FOUND_REVIEW),
        429: THROTTLED_RESPONSE,
    },
    examples=[OpenApiExample("Counted", response_only=True, value={"id": 3, "helpful_count": 5})],
)

_EXAMPLE_WISHLIST_ITEM = {
    **_EXAMPLE_CARD,
    "in_stock": True,
    "added_at": "2026-04-20T10:15:00+01:00",
    "back_in_stock": True,
}
WISHLIST_PRODUCT_SLUG = OpenApiParameter(
    "product_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=f"^{SLUG_REGEX}$",
    description="Slug of the wishlisted product.",
)

# --- WishlistViewSet --------------------------------------------------------------------------------

wishlist_list = extend_schema(
    summary="List your wishlist",
    description=(
        "Wishlisted active products, most recently added first, as product cards with `added_at` and "
        "`back_in_stock`: the product was out of stock when it was added and is in stock now."
    ),
    responses={
        200: WishlistItemSerializer(many=True),
        400: error_response("Invalid `page` or `page_size`.", INVALID_PAGE_EXAMPLE),
        401: error_response("Not signed in.", _NOT_AUTHENTICATED),
        404: error_response(
            "The page is past the end.",
            error_example("Page past the end", code="not_found", message="Invalid page."),
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "Wishlist item", description="One item of the page.", response_only=True, value=_EXAMPLE_WISHLIST_ITEM
        )
    ],
)

wishlist_create = extend_schema(
    summary="Add a product to your wishlist",
    description="Idempotent: 201 when the product was added, 200 when it already was on the wishlist.",
    request=WishlistAddSerializer,
    responses={
        200: WishlistItemSerializer,
        201: WishlistItemSerializer,
        400: error_response(
            "Invalid or unknown fields.",
            error_example(
                "Missing product",
                code="invalid",
                message="The request has invalid fields.",
                details={"product": ["This field is required."]},
            ),
        ),
        401: error_response("Not signed in.", _NOT_AUTHENTICATED),
        404: error_response("No active product has that slug.", _NOT_FOUND_PRODUCT),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample("Add", request_only=True, value={"product": "trail-runner-2"}),
        OpenApiExample("Added", response_only=True, status_codes=["201"], value=_EXAMPLE_WISHLIST_ITEM),
        OpenApiExample("Already there", response_only=True, status_codes=["200"], value=_EXAMPLE_WISHLIST_ITEM),
    ],
)

wishlist_destroy = extend_schema(
    summary="Remove a product from your wishlist",
    description="Idempotent: 204 whether or not the product was on the wishlist.",
    parameters=[WISHLIST_PRODUCT_SLUG],
    responses={
        204: None,
        401: error_response("Not signed in.", _NOT_AUTHENTICATED),
        404: error_response("No active product has that slug.", _NOT_FOUND_PRODUCT),
        429: THROTTLED_RESPONSE,
    },
)

# --- AutocompleteView -------------------------------------------------------------------------------

autocomplete_get = extend_schema(
    summary="Suggest searches as the shopper types",
    description="Matching categories and brands, then products. Fewer than 2 characters give no suggestions.",
    parameters=[AutocompleteQuerySerializer],
    responses={
        200: AutocompleteResponseSerializer,
        400: error_response(
            "`q` missing or longer than 100 characters.",
            error_example(
                "Missing q",
                code="invalid",
                message="The request has invalid fields.",
                details={"q": ["This field is required."]},
            ),
        ),
        429: THROTTLED_RESPONSE,
    },
    examples=[
        OpenApiExample(
            "Suggestions for 'run'",
            response_only=True,
            value={
                "results": [
                    {"type": "category", "label": "Running shoes", "url": "https://shop.example/c/running-shoes/"},
                    {"type": "product", "label": "Trail Runner 2", "url": "https://shop.example/p/trail-runner-2/"},
                ]
            },
        )
    ],
)
