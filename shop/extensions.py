"""Extension points of the catalogue: what higher apps add to its product page, its review API and its
rules, registered in their AppConfig.ready.

`shop` sits below orders, sentiment and the other apps that know more about a product than the
catalogue does, so it cannot import them; they plug in here instead:

- `product_page_section_register`: extra template context for the product page (sentiment adds its
  summary, aspect chips and review filters);
- `review_field_register`: an extra read-only field on each review in the API (sentiment adds
  `sentiment`);
- `verified_purchases_register`: the query that tells whether a customer bought a product, which
  makes them a verified buyer who may review it (orders provides it).
"""

from collections.abc import Callable
from typing import Protocol

from django.db.models import QuerySet
from django.http import QueryDict
from rest_framework import serializers


class ProductPageSection(Protocol):
    def __call__(self, *, product, query: QueryDict, page_size: int) -> dict: ...


class VerifiedPurchases(Protocol):
    def __call__(self, *, user, product) -> QuerySet: ...


_product_page_sections: list[ProductPageSection] = []
_review_fields: dict[str, Callable[[], serializers.Field]] = {}
_verified_purchases: list[VerifiedPurchases] = []


def product_page_section_register(section: ProductPageSection) -> None:
    """Add a function whose dict joins the product page's template context (not personal: the page is cached)."""
    if section not in _product_page_sections:
        _product_page_sections.append(section)


def product_page_sections(*, product, query: QueryDict, page_size: int) -> dict:
    """The registered sections' context for one product page, merged in registration order."""
    context: dict = {}
    for section in _product_page_sections:
        context.update(section(product=product, query=query, page_size=page_size))
    return context


def review_field_register(name: str, field: Callable[[], serializers.Field]) -> None:
    """Add a read-only field `name` to every review in the API; `field()` builds a fresh serializer field."""
    _review_fields[name] = field


def review_fields() -> dict[str, serializers.Field]:
    """Fresh instances of the registered review fields, for ReviewSerializer.get_fields."""
    return {name: field() for name, field in _review_fields.items()}


def verified_purchases_register(source: VerifiedPurchases) -> None:
    """Set the query of what a customer bought of a product (one source: the orders app)."""
    _verified_purchases[:] = [source]


def verified_purchases(*, user, product) -> QuerySet | None:
    """The customer's purchases of the product that make them a verified buyer; None when no app provides them."""
    return _verified_purchases[0](user=user, product=product) if _verified_purchases else None
