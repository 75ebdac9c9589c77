"""Write-side operations of the catalog, shared by admin, CSV import, the demo loader and the API."""

import io
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from shop.models import Category, PriceChange, Product, ProductImage, Review, SearchTerm, Variant

# Weighted full-text document of a product: name (A) > brand and category (B) > description (C).
# Kept in SQL so that one statement refreshes any number of products after bulk writes.
_REFRESH_SQL = """
UPDATE shop_product AS p SET
    min_price = COALESCE(v.min_price, 0),
    in_stock = COALESCE(v.in_stock, false),
    search_vector =
        setweight(to_tsvector('english', p.name), 'A') ||
        setweight(to_tsvector('english', b.name || ' ' || c.name), 'B') ||
        setweight(to_tsvector('english', p.description), 'C')
FROM shop_brand b, shop_category c,
    (SELECT p2.id AS product_id,
            MIN(var.price) FILTER (WHERE var.is_active) AS min_price,
            BOOL_OR(var.is_active AND var.stock_quantity > 0) AS in_stock
       FROM shop_product p2 LEFT JOIN shop_variant var ON var.product_id = p2.id
      WHERE {where}
      GROUP BY p2.id) v
WHERE p.id = v.product_id AND b.id = p.brand_id AND c.id = p.category_id
"""


def product_denormalised_refresh(*, product_ids: Iterable[int] | None = None) -> None:
    """Recompute min_price, in_stock and search_vector for the given products (all if None)."""
    with connection.cursor() as cursor:
        if product_ids is None:
            cursor.execute(_REFRESH_SQL.format(where="true"))
        else:
            ids = sorted(set(product_ids))
            if ids:
                cursor.execute(_REFRESH_SQL.format(where="p2.id = ANY(%s)"), [ids])


def product_rating_refresh(*, product_ids: Iterable[int] | None = None) -> None:
    """Recompute rating_avg and rating_count from published reviews."""
    where, params = ("true", []) if product_ids is None else ("p.id = ANY(%s)", [sorted(set(product_ids))])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE shop_product AS p SET
                rating_avg = COALESCE(r.avg, 0), rating_count = COALESCE(r.n, 0)
            FROM shop_product p2 LEFT JOIN (
                SELECT product_id, ROUND(AVG(rating)::numeric, 2) AS avg, COUNT(*) AS n
                  FROM shop_review WHERE status = 'published' GROUP BY product_id
            ) r ON r.product_id = p2.id
            WHERE p.id = p2.id AND {where}
            """,
            params,
        )


@transaction.atomic
def search_terms_refresh() -> int:
    """Rebuild the vocabulary used for "did you mean" from active product, brand and category names."""
    SearchTerm.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO shop_searchterm (term, frequency)
            SELECT word, COUNT(*) FROM (
                SELECT regexp_split_to_table(lower(name), '[^[:alnum:]]+') AS word
                  FROM shop_product WHERE is_active
                UNION ALL SELECT regexp_split_to_table(lower(name), '[^[:alnum:]]+') FROM shop_brand
                UNION ALL SELECT regexp_split_to_table(lower(name), '[^[:alnum:]]+') FROM shop_category
            ) words
            WHERE length(word) BETWEEN 3 AND 80 AND word !~ '^[0-9]+$'
            GROUP BY word
            """
        )
        return cursor.rowcount


THUMBNAIL_SIZES = {"thumbnail_small": 320, "thumbnail_medium": 640}


@transaction.atomic
def product_image_add(*, product: Product, image_file, alt_text: str = "", position: int | None = None) -> ProductImage:
    """Store an uploaded image and its responsive thumbnails.

    Thumbnails are made once here with Pillow rather than on first view (sorl/imagekit style), so a
    page render never touches the file system or a thumbnail cache to build its <img srcset>.
    The image is re-encoded as JPEG, which also drops anything but pixels from untrusted uploads.
    """
    if position is None:
        position = product.images.count()
    picture = _open_image(image_file)
    image = ProductImage(product=product, alt_text=alt_text or product.name, position=position)
    image.image.save(f"{product.pk}-{position}.jpg", _jpeg(picture, max_side=1600), save=False)
    for field, side in THUMBNAIL_SIZES.items():
        getattr(image, field).save(f"{product.pk}-{position}-{side}.jpg", _jpeg(picture, max_side=side), save=False)
    image.save()
    return image


MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def _open_image(image_file) -> Image.Image:
    if getattr(image_file, "size", 0) > MAX_IMAGE_BYTES:
        raise ValidationError({"image": "Images must be at most 8 MB."})
    try:
        picture = Image.open(image_file)
        if picture.width * picture.height > MAX_IMAGE_PIXELS:
            raise ValidationError({"image": "Images must be at most 40 megapixels."})
        picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError({"image": "Upload a valid JPEG, PNG, GIF or WebP image."}) from exc
    if picture.format not in {"JPEG", "PNG", "GIF", "WEBP"}:
        raise ValidationError({"image": "Upload a valid JPEG, PNG, GIF or WebP image."})
    return picture.convert("RGB")


def _jpeg(picture: Image.Image, *, max_side: int) -> ContentFile:
    copy = picture.copy()
    copy.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
    # Named, or Django sees a nameless (falsy) file and stores NULL width/height for the image.
    return ContentFile(buffer.getvalue(), name="image.jpg")


# --- Back-office operations (admin actions; the CSV import lives in shop.csv_io) --------------


def product_image_validate(*, image_file) -> None:
    """Check an upload exactly as product_image_add will, so a form can show the error before saving."""
    _open_image(image_file)
    image_file.seek(0)


@transaction.atomic
def product_active_set(*, product_ids: Iterable[int], is_active: bool) -> int:
    """Activate or deactivate products; returns how many actually changed."""
    ids = sorted(set(product_ids))
    changed = (
        Product.objects.filter(pk__in=ids)
        .exclude(is_active=is_active)
        .update(is_active=is_active, updated_at=timezone.now())
    )
    product_denormalised_refresh(product_ids=ids)
    return changed


@transaction.atomic
def product_category_set(*, product_ids: Iterable[int], category: Category) -> int:
    """Move products to another category; returns how many actually moved."""
    ids = sorted(set(product_ids))
    changed = (
        Product.objects.filter(pk__in=ids)
        .exclude(category=category)
        .update(category=category, updated_at=timezone.now())
    )
    product_denormalised_refresh(product_ids=ids)
    return changed


@transaction.atomic
def review_status_set(*, review_ids: Iterable[int], status: str) -> int:
    """Publish, hide or queue reviews and refresh the ratings of their products."""
    reviews = Review.objects.filter(pk__in=sorted(set(review_ids))).exclude(status=status)
    product_ids = list(reviews.values_list("product_id", flat=True).distinct())
    changed = reviews.update(status=status)
    product_rating_refresh(product_ids=product_ids)
    return changed


def variant_price_changes_record(
    *, changes: Iterable[tuple[Variant, Decimal]], reason: str, changed_by=None
) -> list[PriceChange]:
    """Append price history for each (variant, old price) whose saved price differs from the old one."""
    now = timezone.now()
    return PriceChange.objects.bulk_create(
        PriceChange(
            variant=variant,
            old_price=old_price,
            new_price=variant.price,
            changed_at=now,
            reason=reason,
            changed_by=changed_by,
        )
        for variant, old_price in changes
        if old_price != variant.price
    )


def category_descendant_paths_move(*, old_path: str, new_path: str) -> int:
    """After a category's slug or parent changed, rewrite the materialised paths of its descendants."""
    if old_path == new_path:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE shop_category SET path = %s || substr(path, %s) WHERE path LIKE %s",
            [new_path, len(old_path) + 1, old_path.replace("_", r"\_") + "/%"],
        )
        return cursor.rowcount
