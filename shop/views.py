"""Storefront pages: home, category listing, search, product detail and error pages.

Views only parse input, call one selector or service and render. Bad query parameters never fail a
listing: the invalid ones are dropped and the page says so.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.forms.utils import pretty_name
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template import loader
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import ApplicationError, NotFoundError
from core.middleware import unavailable_response_for_current_error
from core.page_cache import page_cache_serve
from events.models import Interaction
from events.services import interaction_record_from_request
from shop import extensions, selectors, services
from shop.filters import PRICE_BANDS, SORT_CHOICES, ProductFilters, ProductSearchForm
from shop.models import MAX_LINE_QUANTITY, Product, Variant

PAGE_SIZES = (24, 48, 96)
REVIEWS_SHOWN = 10


class ListingPageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1)
    per_page = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=PAGE_SIZES[0], choices=[(str(n), str(n)) for n in PAGE_SIZES]
    )


class ReviewListForm(forms.Form):
    """The product page's review list options; an invalid one falls back to its default."""

    sort = forms.ChoiceField(required=False, choices=selectors.REVIEW_SORT_CHOICES)
    rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[(str(n), str(n)) for n in range(1, 6)]
    )
    page = forms.IntegerField(required=False, min_value=1)


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{settings.SHOP_CURRENCY_SYMBOL}{floatformat(amount, '2g')}"


# --- Home --------------------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    def render_page(request):
        context = {
            "featured_categories": selectors.category_featured(),
            "new_arrivals": selectors.product_new_arrivals(limit=8),
            "best_sellers": selectors.product_best_sellers(limit=8),
        }
        return render(request, "shop/home.html", context), {}

    response, _ = page_cache_serve(request, render_page)
    return response


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
    def render_page(request):
        context = _listing_context(request, category_slug=slug)
        result = context["result"]
        context["category"] = result.category
        context["breadcrumbs"] = selectors.category_breadcrumbs(category=result.category)
        context["active_category"] = context["breadcrumbs"][0].slug
        return render(request, "shop/category.html", context), {}

    response, _ = page_cache_serve(request, render_page)
    return response


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    def render_page(request):
        context = _listing_context(request)
        result, filters = context["result"], context["filters"]
        first_page = context["page_obj"].number == 1
        searched = {"query": filters.query if first_page else "", "result_count": result.total}
        return render(request, "shop/search.html", context), searched

    response, searched = page_cache_serve(request, render_page)
    if searched["query"]:  # recorded on cache hits too: every search counts
        interaction_record_from_request(request=request, kind=Interaction.Kind.SEARCH, **searched)
    return response


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
                "max_quantity": min(variant.stock_quantity, MAX_LINE_QUANTITY),
            }
        )
    option_groups = [{"name": name, "values": values} for name, values in groups.items()]
    # A group is only a usable picker when every variant names a value in it.
    if any(len(entry["options"]) != len(option_groups) for entry in data):
        option_groups = []
    return option_groups, data


@require_safe
def product(request: HttpRequest, slug: str) -> HttpResponse:
    def render_page(request):
        try:
            item: Product = selectors.product_detail(slug=slug)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc
        variants = list(item.variants.all())
        selected = next((v for v in variants if v.stock_quantity > 0), variants[0] if variants else None)
        option_groups, variant_data = _variant_picker(variants)
        distribution = selectors.product_rating_distribution(product=item)
        # The average and count shop.services keeps on the product (product_rating_refresh).
        review_count = item.rating_count
        rating_average = item.rating_avg.quantize(Decimal("0.1")) if review_count else None
        breadcrumbs = selectors.category_breadcrumbs(category=item.category)
        review_options = ReviewListForm(request.GET)
        review_options.is_valid()
        review_sort = review_options.cleaned_data.get("sort") or "newest"
        review_rating = review_options.cleaned_data.get("rating")
        review_page = selectors.review_page(
            product=item,
            distribution=distribution,
            sort=review_sort,
            rating=review_rating,
            page=review_options.cleaned_data.get("page") or 1,
            page_size=REVIEWS_SHOWN,
        )
        # What other apps add (shop.extensions): sentiment's summary, aspects and ?sentiment= / ?aspect= filters.
        sections = extensions.product_page_sections(product=item, query=request.GET, page_size=REVIEWS_SHOWN)
        context = {
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
            "reviews": review_page.reviews,
            "review_page": review_page,
            "review_sort": review_sort,
            "review_rating": review_rating,
            "review_sort_choices": selectors.REVIEW_SORT_CHOICES,
            "review_page_urls": _review_page_urls(review_page, sort=review_sort, rating=review_rating),
            "max_quantity": MAX_LINE_QUANTITY,
            **sections,
        }
        shown_reviews = [review.pk for review in context["reviews"]]  # a section may filter them
        return render(request, "shop/product.html", context), {"product_id": item.pk, "review_ids": shown_reviews}

    def viewer(request, page_data):
        """The visitor's wishlist, review and helpful-vote state for the page's personal fragments."""
        state = selectors.product_viewer_state(
            product_id=page_data["product_id"], user=request.user, review_ids=page_data["review_ids"]
        )
        return {"viewer": state}

    response, viewed = page_cache_serve(request, render_page, personal=viewer)
    # Recorded on cache hits too: the page cache must not hide views from recommendations.
    interaction_record_from_request(request=request, kind=Interaction.Kind.VIEW, product=viewed["product_id"])
    return response


