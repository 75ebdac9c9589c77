"""Read API of the catalog: categories, product search and detail, reviews, autocomplete.

Views only parse the query string, call one selector and serialize the result, so the API shows
exactly what the website shows. Query parameters of the product list are validated by the same
`ProductSearchForm` as the pages; here any invalid one is a 400 instead of being ignored.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    INVALID_PAGE_EXAMPLE,
    THROTTLED_RESPONSE,
    StorefrontPagination,
    error_example,
    error_response,
)
from shop import selectors
from shop.filters import PRICE_BANDS, SORT_CHOICES, ProductSearchForm
from shop.serializers import (
    AutocompleteQuerySerializer,
    AutocompleteResponseSerializer,
    CategoryDetailSerializer,
    CategorySerializer,
    ProductDetailSerializer,
    ProductSearchResponseSerializer,
    ReviewSerializer,
)

# Slugs as Django's SlugField accepts them; any other path segment falls through to `UnknownEndpointView`.
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


class CategoryViewSet(viewsets.ViewSet):
    """The category tree. Not paginated: clients need the whole tree to show navigation."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    @extend_schema(
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
    def list(self, request):
        categories = selectors.category_tree()
        return Response(CategorySerializer(categories, many=True, context={"request": request}).data)

    @extend_schema(
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
    def retrieve(self, request, slug):
        category = selectors.category_detail(slug=slug)
        return Response(CategoryDetailSerializer(category, context={"request": request}).data)


# A plain ViewSet, not a GenericViewSet: the selectors do the querying, and the browsable API would
# ask a generic view for its queryset to build a filter form.
class ProductViewSet(viewsets.ViewSet):
    """Product search, detail and reviews."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    pagination_class = StorefrontPagination

    @extend_schema(
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
                            {"key": str(n), "label": f"{n} stars & up", "count": 1, "selected": False}
                            for n in (4, 3, 2, 1)
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
    def list(self, request):
        form = ProductSearchForm(request.query_params)
        if not form.is_valid():
            raise DjangoValidationError(form.errors.as_data())
        paginator = self.pagination_class()
        page, page_size = paginator.page_params(request)
        result = selectors.product_search(filters=form.to_filters(), page=page, page_size=page_size)
        paginator.use_page(result.page, request)
        body = {
            "count": result.total,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": result.products,
            "facets": result.facets,
            "query_used": result.query_used,
            "corrected_from": result.corrected_from,
            "suggestions": result.suggestions,
        }
        return Response(ProductSearchResponseSerializer(body, context={"request": request}).data)

    @extend_schema(
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
    def retrieve(self, request, slug):
        product = selectors.product_detail(slug=slug)
        context = {"request": request, "rating_distribution": selectors.product_rating_distribution(product=product)}
        return Response(ProductDetailSerializer(product, context=context).data)

    @extend_schema(
        summary="List a product's reviews",
        description="Published reviews, newest first.",
        parameters=[PRODUCT_SLUG],
        responses={
            200: ReviewSerializer(many=True),
            400: error_response("Invalid `page` or `page_size`.", INVALID_PAGE_EXAMPLE),
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
    @action(detail=True, methods=["get"])
    def reviews(self, request, slug):
        product = selectors.product_get(slug=slug)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.review_list(product=product), request, view=self)
        return paginator.get_paginated_response(ReviewSerializer(page, many=True).data)


class AutocompleteView(APIView):
    @extend_schema(
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
    def get(self, request):
        params = AutocompleteQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        suggestions = selectors.search_autocomplete(prefix=params.validated_data["q"])
        return Response(AutocompleteResponseSerializer({"results": suggestions}, context={"request": request}).data)


@extend_schema(exclude=True)
class UnknownEndpointView(APIView):
    """Any other path under the API: a 404 in the API's error shape instead of the website's HTML page."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("No such endpoint.")
