"""Read-side queries of the catalog, shared by pages, API and admin."""

from django.core.cache import cache

from shop.models import Category


def category_navigation() -> list[Category]:
    """Top-level categories for the site header, cached because every page shows them."""
    categories = cache.get("shop:nav-categories")
    if categories is None:
        categories = list(Category.objects.filter(parent__isnull=True).only("name", "slug", "path"))
        cache.set("shop:nav-categories", categories, 300)
    return categories
