"""CSV import and export of the catalog: one row per variant, the same columns both ways.

The import validates the whole file before it writes anything, so a spreadsheet user gets every
problem at once as "row N, column: message" (the header is row 1) and a bad file never leaves half a
catalog behind. A good file is written in one transaction, followed by a refresh of the denormalised
product columns and of the search vocabulary.

Semantics: products are matched by `product_slug` and variants by `sku`. A row states the whole truth
for its columns (a blank `description` clears it; `attributes` is the product's complete set), and
every row of one product must agree on the product columns. Nothing is deleted: products and variants
absent from the file stay as they are; set `product_active` / `variant_active` to "no" to withdraw
them. In `attributes` and `option_values`, pairs are `name=value` separated by ";", so neither
character can appear inside a value.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from core.errors import ApplicationError
from shop.models import Attribute, Brand, Category, Product, ProductAttributeValue, Variant
from shop.services import product_denormalised_refresh, search_terms_refresh, variant_price_changes_record

CATALOG_CSV_COLUMNS = (
    "product_slug",
    "product_name",
    "category",
    "brand",
    "description",
    "product_active",
    "attributes",
    "sku",
    "variant_name",
    "option_values",
    "price",
    "compare_at_price",
    "cost",
    "stock_quantity",
    "variant_active",
)
PRODUCT_COLUMNS = CATALOG_CSV_COLUMNS[:7]
MAX_CSV_BYTES = 10 * 1024 * 1024

_COLUMN_ORDER = {column: index for index, column in enumerate(CATALOG_CSV_COLUMNS)}
_NUMBER_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_WHOLE_RE = re.compile(r"\d+")
_TRUE, _FALSE = {"yes", "true", "1"}, {"no", "false", "0"}
_BOOLEAN_HINT = "must be yes, no, true, false, 1 or 0"
_MAX_INTEGER = 2_147_483_647  # PostgreSQL integer, the column type of stock_quantity
# Imports run one at a time so that validation sees the rows the write will change.
_IMPORT_LOCK_KEY = 0x53484F50435356  # "SHOPCSV"


@dataclass
class CatalogImportSummary:
    """What an import did (or, for a dry run, would do)."""

    dry_run: bool
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    variants_unchanged: int = 0
    brands_created: int = 0

    def __str__(self) -> str:
        text = (
            f"Products: {self.products_created} created, {self.products_updated} updated, "
            f"{self.products_unchanged} unchanged. Variants: {self.variants_created} created, "
            f"{self.variants_updated} updated, {self.variants_unchanged} unchanged. "
            f"Brands created: {self.brands_created}."
        )
        return f"Dry run, nothing was written. {text}" if self.dry_run else text


def catalog_csv_import(*, file: BinaryIO, dry_run: bool = False) -> CatalogImportSummary:
    """Upsert products (by slug) and variants (by SKU) from a CSV file; all rows or none.

    Raises ApplicationError(code="catalog_csv_invalid") whose `details["errors"]` lists every problem.
    """
    errors = _Errors()
    records = _read_records(file, errors)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])
            plan = _ImportPlan.build(records, errors)
            if not dry_run:
                plan.apply()
    except IntegrityError as exc:
        raise ApplicationError(
            "The catalog changed while the file was being imported; nothing was imported. Try again.",
            code="catalog_csv_conflict",
        ) from exc
    return plan.summary(dry_run=dry_run)


def catalog_csv_export(*, out: TextIO, product_ids: Iterable[int] | None = None) -> int:
    """Write products (all, or the given ones) as CSV rows to `out`; returns the number of variant rows."""
    products = (
        Product.objects.select_related("category", "brand")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.order_by("position", "id")),
            Prefetch(
                "attribute_values",
                queryset=ProductAttributeValue.objects.select_related("attribute").order_by("attribute__code"),
            ),
        )
        .order_by("slug")
    )
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    writer = csv.writer(out)
    writer.writerow(CATALOG_CSV_COLUMNS)
    rows = 0
    for product in products.iterator(chunk_size=500):
        product_cells = [
            product.slug,
            product.name,
            product.category.path,
            product.brand.name,
            product.description,
            _yes_no(product.is_active),
            ";".join(
                f"{value.attribute.code}={text}"
                for value in product.attribute_values.all()
                if (text := _attribute_text(value)) is not None
            ),
        ]
        for variant in product.variants.all():
            writer.writerow(
                [
                    *product_cells,
                    variant.sku,
                    variant.name,
                    ";".join(f"{name}={value}" for name, value in variant.option_values.items()),
                    f"{variant.price:.2f}",
                    "" if variant.compare_at_price is None else f"{variant.compare_at_price:.2f}",
                    f"{variant.cost:.2f}",
                    variant.stock_quantity,
                    _yes_no(variant.is_active),
                ]
            )
            rows += 1
    return rows


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _attribute_text(value: ProductAttributeValue) -> str | None:
    """The cell text of one attribute value; None when a typed value is missing (nothing to export)."""
    kind = value.attribute.value_type
    if kind == Attribute.ValueType.NUMBER:
        return None if value.value_number is None else f"{value.value_number.normalize():f}"
    if kind == Attribute.ValueType.BOOLEAN:
        return None if value.value_boolean is None else _yes_no(value.value_boolean)
    return value.value_text


# --- Reading and validating ------------------------------------------------------------------


def _invalid(errors: list[str]) -> ApplicationError:
    count = f"{len(errors)} error" + ("" if len(errors) == 1 else "s")
    return ApplicationError(
        f"The file has {count}; nothing was imported.", code="catalog_csv_invalid", details={"errors": errors}
    )


def _read_records(file: BinaryIO, errors: "_Errors") -> list[tuple[int, dict[str, str]]]:
    """Decode and split the file into (spreadsheet row number, {column: cell}) for each non-blank row.

    Problems with the file as a whole are raised at once; rows with the wrong number of cells are
    added to `errors` so that they are reported together with the errors of the other rows.
    """
    data = file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise _invalid([f"file: the file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise _invalid([f"row {row}: the file is not UTF-8 text; save it as “CSV UTF-8”"]) from exc
    if not text.strip():
        raise _invalid(["file: the file is empty"])
    if "\x00" in text:  # PostgreSQL text cannot hold NUL; such a file is not a spreadsheet export anyway
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise _invalid([f"row {row}: the file contains a NUL character; is it really a CSV file?"])

    rows: list[list[str]] = []
    try:
        rows.extend(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _invalid([f"row {len(rows) + 1}: the file is not valid CSV ({exc})"]) from exc

    header = [name.strip().lower() for name in rows[0]]
    header_errors = []
    if missing := [column for column in CATALOG_CSV_COLUMNS if column not in header]:
        header_errors.append(f"row 1, header: missing columns: {', '.join(missing)}")
    if unknown := [name for name in header if name not in _COLUMN_ORDER]:
        header_errors.append(f"row 1, header: unknown columns: {', '.join(unknown)}")
    if duplicated := sorted({name for name in header if header.count(name) > 1}):
        header_errors.append(f"row 1, header: duplicate columns: {', '.join(duplicated)}")
    if header_errors:
        raise _invalid(header_errors)

    records = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) == len(header):
            records.append((number, dict(zip(header, cells, strict=True))))
        else:
            errors.add(number, None, f"expected {len(header)} values, found {len(cells)}")
    if not records and not errors:
        raise _invalid(["file: the file has a header but no product rows"])
    return records


class _Errors:
    """Collects row errors and renders them in spreadsheet order: by row, then by column."""

    def __init__(self):
        self._items: list[tuple[int, int, str]] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        """Record an error of one cell, or of the whole row when `column` is None."""
        if column is None:
            self._items.append((row, -1, f"row {row}: {message}"))
        else:
            self._items.append((row, _COLUMN_ORDER[column], f"row {row}, {column}: {message}"))

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if self._items:
            raise _invalid([text for _, _, text in sorted(self._items)])


class _RowParser:
    """Parses one row's cells into typed values; a cell that fails adds an error and is left out."""

    def __init__(self, row: int, cells: dict[str, str], errors: _Errors):
        self.row, self.cells, self.errors = row, cells, errors
        self.values: dict[str, object] = {}

    def fail(self, column: str, message: str) -> None:
        self.errors.add(self.row, column, message)

    def cell(self, column: str) -> str:
        return self.cells[column] if column == "description" else self.cells[column].strip()

    def text(self, column: str, *, max_length: int | None = None, required: bool = False) -> None:
        value = self.cell(column)
        if required and not value:
            self.fail(column, "is required")
        elif max_length is not None and len(value) > max_length:
            self.fail(column, f"must be at most {max_length} characters")
        else:
            self.values[column] = value

    def boolean(self, column: str) -> None:
        value = self.cell(column).lower()
        if value and value not in _TRUE | _FALSE:
            self.fail(column, _BOOLEAN_HINT)
        else:
            self.values[column] = value not in _FALSE  # blank means yes

    def money(self, column: str, *, required: bool = False, positive: bool = False, default=None) -> None:
        value = self.cell(column)
        if not value:
            if required:
                self.fail(column, "is required")
            else:
                self.values[column] = default
            return
        if not _NUMBER_RE.fullmatch(value):
            return self.fail(column, "must be a number such as 19.99")
        amount = Decimal(value)
        if positive and amount <= 0:
            self.fail(column, "must be greater than 0")
        elif amount < 0:
            self.fail(column, "must be 0 or more")
        elif amount != amount.quantize(Decimal("0.01")):
            self.fail(column, "must have at most 2 decimal places")
        elif amount >= 10**10:
            self.fail(column, "is too large")
        else:
            self.values[column] = amount.quantize(Decimal("0.01"))

    def whole_number(self, column: str) -> None:
        value = self.cell(column)
        if not value:
            self.fail(column, "is required")
        elif not _WHOLE_RE.fullmatch(value):
            self.fail(column, "must be a whole number, 0 or more")
        elif int(value) > _MAX_INTEGER:
            self.fail(column, "is too large")
        else:
            self.values[column] = int(value)

    def pairs(self, column: str, *, kind: str) -> dict[str, str] | None:
        """Parse "name=value;name=value"; `kind` names the pairs in messages ("option", "attribute")."""
        result: dict[str, str] = {}
        for part in filter(None, (piece.strip() for piece in self.cell(column).split(";"))):
            name, equals, value = part.partition("=")
            if not equals or not name.strip():
                self.fail(column, f"'{part}' is not {kind}=value")
                return None
            if name.strip() in result:
                self.fail(column, f"duplicate {kind} '{name.strip()}'")
                return None
            result[name.strip()] = value.strip()
        return result

    def category(self, categories: dict[str, Category]) -> None:
        path = self.cell("category").strip("/")
        if not path:
            self.fail("category", "is required")
        elif path not in categories:
            self.fail("category", f"unknown category '{path}'")
        else:
            self.values["category"] = categories[path]

    def attributes(self, attributes: dict[str, Attribute]) -> None:
        pairs = self.pairs("attributes", kind="attribute")
        if pairs is None:
            return
        typed = {}
        for code, text in pairs.items():
            attribute = attributes.get(code)
            if attribute is None:
                return self.fail("attributes", f"unknown attribute code '{code}'")
            value = _attribute_value(attribute, text)
            if isinstance(value, str):
                return self.fail("attributes", f"'{code}' {value}")
            typed[attribute] = value
        self.values["attributes"] = typed


