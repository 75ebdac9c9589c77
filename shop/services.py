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
    Brand,
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
    if changed:
        search_terms_refresh()  # only active products' names are in the vocabulary
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


# --- Stock ---------------------------------------------------------------------------------------
# Orders take and return stock only through these two services, which keep the products' derived
# in_stock column current. Both touch the variant rows in the one order `_stock_lock_order` defines,
# ascending id, so two transactions taking or returning stock cannot deadlock.


def _stock_lock_order(variant_ids: Iterable[int]) -> list[int]:
    """The order in which every stock writer locks variant rows: ascending id, each row once."""
    return sorted(set(variant_ids))


@transaction.atomic
def stock_take(*, quantities: dict[int, int]) -> dict[int, Variant]:
    """Take `{variant id: units}` out of stock, all or nothing; returns the variants by id, with their
    products, locked until the caller's transaction ends and `stock_quantity` as left after the take.

    Lock order: one `select_for_update` of the variant rows in ascending id (`_stock_lock_order`).
    Every variant is checked under the lock, in that order, before anything is written; the first
    refusal raises ApplicationError with `details["variant"]`: `unavailable` (the variant or its
    product is withdrawn, or it was deleted), `sold_out` (none left) or `insufficient_stock` (fewer
    left than asked; `details["available"]`). Products whose variant just ran out get in_stock
    refreshed (`product_denormalised_refresh`).
    """
    if any(not isinstance(units, int) or units < 1 for units in quantities.values()):
        raise ValueError("stock_take needs at least one unit of each variant")
    ids = _stock_lock_order(quantities)
    variants = {
        variant.pk: variant
        for variant in Variant.objects.select_for_update(of=("self",))
        .select_related("product")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    for variant_id in ids:
        variant = variants.get(variant_id)
        if variant is None:
            message = "That product is no longer available."
            raise ApplicationError(message, code="unavailable", details={"variant": variant_id})
        name = variant.product.name
        if not (variant.is_active and variant.product.is_active):
            raise ApplicationError(
                f"Sorry, {name} is no longer available; please remove it from your cart.",
                code="unavailable",
                details={"variant": variant_id},
            )
        if variant.stock_quantity <= 0:
            raise ApplicationError(f"Sorry, {name} just sold out.", code="sold_out", details={"variant": variant_id})
        if variant.stock_quantity < quantities[variant_id]:
            raise ApplicationError(
                f"Sorry, only {variant.stock_quantity} of {name} left; please lower the quantity.",
                code="insufficient_stock",
                details={"variant": variant_id, "available": variant.stock_quantity},
            )
    for variant_id in ids:
        Variant.objects.filter(pk=variant_id).update(stock_quantity=F("stock_quantity") - quantities[variant_id])
        variants[variant_id].stock_quantity -= quantities[variant_id]
    sold_out = {variant.product_id for variant in variants.values() if variant.stock_quantity == 0}
    if sold_out:  # the product may have left stock: listings filter and facet on its in_stock column
        product_denormalised_refresh(product_ids=sold_out)
    return variants


@transaction.atomic
def stock_return(*, quantities: dict[int, int]) -> None:
    """Put `{variant id: units}` back in stock and refresh their products' in_stock; units below 1
    and ids of deleted variants change nothing.

    Lock order: each row is updated (the UPDATE locks it) in ascending id (`_stock_lock_order`), the
    order `stock_take` locks them in.
    """
    ids = [variant_id for variant_id in _stock_lock_order(quantities) if quantities[variant_id] > 0]
    for variant_id in ids:
        Variant.objects.filter(pk=variant_id).update(stock_quantity=F("stock_quantity") + quantities[variant_id])
    if ids:
        product_denormalised_refresh(
            product_ids=Variant.objects.filter(pk__in=ids).values_list("product_id", flat=True).distinct()
        )


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


# --- Catalogue writes from the back office -------------------------------------------------------
# The admin's forms validate and build the rows; these services save them and keep current what
# depends on them: a product's min_price, in_stock and search document, its rating, the price
# history, and the "did you mean" vocabulary (the words of active product, brand and category names).

VOCABULARY_FIELDS = frozenset({"name", "is_active"})  # a product change that alters the vocabulary


def product_save(*, product: Product, changed: Iterable[str] = ()) -> Product:
    """Save a product built by a form (new, or with the `changed` fields) and refresh what depends on it."""
    created = product._state.adding
    with transaction.atomic():
        product.save()
        product_denormalised_refresh(product_ids=[product.pk])
        if created or VOCABULARY_FIELDS & set(changed):
            search_terms_refresh()
    return product


def variant_save(
    *, variant: Variant, old_price: Decimal | None = None, old_product_id: int | None = None, reason: str, changed_by
) -> Variant:
    """Save a variant built by a form. A price that differs from `old_price` joins the price history
    with `reason`; the product it belongs to (and `old_product_id`, if it moved) is refreshed."""
    with transaction.atomic():
        variant.save()
        if old_price is not None:
            variant_price_changes_record(changes=[(variant, old_price)], reason=reason, changed_by=changed_by)
        product_denormalised_refresh(product_ids=[variant.product_id, *filter(None, [old_product_id])])
    return variant


def variant_price_set(*, variant: Variant, price: Decimal, reason: str, changed_by=None) -> PriceChange | None:
    """Give a variant (locked by the caller) a new price: saved, recorded in the price history with
    `reason`, its product refreshed. Returns the history row, or None if the price did not change."""
    old_price, variant.price = variant.price, price
    variant.save(update_fields=["price"])
    changes = variant_price_changes_record(changes=[(variant, old_price)], reason=reason, changed_by=changed_by)
    product_denormalised_refresh(product_ids=[variant.product_id])
    return changes[0] if changes else None


@transaction.atomic
def variants_delete(*, variants) -> int:
    """Delete variants (a queryset) and refresh their products; returns how many rows went."""
    product_ids = list(variants.values_list("product_id", flat=True))
    deleted, _by_model = variants.delete()
    product_denormalised_refresh(product_ids=product_ids)
    return deleted


@transaction.atomic
def category_save(*, category: Category, changed: Iterable[str] = ()) -> Category:
    """Save a category built by a form: its descendants follow a new path, and a new name reaches its
    products' search documents and the vocabulary."""
    created = category._state.adding
    old_path = category.path if created else Category.objects.values_list("path", flat=True).get(pk=category.pk)
    category.save()
    category_descendant_paths_move(old_path=old_path, new_path=category.path)
    if "name" in changed:
        product_denormalised_refresh(product_ids=category.products.values_list("pk", flat=True))
    if created or "name" in changed:
        search_terms_refresh()
    return category


@transaction.atomic
def brand_save(*, brand: Brand, changed: Iterable[str] = ()) -> Brand:
    """Save a brand built by a form; a new name reaches its products' search documents and the vocabulary."""
    created = brand._state.adding
    brand.save()
    if "name" in changed:
        product_denormalised_refresh(product_ids=brand.products.values_list("pk", flat=True))
    if created or "name" in changed:
        search_terms_refresh()
    return brand


@transaction.atomic
def catalogue_names_delete(*, rows) -> int:
    """Delete brands or categories (a queryset) and drop their names' words from the vocabulary."""
    deleted, _by_model = rows.delete()
    search_terms_refresh()
    return deleted


@transaction.atomic
def review_save(*, review: Review, old_product_id: int | None = None) -> Review:
    """Save a review a moderator edited; its product's rating (and the old one's, if it moved) follows."""
    review.save()
    product_rating_refresh(product_ids=[review.product_id, *filter(None, [old_product_id])])
    return review


@transaction.atomic
def reviews_delete(*, reviews) -> int:
    """Delete reviews (a queryset) and refresh their products' ratings; returns how many rows went."""
    product_ids = list(reviews.values_list("product_id", flat=True))
    deleted, _by_model = reviews.delete()
    product_rating_refresh(product_ids=product_ids)
    return deleted
