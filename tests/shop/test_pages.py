"""Storefront pages: content, facets, bad parameters, 404/500, escaping, interaction events and query counts."""

import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import RequestFactory

from events.models import Interaction
from events.services import interactions_flush
from shop import views
from shop.models import Product
from tests.factories import AttributeFactory, BrandFactory, CategoryFactory, VariantFactory

pytestmark = pytest.mark.django_db

# Query budgets, measured with an empty cache (the header's category list costs one query until it
# is cached). They must not grow with the catalog or page size; see test_*_queries_are_bounded.
HOME_QUERIES = 4  # navigation, featured categories, new arrivals, best sellers
LISTING_QUERIES = 11  # navigation, category + children, count, page, 5 facets, breadcrumbs
SEARCH_QUERIES = 10  # exists, typo correction (2), count, page, 5 facets
PRODUCT_QUERIES = 9  # navigation, product + 3 prefetches, breadcrumbs, rating distribution, reviews, sentiment


def text(response) -> str:
    return response.content.decode()


def product_cards(html: str) -> list[str]:
    """Product names in the order of the cards on the page."""
    return re.findall(r'<h3 class="product-card-title">(.*?)</h3>', html)


@pytest.fixture
def shop(make_product):
    """Audio > Headphones and Kitchen (featured), two brands, a product on sale and one sold out."""
    audio = CategoryFactory(name="Audio", slug="audio", is_featured=True, position=1, description="Hear it all.")
    headphones = CategoryFactory(name="Headphones", slug="headphones", parent=audio)
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", is_featured=True, position=2)
    sonic = BrandFactory(name="Sonic", slug="sonic")
    acme = BrandFactory(name="Acme", slug="acme")
    return {
        "studio": make_product(
            name="Studio Headphones",
            slug="studio-headphones",
            category=headphones,
            brand=sonic,
            price="149.00",
            compare_at="199.00",
            ratings=(5, 4),
            popularity=30,
            images=2,
        ),
        "travel": make_product(
            name="Travel Headphones", slug="travel-headphones", category=headphones, brand=acme, price="39.00"
        ),
        "speaker": make_product(
            name="Desk Speaker", slug="desk-speaker", category=audio, brand=sonic, price="79.00", stock=0, popularity=90
        ),
        "kettle": make_product(name="Steel Kettle", slug="steel-kettle", category=kitchen, brand=acme, price="24.50"),
    }


# --- Home ----------------------------------------------------------------------------------------


def test_home_shows_featured_categories_new_arrivals_and_best_sellers(client, shop):
    response = client.get("/")

    html = text(response)
    assert response.status_code == 200
    assert '<a class="category-tile" href="/c/audio/">' in html
    assert '<a class="category-tile" href="/c/kitchen/">' in html
    assert product_cards(html)[:4] == ["Steel Kettle", "Desk Speaker", "Travel Headphones", "Studio Headphones"]
    # Best sellers: in stock only, by popularity.
    assert product_cards(html)[4:] == ["Studio Headphones", "Travel Headphones", "Steel Kettle"]
    studio = shop["studio"].pk
    assert (
        f'srcset="/media/products/thumbs/{studio}-0-320.jpg 320w, /media/products/thumbs/{studio}-0-640.jpg 640w"'
        in html
    )
    assert '<span class="price-now">€149.00</span>' in html
    assert "€199.00</s>" in html
    assert html.count('<span class="badge badge-muted">Out of stock</span>') == 1
    assert '<span class="stars stars-9" aria-hidden="true"></span>' in html  # 4.5 stars


def test_header_shows_categories_search_box_and_empty_cart(client, shop):
    html = text(client.get("/"))

    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert '<li><a href="/c/audio/">Audio</a></li>' in html
    assert 'role="combobox"' in html
    assert 'data-autocomplete-url="/search/autocomplete/"' in html
    assert '<span class="cart-count is-empty" id="cart-count">0</span>' in html
    assert client.head("/").status_code == 200


