"""Catalog CSV import/export (shop.csv_io) and the import_catalog_csv / export_catalog_csv commands."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from core.errors import ApplicationError
from shop.csv_io import CATALOG_CSV_COLUMNS, MAX_CSV_BYTES, catalog_csv_export, catalog_csv_import
from shop.models import Attribute, Brand, Category, PriceChange, Product, ProductAttributeValue, SearchTerm, Variant
from tests.factories import BrandFactory, CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(CATALOG_CSV_COLUMNS)
ROW = {
    "product_slug": "trail-shoe",
    "product_name": "Trail Shoe",
    "category": "sport/shoes",
    "brand": "Acme",
    "description": "Grippy soles.",
    "product_active": "yes",
    "attributes": "weight=310;waterproof=yes;material=Mesh",
    "sku": "TS-42",
    "variant_name": "EU 42",
    "option_values": "size=EU 42;colour=Red",
    "price": "89.00",
    "compare_at_price": "99.00",
    "cost": "40.00",
    "stock_quantity": "7",
    "variant_active": "yes",
}


def _csv(*rows: dict, header: str = HEADER) -> io.BytesIO:
    """A CSV file with the header and one line per row (each row: ROW with overrides)."""
    text = io.StringIO()
    text.write(header + "\r\n")
    writer = csv.writer(text)
    for row in rows:
        writer.writerow([row.get(column, ROW[column]) for column in CATALOG_CSV_COLUMNS])
    return io.BytesIO(text.getvalue().encode())


def _row(**overrides) -> dict:
    return {**ROW, **overrides}


@pytest.fixture
def catalog():
    """Categories sport and sport/shoes, and one attribute of each type."""
    sport = CategoryFactory(name="Sport", slug="sport")
    CategoryFactory(name="Shoes", slug="shoes", parent=sport)
    Attribute.objects.create(name="Weight", code="weight", value_type=Attribute.ValueType.NUMBER, unit="g")
    Attribute.objects.create(name="Waterproof", code="waterproof", value_type=Attribute.ValueType.BOOLEAN)
    Attribute.objects.create(name="Material", code="material", value_type=Attribute.ValueType.TEXT)


def _counts() -> dict[str, int]:
    return {
        "products": Product.objects.count(),
        "variants": Variant.objects.count(),
        "brands": Brand.objects.count(),
        "attribute_values": ProductAttributeValue.objects.count(),
        "price_changes": PriceChange.objects.count(),
    }


def _import_errors(file) -> list[str]:
    with pytest.raises(ApplicationError) as raised:
        catalog_csv_import(file=file)
    assert raised.value.code == "catalog_csv_invalid"
    return raised.value.details["errors"]


def test_import_creates_products_variants_brand_and_typed_attributes(catalog):
    # Given a file with two products, three variants and a brand the store does not know yet
    file = _csv(
        _row(),
        _row(
            sku="TS-43", variant_name="EU 43", option_values="size=EU 43;colour=Red", price="79.50", stock_quantity="0"
        ),
        _row(
            product_slug="road-shoe",
            product_name="Road Shoe",
            product_active="no",
            attributes="",
            sku="RS-1",
            variant_name="",
            option_values="",
            compare_at_price="",
            cost="",
            stock_quantity="3",
            variant_active="",
        ),
    )

    # When it is imported
    summary = catalog_csv_import(file=file)

    # Then exactly those rows exist, with the denormalised columns and search vocabulary refreshed
    assert str(summary) == (
        "Products: 2 created, 0 updated, 0 unchanged. Variants: 3 created, 0 updated, 0 unchanged. Brands created: 1."
    )
    brand = Brand.objects.get()
    assert (brand.name, brand.slug) == ("Acme", "acme")
    trail = Product.objects.get(slug="trail-shoe")
    assert (trail.name, trail.category.path, trail.brand, trail.description, trail.is_active) == (
        "Trail Shoe",
        "sport/shoes",
        brand,
        "Grippy soles.",
        True,
    )
    assert (trail.min_price, trail.in_stock) == (Decimal("79.50"), True)
    assert trail.search_vector is not None
    assert sorted(
        (value.attribute.code, value.value_text, value.value_number, value.value_boolean)
        for value in trail.attribute_values.select_related("attribute")
    ) == [("material", "Mesh", None, None), ("waterproof", "", None, True), ("weight", "", Decimal("310.000"), None)]
    assert list(
        Variant.objects.order_by("sku").values_list(
            "product__slug",
            "sku",
            "name",
            "option_values",
            "price",
            "compare_at_price",
            "cost",
            "stock_quantity",
            "is_active",
            "position",
        )
    ) == [
        ("road-shoe", "RS-1", "", {}, Decimal("89.00"), None, Decimal("0.00"), 3, True, 0),
        (
            "trail-shoe",
            "TS-42",
            "EU 42",
            {"size": "EU 42", "colour": "Red"},
            Decimal("89.00"),
            Decimal("99.00"),
            Decimal("40.00"),
            7,
            True,
            0,
        ),
        (
            "trail-shoe",
            "TS-43",
            "EU 43",
            {"size": "EU 43", "colour": "Red"},
            Decimal("79.50"),
            Decimal("99.00"),
            Decimal("40.00"),
            0,
            True,
            1,
        ),
    ]
    road = Product.objects.get(slug="road-shoe")
    assert (road.is_active, road.attribute_values.count()) == (False, 0)
    assert SearchTerm.objects.filter(term="trail").exists()
    assert PriceChange.objects.count() == 0


def test_import_updates_by_slug_and_sku_and_records_price_changes(catalog):
    # Given a product with one variant and an attribute value, and an unrelated product
    shoes = Category.objects.get(path="sport/shoes")
    product = ProductFactory(slug="trail-shoe", name="Old Name", category=shoes, brand=BrandFactory(name="ACME"))
    ProductAttributeValue.objects.create(
        product=product, attribute=Attribute.objects.get(code="material"), value_text="Leather"
    )
    variant = VariantFactory(product=product, sku="TS-42", price=Decimal("95.00"), stock_quantity=1, position=4)
    other = VariantFactory(sku="OTHER-1", price=Decimal("5.00"))
    other_name = other.product.name

    # When a file renames the product, changes the variant's price and stock and adds a variant
    summary = catalog_csv_import(
        file=_csv(
            _row(brand="acme", attributes="weight=300.5"),
            _row(brand="acme", attributes="weight=300.5", sku="TS-43", variant_name="EU 43"),
        )
    )

    # Then the existing rows are updated in place, the new variant follows the existing ones
    assert str(summary) == (
        "Products: 0 created, 1 updated, 0 unchanged. Variants: 1 created, 1 updated, 0 unchanged. Brands created: 0."
    )
    product.refresh_from_db()
    variant.refresh_from_db()
    assert (product.name, product.brand.name, product.description) == ("Trail Shoe", "ACME", "Grippy soles.")
    assert list(product.attribute_values.values_list("attribute__code", "value_number")) == [
        ("weight", Decimal("300.500"))
    ]
    assert (variant.price, variant.stock_quantity, variant.position) == (Decimal("89.00"), 7, 4)
    assert Variant.objects.get(sku="TS-43").position == 5
    assert list(PriceChange.objects.values_list("variant__sku", "old_price", "new_price", "reason")) == [
        ("TS-42", Decimal("95.00"), Decimal("89.00"), "CSV import")
    ]
    assert (product.min_price, product.in_stock) == (Decimal("89.00"), True)
    other.refresh_from_db()
    assert (other.price, other.product.name) == (Decimal("5.00"), other_name)
    assert Brand.objects.count() == 2


def test_dry_run_reports_the_changes_and_writes_nothing(catalog):
    # Given a good file
    before = _counts()

    # When it is imported as a dry run
    summary = catalog_csv_import(file=_csv(_row(), _row(sku="TS-43")), dry_run=True)

    # Then the summary says what would happen and nothing is written
    assert str(summary) == (
        "Dry run, nothing was written. Products: 1 created, 0 updated, 0 unchanged. "
        "Variants: 2 created, 0 updated, 0 unchanged. Brands created: 1."
    )
    assert _counts() == before


BAD_ROWS = [
    ({"product_slug": ""}, "row 3, product_slug: is required"),
    ({"product_slug": "road shoe"}, "row 3, product_slug: must contain only letters, digits, hyphens and underscores"),
    ({"product_name": " "}, "row 3, product_name: is required"),
    ({"product_name": "x" * 201}, "row 3, product_name: must be at most 200 characters"),
    ({"category": ""}, "row 3, category: is required"),
    ({"category": "sport/boots"}, "row 3, category: unknown category 'sport/boots'"),
    ({"brand": ""}, "row 3, brand: is required"),
    ({"brand": "!!!"}, "row 3, brand: must contain a letter or a digit"),
    ({"product_active": "maybe"}, "row 3, product_active: must be yes, no, true, false, 1 or 0"),
    ({"attributes": "colour=red"}, "row 3, attributes: unknown attribute code 'colour'"),
    ({"attributes": "weight=heavy"}, "row 3, attributes: 'weight' must be a number"),
    ({"attributes": "waterproof=perhaps"}, "row 3, attributes: 'waterproof' must be yes, no, true, false, 1 or 0"),
    ({"attributes": "weight"}, "row 3, attributes: 'weight' is not attribute=value"),
    ({"attributes": "weight=1;weight=2"}, "row 3, attributes: duplicate attribute 'weight'"),
    ({"sku": ""}, "row 3, sku: is required"),
    ({"sku": "S" * 65}, "row 3, sku: must be at most 64 characters"),
    ({"option_values": "size"}, "row 3, option_values: 'size' is not option=value"),
    ({"option_values": "size=M;size=L"}, "row 3, option_values: duplicate option 'size'"),
    ({"price": ""}, "row 3, price: is required"),
    ({"price": "abc"}, "row 3, price: must be a number such as 19.99"),
    ({"price": "1,000.00"}, "row 3, price: must be a number such as 19.99"),
    ({"price": "0", "compare_at_price": ""}, "row 3, price: must be greater than 0"),
    ({"price": "9.999"}, "row 3, price: must have at most 2 decimal places"),
    ({"price": "10000000000", "compare_at_price": ""}, "row 3, price: is too large"),
    ({"compare_at_price": "89.00"}, "row 3, compare_at_price: must be greater than price"),
    ({"compare_at_price": "-1"}, "row 3, compare_at_price: must be greater than 0"),
    ({"cost": "-0.01"}, "row 3, cost: must be 0 or more"),
    ({"stock_quantity": ""}, "row 3, stock_quantity: is required"),
    ({"stock_quantity": "-3"}, "row 3, stock_quantity: must be a whole number, 0 or more"),
    ({"stock_quantity": "2.5"}, "row 3, stock_quantity: must be a whole number, 0 or more"),
    ({"stock_quantity": "99999999999"}, "row 3, stock_quantity: is too large"),
    ({"variant_active": "nope"}, "row 3, variant_active: must be yes, no, true, false, 1 or 0"),
]


@pytest.mark.parametrize(("overrides", "error"), BAD_ROWS, ids=[error for _, error in BAD_ROWS])
def test_a_bad_row_is_reported_and_nothing_is_written(catalog, overrides, error):
    # Given an existing product that the good row of the file would change
    existing = ProductFactory(slug="trail-shoe", name="Old Name", category=Category.objects.get(path="sport"))
    VariantFactory(product=existing, sku="TS-42", price=Decimal("95.00"))
    before = _counts()

    # When the file also has one bad row (a different product, row 3)
    errors = _import_errors(_csv(_row(), _row(**{"product_slug": "road-shoe", "sku": "RS-1", **overrides})))

    # Then that exact error is reported and nothing at all was written
    assert errors == [error]
    assert _counts() == before
    existing.refresh_from_db()
    assert (existing.name, existing.category.path, existing.variants.get().price) == (
        "Old Name",
        "sport",
        Decimal("95.00"),
    )


def test_every_error_of_the_file_is_reported_in_row_and_column_order(catalog):
    # Given a file with a row with two bad cells, a good row, a bad row and a row with a missing cell
    file = _csv(
        _row(price="-5", stock_quantity="many"),
        _row(sku="TS-43"),
        _row(product_slug="road-shoe", category="nowhere", sku="RS-1"),
    )
    file = io.BytesIO(file.getvalue() + b"short-row,Short\r\n")

    # When it is imported, then all errors are listed together
    with pytest.raises(ApplicationError) as raised:
        catalog_csv_import(file=file)
    assert raised.value.message == "The file has 4 errors; nothing was imported."
    assert raised.value.details["errors"] == [
        "row 2, price: must be greater than 0",
        "row 2, stock_quantity: must be a whole number, 0 or more",
        "row 4, category: unknown category 'nowhere'",
        "row 5: expected 15 values, found 2",
    ]
    assert Product.objects.count() == 0


def test_duplicate_sku_in_the_file_is_an_error(catalog):
    errors = _import_errors(_csv(_row(), _row(variant_name="Copy")))

    assert errors == ["row 3, sku: duplicate SKU 'TS-42' (also in row 2)"]
    assert _counts()["variants"] == 0


def test_rows_of_one_product_must_agree_on_product_columns(catalog):
    errors = _import_errors(_csv(_row(), _row(sku="TS-43", product_name="Trail Shoe 2", attributes="weight=1")))

    assert errors == [
        "row 3, product_name: differs from row 2 for product 'trail-shoe'",
        "row 3, attributes: differs from row 2 for product 'trail-shoe'",
    ]
    assert _counts()["products"] == 0


def test_a_sku_of_another_product_is_an_error(catalog):
    VariantFactory(sku="TS-42", product=ProductFactory(slug="other-shoe"))
    before = _counts()

    errors = _import_errors(_csv(_row()))

    assert errors == ["row 2, sku: 'TS-42' belongs to product 'other-shoe'"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "file: the file is empty"),
        (b"\r\n \r\n", "file: the file is empty"),
        ("\ufeff".encode(), "file: the file is empty"),
        (HEADER.encode() + b"\r\n", "file: the file has a header but no product rows"),
        (b"x" * (MAX_CSV_BYTES + 1), "file: the file is larger than 10 MB"),
        (
            (HEADER + "\r\n" + ",".join(ROW.values()) + "\r\n").replace("Grippy", "Gr\u00fcppy").encode("latin-1"),
            "row 2: the file is not UTF-8 text; save it as “CSV UTF-8”",
        ),
        (
            (HEADER.replace(",brand", "") + "\r\n").encode(),
            "row 1, header: missing columns: brand",
        ),
        (
            (HEADER + ",colour\r\n").encode(),
            "row 1, header: unknown columns: colour",
        ),
        (
            (HEADER + "\r\n" + ",".join(list(ROW.values())[:-1]) + "\r\n").encode(),
            "row 2: expected 15 values, found 14",
        ),
        ((HEADER + "\r\na\0b\r\n").encode(), "row 2: the file contains a NUL character; is it really a CSV file?"),
        (
            (HEADER + "\r\n" + "x" * 200_000 + "\r\n").encode(),
            "row 2: the file is not valid CSV (field larger than field limit (131072))",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "bom-only",
        "header-only",
        "too-large",
        "encoding",
        "missing-column",
        "unknown-column",
        "short-row",
        "nul",
        "huge-field",
    ],
)
def test_a_bad_file_is_reported_and_nothing_is_written(catalog, content, error):
    assert _import_errors(io.BytesIO(content)) == [error]
    assert _counts()["products"] == 0


def test_header_is_case_and_order_insensitive_and_a_bom_is_accepted(catalog):
    columns = list(reversed(CATALOG_CSV_COLUMNS))
    content = "\ufeff" + ",".join(column.upper() for column in columns) + "\r\n"
    content += ",".join(f'"{ROW[column]}"' for column in columns) + "\r\n"

    summary = catalog_csv_import(file=io.BytesIO(content.encode()))

    assert (summary.products_created, summary.variants_created) == (1, 1)


def _snapshot() -> list[tuple]:
    return [
        *Product.objects.order_by("pk").values_list(
            "pk", "slug", "name", "category_id", "brand_id", "description", "is_active", "updated_at"
        ),
        *Variant.objects.order_by("pk").values_list(
            "pk", "product_id", "sku", "name", "option_values", "price", "compare_at_price", "cost", "stock_quantity"
        ),
        *ProductAttributeValue.objects.order_by("pk").values_list(
            "pk", "product_id", "attribute_id", "value_text", "value_number", "value_boolean"
        ),
    ]


def test_export_then_import_is_a_no_op(catalog):
    # Given a catalog with attributes, options, sale prices, inactive rows and a multi-line description
    catalog_csv_import(
        file=_csv(
            _row(description='Line one,\r\nline "two".'),
            _row(
                description='Line one,\r\nline "two".',
                sku="TS-43",
                compare_at_price="",
                variant_active="no",
                stock_quantity="0",
            ),
            _row(product_slug="road-shoe", product_active="no", attributes="weight=0.125", sku="RS-1", cost="0"),
        )
    )
    exported = io.StringIO()
    catalog_csv_export(out=exported)
    before = _snapshot()

    # When the export is imported again
    summary = catalog_csv_import(file=io.BytesIO(exported.getvalue().encode()))

    # Then nothing changes and a second export is identical
    assert str(summary) == (
        "Products: 0 created, 0 updated, 2 unchanged. Variants: 0 created, 0 updated, 3 unchanged. Brands created: 0."
    )
    assert _snapshot() == before
    again = io.StringIO()
    catalog_csv_export(out=again)
    assert again.getvalue() == exported.getvalue()


def test_export_writes_one_row_per_variant_in_the_import_columns(catalog):
    product = ProductFactory(
        slug="mug", name="Mug", category=Category.objects.get(path="sport"), brand=BrandFactory(name="Potter")
    )
    ProductAttributeValue.objects.create(
        product=product, attribute=Attribute.objects.get(code="weight"), value_number=Decimal("350.000")
    )
    VariantFactory(product=product, sku="MUG-1", name="Blue", option_values={"colour": "Blue"}, stock_quantity=4)
    ProductFactory(slug="no-variants")  # nothing to write: rows are variants

    out = io.StringIO()
    rows = catalog_csv_export(out=out)

    assert rows == 1
    assert out.getvalue().splitlines() == [
        HEADER,
        "mug,Mug,sport,Potter,A dependable everyday product.,yes,weight=350,MUG-1,Blue,colour=Blue,19.99,,8.00,4,yes",
    ]


def test_import_command_prints_the_summary(catalog, tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_bytes(_csv(_row()).getvalue())
    out = io.StringIO()

    call_command("import_catalog_csv", str(path), stdout=out)

    assert out.getvalue() == (
        "Products: 1 created, 0 updated, 0 unchanged. Variants: 1 created, 0 updated, 0 unchanged. Brands created: 1.\n"
    )
    assert Variant.objects.get().sku == "TS-42"


def test_import_command_dry_run_writes_nothing(catalog, tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_bytes(_csv(_row()).getvalue())
    out = io.StringIO()

    call_command("import_catalog_csv", str(path), "--dry-run", stdout=out)

    assert out.getvalue().startswith("Dry run, nothing was written. Products: 1 created,")
    assert _counts()["products"] == 0


def test_import_command_fails_with_every_error(catalog, tmp_path):
    path = tmp_path / "catalog.csv"
    path.write_bytes(_csv(_row(price="x"), _row(sku="TS-43", stock_quantity="")).getvalue())
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^The file has 2 errors; nothing was imported\.$") as raised:
        call_command("import_catalog_csv", str(path), stderr=err)

    assert raised.value.returncode == 1
    assert err.getvalue() == ("row 2, price: must be a number such as 19.99\nrow 3, stock_quantity: is required\n")
    assert _counts()["products"] == 0


def test_import_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot read .*missing\.csv: No such file or directory\.$"):
        call_command("import_catalog_csv", str(tmp_path / "missing.csv"))


def test_export_command_writes_stdout_or_a_file(catalog, tmp_path):
    VariantFactory(sku="MUG-1", product=ProductFactory(slug="mug", category=Category.objects.get(path="sport")))
    expected = io.StringIO()
    catalog_csv_export(out=expected)
    out = io.StringIO()

    call_command("export_catalog_csv", stdout=out)
    call_command("export_catalog_csv", "--output", str(tmp_path / "out.csv"), stdout=io.StringIO())

    assert out.getvalue() == expected.getvalue()
    assert (tmp_path / "out.csv").read_bytes() == expected.getvalue().encode()


def test_export_command_fails_on_an_unwritable_path(tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot write .*: No such file or directory\.$"):
        call_command("export_catalog_csv", "--output", str(tmp_path / "no-such-dir" / "out.csv"))
