"""Storefront pages: home, category listing, search, product detail, the session cart and error pages.

Views only parse input, call one selector or service and render. Bad query parameters never fail a
listing: the invalid ones are dropped and the page says so.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.forms.utils import pretty_name
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template import loader
from django.template.defaultfilters import floatformat
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from core.errors import ApplicationError, NotFoundError
from events.models import Interaction
from events.services import interaction_record_from_request
from shop import cart as shop_cart
from shop import selectors
from shop.filters import PRICE_BANDS, SORT_CHOICES, ProductFilters, ProductSearchForm
from shop.models import Product, Variant

PAGE_SIZES = (24, 48, 96)
REVIEWS_SHOWN = 10


class ListingPageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1)
    per_page = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=PAGE_SIZES[0], choices=[(str(n), str(n)) for n in PAGE_SIZES]
    )


class CartLineForm(forms.Form):
    variant = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(min_value=0, max_value=shop_cart.MAX_LINE_QUANTITY)


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{settings.SHOP_CURRENCY_SYMBOL}{floatformat(amount, '2g')}"


# --- Home --------------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/home.html",
        {
            "featured_categories": selectors.category_featured(),
            "new_arrivals": selectors.product_new_arrivals(limit=8),
            "best_sellers": selectors.product_best_sellers(limit=8),
        },
    )


# --- Listings ----------------------------------------------------------------------------------


def _price_band_labels() -> dict[str, str]:
    symbol = settings.SHOP_CURRENCY_SYMBOL
    labels = {}
    for key, _label, low, high in PRICE_BANDS:
        if not low:
            labels[key] = f"Under {symbol}{high}"
        elif high is None:
            labels[key] = f"{symbol}{low} and over"
        else:
            labels[key] = f"{symbol}{low} to {symbol}{high}"
    return labels


def _url_without(params: QueryDict, key: str, keep: list[str] | None = None) -> str:
    """The current query string without one parameter (or with only `keep` of its values), page reset."""
    query = params.copy()
    query.pop("page", None)
    if keep:
        query.setlist(key, keep)
    else:
        query.pop(key, None)
    return f"?{query.urlencode()}" if query else "?"


def _filter_chips(params: QueryDict, filters: ProductFilters, result: selectors.SearchResult, *, on_search: bool):
    """The applied filters as removable chips: a label and the URL without that filter."""
    brand_names = {facet.key: facet.label for facet in result.facets.get("brand", [])}
    chips = []
    if on_search and result.category is not None:
        chips.append({"label": result.category.name, "url": _url_without(params, "category")})
    for slug in filters.brands:
        rest = [other for other in filters.brands if other != slug]
        chips.append({"label": brand_names.get(slug, slug), "url": _url_without(params, "brand", rest)})
    if filters.price_band:
        label = next(facet.label for facet in result.facets["price"] if facet.key == filters.price_band)
        chips.append({"label": label, "url": _url_without(params, "price")})
    if filters.price_min is not None:
        chips.append({"label": f"From {_money(filters.price_min)}", "url": _url_without(params, "price_min")})
    if filters.price_max is not None:
        chips.append({"label": f"Up to {_money(filters.price_max)}", "url": _url_without(params, "price_max")})
    if filters.rating_min:
        chips.append({"label": f"{filters.rating_min} stars & up", "url": _url_without(params, "rating")})
    if filters.in_stock:
        chips.append({"label": "In stock", "url": _url_without(params, "in_stock")})
    return chips


def _listing_context(request: HttpRequest, *, category_slug: str = "") -> dict:
    """Parse the listing's query string, run the search and build everything the template shows.

    Raises Http404 for an unknown category or a page past the end.
    """
    search_form = ProductSearchForm(request.GET)
    page_form = ListingPageForm(request.GET)
    search_form.is_valid()
    page_form.is_valid()
    ignored = [pretty_name(name) for name in [*search_form.errors, *page_form.errors] if name != "__all__"]
    filters = search_form.to_filters(category=category_slug)
    page_number = page_form.cleaned_data.get("page") or 1
    per_page = page_form.cleaned_data.get("per_page") or PAGE_SIZES[0]
    try:
        result = selectors.product_search(filters=filters, page=page_number, page_size=per_page)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc

    price_labels = _price_band_labels()
    for facet in result.facets.get("price", []):
        facet.label = price_labels[facet.key]
    page = result.page
    on_search = not category_slug
    sort_choices = [choice for choice in SORT_CHOICES if filters.query or choice[0] != "relevance"]
    return {
        "result": result,
        "filters": filters,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "products": result.products,
        "facets": result.facets,
        "chips": _filter_chips(request.GET, filters, result, on_search=on_search),
        "ignored_params": ignored,
        "sort_choices": sort_choices,
        "current_sort": filters.sort or ("relevance" if filters.query else "popularity"),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "search_query": filters.query,
        "on_search": on_search,
    }


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    context = _listing_context(request, category_slug=slug)
    result = context["result"]
    context["category"] = result.category
    context["breadcrumbs"] = selectors.category_breadcrumbs(category=result.category)
    context["active_category"] = context["breadcrumbs"][0].slug
    return render(request, "shop/category.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    context = _listing_context(request)
    result, filters = context["result"], context["filters"]
    if filters.query and context["page_obj"].number == 1:
        interaction_record_from_request(
            request=request, kind=Interaction.Kind.SEARCH, query=filters.query, result_count=result.total
        )
    return render(request, "shop/search.html", context)


@require_safe
@cache_control(max_age=60)
def autocomplete(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"results": selectors.search_autocomplete(prefix=request.GET.get("q", ""))})


# --- Product -----------------------------------------------------------------------------------


def _stock_state(variant: Variant) -> tuple[str, str]:
    """The variant's stock status (in_stock, low_stock, out_of_stock) and its label for shoppers."""
    status = selectors.variant_stock_status(variant=variant)
    labels = {
        "in_stock": "In stock",
        "low_stock": f"Only {variant.stock_quantity} left",
        "out_of_stock": "Out of stock",
    }
    return status, labels[status]


