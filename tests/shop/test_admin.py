"""The back office: pages, query counts, bulk actions, image upload and CSV import in the admin."""

import io
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from shop.csv_io import CATALOG_CSV_COLUMNS
from shop.models import (
    Category,
    PriceChange,
    Product,
    ProductAttributeValue,
    ProductImage,
    Review,
    SearchTerm,
    Variant,
)
from shop.services import (
    product_denormalised_refresh,
    product_image_add,
    product_rating_refresh,
    search_terms_refresh,
)
from tests.factories import (
    AttributeFactory,
    BrandFactory,
    CategoryFactory,
    ProductFactory,
    ReviewFactory,
    VariantFactory,
)

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("admin:shop_product_changelist")
VARIANTS = reverse("admin:shop_variant_changelist")
IMPORT = reverse("admin:shop_product_import_csv")


def _png(width: int = 900, height: int = 600) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _product(*, stock: int = 10, image: bool = False, **kwargs) -> Product:
    """A product with one variant (and optionally an image), its denormalised columns refreshed."""
    product = ProductFactory(**kwargs)
    VariantFactory(product=product, stock_quantity=stock)
    if image:
        product_image_add(product=product, image_file=_png())
    product_denormalised_refresh(product_ids=[product.pk])
    return product


def _changelist_names(response) -> list[str]:
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def _form_data(response) -> dict:
    """What the admin change form posts back when nothing is edited (main form, inlines, management forms)."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False or name == "upload":
                continue
            data[form.add_prefix(name)] = "on" if value is True else field.prepare_value(value)
    return data


def test_product_changelist_queries_do_not_grow_with_the_number_of_products(admin_client):
    # Given a few products with images, variants, brands and categories
    for _ in range(3):
        _product(image=True)

    # When the changelist is loaded with 3 and then with 23 products
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(PRODUCTS).status_code == 200
    for stock in range(20):
        _product(stock=stock, image=stock % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(PRODUCTS)

    # Then it shows them all with the same number of queries
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 23
    assert len(many) == len(few)
    assert len(many) <= 8


def test_product_changelist_shows_thumbnail_price_stock_and_rating(admin_client, settings):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    product = _product(name="Desk Lamp", stock=3, image=True)
    ReviewFactory(product=product, rating=4)
    product_rating_refresh(product_ids=[product.pk])

    response = admin_client.get(PRODUCTS)

    content = response.content.decode()
    assert product.images.get().thumbnail_small.url in content
    assert "€19.99" in content
    assert f'<a href="{VARIANTS}?product__id__exact={product.pk}">Low stock (3)</a>' in content
    assert "4.00 (1)" in content
    assert f'href="{IMPORT}"' in content
    assert f'href="{VARIANTS}?stock=low"' in content


@pytest.mark.parametrize(
    ("state", "names"),
    [("in", ["Plenty"]), ("low", ["Few"]), ("out", ["Inactive variant only", "None left"]), ("bogus", None)],
)
def test_product_changelist_filters_by_stock_state(admin_client, settings, state, names):
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    _product(name="Plenty", stock=6)
    _product(name="Few", stock=5)
    _product(name="None left", stock=0)
    inactive = ProductFactory(name="Inactive variant only")
    VariantFactory(product=inactive, stock_quantity=50, is_active=False)

    response = admin_client.get(PRODUCTS, {"stock": state})

    assert response.status_code == 200
    everything = ["Few", "Inactive variant only", "None left", "Plenty"]
    assert _changelist_names(response) == (names if names is not None else everything)


def test_product_search_finds_a_variant_sku(admin_client):
    product = _product(name="Kettle")
    _product(name="Toaster")

    response = admin_client.get(PRODUCTS, {"q": product.variants.get().sku})

    assert _changelist_names(response) == ["Kettle"]


def test_every_back_office_page_loads_for_staff(admin_client):
    # Given one of everything
    product = _product(image=True)
    ProductAttributeValue.objects.create(product=product, attribute=AttributeFactory(), value_text="Oak")
    review = ReviewFactory(product=product)
    variant = product.variants.get()
    variant.price = Decimal("17.00")
    variant.save()
    change = PriceChange.objects.create(
        variant=variant, old_price=Decimal("19.99"), new_price=Decimal("17.00"), changed_at=review.created_at
    )
    pages = {
        "product": product.pk,
        "variant": variant.pk,
        "category": product.category_id,
        "brand": product.brand_id,
        "attribute": product.attribute_values.get().attribute_id,
        "review": review.pk,
        "pricechange": change.pk,
    }

    # Then every list and every change page answers 200, and so do the add pages that exist
    for model, pk in pages.items():
        assert admin_client.get(reverse(f"admin:shop_{model}_changelist")).status_code == 200, model
        assert admin_client.get(reverse(f"admin:shop_{model}_change", args=[pk])).status_code == 200, model
    for model in ["product", "variant", "category", "brand", "attribute", "review"]:
        assert admin_client.get(reverse(f"admin:shop_{model}_add")).status_code == 200, model
    assert admin_client.get(IMPORT).status_code == 200


def test_price_history_cannot_be_added(admin_client):
    assert admin_client.get(reverse("admin:shop_pricechange_add")).status_code == 403


def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("shopper", password="correct-horse-battery"))

    response = client.get(PRODUCTS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _action(admin_client, action: str, products: list[Product], **extra):
    return admin_client.post(
        PRODUCTS, {"action": action, "_selected_action": [product.pk for product in products], **extra}
    )


def test_activate_and_deactivate_actions(admin_client):
    first, second, untouched = _product(is_active=False), _product(is_active=True), _product(is_active=False)

    response = _action(admin_client, "activate", [first, second])

    assert response.status_code == 302
    assert [p.is_active for p in Product.objects.filter(pk__in=[first.pk, second.pk, untouched.pk]).order_by("pk")] == [
        True,
        True,
        False,
    ]

    _action(admin_client, "deactivate", [first])

    assert list(Product.objects.filter(is_active=True).values_list("pk", flat=True)) == [second.pk]


def test_change_category_action_asks_for_the_category_then_moves_the_products(admin_client):
    # Given two products in one category and a target category
    target = CategoryFactory(name="Lighting", slug="lighting")
    moved = [_product(name="Lamp"), _product(name="Bulb")]
    stays = _product(name="Chair")

    # When the action is chosen, an intermediate page lists the products and offers the categories
    response = _action(admin_client, "change_category", moved)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/shop/product/change_category.html"
    assert "Lamp" in response.content.decode()
    assert Product.objects.filter(category=target).count() == 0

    # And when that page is submitted, the products move and their search document follows
    response = _action(admin_client, "change_category", moved, apply="Move products", category=target.pk)

    assert response.status_code == 302
    assert sorted(Product.objects.filter(category=target).values_list("name", flat=True)) == ["Bulb", "Lamp"]
    assert Product.objects.get(pk=stays.pk).category_id == stays.category_id
    assert "'light':4B" in str(Product.objects.get(pk=moved[0].pk).search_vector)


def test_change_category_action_without_a_category_shows_the_form_again(admin_client):
    product = _product()

    response = _action(admin_client, "change_category", [product], apply="Move products", category="")

    assert response.status_code == 200
    assert response.context["form"].errors == {"category": ["This field is required."]}
    assert Product.objects.get(pk=product.pk).category_id == product.category_id


def test_export_csv_action_returns_the_selected_products(admin_client):
    lamp = _product(name="Lamp", slug="lamp", brand=BrandFactory(name="Bright"), category=CategoryFactory(slug="home"))
    _product(name="Chair")

    response = _action(admin_client, "export_csv", [lamp])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="catalog.csv"'
    sku = lamp.variants.get().sku
    assert response.content.decode().splitlines() == [
        ",".join(CATALOG_CSV_COLUMNS),
        f"lamp,Lamp,home,Bright,A dependable everyday product.,yes,,{sku},Standard,,19.99,,8.00,10,yes",
    ]


def test_image_upload_in_the_product_form_makes_thumbnails(admin_client):
    # Given a product's change form
    product = _product()
    url = reverse("admin:shop_product_change", args=[product.pk])
    data = _form_data(admin_client.get(url))

    # When an image is uploaded in the image inline
    data["images-0-upload"] = _png(1200, 800)
    data["images-0-alt_text"] = "Front view"
    response = admin_client.post(url, data)

    # Then it is stored through product_image_add: re-encoded, with both thumbnails
    assert response.status_code == 302
    image = ProductImage.objects.get(product=product)
    assert (image.alt_text, image.position, image.width, image.height) == ("Front view", 0, 1200, 800)
    for field, side in [("thumbnail_small", 320), ("thumbnail_medium", 640)]:
        stored = getattr(image, field)
        assert default_storage.exists(stored.name)
        with Image.open(stored.path) as thumbnail:
            assert (thumbnail.format, thumbnail.width) == ("JPEG", side)


def test_uploading_something_that_is_not_an_image_is_a_form_error(admin_client):
    product = _product(name="Lamp")
    url = reverse("admin:shop_product_change", args=[product.pk])
    data = _form_data(admin_client.get(url))
    data["name"] = "Renamed lamp"
    data["images-0-upload"] = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.errors
    assert errors == [{"upload": ["Upload a valid JPEG, PNG, GIF or WebP image."]}]
    assert ProductImage.objects.count() == 0
    assert Product.objects.get(pk=product.pk).name == "Lamp"


def test_saving_variants_in_the_product_form_refreshes_the_product_and_price_history(admin_client):
    product = _product(stock=0)
    url = reverse("admin:shop_product_change", args=[product.pk])
    data = _form_data(admin_client.get(url))
    data["variants-0-stock_quantity"] = "4"
    data["variants-0-price"] = "15.00"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.in_stock, product.min_price) == (True, Decimal("15.00"))
    assert list(PriceChange.objects.values_list("old_price", "new_price", "reason", "changed_by__username")) == [
        (Decimal("19.99"), Decimal("15.00"), "Edited in admin", "admin")
    ]


def test_a_product_renamed_in_admin_reaches_search_and_the_did_you_mean_vocabulary(admin_client):
    product = _product(name="Plain Kettle")
    search_terms_refresh()
    assert SearchTerm.objects.filter(term="plain").exists()
    url = reverse("admin:shop_product_change", args=[product.pk])
    data = _form_data(admin_client.get(url))
    data["name"] = "Zephyrine Kettle"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert SearchTerm.objects.filter(term="zephyrine").exists()
    assert not SearchTerm.objects.filter(term="plain").exists()
    assert list(Product.objects.filter(search_vector="zephyrine").values_list("pk", flat=True)) == [product.pk]


def test_variant_compare_at_price_must_be_above_the_price(admin_client):
    product = _product()
    url = reverse("admin:shop_product_change", args=[product.pk])
    data = _form_data(admin_client.get(url))
    data["variants-0-compare_at_price"] = "19.99"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"compare_at_price": ["Must be greater than the price (it is the crossed-out “was” price)."]}
    ]
    assert product.variants.get().compare_at_price is None


def test_low_stock_list_sorts_lowest_first_and_stock_is_edited_in_place(admin_client, settings):
    # Given variants with various stock
    settings.SHOP_LOW_STOCK_THRESHOLD = 5
    low, empty, plenty = _product(stock=2), _product(stock=0), _product(stock=40)
    low_variant = low.variants.get()

    # When the staff member opens the low-stock list (one click from the product list)
    response = admin_client.get(VARIANTS, {"stock": "low"})
    assert [v.pk for v in response.context["cl"].result_list] == [low_variant.pk]
    everything = admin_client.get(VARIANTS)
    assert [v.stock_quantity for v in everything.context["cl"].result_list] == [0, 2, 40]

    # And types the new stock into the list and saves (the second click)
    formset = response.context["cl"].formset
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    data.update({"form-0-id": low_variant.pk, "form-0-stock_quantity": "12", "_save": "Save"})
    response = admin_client.post(f"{VARIANTS}?stock=low", data)

    # Then the stock and the product's in-stock flag are saved
    assert response.status_code == 302
    low_variant.refresh_from_db()
    assert low_variant.stock_quantity == 12
    empty_variant = empty.variants.get()
    empty_variant_url = reverse("admin:shop_variant_change", args=[empty_variant.pk])
    data = _form_data(admin_client.get(empty_variant_url))
    data["stock_quantity"] = "3"
    assert admin_client.post(empty_variant_url, data).status_code == 302
    assert Product.objects.get(pk=empty.pk).in_stock is True
    assert Product.objects.get(pk=plenty.pk).in_stock is True


def test_review_hide_and_publish_actions_refresh_the_rating(admin_client):
    product = ProductFactory()
    good, bad = ReviewFactory(product=product, rating=5), ReviewFactory(product=product, rating=1)
    product_rating_refresh(product_ids=[product.pk])
    url = reverse("admin:shop_review_changelist")

    admin_client.post(url, {"action": "hide", "_selected_action": [bad.pk]})

    product.refresh_from_db()
    assert (product.rating_avg, product.rating_count) == (Decimal("5.00"), 1)
    assert Review.objects.get(pk=bad.pk).status == Review.Status.HIDDEN

    admin_client.post(url, {"action": "publish", "_selected_action": [bad.pk]})

    product.refresh_from_db()
    assert (product.rating_avg, product.rating_count) == (Decimal("3.00"), 2)
    assert Review.objects.get(pk=good.pk).status == Review.Status.PUBLISHED


def test_category_list_is_in_tree_order_and_moving_a_category_moves_its_descendants(admin_client):
    home = CategoryFactory(name="Home", slug="home")
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", parent=home)
    CategoryFactory(name="Knives", slug="knives", parent=kitchen)
    CategoryFactory(name="Home Garden", slug="home-garden")
    garden = CategoryFactory(name="Garden", slug="garden")

    response = admin_client.get(reverse("admin:shop_category_changelist"))
    assert [c.path for c in response.context["cl"].result_list] == [
        "garden",
        "home",
        "home/kitchen",
        "home/kitchen/knives",
        "home-garden",
    ]

    url = reverse("admin:shop_category_change", args=[kitchen.pk])
    form = admin_client.get(url)
    assert kitchen.pk not in [c.pk for c in form.context["adminform"].form.fields["parent"].queryset]
    data = _form_data(form)
    data["parent"] = garden.pk
    assert admin_client.post(url, data).status_code == 302

    assert sorted(Category.objects.values_list("path", flat=True)) == [
        "garden",
        "garden/kitchen",
        "garden/kitchen/knives",
        "home",
        "home-garden",
    ]


def _upload(admin_client, content: str, **extra):
    file = SimpleUploadedFile("catalog.csv", content.encode(), content_type="text/csv")
    return admin_client.post(IMPORT, {"file": file, **extra})


def _catalog_csv(*, price: str = "25.00") -> str:
    rows = [
        ",".join(CATALOG_CSV_COLUMNS),
        f"lamp,Lamp,home,Bright,,yes,,LAMP-1,,,{price},,,5,yes",
        "lamp,Lamp,home,Bright,,yes,,LAMP-2,,,30.00,,,0,yes",
    ]
    return "\r\n".join(rows) + "\r\n"


def test_csv_import_page_imports_a_good_file(admin_client):
    CategoryFactory(slug="home")

    response = _upload(admin_client, _catalog_csv())

    assert response.status_code == 302
    assert response["Location"] == PRODUCTS
    assert sorted(Variant.objects.values_list("sku", "price")) == [
        ("LAMP-1", Decimal("25.00")),
        ("LAMP-2", Decimal("30.00")),
    ]
    messages = [str(m) for m in admin_client.get(PRODUCTS).context["messages"]]
    assert messages == [
        "Catalog imported. Products: 1 created, 0 updated, 0 unchanged. "
        "Variants: 2 created, 0 updated, 0 unchanged. Brands created: 1."
    ]


def test_csv_import_page_dry_run_shows_the_summary_and_writes_nothing(admin_client):
    CategoryFactory(slug="home")

    response = _upload(admin_client, _catalog_csv(), dry_run="on")

    assert response.status_code == 200
    assert response.context["summary"].products_created == 1
    assert "Dry run, nothing was written." in response.content.decode()
    assert Product.objects.count() == 0


def test_csv_import_page_lists_every_error_and_writes_nothing(admin_client):
    CategoryFactory(slug="home")

    response = _upload(admin_client, _catalog_csv(price="free").replace(",home,", ",nowhere,", 1))

    assert response.status_code == 200
    assert response.context["error"] == "The file has 2 errors; nothing was imported."
    assert response.context["errors"] == [
        "row 2, category: unknown category 'nowhere'",
        "row 2, price: must be a number such as 19.99",
    ]
    assert "row 2, price: must be a number such as 19.99" in response.content.decode()
    assert Product.objects.count() == 0


def test_csv_import_page_needs_a_file(admin_client):
    response = admin_client.post(IMPORT, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}


def test_renaming_a_brand_refreshes_its_products_search_document(admin_client):
    product = _product(name="Desk Lamp", brand=BrandFactory(name="Acme", slug="acme"))
    url = reverse("admin:shop_brand_change", args=[product.brand_id])
    data = _form_data(admin_client.get(url))
    data["name"] = "Zenith"

    assert admin_client.post(url, data).status_code == 302

    assert "'zenith':3B" in str(Product.objects.get(pk=product.pk).search_vector)