def _attribute_value(attribute: Attribute, text: str) -> tuple[str, Decimal | None, bool | None] | str:
    """(value_text, value_number, value_boolean) for the attribute's type, or an error message."""
    kind = attribute.value_type
    if kind == Attribute.ValueType.NUMBER:
        if not _NUMBER_RE.fullmatch(text):
            return "must be a number"
        number = Decimal(text)
        if number != number.quantize(Decimal("0.001")) or abs(number) >= 10**9:
            return "must be a number below 1000000000 with at most 3 decimal places"
        return "", number.quantize(Decimal("0.001")), None
    if kind == Attribute.ValueType.BOOLEAN:
        if text.lower() not in _TRUE | _FALSE:
            return _BOOLEAN_HINT
        return "", None, text.lower() in _TRUE
    if len(text) > 200:
        return "must be at most 200 characters"
    return text, None, None


def _parse_row(row: int, cells: dict[str, str], errors: _Errors, categories, attributes) -> dict[str, object]:
    parser = _RowParser(row, cells, errors)
    parser.text("product_slug", max_length=220, required=True)
    if slug := parser.values.get("product_slug"):
        try:
            validate_slug(slug)
        except ValidationError:
            del parser.values["product_slug"]
            parser.fail("product_slug", "must contain only letters, digits, hyphens and underscores")
    parser.text("product_name", max_length=200, required=True)
    parser.category(categories)
    parser.text("brand", max_length=120, required=True)
    if (brand := parser.values.get("brand")) and not slugify(brand):
        del parser.values["brand"]
        parser.fail("brand", "must contain a letter or a digit")
    parser.text("description")
    parser.boolean("product_active")
    parser.attributes(attributes)
    parser.text("sku", max_length=64, required=True)
    parser.text("variant_name", max_length=120)
    if (options := parser.pairs("option_values", kind="option")) is not None:
        parser.values["option_values"] = options
    parser.money("price", required=True, positive=True)
    parser.money("compare_at_price", positive=True)
    price, compare_at = parser.values.get("price"), parser.values.get("compare_at_price")
    if price is not None and compare_at is not None and compare_at <= price:
        parser.fail("compare_at_price", "must be greater than price")
    parser.money("cost", default=Decimal("0.00"))
    parser.whole_number("stock_quantity")
    parser.boolean("variant_active")
    return parser.values