def _variant_picker(variants: list[Variant]) -> tuple[list[dict], list[dict]]:
    """Option groups (e.g. Size: S, M, L) in first-seen order, and per-variant data for the picker."""
    groups: dict[str, list[str]] = {}
    data = []
    for variant in variants:
        options = {str(name): str(value) for name, value in (variant.option_values or {}).items()}
        for name, value in options.items():
            values = groups.setdefault(name, [])
            if value not in values:
                values.append(value)
        state, label = _stock_state(variant)
        data.append(
            {
                "id": variant.pk,
                "options": options,
                "price": _money(variant.price),
                "compare_at": _money(variant.compare_at_price) if variant.is_on_sale else "",
                "stock_state": state,
                "stock_label": label,
                "max_quantity": min(variant.stock_quantity, shop_cart.MAX_LINE_QUANTITY),
            }
        )
    option_groups = [{"name": name, "values": values} for name, values in groups.items()]
    # A group is only a usable picker when every variant names a value in it.
    if any(len(entry["options"]) != len(option_groups) for entry in data):
        option_groups = []
    return option_groups, data


@require_safe
def product(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item: Product = selectors.product_detail(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    variants = list(item.variants.all())
    selected = next((v for v in variants if v.stock_quantity > 0), variants[0] if variants else None)
    option_groups, variant_data = _variant_picker(variants)
    distribution = selectors.product_rating_distribution(product=item)
    review_count = sum(count for _stars, count in distribution)
    rating_average = (
        (Decimal(sum(stars * count for stars, count in distribution)) / review_count).quantize(Decimal("0.1"))
        if review_count
        else None
    )
    breadcrumbs = selectors.category_breadcrumbs(category=item.category)
    interaction_record_from_request(request=request, kind=Interaction.Kind.VIEW, product=item)
    return render(
        request,
        "shop/product.html",
        {
            "product": item,
            "images": list(item.images.all()),
            "variants": variants,
            "selected_variant": selected,
            "selected_state": _stock_state(selected) if selected else ("out_of_stock", "Currently unavailable"),
            "option_groups": option_groups,
            "variant_data": variant_data,
            "attributes": list(item.attribute_values.all()),
            "breadcrumbs": breadcrumbs,
            "active_category": breadcrumbs[0].slug if breadcrumbs else "",
            "distribution": distribution,
            "review_count": review_count,
            "rating_average": rating_average,
            "reviews": list(selectors.review_list(product=item)[:REVIEWS_SHOWN]),
            "max_quantity": shop_cart.MAX_LINE_QUANTITY,
        },
    )


# --- Cart --------------------------------------------------------------------------------------


@require_safe
def cart(request: HttpRequest) -> HttpResponse:
    lines = shop_cart.cart_lines(session=request.session)
    return render(
        request,
        "shop/cart.html",
        {
            "lines": lines,
            "item_count": sum(line.quantity for line in lines),
            "subtotal": sum((line.line_total for line in lines), Decimal("0.00")),
        },
    )


def _form_error_message(form: forms.Form) -> str:
    return " ".join(f"{pretty_name(field)}: {' '.join(errors)}" for field, errors in form.errors.items())


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_message(form))
        return redirect("shop:cart")
    quantity = form.cleaned_data["quantity"]
    try:
        variant = shop_cart.cart_add(
            session=request.session, variant_id=form.cleaned_data["variant"], quantity=quantity
        )
    except NotFoundError as exc:
        messages.error(request, exc.message)
        return redirect("shop:cart")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back_to_product(form.cleaned_data["variant"])
    interaction_record_from_request(
        request=request, kind=Interaction.Kind.ADD_TO_CART, variant=variant, quantity=quantity, price=variant.price
    )
    label = f"{variant.product.name} ({variant.name})" if variant.name else variant.product.name
    messages.success(request, f"Added to your cart: {label}, quantity {quantity}.")
    return redirect(variant.product.get_absolute_url())


def _back_to_product(variant_id: int) -> HttpResponse:
    slug = Variant.objects.filter(pk=variant_id).values_list("product__slug", flat=True).first()
    return redirect("shop:product", slug=slug) if slug else redirect("shop:cart")


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error_message(form))
        return redirect("shop:cart")
    quantity = form.cleaned_data["quantity"]
    try:
        variant, previous = shop_cart.cart_update(
            session=request.session, variant_id=form.cleaned_data["variant"], quantity=quantity
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("shop:cart")
    if variant is not None and quantity != previous:
        interaction_record_from_request(
            request=request,
            kind=Interaction.Kind.ADD_TO_CART if quantity > previous else Interaction.Kind.REMOVE_FROM_CART,
            variant=variant,
            quantity=abs(quantity - previous),
            price=variant.price,
        )
    messages.success(request, "Removed the item from your cart." if quantity == 0 else "Your cart was updated.")
    return redirect("shop:cart")


# --- Errors ------------------------------------------------------------------------------------


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without a request context: no context processors, so no database access."""
    return HttpResponse(loader.render_to_string("500.html"), status=500)
