"""Routes of the catalog API, mounted at /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from shop import api

router = DefaultRouter()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("products", api.ProductViewSet, basename="product")
router.register("reviews", api.ReviewViewSet, basename="review")
router.register("wishlist", api.WishlistViewSet, basename="wishlist")

urlpatterns = [
    *router.urls,
    path("search/autocomplete/", api.AutocompleteView.as_view(), name="search-autocomplete"),
]