# --- Reviews and wishlist ----------------------------------------------------------------------


def _review_page_urls(page: selectors.ReviewPage, *, sort: str, rating: int | None) -> dict[str, str]:
    """Links to the previous and next page of reviews, keeping the chosen order and star filter."""
    query = QueryDict(mutable=True)
    if sort != "newest":
        query["sort"] = sort
    if rating:
        query["rating"] = str(rating)
    urls = {}
    for name, number in (("previous", page.number - 1), ("next", page.number + 1)):
        if 1 <= number <= page.num_pages:
            query["page"] = str(number)
            urls[name] = f"?{query.urlencode()}#reviews"
    return urls


def _next_url(request: HttpRequest, fallback: str) -> str:
    """The POSTed `next` when it is a path on this site, else `fallback` (no open redirects)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _apply_errors(form: forms.Form, error: ApplicationError) -> None:
    """A service's field errors onto the form's fields; any other error as a form-wide error."""
    fields = {name: errors for name, errors in error.details.items() if name in form.fields}
    for name, field_messages in fields.items():
        form.add_error(name, field_messages)
    if not fields:
        form.add_error(None, error.message)


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[(str(n), f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5 stars."},
    )
    title = forms.CharField(max_length=services.REVIEW_TITLE_MAX_LENGTH)
    body = forms.CharField(
        label="Your review", max_length=services.REVIEW_BODY_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Write a review of a bought product, or edit one's review of it."""
    try:
        item = selectors.product_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    review = selectors.review_for_author(product=item, user=request.user)
    if review is None and not selectors.review_verified_buyer(user=request.user, product=item):
        return render(request, "shop/review_form.html", {"product": item, "not_allowed": True}, status=403)
    initial = {"rating": review.rating, "title": review.title, "body": review.body} if review else None
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            if review is None:
                review = services.review_create(user=request.user, product=item, **form.cleaned_data)
                messages.success(request, "Thank you! Your review is published.")
            else:
                services.review_update(review=review, user=request.user, **form.cleaned_data)
                messages.success(request, "Your review was updated.")
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            return redirect(f"{item.get_absolute_url()}#review-{review.pk}")
    return render(request, "shop/review_form.html", {"product": item, "review": review, "form": form})


@require_POST
def review_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote a review helpful; anonymous visitors are sent to sign in first."""
    try:
        review = selectors.review_get_published(review_id=pk)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    back = _next_url(request, f"{review.product.get_absolute_url()}#review-{review.pk}")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        services.review_vote_helpful(review=review, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thanks for your feedback.")
    return redirect(back)


WISHLIST_PAGE_SIZE = 48


@login_required
@require_safe
def wishlist(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.wishlist_for_user(user=request.user), WISHLIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "shop/wishlist.html", {"page_obj": page, "products": list(page.object_list)})


@require_POST
def wishlist_add(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.product_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    back = _next_url(request, item.get_absolute_url())
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    services.wishlist_add(user=request.user, product=item)
    messages.success(request, f"Saved to your wishlist: {item.name}.")
    return redirect(back)


@require_POST
def wishlist_remove(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.product_get(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    back = _next_url(request, reverse("shop:wishlist"))
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    services.wishlist_remove(user=request.user, product=item)
    messages.success(request, f"Removed from your wishlist: {item.name}.")
    return redirect(back)


# --- Errors ------------------------------------------------------------------------------------


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without a request context: no context processors, so no database access.
    A database outage is a 503 instead (core.middleware), whichever layer met it."""
    return unavailable_response_for_current_error(request) or HttpResponse(
        loader.render_to_string("500.html"), status=500
    )