class _ImportPlan:
    """The validated rows, turned into the objects to create and to update."""

    @classmethod
    def build(cls, records: list[tuple[int, dict[str, str]]], errors: _Errors) -> "_ImportPlan":
        paths = {cells["category"].strip().strip("/") for _, cells in records}
        categories = {category.path: category for category in Category.objects.filter(path__in=paths)}
        attributes = {attribute.code: attribute for attribute in Attribute.objects.all()}
        parsed = [(row, _parse_row(row, cells, errors, categories, attributes)) for row, cells in records]

        first_of_sku: dict[str, int] = {}
        first_of_product: dict[str, tuple[int, dict]] = {}
        for row, values in parsed:
            if sku := values.get("sku"):
                if sku in first_of_sku:
                    errors.add(row, "sku", f"duplicate SKU '{sku}' (also in row {first_of_sku[sku]})")
                first_of_sku.setdefault(sku, row)
            if slug := values.get("product_slug"):
                first_row, first = first_of_product.setdefault(slug, (row, values))
                for column in PRODUCT_COLUMNS[1:]:
                    if (
                        column in values
                        and column in first
                        and _comparable(first, column) != _comparable(values, column)
                    ):
                        errors.add(row, column, f"differs from row {first_row} for product '{slug}'")

        variants = {v.sku: v for v in Variant.objects.filter(sku__in=list(first_of_sku)).select_related("product")}
        for row, values in parsed:
            variant = variants.get(values.get("sku"))
            slug = values.get("product_slug")
            if variant is not None and slug and variant.product.slug != slug:
                errors.add(row, "sku", f"'{variant.sku}' belongs to product '{variant.product.slug}'")
        errors.raise_if_any()
        return cls([values for _, values in parsed], variants)

    def __init__(self, rows: list[dict], variants: dict[str, Variant]):
        self.brands_new: list[Brand] = []
        self.products_new: list[Product] = []
        self.products_changed: list[Product] = []
        self.products_unchanged = 0
        self.attribute_values_new: list[ProductAttributeValue] = []
        self.attribute_values_changed: list[ProductAttributeValue] = []
        self.attribute_values_gone: list[int] = []
        self.variants_new: list[Variant] = []
        self.variants_changed: list[Variant] = []
        self.variants_unchanged = 0
        self.old_prices: list[tuple[Variant, Decimal]] = []

        first_rows: dict[str, dict] = {}
        for row in rows:
            first_rows.setdefault(row["product_slug"], row)
        brands = self._brands([row["brand"] for row in first_rows.values()])
        existing = Product.objects.filter(slug__in=list(first_rows)).prefetch_related("attribute_values")
        existing = {product.slug: product for product in existing}
        self.products = {
            slug: self._product(existing.get(slug), slug, row, brands[row["brand"].lower()])
            for slug, row in first_rows.items()
        }

        last_position = dict(
            Variant.objects.filter(product__slug__in=list(existing))
            .values("product__slug")
            .annotate(last=Max("position"))
            .values_list("product__slug", "last")
        )
        for row in rows:
            wanted = {field: row[column] for column, field in _VARIANT_COLUMNS.items()}
            variant = variants.get(row["sku"])
            if variant is None:
                slug = row["product_slug"]
                last_position[slug] = position = last_position.get(slug, -1) + 1
                self.variants_new.append(
                    Variant(product=self.products[slug], sku=row["sku"], position=position, **wanted)
                )
                continue
            old_price = variant.price
            if _assign(variant, wanted):
                self.variants_changed.append(variant)
                self.old_prices.append((variant, old_price))
            else:
                self.variants_unchanged += 1

    def _brands(self, names: list[str]) -> dict[str, Brand]:
        """Brands by lower-cased name: existing ones matched case-insensitively, the others new."""
        wanted: dict[str, str] = {}
        for name in names:
            wanted.setdefault(name.lower(), name)
        found = {
            brand.lowered: brand
            for brand in Brand.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(wanted))
        }
        taken = set(Brand.objects.values_list("slug", flat=True)) if len(found) < len(wanted) else set()
        for key, name in wanted.items():
            if key not in found:
                base = slug = slugify(name)[:130]
                suffix = 2
                while slug in taken:
                    slug, suffix = f"{base}-{suffix}", suffix + 1
                taken.add(slug)
                found[key] = Brand(name=name, slug=slug)
                self.brands_new.append(found[key])
        return found

    def _product(self, product: Product | None, slug: str, row: dict, brand: Brand) -> Product:
        wanted = {
            "name": row["product_name"],
            "category": row["category"],
            "brand": brand,
            "description": row["description"],
            "is_active": row["product_active"],
        }
        if product is None:
            product = Product(slug=slug, **wanted)
            self.products_new.append(product)
            self._attribute_values(product, row["attributes"])
            return product
        changed = _assign(product, wanted)
        if self._attribute_values(product, row["attributes"]) or changed:
            product.updated_at = timezone.now()
            self.products_changed.append(product)
        else:
            self.products_unchanged += 1
        return product

    def _attribute_values(self, product: Product, wanted: dict[Attribute, tuple]) -> bool:
        """Plan the product's attribute values so they match `wanted`; True when anything changes."""
        current = {value.attribute_id: value for value in product.attribute_values.all()} if product.pk else {}
        changed = False
        for attribute, (text, number, boolean) in wanted.items():
            value = current.pop(attribute.pk, None)
            if value is None:
                self.attribute_values_new.append(
                    ProductAttributeValue(
                        product=product,
                        attribute=attribute,
                        value_text=text,
                        value_number=number,
                        value_boolean=boolean,
                    )
                )
                changed = True
            elif (value.value_text, value.value_number, value.value_boolean) != (text, number, boolean):
                value.value_text, value.value_number, value.value_boolean = text, number, boolean
                self.attribute_values_changed.append(value)
                changed = True
        self.attribute_values_gone.extend(value.pk for value in current.values())
        return changed or bool(current)

    def summary(self, *, dry_run: bool) -> CatalogImportSummary:
        return CatalogImportSummary(
            dry_run=dry_run,
            products_created=len(self.products_new),
            products_updated=len(self.products_changed),
            products_unchanged=self.products_unchanged,
            variants_created=len(self.variants_new),
            variants_updated=len(self.variants_changed),
            variants_unchanged=self.variants_unchanged,
            brands_created=len(self.brands_new),
        )

    def apply(self) -> None:
        Brand.objects.bulk_create(self.brands_new)
        Product.objects.bulk_create(self.products_new, batch_size=1000)
        Product.objects.bulk_update(
            self.products_changed,
            ["name", "category", "brand", "description", "is_active", "updated_at"],
            batch_size=1000,
        )
        ProductAttributeValue.objects.filter(pk__in=self.attribute_values_gone).delete()
        ProductAttributeValue.objects.bulk_update(
            self.attribute_values_changed, ["value_text", "value_number", "value_boolean"], batch_size=1000
        )
        ProductAttributeValue.objects.bulk_create(self.attribute_values_new, batch_size=1000)
        Variant.objects.bulk_create(self.variants_new, batch_size=1000)
        Variant.objects.bulk_update(self.variants_changed, list(_VARIANT_COLUMNS.values()), batch_size=1000)
        variant_price_changes_record(changes=self.old_prices, reason="CSV import")
        product_denormalised_refresh(product_ids=[product.pk for product in self.products.values()])
        search_terms_refresh()


_VARIANT_COLUMNS = {
    "variant_name": "name",
    "option_values": "option_values",
    "price": "price",
    "compare_at_price": "compare_at_price",
    "cost": "cost",
    "stock_quantity": "stock_quantity",
    "variant_active": "is_active",
}


def _assign(instance, wanted: dict[str, object]) -> bool:
    """Set the wanted field values on an instance; True when any of them differed."""
    changed = False
    for field, value in wanted.items():
        if isinstance(value, Brand | Category):
            differs = getattr(instance, f"{field}_id") != value.pk
        else:
            differs = getattr(instance, field) != value
        if differs:
            setattr(instance, field, value)
            changed = True
    return changed


def _comparable(values: dict, column: str):
    """A product column's parsed value in a form that compares equal across rows of one product."""
    value = values[column]
    return value.lower() if column == "brand" else value
