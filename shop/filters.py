"""Query-string parsing for catalog listings, shared by the pages and the API.

A plain Django form rather than a django-filter FilterSet: the search selector needs the parsed
filters as data (facets are counted with "every filter but the facet's own", and the query text
drives ranking and typo correction), not as a pre-filtered queryset.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator

SORT_CHOICES = [
    ("relevance", "Best match"),
    ("popularity", "Best selling"),
    ("price", "Price: low to high"),
    ("-price", "Price: high to low"),
    ("newest", "Newest"),
    ("rating", "Top rated"),
]

# Price bands shown as a facet: (key, label, low inclusive, high exclusive).
PRICE_BANDS = [
    ("0-25", "Under 25", Decimal("0"), Decimal("25")),
    ("25-50", "25 to 50", Decimal("25"), Decimal("50")),
    ("50-100", "50 to 100", Decimal("50"), Decimal("100")),
    ("100-250", "100 to 250", Decimal("100"), Decimal("250")),
    ("250-", "250 and over", Decimal("250"), None),
]
PRICE_BAND_BY_KEY = {key: (low, high) for key, _label, low, high in PRICE_BANDS}

_slug = RegexValidator(r"^[-a-z0-9_]+$", "Use lowercase letters, digits and hyphens only.")


class SlugListField(forms.Field):
    """A repeatable query parameter (`?brand=a&brand=b`, or `?brand=a,b`) of slugs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        slugs = [part.strip() for item in values for part in str(item).split(",") if part.strip()]
        if len(slugs) > 20:
            raise forms.ValidationError("At most 20 values.")
        for slug in slugs:
            _slug(slug)
        return tuple(dict.fromkeys(slugs))


class QueryFlagInput(forms.CheckboxInput):
    """A checkbox read from a query string, where "0", "false", "no" and "off" mean unticked.

    Django's CheckboxInput counts every value but "false" as ticked, so `?in_stock=0` would mean
    "in stock only" to an API client.
    """

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            return value.strip().lower() not in {"", "0", "false", "no", "off"}
        return bool(value)


@dataclass(frozen=True)
class ProductFilters:
    query: str = ""
    category: str = ""
    brands: tuple[str, ...] = ()
    price_band: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    rating_min: int | None = None
    in_stock: bool = False
    sort: str = ""

    def without(self, *names: str) -> "ProductFilters":
        """The same filters with some reset, for counting a facet against the others."""
        defaults = ProductFilters()
        return replace(self, **{name: getattr(defaults, name) for name in names})


class ProductSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, strip=True)
    search = forms.CharField(required=False, max_length=200, strip=True, help_text="Alias of q.")
    category = forms.CharField(required=False, max_length=140, validators=[_slug])
    brand = SlugListField(required=False)
    price = forms.ChoiceField(required=False, choices=[("", "Any")] + [(b[0], b[1]) for b in PRICE_BANDS])
    price_min = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    price_max = forms.DecimalField(required=False, min_value=0, max_digits=12, decimal_places=2)
    rating = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any")] + [(str(n), f"{n} stars & up") for n in (4, 3, 2, 1)],
    )
    in_stock = forms.BooleanField(required=False, widget=QueryFlagInput)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", "Must not be lower than price_min.")
        return cleaned

    def to_filters(self, *, category: str = "") -> ProductFilters:
        """The valid parameters as filters; invalid ones are left out (pages ignore them, the API
        rejects the request before calling this)."""
        data = self.cleaned_data
        return ProductFilters(
            query=data.get("q") or data.get("search") or "",
            category=category or data.get("category") or "",
            brands=data.get("brand") or (),
            price_band=data.get("price") or "",
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            rating_min=data.get("rating"),
            in_stock=data.get("in_stock") or False,
            sort=data.get("sort") or "",
        )
