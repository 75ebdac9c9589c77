"""Catalog API: categories, product search and detail, reviews, autocomplete; plus the shopper's
writes here: reviewing bought products, helpful votes and the wishlist.

Views only parse the request, call one selector or service and serialize the result, so the API
shows and does exactly what the website does. Query parameters of the product list are validated
by the same `ProductSearchForm` as the pages; here any invalid one is a 400 instead of being ignored.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import StorefrontPagination
from events.models import Interaction
from shop import api_docs, selectors, services
from shop.api_docs import SLUG_REGEX
from shop.filters import ProductSearchForm
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


class CategoryViewSet(viewsets.ViewSet):
    """The category tree. Not paginated: clients need the whole tree to show navigation."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    @api_docs.category_list
    def list(self, request):
        categories = selectors.category_tree()
        return Response(CategorySerializer(categories, many=True, context={"request": request}).data)

    @api_docs.category_retrieve
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

    @api_docs.product_list
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

    @api_docs.product_retrieve
    def retrieve(self, request, slug):
        product = selectors.product_detail(slug=slug)
        context = {"request": request, "rating_distribution": selectors.product_rating_distribution(product=product)}
        return Response(ProductDetailSerializer(product, context=context).data)

    @api_docs.product_reviews
    @action(detail=True, methods=["get"])
    def reviews(self, request, slug):
        params = ReviewListQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        product = selectors.product_get(slug=slug)
        paginator = self.pagination_class()
        reviews = selectors.review_list(product=product, **params.validated_data).select_related("sentiment")
        page = paginator.paginate_queryset(reviews, request, view=self)
        return paginator.get_paginated_response(ReviewSerializer(page, many=True).data)

    @api_docs.product_review_create
    @reviews.mapping.post
    def review_create(self, request, slug):
        data = ReviewWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = selectors.product_get(slug=slug)
        review = services.review_create(
            user=request.user, product=product, source=Interaction.Source.API, **data.validated_data
        )
        return Response(OwnReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewViewSet(viewsets.ViewSet):
    """Customers' own reviews: edit one, or vote someone else's review helpful."""

    permission_classes = [IsAuthenticated]
    # At most 18 digits so that every id fits PostgreSQL's bigint; anything else is the API's JSON 404.
    lookup_value_regex = "[0-9]{1,18}"

    @api_docs.review_partial_update
    def partial_update(self, request, pk):
        data = ReviewWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        review = selectors.review_get_own(review_id=int(pk), user=request.user)
        review = services.review_update(review=review, user=request.user, **data.validated_data)
        return Response(OwnReviewSerializer(review).data)

    @api_docs.review_helpful
    @action(detail=True, methods=["post"])
    def helpful(self, request, pk):
        review = selectors.review_get_published(review_id=int(pk))
        review = services.review_vote_helpful(review=review, user=request.user)
        return Response(ReviewHelpfulSerializer(review).data)


class WishlistViewSet(viewsets.ViewSet):
    """The signed-in customer's wishlist."""

    permission_classes = [IsAuthenticated]
    lookup_field = "product_slug"
    lookup_value_regex = SLUG_REGEX
    pagination_class = StorefrontPagination

    @api_docs.wishlist_list
    def list(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.wishlist_for_user(user=request.user), request, view=self)
        return paginator.get_paginated_response(
            WishlistItemSerializer(page, many=True, context={"request": request}).data
        )

    @api_docs.wishlist_create
    def create(self, request):
        data = WishlistAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        product = selectors.product_get(slug=data.validated_data["product"])
        _item, created = services.wishlist_add(user=request.user, product=product, source=Interaction.Source.API)
        item = selectors.wishlist_for_user(user=request.user).get(pk=product.pk)
        return Response(
            WishlistItemSerializer(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @api_docs.wishlist_destroy
    def destroy(self, request, product_slug):
        services.wishlist_remove(user=request.user, product=selectors.product_get(slug=product_slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AutocompleteView(APIView):
    @api_docs.autocomplete_get
    def get(self, request):
        params = AutocompleteQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        suggestions = selectors.search_autocomplete(prefix=params.validated_data["q"])
        return Response(AutocompleteResponseSerializer({"results": suggestions}, context={"request": request}).data)
