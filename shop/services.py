"""Write-side operations of the catalog, shared by admin, CSV import, the demo loader and the API."""

import io
from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from core.page_cache import page_cache_invalidate
from events.models import Interaction
from events.services import interaction_record
from shop import selectors
from shop.models import (
    Category,
    PriceChange,
    Product,
    ProductImage,
    Review,
    ReviewVote,
    SearchTerm,
    Variant,
    WishlistItem,
)
from shop.signals import review_written

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
    transaction.on_commit(page_cache_invalidate)  # after commit, or a request could re-cache old data
    with connection.cursor() as cursor:
        if product_ids is None:
            cursor.execute(_REFRESH_SQL.format(where="true"))
        else:
            ids = sorted(set(product_ids))
            if ids:
                cursor.execute(_REFRESH_SQL.format(where="p2.id = ANY(%s)"), [ids])


def product_rating_refresh(*, product_ids: Iterable[int] | None = None) -> None:
    """Recompute rating_avg and rating_count from published reviews."""
    transaction.on_commit(page_cache_invalidate)  # after commit, or a request could re-cache old data
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


# --- Reviews and wishlist -------------------------------------------------------------------------

REVIEW_TITLE_MAX_LENGTH = Review._meta.get_field("title").max_length
REVIEW_BODY_MAX_LENGTH = Review._meta.get_field("body").max_length


def _review_fields_clean(*, partial_update: bool = False, **given) -> dict:
    """The given review fields validated (text stripped of outer whitespace), or an ApplicationError
    whose details hold every field's error. With `partial_update`, fields given as None are left out.

    Forms and serializers check the same limits first; this keeps the admin, scripts and any future
    caller to the same rules, since TextField's max_length is not enforced by the model or database.
    """
    limits = {"title": REVIEW_TITLE_MAX_LENGTH, "body": REVIEW_BODY_MAX_LENGTH}
    cleaned, errors = {}, {}
    for name, value in given.items():
        if value is None and partial_update:
            continue
        if name == "rating":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                errors[name] = ["Choose a rating from 1 to 5 stars."]
            else:
                cleaned[name] = value
            continue
        text = value.strip() if isinstance(value, str) else None
        if not text:
            errors[name] = ["This field is required."]
        elif len(text) > limits[name]:
            errors[name] = [f"Ensure this field has no more than {limits[name]} characters (it has {len(text)})."]
        elif "\x00" in text:
            errors[name] = ["Null characters are not allowed."]
        else:
            cleaned[name] = text
    if errors:
        raise ApplicationError("The review has invalid fields.", code="invalid", details=errors)
    return cleaned


def _review_author_name(user) -> str:
    """The public name on a review: first name and last initial ("Ana P."), else the first name, else
    the username; it never shows a full surname or an email address."""
    first, last = user.first_name.strip(), user.last_name.strip()
    name = f"{first} {last[0]}." if first and last else first or user.get_username()
    return name[: Review._meta.get_field("author_name").max_length]


@transaction.atomic
def review_create(
    *, user, product: Product, rating: int, title: str, body: str, source: str = Interaction.Source.WEB
) -> Review:
    """A verified buyer's review of a product: published at once, one per customer and product.

    Raises PermissionDeniedError (`not_verified_buyer`) unless `selectors.review_verified_buyer`,
    ApplicationError `already_reviewed` for a second review (also when two requests race: the unique
    constraint decides), `invalid` with field errors for bad fields. Refreshes the product's rating.
    """
    if not selectors.review_verified_buyer(user=user, product=product):
        raise PermissionDeniedError("Only customers who bought this product can review it.", code="not_verified_buyer")
    fields = _review_fields_clean(rating=rating, title=title, body=body)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product,
                user=user,
                author_name=_review_author_name(user),
                status=Review.Status.PUBLISHED,
                created_at=timezone.now(),
                **fields,
            )
    except IntegrityError as exc:
        raise ApplicationError(
            "You have already reviewed this product; edit your review instead.", code="already_reviewed"
        ) from exc
    product_rating_refresh(product_ids=[product.pk])
    transaction.on_commit(
        partial(interaction_record, kind=Interaction.Kind.REVIEW, user=user, product=product.pk, source=source)
    )
    review_written.send(sender=Review, review_id=review.pk)  # sentiment scores it after commit
    return review


@transaction.atomic
def review_update(
    *, review: Review, user, rating: int | None = None, title: str | None = None, body: str | None = None
) -> Review:
    """Its author's edit of a review; fields left None stay as they are. The moderation status is kept.

    Anyone but the author gets NotFoundError (`review_not_found`), so nobody learns about others'
    reviews. The product's rating is refreshed when a published review's rating changed.
    """
    if review.user_id is None or review.user_id != user.pk:
        raise NotFoundError("No such review.", code="review_not_found")
    changes = _review_fields_clean(partial_update=True, rating=rating, title=title, body=body)
    changes = {name: value for name, value in changes.items() if getattr(review, name) != value}
    if not changes:
        return review
    for name, value in changes.items():
        setattr(review, name, value)
    review.updated_at = timezone.now()
    review.save(update_fields=[*changes, "updated_at"])
    if "rating" in changes and review.status == Review.Status.PUBLISHED:
        product_rating_refresh(product_ids=[review.product_id])
    review_written.send(sender=Review, review_id=review.pk)  # the text or stars changed: score it again
    return review


@transaction.atomic
def review_vote_helpful(*, review: Review, user) -> Review:
    """Count the user's "helpful" vote on a published review, once: voting again changes nothing.

    Raises NotFoundError for an unpublished review and ApplicationError `own_review` on one's own.
    Returns the review with its current `helpful_count`.
    """
    if review.status != Review.Status.PUBLISHED:
        raise NotFoundError("No such review.", code="review_not_found")
    if review.user_id == user.pk:
        raise ApplicationError("You cannot vote on your own review.", code="own_review")
    _vote, created = ReviewVote.objects.get_or_create(review=review, user=user)
    if created:
        Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    review.refresh_from_db(fields=["helpful_count"])
    return review


@transaction.atomic
def wishlist_add(*, user, product: Product, source: str = Interaction.Source.WEB) -> tuple[WishlistItem, bool]:
    """Save an active product to the user's wishlist; adding it again changes nothing.

    Returns the item and whether it was new. The item remembers whether the product was in stock,
    for the "back in stock" badge (see WishlistItem).
    """
    if not product.is_active:
        raise NotFoundError("No such product.", code="product_not_found")
    item, created = WishlistItem.objects.get_or_create(
        user=user, product=product, defaults={"was_in_stock": product.in_stock}
    )
    if created:
        transaction.on_commit(
            partial(
                interaction_record, kind=Interaction.Kind.WISHLIST_ADD, user=user, product=product.pk, source=source
            )
        )
    return item, created


def wishlist_remove(*, user, product: Product) -> bool:
    """Take a product off the user's wishlist; returns whether it was there (removing twice is fine)."""
    deleted, _by_model = WishlistItem.objects.filter(user=user, product=product).delete()
    return deleted > 0


def wishlist_clear(*, user) -> int:
    """Empty the user's wishlist (their account is being closed); returns how many items went."""
    deleted, _by_model = WishlistItem.objects.filter(user=user).delete()
    return deleted


# A closed account's reviews stay (they help other shoppers) under this name instead of the customer's.
DELETED_AUTHOR_NAME = "Former customer"


def reviews_author_anonymise(*, user) -> int:
    """Show the user's reviews as written by a former customer (their account is being closed)."""
    return Review.objects.filter(user=user).update(author_name=DELETED_AUTHOR_NAME)