PAGES = ["/", "/c/audio/", "/search/?q=headphones", "/search/?q=xylophone", "/p/studio-headphones/", "/cart/", "/nope/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style(client, shop, url):
    """The site runs under a Content-Security-Policy without 'unsafe-inline': JavaScript and CSS come
    from static files; the only <script> without src is the variant data, typed as JSON."""
    html = text(client.get(url))

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert all(" src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)


# --- Category ------------------------------------------------------------------------------------


def test_category_lists_its_subtree_with_facets_and_breadcrumbs(client, shop):
    response = client.get("/c/audio/")

    html = text(response)
    assert response.status_code == 200
    assert product_cards(html) == ["Desk Speaker", "Studio Headphones", "Travel Headphones"]
    assert '<p class="results-count" id="results-count">3 products</p>' in html
    assert '<a href="/c/headphones/">Headphones <span class="facet-count">2</span></a>' in html
    assert re.search(r'value="sonic"> <span>Sonic</span> <span class="facet-count">2</span>', html)
    assert re.search(r'value="25-50"> <span>€25 to €50</span> <span class="facet-count">1</span>', html)
    assert '<li><span aria-current="page">Audio</span></li>' in html


def test_category_filters_show_removable_chips(client, shop):
    response = client.get("/c/audio/", {"brand": ["sonic", "acme"], "price": "100-250", "in_stock": "1"})

    html = text(response)
    assert product_cards(html) == ["Studio Headphones"]
    assert '<a class="chip" href="?brand=acme&amp;price=100-250&amp;in_stock=1">Sonic' in html
    assert '<a class="chip" href="?brand=sonic&amp;price=100-250&amp;in_stock=1">Acme' in html
    assert re.search(r'value="acme" checked> <span>Acme</span> <span class="facet-count">0</span>', html)
    assert '<a class="chip" href="?brand=sonic&amp;brand=acme&amp;in_stock=1">€100 to €250' in html
    assert '<a class="chip" href="?brand=sonic&amp;brand=acme&amp;price=100-250">In stock' in html


def test_category_sorting_and_pagination_keep_the_query_string(client, make_product):
    category = CategoryFactory(slug="lamps")
    for n in range(30):
        make_product(name=f"Lamp {n:02d}", category=category, price=f"{10 + n}.00")

    first = text(client.get("/c/lamps/", {"sort": "-price", "in_stock": "1"}))
    second = text(client.get("/c/lamps/", {"sort": "-price", "in_stock": "1", "page": "2"}))

    assert product_cards(first)[:2] == ["Lamp 29", "Lamp 28"]
    assert len(product_cards(first)) == 24
    assert '<a class="page-link" href="?sort=-price&amp;in_stock=1&amp;page=2" rel="next">Next</a>' in first
    assert product_cards(second) == ["Lamp 05", "Lamp 04", "Lamp 03", "Lamp 02", "Lamp 01", "Lamp 00"]


@pytest.mark.parametrize(
    "params",
    [
        {"price_min": "abc"},
        {"page": "x"},
        {"page": "0"},
        {"sort": "bogus"},
        {"rating": "9"},
        {"brand": "<script>"},
        {"per_page": "1000"},
        {"price_max": "-5"},
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(client, shop, params):
    response = client.get("/c/audio/", params)

    html = text(response)
    assert response.status_code == 200
    assert "Some filters were not understood and have been ignored" in html
    assert product_cards(html) == ["Desk Speaker", "Studio Headphones", "Travel Headphones"]


@pytest.mark.parametrize("url", ["/c/nope/", "/c/audio/?page=2", "/p/nope/", "/no-such-page/"])
def test_unknown_pages_are_404_in_the_site_style(client, shop, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "We couldn't find that page" in text(response)
    assert '<li><a href="/c/audio/">Audio</a></li>' in text(response)


# --- Search --------------------------------------------------------------------------------------


def test_search_ranks_name_matches_first_and_records_the_search(client, shop):
    response = client.get("/search/", {"q": "headphones"})

    html = text(response)
    assert response.status_code == 200
    assert "<h1>Results for “headphones”</h1>" in html
    assert product_cards(html) == ["Studio Headphones", "Travel Headphones"]
    assert interactions_flush() == 1
    search = Interaction.objects.get()
    assert (search.kind, search.query, search.result_count) == ("search", "headphones", 2)


def test_search_corrects_typos_and_says_so(client, shop):
    html = text(client.get("/search/", {"q": "hedphones"}))

    assert "Showing results for <strong>headphones</strong> instead of <em>hedphones</em>." in html
    assert product_cards(html) == ["Studio Headphones", "Travel Headphones"]


def test_search_without_results_suggests_popular_products_and_tips(client, shop):
    html = text(client.get("/search/", {"q": "xylophone"}))

    assert "<h1>No results for “xylophone”</h1>" in html
    assert "Check the spelling" in html
    assert "Popular right now" in html
    assert product_cards(html) == ["Studio Headphones", "Travel Headphones", "Steel Kettle"]
    assert 'form="filter-form"' not in html


def test_search_category_facet_narrows_to_a_subtree(client, shop):
    html = text(client.get("/search/", {"category": "headphones", "sort": "price"}))
    assert product_cards(html) == ["Travel Headphones", "Studio Headphones"]
    assert '<a class="chip" href="?sort=price">Headphones' in html


def test_autocomplete_returns_json_suggestions(client, shop):
    response = client.get("/search/autocomplete/", {"q": "head"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert results[0] == {"type": "category", "label": "Headphones", "url": "/c/headphones/"}
    assert {r["label"] for r in results[1:]} == {"Studio Headphones", "Travel Headphones"}
    assert client.get("/search/autocomplete/", {"q": "h"}).json() == {"results": []}


# --- Product -------------------------------------------------------------------------------------


def test_product_page_shows_gallery_price_details_and_reviews(client, shop):
    product = shop["studio"]
    attribute = AttributeFactory(name="Weight", value_type="number", unit="g")
    product.attribute_values.create(attribute=attribute, value_number=Decimal("250"))

    response = client.get(f"/p/{product.slug}/")

    html = text(response)
    assert response.status_code == 200
    assert '<h1 id="product-title" class="product-title">Studio Headphones</h1>' in html
    assert f'src="/media/products/thumbs/{product.pk}-1-320.jpg"' in html
    assert f'href="/media/products/{product.pk}/{product.pk}-0.jpg"' in html
    assert '<span class="price-now" data-price>€149.00</span>' in html
    assert '<tr><th scope="row">Weight</th><td>250 g</td></tr>' in html
    assert '<span class="rating-average-value">4.5</span>' in html
    assert '<progress max="2" value="1" aria-label="5 stars: 1 review">1</progress>' in html
    assert '<progress max="2" value="0" aria-label="3 stars: 0 reviews">0</progress>' in html
    assert html.count('<li class="review">') == 2
    assert '<a href="/c/headphones/">Headphones</a>' in html


def test_product_variant_picker_data_and_stock_states(client, make_product):
    threshold = settings.SHOP_LOW_STOCK_THRESHOLD
    product = make_product(
        name="Tee",
        variants=[
            {"name": "S / Red", "option_values": {"Size": "S", "Colour": "Red"}, "price": "20.00", "stock_quantity": 0},
            {
                "name": "M / Red",
                "option_values": {"Size": "M", "Colour": "Red"},
                "price": "22.00",
                "stock_quantity": threshold,
            },
            {
                "name": "M / Blue",
                "option_values": {"Size": "M", "Colour": "Blue"},
                "price": "22.00",
                "compare_at_price": "30.00",
                "stock_quantity": 50,
            },
        ],
    )
    ids = list(product.variants.values_list("pk", flat=True))

    html = text(client.get(f"/p/{product.slug}/"))

    data = json.loads(re.search(r'<script id="variant-data" type="application/json">(.*?)</script>', html).group(1))
    assert data == [
        {
            "id": ids[0],
            "options": {"Size": "S", "Colour": "Red"},
            "price": "€20.00",
            "compare_at": "",
            "stock_state": "out_of_stock",
            "stock_label": "Out of stock",
            "max_quantity": 0,
        },
        {
            "id": ids[1],
            "options": {"Size": "M", "Colour": "Red"},
            "price": "€22.00",
            "compare_at": "",
            "stock_state": "low_stock",
            "stock_label": f"Only {threshold} left",
            "max_quantity": threshold,
        },
        {
            "id": ids[2],
            "options": {"Size": "M", "Colour": "Blue"},
            "price": "€22.00",
            "compare_at": "€30.00",
            "stock_state": "in_stock",
            "stock_label": "In stock",
            "max_quantity": 50,
        },
    ]
    # Without JavaScript: a select of variants, the first in-stock one chosen.
    assert f'<option value="{ids[1]}" selected>' in html
    assert f'<p class="stock stock-low_stock" id="stock-state" aria-live="polite">Only {threshold} left</p>' in html
    assert '<legend>Size: <span class="option-current" data-option-current="0"></span></legend>' in html
    assert '<input type="radio" name="option-1" value="Blue" data-option-name="Colour">' in html


def test_sold_out_product_disables_add_to_cart(client, shop):
    html = text(client.get("/p/desk-speaker/"))

    assert '<p class="stock stock-out_of_stock" id="stock-state" aria-live="polite">Out of stock</p>' in html
    assert re.search(r'id="add-to-cart" disabled>', html)


def test_product_view_is_recorded(client, shop):
    client.get("/p/studio-headphones/")

    assert interactions_flush() == 1
    view = Interaction.objects.get()
    assert (view.kind, view.product_id) == ("view", shop["studio"].pk)


def test_inactive_product_is_not_found(client, shop):
    Product.objects.filter(pk=shop["studio"].pk).update(is_active=False)

    assert client.get("/p/studio-headphones/").status_code == 404


def test_html_in_names_and_reviews_is_escaped(client, make_product):
    product = make_product(name="<b>Bold</b> Mug", slug="bold-mug", ratings=(4,))
    review = product.reviews.get()
    review.title = "<script>alert(1)</script>"
    review.body = "<img src=x onerror=alert(1)>"
    review.save()

    product_html = text(client.get("/p/bold-mug/"))
    home_html = text(client.get("/"))

    assert "<b>Bold</b>" not in product_html + home_html
    assert "&lt;b&gt;Bold&lt;/b&gt; Mug" in product_html
    assert "&lt;b&gt;Bold&lt;/b&gt; Mug" in home_html
    assert "<script>alert(1)</script>" not in product_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in product_html


# --- Error pages ---------------------------------------------------------------------------------


def test_server_error_page_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = views.server_error(request)

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# --- Query budgets -------------------------------------------------------------------------------


def test_home_queries_are_bounded(client, make_product, django_assert_max_num_queries):
    category = CategoryFactory(is_featured=True)
    for n in range(12):
        make_product(category=category, images=2, ratings=(4,), compare_at="29.00", popularity=n)

    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")

    assert len(product_cards(text(response))) == 16


@pytest.mark.parametrize("count", [5, 50])
def test_listing_queries_are_bounded(client, make_product, django_assert_max_num_queries, count):
    root = CategoryFactory(slug="home")
    child = CategoryFactory(parent=root)
    brands = BrandFactory.create_batch(3)
    for n in range(count):
        make_product(category=child, brand=brands[n % 3], images=2, ratings=(n % 5 + 1,), compare_at="99.00")

    with django_assert_max_num_queries(LISTING_QUERIES):
        response = client.get("/c/home/", {"per_page": "96", "brand": brands[0].slug})
    with django_assert_max_num_queries(SEARCH_QUERIES):
        search = client.get("/search/", {"q": "prodct", "per_page": "96"})

    assert len(product_cards(text(response))) == len(range(0, count, 3))
    assert len(product_cards(text(search))) == count
    assert "Showing results for <strong>product</strong> instead of <em>prodct</em>." in text(search)


def test_product_queries_are_bounded(client, make_product, django_assert_max_num_queries):
    attributes = AttributeFactory.create_batch(6)
    product = make_product(ratings=(5, 4, 4, 3, 1) * 4, images=8)
    for n in range(30):
        VariantFactory(product=product, option_values={"Size": str(n)}, position=n + 1)
    for attribute in attributes:
        product.attribute_values.create(attribute=attribute, value_text="x")

    with django_assert_max_num_queries(PRODUCT_QUERIES):
        response = client.get(f"/p/{product.slug}/")

    assert response.status_code == 200
    assert text(response).count('<li class="review">') == views.REVIEWS_SHOWN
